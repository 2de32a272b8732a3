#!/usr/bin/env python3
"""make_zipdocs.py - writes the DOCX, ODT and EPUB test documents into a
folder (tests/test_zipdocs.c runs it; nothing binary is checked in).

    python3 tests/data/make_zipdocs.py OUTDIR

Files:
  report.docx     styles-based headings (a styleId whose name is "heading 2",
                  "Title", a style based on a heading style, an outline
                  level), a footnote, a table, a tracked deletion and
                  insertion, a hidden run, a field instruction, core
                  properties
  report.odt      the same in OpenDocument (text:h, a Title paragraph, a
                  footnote, a table, tracked changes, meta.xml)
  book.epub       three chapters whose spine order (b, c, a) differs from
                  their file names' order; one href %-encoded
  bomb.docx       word/document.xml unpacks to 1000 times its packed size
  large.docx      40,000 paragraphs (long enough to read for a budget test)
  encrypted.docx  word/document.xml flagged encrypted
  damaged.docx    a zip signature and garbage
Every marker word starts with "zq" so that it occurs nowhere else.
"""
import os
import sys
import zipfile

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
R = 'http://schemas.openxmlformats.org/package/2006/relationships'
RT = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def para(text, style=None, extra=''):
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ''
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{extra}</w:p>'


def docx_parts(body_xml):
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{R}">'
            f'<Relationship Id="rId1" Type="{RT}/officeDocument" Target="word/document.xml"/>'
            f'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            f'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    doc_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{R}">'
                f'<Relationship Id="rId1" Type="{RT}/styles" Target="styles.xml"/>'
                f'<Relationship Id="rId2" Type="{RT}/footnotes" Target="footnotes.xml"/>'
                '</Relationships>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/'
                f'markup-compatibility/2006"><w:body>{body_xml}<w:sectPr/></w:body></w:document>')
    return [('[Content_Types].xml', content_types), ('_rels/.rels', rels),
            ('word/_rels/document.xml.rels', doc_rels), ('word/document.xml', document)]


def write_docx(path):
    table = ('<w:tbl><w:tblPr/>'
             '<w:tr><w:tc>' + para('Cell alpha') + '</w:tc><w:tc>' + para('Cell beta') + '</w:tc></w:tr>'
             '<w:tr><w:tc>' + para('Cell gamma') + '</w:tc><w:tc>' + para('Cell delta') + '</w:tc></w:tr>'
             '</w:tbl>')
    tracked = ('<w:p><w:r><w:t xml:space="preserve">The budget was </w:t></w:r>'
               '<w:del w:id="1" w:author="A"><w:r><w:delText xml:space="preserve">zqdeleted </w:delText></w:r></w:del>'
               '<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve">zqinserted </w:t></w:r></w:ins>'
               '<w:r><w:t>approved.</w:t></w:r></w:p>')
    hidden_and_field = ('<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>zqhidden</w:t></w:r>'
                        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                        '<w:r><w:instrText xml:space="preserve"> zqinstr PAGE </w:instrText></w:r>'
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                        '<w:r><w:t>Fifth paragraph with a field result.</w:t></w:r>'
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    body = (para('Annual Harbour Review', 'Titel') +
            para('Opening words before any heading.') +
            para('Findings', 'Heading1') +
            para('The harbour handled more ships than ever.') +
            para('Dredging continued all year.', extra='<w:r><w:footnoteReference w:id="1"/></w:r>') +
            tracked +
            para('Fourth paragraph: zqfourth says the quay was rebuilt.') +
            hidden_and_field +
            table +
            para('Costs', 'Berschrift2') +
            para('Costs rose by a third, zqcosts.') +
            para('Custom heading', 'MyHead') +
            para('Under the custom heading.') +
            para('Outlined heading', 'Outlined') +
            '<w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t></w:r></w:p>' +
            '<w:p><w:r><w:t xml:space="preserve">   </w:t></w:r></w:p>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W}">'
              '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Berschrift2"><w:name w:val="heading 2"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="My Custom"/>'
              '<w:basedOn w:val="Heading1"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Outlined"><w:name w:val="Outlined"/>'
              '<w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>'
              '</w:styles>')
    footnotes = (f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
                 '<w:r><w:t xml:space="preserve"> zqfootnote explains the dredging.</w:t></w:r></w:p></w:footnote>'
                 '</w:footnotes>')
    core = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
            '<dc:title>Harbour Review 2023</dc:title><dc:creator>Ada Lovelace</dc:creator>'
            '<dcterms:created>2023-05-14T10:00:00Z</dcterms:created>'
            '<dcterms:modified>2024-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in docx_parts(body):
            z.writestr(name, data)
        z.writestr('word/styles.xml', styles)
        z.writestr('word/footnotes.xml', footnotes)
        z.writestr('docProps/core.xml', core)


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def write_odt(path):
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3">'
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
        'style:parent-style-name="Title"/></office:automatic-styles>'
        '<office:body><office:text>'
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        '<office:change-info><dc:creator>A</dc:creator></office:change-info>'
        '<text:p>zqodtdeleted words</text:p></text:deletion></text:changed-region>'
        '<text:changed-region text:id="ct2"><text:insertion><office:change-info>'
        '<dc:creator>A</dc:creator></office:change-info></text:insertion></text:changed-region>'
        '</text:tracked-changes>'
        '<text:p text:style-name="P1">Ferry Study</text:p>'
        '<text:p>Before the first heading.</text:p>'
        '<text:h text:outline-level="1">Results</text:h>'
        '<text:p>Ferries ran<text:s text:c="3"/>on time.</text:p>'
        '<text:p>Crossings grew.<text:note text:id="n1" text:note-class="footnote">'
        '<text:note-citation>1</text:note-citation><text:note-body>'
        '<text:p>zqodtnote counts the crossings.</text:p></text:note-body></text:note></text:p>'
        '<text:p>Fares were <text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>'
        'zqodtinserted <text:change-end text:change-id="ct2"/>lowered.</text:p>'
        '<text:p>Fourth: zqodtfourth the pier was painted.<text:line-break/>Second line.</text:p>'
        '<table:table table:name="T"><table:table-row>'
        '<table:table-cell><text:p>Cell one</text:p></table:table-cell>'
        '<table:table-cell><text:p>Cell two</text:p></table:table-cell>'
        '</table:table-row></table:table>'
        '<text:h text:outline-level="2">Budget</text:h>'
        '<text:list><text:list-item><text:p>Item zqodtitem</text:p></text:list-item></text:list>'
        '<office:annotation><text:p>zqodtcomment</text:p></office:annotation>'
        '</office:text></office:body></office:document-content>')
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
            '<dc:title>Ferry Study 2022</dc:title><meta:initial-creator>Grace Hopper</meta:initial-creator>'
            '<dc:creator>Someone Else</dc:creator><meta:creation-date>2022-03-01T09:00:00</meta:creation-date>'
            '<dc:date>2022-04-01T09:00:00</dc:date></office:meta></office:document-meta>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.text',
                   compress_type=zipfile.ZIP_STORED)
        z.writestr('content.xml', content)
        z.writestr('meta.xml', meta)
        z.writestr('META-INF/manifest.xml', manifest)


def chapter(title, words):
    return ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html>'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>ignored</title></head><body>'
            f'<h1>{title}</h1><p>{words}</p><h2>{title} notes</h2><p>More of {title}.</p>'
            '</body></html>')


def write_epub(path):
    container = ('<?xml version="1.0"?><container version="1.0" '
                 'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                 '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                 '</rootfiles></container>')
    opf = ('<?xml version="1.0" encoding="UTF-8"?><package xmlns="http://www.idpf.org/2007/opf" '
           'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<dc:identifier id="id">urn:x</dc:identifier><dc:title>Tides</dc:title>'
           '<dc:creator>Rachel Carson</dc:creator><dc:creator>Second Author</dc:creator>'
           '<dc:date>1951-07-02</dc:date><meta property="dcterms:modified">2020-01-01T00:00:00Z</meta>'
           '</metadata><manifest>'
           '<item id="a" href="text/a-first.xhtml" media-type="application/xhtml+xml"/>'
           '<item id="b" href="text/b-second.xhtml" media-type="application/xhtml+xml"/>'
           '<item id="c" href="text/c%20third.xhtml" media-type="application/xhtml+xml"/>'
           '<item id="img" href="cover.png" media-type="image/png"/>'
           '</manifest><spine><itemref idref="img"/><itemref idref="b"/><itemref idref="c"/>'
           '<itemref idref="a"/></spine></package>')
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo('mimetype'), 'application/epub+zip', compress_type=zipfile.ZIP_STORED)
        z.writestr('META-INF/container.xml', container)
        z.writestr('OEBPS/content.opf', opf)
        z.writestr('OEBPS/text/a-first.xhtml', chapter('Chapter Three', 'zqthird comes last.'))
        z.writestr('OEBPS/text/b-second.xhtml', chapter('Chapter One', 'zqfirst comes first.'))
        z.writestr('OEBPS/text/c third.xhtml', chapter('Chapter Two', 'zqsecond in the middle.'))
        z.writestr('OEBPS/cover.png', b'\x89PNG not really')


def write_bomb(path):
    pad = ' ' * (30 << 20)
    body = para('zqbomb') + pad
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in docx_parts(body):
            z.writestr(name, data)


def write_large(path):
    body = ''.join(para(f'Paragraph {i} about harbour number {i * 7919 % 10007}.')
                   for i in range(40000))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in docx_parts(body):
            z.writestr(name, data)


def write_encrypted(path):
    """Every member flagged encrypted (general purpose bit 0) in its local
    and central headers; zipfile cannot write the flag itself."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for name, data in docx_parts(para('zqsecret')):
            z.writestr(name, data)
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    for signature, flags_at in ((b'PK\x03\x04', 6), (b'PK\x01\x02', 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags_at] |= 1
            at = data.find(signature, at + 4)
    with open(path, 'wb') as f:
        f.write(data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_docx(os.path.join(out, 'report.docx'))
    write_odt(os.path.join(out, 'report.odt'))
    write_epub(os.path.join(out, 'book.epub'))
    write_bomb(os.path.join(out, 'bomb.docx'))
    write_large(os.path.join(out, 'large.docx'))
    write_encrypted(os.path.join(out, 'encrypted.docx'))
    with open(os.path.join(out, 'damaged.docx'), 'wb') as f:
        f.write(b'PK\x03\x04' + b'\x00garbage' * 40)


if __name__ == '__main__':
    main()
