/*
 * odt.c - the ODT reader (OpenDocument text, LibreOffice's format): visible
 * text in reading order, headings, notes, title, author and date.
 *
 * As a row of the readers table (.odt): chosen by content when the file is
 * a zip whose first member "mimetype" holds
 * application/vnd.oasis.opendocument.text (zipsniff.h), by name for any
 * other zip; sandboxed like PDF and DOCX (zipdoc.h), members read under the
 * zip-bomb limits of zipread.h.
 *
 * Text (content.xml, office:body/office:text; wptext.h builds it): each
 * text:p and text:h is a paragraph, in document order, also inside lists,
 * tables (each cell's paragraphs are paragraphs of their own), sections and
 * text frames; text:s is a space, text:tab a space, text:line-break a line
 * break.  Left out: tracked changes (text:tracked-changes, which holds the
 * deleted text; inserted text stays in place and is kept), annotations
 * (office:annotation), hidden text (text:hidden-text), the templates of
 * indexes (text:*-source), images' titles and descriptions, and notes in
 * place (text:note: their bodies come after the text).
 *
 * Headings: text:h, of its text:outline-level (1 when absent; deeper than
 * 6 is 6); a text:p whose style is "Title" (directly or as the parent of
 * its automatic style) is a heading of level 1.
 *
 * Notes: after the body, footnotes then endnotes (text:note-class), each
 * set under a heading of level 1 "Footnotes" / "Endnotes" that the reader
 * adds, one paragraph per paragraph of a note.
 *
 * Properties (meta.xml, office:meta): title dc:title, author
 * meta:initial-creator, else dc:creator; date meta:creation-date, else
 * dc:date (docdate.h reads it).
 */
#include "extract/readers.h"

#include <stdlib.h>
#include <string.h>

#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "extract/wptext.h"
#include "extract/zipdoc.h"
#include "extract/zipsniff.h"
#include "extract/zipxml.h"

#define LABEL "ODT"
#define MEDIA_TYPE "application/vnd.oasis.opendocument.text"
#define NS_TEXT "xmlns:text:1.0"
#define NS_OFFICE "xmlns:office:1.0"
#define NS_STYLE "xmlns:style:1.0"
#define NS_SVG "xmlns:svg-compatible:1.0"
#define MAX_DEPTH 512

typedef enum note_class { NOTE_FOOT, NOTE_END } note_class;

typedef struct walker {
    shelf_wptext *text;
    xmlNode *auto_styles; /* office:automatic-styles of content.xml, or NULL */
} walker;

static bool is_text(const xmlNode *n, const char *local)
{
    return shelf_xml_is(n, NS_TEXT, local);
}

/* The parent style of an automatic style, or the name itself. */
static const char *style_parent(const walker *w, const char *name)
{
    for (xmlNode *s = w->auto_styles ? w->auto_styles->children : NULL; name && s; s = s->next) {
        const char *own = shelf_xml_attr(s, "name");
        if (shelf_xml_is(s, NS_STYLE, "style") && own && strcmp(own, name) == 0) {
            const char *parent = shelf_xml_attr(s, "parent-style-name");
            return parent ? parent : name;
        }
    }
    return name;
}

static uint32_t level_of(const walker *w, const xmlNode *p)
{
    if (is_text(p, "h")) {
        const char *v = shelf_xml_attr(p, "outline-level");
        long level = v ? strtol(v, NULL, 10) : 1;
        return level < 1 ? 1 : level > 6 ? 6 : (uint32_t)level;
    }
    const char *style = shelf_xml_attr(p, "style-name");
    if (style && (strcmp(style, "Title") == 0 || strcmp(style_parent(w, style), "Title") == 0))
        return 1;
    return 0;
}

/* Elements whose content is not the text's (or comes elsewhere: notes). */
static bool skipped(const xmlNode *n)
{
    static const char *const text_names[] = {"tracked-changes", "hidden-text", "note",
                                             "sequence-decls", "variable-decls",
                                             "user-field-decls", NULL};
    for (const char *const *name = text_names; *name; name++)
        if (is_text(n, *name))
            return true;
    if (shelf_xml_is(n, NS_OFFICE, "annotation") || shelf_xml_is(n, NS_SVG, "title") ||
        shelf_xml_is(n, NS_SVG, "desc"))
        return true;
    size_t len = strlen((const char *)n->name);
    return is_text(n, (const char *)n->name) && len > 7 &&
           strcmp((const char *)n->name + len - 7, "-source") == 0;
}

static void walk(walker *w, const xmlNode *node, int depth);

static void visit(walker *w, const xmlNode *c, int depth)
{
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        if (w->text->depth > 0 && c->content)
            shelf_wptext_add(w->text, (const char *)c->content, strlen((const char *)c->content));
        return;
    }
    if (c->type != XML_ELEMENT_NODE || skipped(c))
        return;
    if (is_text(c, "p") || is_text(c, "h")) {
        shelf_wptext_open(w->text, level_of(w, c));
        walk(w, c, depth + 1);
        shelf_wptext_close(w->text);
    } else if (is_text(c, "s") || is_text(c, "tab")) {
        if (w->text->depth > 0)
            shelf_wptext_add(w->text, " ", 1);
    } else if (is_text(c, "line-break")) {
        shelf_wptext_break(w->text);
    } else {
        walk(w, c, depth + 1);
    }
}

static void walk(walker *w, const xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = node->children; c; c = c->next)
        visit(w, c, depth);
}

/* Every note of one class, in document order, under its heading. */
static void add_notes(walker *w, xmlNode *body, note_class which)
{
    bool headed = false;
    for (xmlNode *n = body; n; n = shelf_xml_next(n, body, is_text(n, "note"))) {
        if (!is_text(n, "note"))
            continue;
        const char *cls = shelf_xml_attr(n, "note-class");
        bool end = cls && strcmp(cls, "endnote") == 0;
        xmlNode *note_body = shelf_xml_child(n, NS_TEXT, "note-body");
        if ((which == NOTE_END) != end || !note_body)
            continue;
        if (!headed) {
            const char *heading = which == NOTE_END ? "Endnotes" : "Footnotes";
            shelf_wptext_open(w->text, 1);
            shelf_wptext_add(w->text, heading, strlen(heading));
            shelf_wptext_close(w->text);
            headed = true;
        }
        walk(w, note_body, 0);
    }
}

static int read_meta(shelf_zip *zip, const char *path, shelf_doctext *out)
{
    xmlDoc *doc = NULL;
    shelf_err ignored = {0};
    if (shelf_zipxml_parse(zip, path, LABEL, "meta.xml", &doc, &ignored) != SHELF_OK)
        return ignored.code == SHELF_ENOMEM ? SHELF_ENOMEM : SHELF_OK;
    xmlNode *meta = shelf_xml_child(xmlDocGetRootElement(doc), NS_OFFICE, "meta");
    char *title = shelf_xml_text(shelf_xml_child(meta, NULL, "title"));
    char *author = shelf_xml_text(shelf_xml_child(meta, NULL, "initial-creator"));
    if (!author)
        author = shelf_xml_text(shelf_xml_child(meta, NULL, "creator"));
    char *date = shelf_xml_text(shelf_xml_child(meta, NULL, "creation-date"));
    char iso[SHELF_DOCDATE_BUF];
    if (!date || shelf_docdate_normalise(date, strlen(date), iso) == 0) {
        free(date);
        date = shelf_xml_text(shelf_xml_child(meta, NULL, "date"));
    }
    int rc = SHELF_OK;
    out->title = title;
    out->title_len = title ? strlen(title) : 0;
    if (author && shelf_author_append(&out->author, author, strlen(author)) != 0)
        rc = SHELF_ENOMEM;
    out->date = date ? shelf_docdate_dup(date, strlen(date)) : NULL;
    free(author);
    free(date);
    xmlFreeDoc(doc);
    return rc;
}

static int read_odt(const char *path, shelf_zip *zip, shelf_doctext *out, shelf_err *err)
{
    if (!shelf_zip_has(zip, "content.xml"))
        return shelf_errf(err, SHELF_ESKIP, "%s: not an OpenDocument text (no content.xml)", path);
    xmlDoc *doc = NULL;
    int rc = shelf_zipxml_parse(zip, path, LABEL, "content.xml", &doc, err);
    if (rc != SHELF_OK)
        return rc;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = shelf_xml_child(shelf_xml_child(root, NS_OFFICE, "body"), NS_OFFICE, "text");
    shelf_wptext text;
    shelf_wptext_init(&text, &out->layout);
    walker w = {&text, shelf_xml_child(root, NS_OFFICE, "automatic-styles")};
    if (body) {
        walk(&w, body, 0);
        add_notes(&w, body, NOTE_FOOT);
        add_notes(&w, body, NOTE_END);
    }
    if (read_meta(zip, path, out) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    if (rc == SHELF_OK)
        rc = shelf_wptext_finish(&text, path, LABEL, out, err);
    shelf_wptext_free(&text);
    xmlFreeDoc(doc);
    return rc;
}

int shelf_extract_odt(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err)
{
    return shelf_zipdoc_extract(path, &shelf_odt_format, data, len, budget_ms, out, err);
}

int shelf_extract_odt_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                           shelf_err *err)
{
    return shelf_zipdoc_extract_here(path, LABEL, data, len, read_odt, out, err);
}

int shelf_odt_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire)
{
    return shelf_zipdoc_encode(path, LABEL, data, len, read_odt, wire);
}

static int read_row(const char *path, const char *data, size_t len, shelf_doctext *out,
                    shelf_err *err)
{
    return shelf_extract_odt(path, data, len, SHELF_ZIP_BUDGET_MS, out, err);
}

static shelf_sniff sniff_odt(const char *data, size_t len)
{
    if (shelf_zip_mimetype_is(data, len, MEDIA_TYPE))
        return SHELF_SNIFF_YES;
    return shelf_zip_signature(data, len) ? SHELF_SNIFF_IF_NAMED : SHELF_SNIFF_NO;
}

const shelf_reader shelf_reader_odt = {
    .info = &shelf_odt_format,
    .sniff = sniff_odt,
    .extract = read_row,
    .sandboxed = true,
    .max_file_bytes = SHELF_MAX_ZIP_BYTES,
};
