/*
 * epub.c - the EPUB reader (a zip of XHTML chapters): the chapters' text in
 * spine order, their headings, title, author and date from the package.
 *
 * As a row of the readers table (.epub): chosen by content when the file is
 * a zip whose first member "mimetype" holds application/epub+zip
 * (zipsniff.h), by name for any other zip; sandboxed like PDF (zipdoc.h),
 * members read under the zip-bomb limits of zipread.h.
 *
 * The package: META-INF/container.xml names the package document (the
 * first rootfile's full-path); its manifest maps ids to files (hrefs
 * relative to the package document, %XX decoded, "." and ".." resolved, a
 * #fragment dropped) and its spine lists the chapters in reading order:
 * the linear ones first, then those marked linear="no", each once.  Items
 * that are not XHTML or HTML (application/xhtml+xml, text/html) are left
 * out; at most SHELF_EPUB_MAX_CHAPTERS are read.
 *
 * Each chapter is read by the HTML reader (html.c, shelf_extract_html: the
 * same visible text, blocks, headings h1-h6) and the chapters are joined
 * with a blank line; a chapter without visible text (a cover image) is left
 * out.  The HTML source map is dropped: an EPUB is cited by section and
 * paragraph (layout.h: paragraph-cited), not by a chapter file's lines.
 *
 * Metadata (the package's metadata): title the first dc:title, author every
 * dc:creator (joined with "; "), date the first dc:date, else the
 * dcterms:modified meta (docdate.h reads them).
 */
#include "extract/readers.h"

#include <stdlib.h>
#include <string.h>

#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "extract/zipdoc.h"
#include "extract/zipsniff.h"
#include "extract/zipxml.h"
#include "util/buf.h"
#include "util/percent.h"

#define LABEL "EPUB"
#define MEDIA_TYPE "application/epub+zip"
#define NS_OPF "idpf.org/2007/opf"
#define NS_DC "purl.org/dc/elements/1.1/"
#define SHELF_EPUB_MAX_CHAPTERS 10000
#define MAX_NAME 4096

/* ---- names of members ---- */

/* Appends segment s[0..n) to name, resolving "." and ".."; false when
 * the name would grow too long. */
static bool add_segment(char *name, size_t *len, const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '.'))
        return true;
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        while (*len > 0 && name[*len - 1] != '/')
            (*len)--; /* the last segment */
        if (*len > 0)
            (*len)--; /* and its slash */
        return true;
    }
    if (*len + n + 2 > MAX_NAME)
        return false;
    if (*len > 0 && name[*len - 1] != '/')
        name[(*len)++] = '/';
    memcpy(name + *len, s, n);
    *len += n;
    return true;
}

/* Appends the segments of path p (already decoded) to name. */
static bool add_path(char *name, size_t *len, const char *p)
{
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!add_segment(name, len, p, n))
            return false;
        p += n + (slash ? 1 : 0);
    }
    return true;
}

/* The member an href names from the folder of the package document:
 * false when it cannot be made. */
static bool resolve_href(const char *opf, const char *href, char name[MAX_NAME])
{
    char decoded[MAX_NAME];
    size_t d = 0;
    for (size_t i = 0; href[i] && href[i] != '#'; i++) {
        if (d + 1 >= sizeof decoded)
            return false;
        int byte = shelf_percent_byte(href + i);
        if (byte >= 0) {
            decoded[d++] = (char)byte;
            i += 2;
        } else {
            decoded[d++] = href[i];
        }
    }
    decoded[d] = '\0';
    char dir[MAX_NAME];
    const char *slash = strrchr(opf, '/');
    size_t dir_len = slash && href[0] != '/' ? (size_t)(slash - opf) : 0;
    if (dir_len >= sizeof dir || memchr(decoded, '\0', d) != NULL)
        return false;
    memcpy(dir, opf, dir_len);
    dir[dir_len] = '\0';
    size_t len = 0;
    name[0] = '\0';
    if (!add_path(name, &len, dir) || !add_path(name, &len, decoded))
        return false;
    name[len] = '\0';
    return len > 0;
}

/* ---- the package ---- */

static char *package_path(shelf_zip *zip, const char *path, shelf_err *err, int *rc)
{
    xmlDoc *doc = NULL;
    *rc = shelf_zipxml_parse(zip, path, LABEL, "META-INF/container.xml", &doc, err);
    if (*rc == SHELF_ENOTFOUND)
        *rc = shelf_errf(err, SHELF_ESKIP, "%s: not an EPUB (no META-INF/container.xml)", path);
    if (*rc != SHELF_OK)
        return NULL;
    xmlNode *rootfile = shelf_xml_find(xmlDocGetRootElement(doc), NULL, "rootfile");
    const char *full = shelf_xml_attr(rootfile, "full-path");
    char *opf = full && *full ? strdup(full) : NULL;
    xmlFreeDoc(doc);
    if (!opf)
        *rc = shelf_errf(err, SHELF_ESKIP, "%s: damaged EPUB: container.xml names no package",
                         path);
    return opf;
}

static int read_metadata(const xmlNode *metadata, shelf_doctext *out)
{
    char *date = NULL;
    for (const xmlNode *m = metadata ? metadata->children : NULL; m; m = m->next) {
        char *text = NULL;
        if (shelf_xml_is(m, NS_DC, "title") && !out->title) {
            out->title = shelf_xml_text(m);
            out->title_len = out->title ? strlen(out->title) : 0;
        } else if (shelf_xml_is(m, NS_DC, "creator") && (text = shelf_xml_text(m))) {
            if (shelf_author_append(&out->author, text, strlen(text)) != 0) {
                free(text);
                free(date);
                return SHELF_ENOMEM;
            }
        } else if (shelf_xml_is(m, NS_DC, "date") && !date) {
            date = shelf_xml_text(m);
        }
        free(text);
    }
    for (const xmlNode *m = metadata ? metadata->children : NULL; m && !date; m = m->next) {
        const char *property = shelf_xml_attr(m, "property");
        if (shelf_xml_is(m, NS_OPF, "meta") && property && strcmp(property, "dcterms:modified") == 0)
            date = shelf_xml_text(m);
    }
    out->date = date ? shelf_docdate_dup(date, strlen(date)) : NULL;
    free(date);
    return SHELF_OK;
}

/* The manifest item of an id, or NULL. */
static const xmlNode *manifest_item(const xmlNode *manifest, const char *id)
{
    for (const xmlNode *i = manifest ? manifest->children : NULL; id && i; i = i->next) {
        const char *own = shelf_xml_attr(i, "id");
        if (shelf_xml_is(i, NS_OPF, "item") && own && strcmp(own, id) == 0)
            return i;
    }
    return NULL;
}

static bool is_html_item(const xmlNode *item)
{
    const char *type = shelf_xml_attr(item, "media-type");
    return type && (strcmp(type, "application/xhtml+xml") == 0 || strcmp(type, "text/html") == 0);
}

/* ---- the chapters, joined ---- */

typedef struct joined {
    shelf_buf text;
    shelf_layout *layout;
    size_t chapters;
} joined;

/* Appends one chapter's text and headings (shifted), or nothing when it
 * has no visible text. */
static int add_chapter(joined *j, const char *path, const char *bytes, size_t len, shelf_err *err)
{
    shelf_doctext ch;
    shelf_err chapter_err = {0};
    int rc = shelf_extract_html(path, bytes, len, &ch, &chapter_err);
    if (rc == SHELF_ESKIP)
        return SHELF_OK;
    if (rc != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    size_t base = j->text.len ? j->text.len + 2 : 0;
    if ((j->text.len && shelf_buf_append(&j->text, "\n\n", 2) != SHELF_OK) ||
        shelf_buf_append(&j->text, ch.text, ch.len) != SHELF_OK)
        rc = SHELF_ENOMEM;
    for (size_t i = 0; rc == SHELF_OK && i < ch.layout.nheadings; i++) {
        const shelf_heading *h = &ch.layout.headings[i];
        rc = shelf_layout_add_heading(j->layout, base + h->start, h->len, h->level);
    }
    shelf_doctext_free(&ch);
    j->chapters++;
    if (rc != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    return SHELF_OK;
}

/* Reads the spine's chapters: linear ones (pass 0), then the others. */
static int read_spine(shelf_zip *zip, const char *path, const char *opf, const xmlNode *manifest,
                      const xmlNode *spine, joined *j, shelf_err *err)
{
    size_t seen = 0;
    for (int pass = 0; pass < 2; pass++)
        for (const xmlNode *r = spine ? spine->children : NULL; r; r = r->next) {
            const char *linear = shelf_xml_attr(r, "linear");
            bool aside = linear && strcmp(linear, "no") == 0;
            if (!shelf_xml_is(r, NS_OPF, "itemref") || aside != (pass == 1))
                continue;
            const xmlNode *item = manifest_item(manifest, shelf_xml_attr(r, "idref"));
            const char *href = shelf_xml_attr(item, "href");
            char name[MAX_NAME];
            if (!item || !href || !is_html_item(item) || !resolve_href(opf, href, name))
                continue;
            if (++seen > SHELF_EPUB_MAX_CHAPTERS)
                return SHELF_OK;
            char *bytes;
            size_t len;
            int rc = shelf_zip_read(zip, name, &bytes, &len, err);
            if (rc == SHELF_ENOTFOUND)
                continue;
            if (rc == SHELF_OK)
                rc = add_chapter(j, path, bytes, len, err);
            free(bytes);
            if (rc != SHELF_OK)
                return rc;
        }
    return SHELF_OK;
}

static int read_epub(const char *path, shelf_zip *zip, shelf_doctext *out, shelf_err *err)
{
    int rc;
    char *opf = package_path(zip, path, err, &rc);
    if (!opf)
        return rc;
    xmlDoc *doc = NULL;
    rc = shelf_zipxml_parse(zip, path, LABEL, opf, &doc, err);
    if (rc == SHELF_ENOTFOUND)
        rc = shelf_errf(err, SHELF_ESKIP, "%s: damaged EPUB: no package document %s", path, opf);
    joined j = {SHELF_BUF_INIT, &out->layout, 0};
    shelf_layout_reset(&out->layout);
    out->layout.structured = true;
    out->layout.paragraph_cited = true;
    if (rc == SHELF_OK) {
        xmlNode *package = xmlDocGetRootElement(doc);
        if (read_metadata(shelf_xml_child(package, NS_OPF, "metadata"), out) != SHELF_OK)
            rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
        if (rc == SHELF_OK)
            rc = read_spine(zip, path, opf, shelf_xml_child(package, NS_OPF, "manifest"),
                            shelf_xml_child(package, NS_OPF, "spine"), &j, err);
    }
    if (rc == SHELF_OK && j.text.len == 0)
        rc = shelf_errf(err, SHELF_ESKIP, "%s: EPUB has no text", path);
    if (rc == SHELF_OK && shelf_buf_put_u8(&j.text, 0) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    if (rc == SHELF_OK) {
        out->text = (char *)j.text.data;
        out->len = j.text.len - 1;
    } else {
        shelf_buf_free(&j.text);
    }
    xmlFreeDoc(doc);
    free(opf);
    return rc;
}

int shelf_extract_epub(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_doctext *out, shelf_err *err)
{
    return shelf_zipdoc_extract(path, &shelf_epub_format, data, len, budget_ms, out, err);
}

int shelf_extract_epub_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                            shelf_err *err)
{
    return shelf_zipdoc_extract_here(path, LABEL, data, len, read_epub, out, err);
}

int shelf_epub_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire)
{
    return shelf_zipdoc_encode(path, LABEL, data, len, read_epub, wire);
}

static int read_row(const char *path, const char *data, size_t len, shelf_doctext *out,
                    shelf_err *err)
{
    return shelf_extract_epub(path, data, len, SHELF_ZIP_BUDGET_MS, out, err);
}

static shelf_sniff sniff_epub(const char *data, size_t len)
{
    if (shelf_zip_mimetype_is(data, len, MEDIA_TYPE))
        return SHELF_SNIFF_YES;
    return shelf_zip_signature(data, len) ? SHELF_SNIFF_IF_NAMED : SHELF_SNIFF_NO;
}

const shelf_reader shelf_reader_epub = {
    .info = &shelf_epub_format,
    .sniff = sniff_epub,
    .extract = read_row,
    .sandboxed = true,
    .max_file_bytes = SHELF_MAX_ZIP_BYTES,
};
