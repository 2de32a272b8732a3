/*
 * docx.c - the DOCX reader (Word's Office Open XML): visible text in
 * reading order, headings from paragraph styles, footnotes and endnotes,
 * title, author and date from the document properties.
 *
 * As a row of the readers table (.docx): chosen by content when the file is
 * a zip whose first 64 KiB name a member word/document.xml (zipsniff.h),
 * by name for any other zip; sandboxed like PDF (zipdoc.h: a child
 * process, SHELF_ZIP_BUDGET_MS, SHELF_MAX_ZIP_BYTES), zip members read
 * under the zip-bomb limits of zipread.h.
 *
 * Parts: the main document is the target of the officeDocument relation
 * in _rels/.rels (word/document.xml when there is none); styles, footnotes
 * and endnotes the targets of its own relations (word/_rels/...rels), else
 * word/styles.xml, word/footnotes.xml, word/endnotes.xml; properties
 * docProps/core.xml.  A missing main part is "not a Word document";
 * missing others are simply absent.
 *
 * Text (wptext.h builds it): each w:p is a paragraph, in document order,
 * also inside tables (each cell's paragraphs are paragraphs of their own),
 * content controls, text boxes and fields' results; w:t is text, w:tab a
 * space, w:br and w:cr a line break, w:noBreakHyphen '-'.  Left out: tracked
 * deletions and moves away (w:del, w:moveFrom, w:delText), field
 * instructions (w:instrText), hidden runs (w:vanish), the fallback copy of
 * alternate content (mc:Fallback: the same text again), comments, headers
 * and footers.  Tracked insertions (w:ins, w:moveTo) are kept.
 *
 * Headings: a paragraph's style (w:pStyle, a styleId) is looked up in
 * styles.xml: a style named "heading N" (any case; N 1..9, deeper than 6 is
 * 6) is a heading of level N, one named "Title" of level 1; else the
 * style's outline level (w:outlineLvl 0..8: level + 1) counts, else its
 * w:basedOn style's (at most 16 steps).  A paragraph's own w:outlineLvl
 * wins over its style's.  With no styles.xml a styleId "HeadingN" or
 * "Title" is read the same way.
 *
 * Notes: after the body, the footnotes then the endnotes (separators
 * left out), each set under a heading of level 1 "Footnotes" /
 * "Endnotes" that the reader adds, one paragraph per paragraph of a note.
 *
 * Properties (docProps/core.xml): title dc:title, author dc:creator, date
 * dcterms:created, else dcterms:modified (docdate.h reads it).
 */
#include "extract/readers.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "extract/wptext.h"
#include "extract/zipdoc.h"
#include "extract/zipsniff.h"
#include "extract/zipxml.h"

#define LABEL "DOCX"
#define W_TRANSITIONAL "wordprocessingml/2006/main"
#define W_STRICT "wordprocessingml/main"
#define MC "markup-compatibility/2006"
#define MAX_STYLE_STEPS 16
#define MAX_DEPTH 512

static bool is_w(const xmlNode *n, const char *local)
{
    return shelf_xml_is(n, W_TRANSITIONAL, local) || shelf_xml_is(n, W_STRICT, local);
}

static xmlNode *w_child(const xmlNode *n, const char *local)
{
    xmlNode *c = shelf_xml_child(n, W_TRANSITIONAL, local);
    return c ? c : shelf_xml_child(n, W_STRICT, local);
}

/* ---- relations: where the parts are ---- */

/* A relation target made a member name: relative to dir ("word/"), or
 * absolute from the zip's root ("/word/x.xml"). */
static char *member_name(const char *dir, const char *target)
{
    if (target[0] == '/')
        return strdup(target + 1);
    size_t d = strlen(dir), t = strlen(target);
    char *name = malloc(d + t + 1);
    if (name) {
        memcpy(name, dir, d);
        memcpy(name + d, target, t + 1);
    }
    return name;
}

/* The target of the first relation of rels whose type ends with
 * type_tail, as a member name; else a copy of fallback. */
static char *relation_target(shelf_zip *zip, const char *path, const char *rels, const char *dir,
                             const char *type_tail, const char *fallback)
{
    xmlDoc *doc = NULL;
    shelf_err ignored = {0};
    char *found = NULL;
    if (shelf_zipxml_parse(zip, path, LABEL, rels, &doc, &ignored) == SHELF_OK) {
        xmlNode *root = xmlDocGetRootElement(doc);
        for (xmlNode *r = root->children; r && !found; r = r->next) {
            const char *type = shelf_xml_attr(r, "Type"), *target = shelf_xml_attr(r, "Target");
            size_t n = type ? strlen(type) : 0, t = strlen(type_tail);
            if (shelf_xml_is(r, NULL, "Relationship") && target && *target && n >= t &&
                strcmp(type + n - t, type_tail) == 0)
                found = member_name(dir, target);
        }
        xmlFreeDoc(doc);
    }
    return found ? found : strdup(fallback);
}

/* ---- styles: which paragraph styles are headings ---- */

typedef struct style {
    const char *id, *name, *based_on;
    int outline; /* 0..8, or -1 */
} style;

typedef struct styles {
    xmlDoc *doc; /* the strings point into it */
    style *at;
    size_t n;
} styles;

static int outline_of(const xmlNode *ppr)
{
    const char *v = shelf_xml_attr(w_child(ppr, "outlineLvl"), "val");
    if (!v || v[0] < '0' || v[0] > '8' || v[1])
        return -1;
    return v[0] - '0';
}

static int load_styles(shelf_zip *zip, const char *path, const char *name, styles *s)
{
    memset(s, 0, sizeof *s);
    shelf_err ignored = {0};
    if (shelf_zipxml_parse(zip, path, LABEL, name, &s->doc, &ignored) != SHELF_OK)
        return ignored.code == SHELF_ENOMEM ? SHELF_ENOMEM : SHELF_OK; /* no styles: no names */
    xmlNode *root = xmlDocGetRootElement(s->doc);
    size_t cap = 0;
    for (xmlNode *c = root->children; c; c = c->next)
        cap += is_w(c, "style");
    s->at = calloc(cap ? cap : 1, sizeof *s->at);
    if (!s->at)
        return SHELF_ENOMEM;
    for (xmlNode *c = root->children; c; c = c->next) {
        const char *type = shelf_xml_attr(c, "type"), *id = shelf_xml_attr(c, "styleId");
        if (!is_w(c, "style") || !id || (type && strcmp(type, "paragraph") != 0))
            continue;
        s->at[s->n++] = (style){id, shelf_xml_attr(w_child(c, "name"), "val"),
                                shelf_xml_attr(w_child(c, "basedOn"), "val"),
                                outline_of(w_child(c, "pPr"))};
    }
    return SHELF_OK;
}

static void free_styles(styles *s)
{
    free(s->at);
    xmlFreeDoc(s->doc);
    memset(s, 0, sizeof *s);
}

/* "heading N" (N 1..9) → N, "Title" → 1, else 0; prefix "heading " or
 * "Heading" (a styleId). */
static uint32_t level_of_name(const char *name, bool is_id)
{
    if (!name)
        return 0;
    if (strcasecmp(name, "title") == 0)
        return 1;
    size_t p = is_id ? 7 : 8;
    if (strncasecmp(name, is_id ? "heading" : "heading ", p) != 0)
        return 0;
    char d = name[p];
    if (d < '1' || d > '9' || name[p + 1])
        return 0;
    return (uint32_t)(d - '0') > 6 ? 6 : (uint32_t)(d - '0');
}

static const style *find_style(const styles *s, const char *id)
{
    for (size_t i = 0; id && i < s->n; i++)
        if (strcmp(s->at[i].id, id) == 0)
            return &s->at[i];
    return NULL;
}

static uint32_t level_of_style(const styles *s, const char *id)
{
    const style *st = find_style(s, id);
    if (!st)
        return s->n == 0 ? level_of_name(id, true) : 0;
    for (int step = 0; st && step < MAX_STYLE_STEPS; step++) {
        uint32_t by_name = level_of_name(st->name, false);
        if (by_name)
            return by_name;
        if (st->outline >= 0)
            return (uint32_t)st->outline + 1;
        st = find_style(s, st->based_on);
    }
    return 0;
}

static uint32_t paragraph_level(const styles *s, const xmlNode *p)
{
    xmlNode *ppr = w_child(p, "pPr");
    int own = outline_of(ppr);
    if (own >= 0)
        return (uint32_t)own + 1;
    return level_of_style(s, shelf_xml_attr(w_child(ppr, "pStyle"), "val"));
}

/* ---- the body ---- */

typedef struct walker {
    shelf_wptext *text;
    const styles *styles;
} walker;

static bool flag_on(const xmlNode *n)
{
    const char *v = shelf_xml_attr(n, "val");
    return n && (!v || (strcmp(v, "0") != 0 && strcmp(v, "false") != 0 && strcmp(v, "off") != 0));
}

static bool hidden_run(const xmlNode *r)
{
    return flag_on(w_child(w_child(r, "rPr"), "vanish"));
}

/* Elements whose content is never visible text. */
static bool skipped(const xmlNode *n)
{
    static const char *const names[] = {"del",        "moveFrom",    "delText", "instrText",
                                        "delInstrText", "pPr",        "rPr",     "sectPr",
                                        "fldData",    "commentReference", NULL};
    for (const char *const *name = names; *name; name++)
        if (is_w(n, *name))
            return true;
    return shelf_xml_is(n, MC, "Fallback");
}

static void add_text_children(walker *w, const xmlNode *t)
{
    for (const xmlNode *c = t->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            shelf_wptext_add(w->text, (const char *)c->content, strlen((const char *)c->content));
}

static void walk(walker *w, const xmlNode *node, int depth);

static void visit(walker *w, const xmlNode *c, int depth)
{
    if (skipped(c))
        return;
    if (is_w(c, "p")) {
        shelf_wptext_open(w->text, paragraph_level(w->styles, c));
        walk(w, c, depth + 1);
        shelf_wptext_close(w->text);
    } else if (is_w(c, "r")) {
        if (!hidden_run(c))
            walk(w, c, depth + 1);
    } else if (is_w(c, "t")) {
        add_text_children(w, c);
    } else if (is_w(c, "tab") || is_w(c, "ptab")) {
        shelf_wptext_add(w->text, " ", 1);
    } else if (is_w(c, "br") || is_w(c, "cr")) {
        shelf_wptext_break(w->text);
    } else if (is_w(c, "noBreakHyphen")) {
        shelf_wptext_add(w->text, "-", 1);
    } else {
        walk(w, c, depth + 1); /* tables, rows, cells, insertions, hyperlinks, ... */
    }
}

static void walk(walker *w, const xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            visit(w, c, depth);
}

/* Footnotes or endnotes (element `note` in part `name`) under a heading of
 * their own. */
static int add_notes(shelf_zip *zip, const char *path, const char *name, const char *note,
                     const char *heading, walker *w)
{
    xmlDoc *doc = NULL;
    shelf_err ignored = {0};
    if (shelf_zipxml_parse(zip, path, LABEL, name, &doc, &ignored) != SHELF_OK)
        return ignored.code == SHELF_ENOMEM ? SHELF_ENOMEM : SHELF_OK;
    xmlNode *root = xmlDocGetRootElement(doc);
    bool headed = false;
    for (xmlNode *c = root->children; c; c = c->next) {
        const char *type = shelf_xml_attr(c, "type");
        if (!is_w(c, note) || (type && strcmp(type, "normal") != 0))
            continue;
        size_t before = w->text->out.len;
        if (!headed) {
            shelf_wptext_open(w->text, 1);
            shelf_wptext_add(w->text, heading, strlen(heading));
            shelf_wptext_close(w->text);
        }
        size_t with_heading = w->text->out.len;
        walk(w, c, 0);
        if (!headed && w->text->out.len == with_heading) { /* an empty note: no heading yet */
            w->text->out.len = before;
            w->text->layout->nheadings--;
            continue;
        }
        headed = true;
    }
    xmlFreeDoc(doc);
    return SHELF_OK;
}

/* ---- properties ---- */

static int read_properties(shelf_zip *zip, const char *path, shelf_doctext *out)
{
    xmlDoc *doc = NULL;
    shelf_err ignored = {0};
    if (shelf_zipxml_parse(zip, path, LABEL, "docProps/core.xml", &doc, &ignored) != SHELF_OK)
        return ignored.code == SHELF_ENOMEM ? SHELF_ENOMEM : SHELF_OK;
    xmlNode *root = xmlDocGetRootElement(doc);
    char *title = shelf_xml_text(shelf_xml_child(root, NULL, "title"));
    char *author = shelf_xml_text(shelf_xml_child(root, NULL, "creator"));
    char *date = shelf_xml_text(shelf_xml_child(root, NULL, "created"));
    char iso[SHELF_DOCDATE_BUF];
    if (!date || shelf_docdate_normalise(date, strlen(date), iso) == 0) {
        free(date);
        date = shelf_xml_text(shelf_xml_child(root, NULL, "modified"));
    }
    out->title = title;
    out->title_len = title ? strlen(title) : 0;
    if (author && shelf_author_append(&out->author, author, strlen(author)) != 0) {
        free(author);
        free(date);
        xmlFreeDoc(doc);
        return SHELF_ENOMEM;
    }
    out->date = date ? shelf_docdate_dup(date, strlen(date)) : NULL;
    free(author);
    free(date);
    xmlFreeDoc(doc);
    return SHELF_OK;
}

/* ---- the reader ---- */

static int read_docx(const char *path, shelf_zip *zip, shelf_doctext *out, shelf_err *err)
{
    char *main_part = relation_target(zip, path, "_rels/.rels", "", "/officeDocument",
                                      "word/document.xml");
    if (!main_part)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    if (!shelf_zip_has(zip, main_part)) {
        free(main_part);
        return shelf_errf(err, SHELF_ESKIP, "%s: not a Word document (no word/document.xml)", path);
    }
    /* the folder of the main part, and its relations ("word/_rels/document.xml.rels") */
    const char *slash = strrchr(main_part, '/');
    size_t dir_len = slash ? (size_t)(slash - main_part) + 1 : 0;
    char dir[256], rels[512];
    if (dir_len >= sizeof dir)
        dir_len = 0;
    memcpy(dir, main_part, dir_len);
    dir[dir_len] = '\0';
    snprintf(rels, sizeof rels, "%s_rels/%s.rels", dir, main_part + dir_len);
    char *styles_part = relation_target(zip, path, rels, dir, "/styles", "word/styles.xml");
    char *foot_part = relation_target(zip, path, rels, dir, "/footnotes", "word/footnotes.xml");
    char *end_part = relation_target(zip, path, rels, dir, "/endnotes", "word/endnotes.xml");
    xmlDoc *doc = NULL;
    styles st = {0};
    shelf_wptext text;
    shelf_wptext_init(&text, &out->layout);
    walker w = {&text, &st};
    int rc = styles_part && foot_part && end_part
                 ? SHELF_OK
                 : shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    if (rc == SHELF_OK)
        rc = shelf_zipxml_parse(zip, path, LABEL, main_part, &doc, err);
    if (rc == SHELF_OK && load_styles(zip, path, styles_part, &st) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    if (rc == SHELF_OK) {
        xmlNode *body = w_child(xmlDocGetRootElement(doc), "body");
        if (body)
            walk(&w, body, 0);
        if (add_notes(zip, path, foot_part, "footnote", "Footnotes", &w) != SHELF_OK ||
            add_notes(zip, path, end_part, "endnote", "Endnotes", &w) != SHELF_OK ||
            read_properties(zip, path, out) != SHELF_OK)
            rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, LABEL);
    }
    if (rc == SHELF_OK)
        rc = shelf_wptext_finish(&text, path, LABEL, out, err);
    shelf_wptext_free(&text);
    free_styles(&st);
    xmlFreeDoc(doc);
    free(main_part);
    free(styles_part);
    free(foot_part);
    free(end_part);
    return rc;
}

int shelf_extract_docx(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_doctext *out, shelf_err *err)
{
    return shelf_zipdoc_extract(path, &shelf_docx_format, data, len, budget_ms, out, err);
}

int shelf_extract_docx_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                            shelf_err *err)
{
    return shelf_zipdoc_extract_here(path, LABEL, data, len, read_docx, out, err);
}

int shelf_docx_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire)
{
    return shelf_zipdoc_encode(path, LABEL, data, len, read_docx, wire);
}

static int read_row(const char *path, const char *data, size_t len, shelf_doctext *out,
                    shelf_err *err)
{
    return shelf_extract_docx(path, data, len, SHELF_ZIP_BUDGET_MS, out, err);
}

static shelf_sniff sniff_docx(const char *data, size_t len)
{
    if (shelf_zip_names_member(data, len, "word/document.xml"))
        return SHELF_SNIFF_YES;
    return shelf_zip_signature(data, len) ? SHELF_SNIFF_IF_NAMED : SHELF_SNIFF_NO;
}

const shelf_reader shelf_reader_docx = {
    .info = &shelf_docx_format,
    .sniff = sniff_docx,
    .extract = read_row,
    .sandboxed = true,
    .max_file_bytes = SHELF_MAX_ZIP_BYTES,
};
