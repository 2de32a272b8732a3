/*
 * html.c - HTML to the text a reader sees, its <title> and its headings,
 * with libxml2's forgiving HTML parser.
 *
 * Sniffing (shelf_sniff_html): after an optional BOM (UTF-8, UTF-16LE or
 * UTF-16BE; UTF-16 is looked at through its ASCII characters), white space
 * and <!-- comments -->, the first 1 KiB (in characters) must begin,
 * case-insensitively, with "<!DOCTYPE" + white space + "html", with "<html",
 * or with "<?xml" and contain an "<html" element later on; "html" must be
 * followed by white space, '>', '/' or the end of the window.  Anything else
 * (such as a text file that mentions <html> on its second line) is not HTML.
 *
 * Character encoding: decided and converted before parsing by charset.c
 * (BOM, then a declared charset, then UTF-8 or Windows-1252), so libxml2
 * always gets valid UTF-8 declared as "UTF-8" and ignores the document's
 * own <meta> declarations.
 *
 * As a row of the readers table (.html, .htm, .xhtml): chosen by content
 * when the sniff above says HTML (whatever the name), and by the name when
 * the bytes do not look binary (text.c's rule).
 *
 * Parsing: htmlReadMemory with HTML_PARSE_RECOVER | NOERROR | NOWARNING |
 * NONET | XML_PARSE_HUGE.  HUGE is deliberate: without it libxml2 2.9 stops
 * parsing at nesting depth 256 or at a 10 MB text node and silently drops
 * the rest of the document.  libxml2's error output is silenced for the
 * duration of the call and xmlInitParser runs once (xmlquiet.h), so
 * several threads can extract at once.  No
 * document → SHELF_ESKIP "PATH: damaged HTML".
 *
 * Visible text (walk_visible):
 *   - skipped with everything inside: head (the title is read from the
 *     first <title> anywhere), title, script, style, noscript, template,
 *     svg, object, iframe, embed, applet, noembed, noframes, canvas,
 *     elements with a `hidden` attribute, permalink markers ("¶" beside
 *     a Sphinx heading: htmlchrome.h), comments and processing
 *     instructions.  Entities are decoded by the parser.
 *   - white space (space, tab, CR, LF, FF) collapses to one space as in a
 *     browser; none is kept at a line's start or end.  Inside <pre> and
 *     <textarea> the text is kept as written, line by line (CRLF and CR
 *     become LF, trailing spaces of a line are dropped).
 *   - paragraph blocks (p, h1-h6, pre, blockquote, table, hr, and outermost
 *     ul/ol/dl/menu) are separated from what surrounds them by one blank
 *     line; line blocks (div, li, dt, dd, tr, section, article, header,
 *     footer, nav, main, aside, figure, figcaption, address, caption, form,
 *     fieldset, legend, details, summary, nested lists, ...) end a line;
 *     <br> is one line break (two in a row make a blank line); cells of a
 *     row (td, th) are separated by " | ".  The result never has leading or
 *     trailing blank lines nor two blank lines in a row.
 *   - h1-h6: each heading's text is a paragraph of its own, on one line
 *     (line breaks inside a heading become spaces), and its exact byte range
 *     in the text goes to the layout with its level; a heading inside a
 *     heading is plain text of the outer one, set off by spaces.  A heading
 *     of class author and the like is a plain paragraph (htmlchrome.h).
 *     layout.structured is true even when there are no headings.
 *   - the tree is walked through parent/sibling pointers, without recursion
 *     or a stack, so any nesting depth is safe.
 * No visible text → SHELF_ESKIP "PATH: no visible text".
 * Author and date: from <meta> tags and <time>, by the rules of htmlmeta.h.
 *
 * Source map (layout anchors, layout.h): every text node, visible or
 * inside a skipped element (so hidden text such as the <title> is never
 * taken for later visible text), is found in the source by htmlsource.c;
 * each run of visible characters written gets an anchor at its source line
 * and column, and so does every place inside a run where the source stops
 * matching it one for one (a new source line, an entity: pinned).  A
 * table's " | " is pinned to the next cell's text; pre's kept blanks to
 * where they stand.  A node not found is pinned to column 1 of the line
 * libxml2 noted for it (a line holding some of its text).
 *
 * Invariants: out->text is valid UTF-8 and NUL-terminated; out->title is the
 * <title> text (white space collapsed, trimmed) or NULL; headings are
 * ascending, non-overlapping, non-empty, inside the text.  Nothing here
 * prints.
 */
#include "extract/readers.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "extract/charset.h"
#include "extract/encoding.h"
#include "extract/htmlchrome.h"
#include "extract/htmlmeta.h"
#include "extract/htmlscan.h"
#include "extract/htmlsource.h"
#include "extract/xmlquiet.h"
#include "util/buf.h"
#include "util/utf8.h"


#define SNIFF_CHARS 1024
#define PARSE_OPTIONS                                                                              \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |           \
     XML_PARSE_HUGE)

/* ------------------------------------------------------------------ */
/* Sniffing                                                             */
/* ------------------------------------------------------------------ */

/* The first SNIFF_CHARS characters after any BOM, as ASCII bytes (UTF-16
 * code units above 0x7F become 0x80).  Returns how many were written. */
static size_t sniff_window(const char *data, size_t len, char *win)
{
    shelf_encoding enc = SHELF_ENC_UTF8;
    size_t bom = shelf_bom_length(data, len, &enc);
    const unsigned char *b = (const unsigned char *)data + bom;
    size_t avail = len - bom, n = 0;
    if (enc == SHELF_ENC_UTF8) {
        n = avail < SNIFF_CHARS ? avail : SNIFF_CHARS;
        memcpy(win, b, n);
        return n;
    }
    bool be = enc == SHELF_ENC_UTF16BE;
    for (size_t i = 0; i + 1 < avail && n < SNIFF_CHARS; i += 2) {
        unsigned unit = be ? (unsigned)b[i] << 8 | b[i + 1] : (unsigned)b[i + 1] << 8 | b[i];
        win[n++] = unit < 0x80 ? (char)unit : (char)0x80;
    }
    return n;
}

/* Skips white space and complete comments; returns n when a comment does
 * not end inside the window. */
static size_t skip_space_and_comments(const char *s, size_t n, size_t i)
{
    for (;;) {
        while (i < n && shelf_html_is_space((unsigned char)s[i]))
            i++;
        if (!shelf_html_starts_with(s + i, n - i, "<!--"))
            return i;
        size_t end = shelf_html_find(s, n, i + 4, "-->");
        if (end == n)
            return n;
        i = end + 3;
    }
}

/* "html" at s[i], followed by a delimiter or the end of the window. */
static bool html_word_at(const char *s, size_t n, size_t i)
{
    if (!shelf_html_starts_with(s + i, n - i, "html"))
        return false;
    i += 4;
    return i == n || shelf_html_is_space((unsigned char)s[i]) || s[i] == '>' || s[i] == '/';
}

static bool doctype_html_at(const char *s, size_t n, size_t i)
{
    if (!shelf_html_starts_with(s + i, n - i, "<!doctype"))
        return false;
    i += 9;
    if (i == n || !shelf_html_is_space((unsigned char)s[i]))
        return false;
    while (i < n && shelf_html_is_space((unsigned char)s[i]))
        i++;
    return html_word_at(s, n, i);
}

static bool html_element_after(const char *s, size_t n, size_t i)
{
    for (; i < n; i++)
        if (s[i] == '<' && html_word_at(s, n, i + 1))
            return true;
    return false;
}

bool shelf_sniff_html(const char *data, size_t len)
{
    char win[SNIFF_CHARS];
    size_t n = sniff_window(data, len, win);
    size_t i = skip_space_and_comments(win, n, 0);
    if (i >= n)
        return false;
    if (doctype_html_at(win, n, i))
        return true;
    if (win[i] == '<' && html_word_at(win, n, i + 1))
        return true;
    if (shelf_html_starts_with(win + i, n - i, "<?xml"))
        return html_element_after(win, n, i + 5);
    return false;
}

/* ------------------------------------------------------------------ */
/* Parsing with libxml2, silently                                       */
/* ------------------------------------------------------------------ */

static htmlDocPtr parse_silently(const shelf_html_input *in)
{
    shelf_xml_quiet saved;
    shelf_xml_quiet_begin(&saved);
    htmlDocPtr doc = htmlReadMemory(in->bytes, (int)in->len, NULL, "UTF-8", PARSE_OPTIONS);
    shelf_xml_quiet_end(&saved);
    return doc;
}

/* ------------------------------------------------------------------ */
/* Element kinds                                                        */
/* ------------------------------------------------------------------ */

typedef enum element_kind {
    KIND_INLINE = 0, /* unknown elements too */
    KIND_SKIP,       /* not rendered: skipped with its content */
    KIND_LINE,       /* a block that ends a line */
    KIND_PARAGRAPH,  /* a block set off by blank lines */
    KIND_LIST,       /* ul/ol/dl/menu: a paragraph when outermost */
    KIND_HEADING,
    KIND_BREAK, /* br */
    KIND_PRE,   /* pre (paragraph) */
    KIND_TEXTAREA,
    KIND_ROW,
    KIND_CELL
} element_kind;

typedef struct element_rule {
    const char *name;
    element_kind kind;
} element_rule;

/* Sorted by name for bsearch. */
static const element_rule element_rules[] = {
    {"address", KIND_LINE},
    {"applet", KIND_SKIP},
    {"article", KIND_LINE},
    {"aside", KIND_LINE},
    {"blockquote", KIND_PARAGRAPH},
    {"body", KIND_LINE},
    {"br", KIND_BREAK},
    {"canvas", KIND_SKIP},
    {"caption", KIND_LINE},
    {"center", KIND_LINE},
    {"dd", KIND_LINE},
    {"details", KIND_LINE},
    {"dialog", KIND_LINE},
    {"dir", KIND_LIST},
    {"div", KIND_LINE},
    {"dl", KIND_LIST},
    {"dt", KIND_LINE},
    {"embed", KIND_SKIP},
    {"fieldset", KIND_LINE},
    {"figcaption", KIND_LINE},
    {"figure", KIND_LINE},
    {"footer", KIND_LINE},
    {"form", KIND_LINE},
    {"frameset", KIND_SKIP},
    {"h1", KIND_HEADING},
    {"h2", KIND_HEADING},
    {"h3", KIND_HEADING},
    {"h4", KIND_HEADING},
    {"h5", KIND_HEADING},
    {"h6", KIND_HEADING},
    {"head", KIND_SKIP},
    {"header", KIND_LINE},
    {"hgroup", KIND_LINE},
    {"hr", KIND_PARAGRAPH},
    {"iframe", KIND_SKIP},
    {"legend", KIND_LINE},
    {"li", KIND_LINE},
    {"main", KIND_LINE},
    {"menu", KIND_LIST},
    {"nav", KIND_LINE},
    {"noembed", KIND_SKIP},
    {"noframes", KIND_SKIP},
    {"noscript", KIND_SKIP},
    {"object", KIND_SKIP},
    {"ol", KIND_LIST},
    {"option", KIND_LINE},
    {"p", KIND_PARAGRAPH},
    {"pre", KIND_PRE},
    {"script", KIND_SKIP},
    {"search", KIND_LINE},
    {"section", KIND_LINE},
    {"style", KIND_SKIP},
    {"summary", KIND_LINE},
    {"svg", KIND_SKIP},
    {"table", KIND_PARAGRAPH},
    {"td", KIND_CELL},
    {"template", KIND_SKIP},
    {"textarea", KIND_TEXTAREA},
    {"th", KIND_CELL},
    {"title", KIND_SKIP},
    {"tr", KIND_ROW},
    {"ul", KIND_LIST},
};

static int compare_rule(const void *key, const void *rule)
{
    return strcmp((const char *)key, ((const element_rule *)rule)->name);
}

static element_kind kind_of(const xmlNode *element)
{
    if (!element->name)
        return KIND_INLINE;
    if (xmlHasProp((xmlNode *)element, (const xmlChar *)"hidden") ||
        shelf_html_is_permalink(element))
        return KIND_SKIP;
    const element_rule *rule =
        bsearch(element->name, element_rules, sizeof element_rules / sizeof *element_rules,
                sizeof *element_rules, compare_rule);
    if (rule && rule->kind == KIND_HEADING && shelf_html_is_byline_heading(element))
        return KIND_PARAGRAPH; /* an author's name, not a section */
    return rule ? rule->kind : KIND_INLINE;
}

static uint32_t heading_level(const xmlNode *element)
{
    return (uint32_t)(element->name[1] - '0');
}

/* ------------------------------------------------------------------ */
/* The text builder: breaks, separators and spaces are owed, then paid  */
/* just before the next visible character, so none ever trails          */
/* ------------------------------------------------------------------ */

#define NO_HEADING_START SIZE_MAX
#define CELL_SEPARATOR " | "

typedef struct text_builder {
    shelf_buf out;
    int rc;               /* first failure (SHELF_ENOMEM), sticky */
    int owed_breaks;      /* 0..2 newlines before the next character */
    bool owed_cell;       /* CELL_SEPARATOR before the next character */
    bool owed_space;      /* one space before the next character */
    shelf_buf pre_blanks; /* pre's spaces and tabs, written only when a
                             character follows them on the same line */
    int pre_depth;        /* inside pre/textarea: white space kept */
    int list_depth;
    bool skip_navigation; /* navigation left out (htmlchrome.h) */
    const xmlNode *heading; /* the open heading element, or NULL */
    uint32_t heading_level;
    size_t heading_start; /* offset of its first character */
    shelf_layout *layout;
    /* The source map (NULL source: none is made, as for the title). */
    shelf_html_source *source;
    int hidden_depth;          /* inside skipped elements: text only located */
    const char *node_content;  /* the text node being added ... */
    shelf_node_map node_map;   /* ... where its bytes are in the source */
    shelf_node_cursor node_cursor;
    uint32_t node_line;        /* pinned line of a node not found */
    bool blanks_located;       /* pre_blanks start at blanks_at */
    shelf_node_point blanks_at;
} text_builder;

static void append(text_builder *tb, const void *s, size_t n)
{
    if (tb->rc == SHELF_OK && shelf_buf_append(&tb->out, s, n) != SHELF_OK)
        tb->rc = SHELF_ENOMEM;
}

/* Owe n (1 or 2) line ends; inside a heading a space instead. */
static void owe_break(text_builder *tb, int n)
{
    shelf_buf_reset(&tb->pre_blanks);
    if (tb->heading) {
        tb->owed_space = true;
        return;
    }
    if (n > tb->owed_breaks)
        tb->owed_breaks = n;
    tb->owed_cell = false;
    tb->owed_space = false;
}

/* <br> and pre's newlines: one more line end, at most a blank line. */
static void add_line_break(text_builder *tb)
{
    shelf_buf_reset(&tb->pre_blanks);
    if (tb->heading) {
        tb->owed_space = true;
        return;
    }
    if (tb->owed_breaks < 2)
        tb->owed_breaks++;
    tb->owed_cell = false;
    tb->owed_space = false;
}

static void add_anchor(text_builder *tb, uint64_t text_offset, const shelf_node_point *p)
{
    shelf_source_anchor a = {text_offset, p->line, p->column, p->pinned};
    if (tb->rc == SHELF_OK && shelf_layout_add_anchor(tb->layout, a) == SHELF_ENOMEM)
        tb->rc = SHELF_ENOMEM;
}

/* Where content byte s (of the current node) came from. */
static void locate_byte(text_builder *tb, const char *s, shelf_node_point *out)
{
    size_t off = (size_t)(s - tb->node_content);
    if (tb->node_map.count == 0)
        *out = (shelf_node_point){off, tb->node_line, 1, true};
    else
        shelf_node_cursor_seek(&tb->node_map, tb->node_content, &tb->node_cursor, off, out);
}

/* Anchors for the run s[0..n) of the current node, written at text
 * offset at: its start, and every breakpoint of the node's map inside. */
static void map_run(text_builder *tb, uint64_t at, const char *s, size_t n)
{
    if (!tb->source || n == 0)
        return;
    shelf_node_point p;
    locate_byte(tb, s, &p);
    add_anchor(tb, at, &p);
    size_t off = (size_t)(s - tb->node_content);
    if (tb->node_map.count == 0)
        return; /* pinned as a whole */
    const shelf_node_map *map = &tb->node_map;
    for (size_t i = tb->node_cursor.index + 1; i < map->count && map->at[i].content_offset < off + n;
         i++)
        add_anchor(tb, at + (map->at[i].content_offset - off), &map->at[i]);
}

/* " | " between cells: not in the source, so pinned to where the next
 * cell's text (s) starts there. */
static void add_cell_separator(text_builder *tb, const char *s)
{
    if (tb->source) {
        shelf_node_point p;
        locate_byte(tb, s, &p);
        p.pinned = true;
        add_anchor(tb, tb->out.len, &p);
    }
    append(tb, CELL_SEPARATOR, strlen(CELL_SEPARATOR));
}

/* Pays what is owed, then appends n visible bytes. */
static void emit_visible(text_builder *tb, const char *s, size_t n)
{
    if (tb->out.len > 0) {
        if (tb->owed_breaks > 0)
            append(tb, "\n\n", (size_t)tb->owed_breaks);
        else if (tb->owed_cell)
            add_cell_separator(tb, s);
        else if (tb->owed_space)
            append(tb, " ", 1);
    }
    tb->owed_breaks = 0;
    tb->owed_cell = false;
    tb->owed_space = false;
    if (tb->heading && tb->heading_start == NO_HEADING_START)
        tb->heading_start = tb->out.len;
    if (tb->source && tb->pre_blanks.len > 0 && tb->blanks_located)
        add_anchor(tb, tb->out.len, &tb->blanks_at);
    append(tb, tb->pre_blanks.data, tb->pre_blanks.len);
    shelf_buf_reset(&tb->pre_blanks);
    map_run(tb, tb->out.len, s, n);
    append(tb, s, n);
}

/* Text outside pre: runs of white space become one owed space. */
static void add_flowing_text(text_builder *tb, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (shelf_html_is_space((unsigned char)s[i])) {
            tb->owed_space = true;
            i++;
            continue;
        }
        size_t run = i;
        while (i < n && !shelf_html_is_space((unsigned char)s[i]))
            i++;
        emit_visible(tb, s + run, i - run);
    }
}

static bool is_pre_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Text inside pre/textarea: kept line by line; blanks at the end of a line
 * are dropped. */
static void add_preformatted_text(text_builder *tb, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\n' || s[i] == '\r') {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            add_line_break(tb);
            i++;
        } else if (is_pre_blank(s[i])) {
            if (tb->source && tb->pre_blanks.len == 0) {
                tb->blanks_located = true;
                locate_byte(tb, s + i, &tb->blanks_at);
            }
            if (tb->rc == SHELF_OK && shelf_buf_put_u8(&tb->pre_blanks, (uint8_t)s[i]) != SHELF_OK)
                tb->rc = SHELF_ENOMEM;
            i++;
        } else {
            size_t run = i;
            while (i < n && s[i] != '\n' && s[i] != '\r' && !is_pre_blank(s[i]))
                i++;
            emit_visible(tb, s + run, i - run);
        }
    }
}

/* Text the parser kept as written (script, style): not text data of the
 * source, never located. */
static bool is_raw_text(const xmlNode *node)
{
    const xmlNode *parent = node->parent;
    if (!parent || parent->type != XML_ELEMENT_NODE || !parent->name)
        return false;
    const char *name = (const char *)parent->name;
    return strcmp(name, "script") == 0 || strcmp(name, "style") == 0;
}

/* The line libxml2 noted for a text node (where its first chunk ended, so
 * a line holding some of its text), or 0 when unknown. */
static uint32_t noted_line(const xmlNode *node)
{
    long line = xmlGetLineNo((xmlNode *)node);
    return line > 0 && line < 65535 ? (uint32_t)line : 0;
}

/* Finds the node's text in the source for the runs it will emit. */
static void locate_node(text_builder *tb, const xmlNode *node, const char *s, size_t n)
{
    tb->node_content = s;
    tb->node_map.count = 0;
    uint32_t line = noted_line(node);
    if (is_raw_text(node))
        return;
    if (tb->rc == SHELF_OK &&
        shelf_html_source_locate(tb->source, s, n, line, &tb->node_map) != SHELF_OK)
        tb->rc = SHELF_ENOMEM;
    if (tb->node_map.count > 0)
        shelf_node_cursor_start(&tb->node_map, &tb->node_cursor);
    tb->node_line = line ? line : tb->source->line;
}

/* A text node: preformatted inside pre/textarea, except in a heading,
 * which is always one line.  Inside skipped elements only located. */
static void add_text(text_builder *tb, const xmlNode *node)
{
    if (!node->content)
        return;
    const char *s = (const char *)node->content;
    size_t n = strlen(s);
    if (tb->source)
        locate_node(tb, node, s, n);
    if (tb->hidden_depth > 0)
        return;
    if (tb->pre_depth > 0 && !tb->heading)
        add_preformatted_text(tb, s, n);
    else
        add_flowing_text(tb, s, n);
}

static void open_heading(text_builder *tb, const xmlNode *element)
{
    owe_break(tb, 2); /* inside a heading: a space */
    if (tb->heading)
        return; /* a heading inside a heading: plain text of the outer one */
    tb->heading = element;
    tb->heading_level = heading_level(element);
    tb->heading_start = NO_HEADING_START;
}

static void close_heading(text_builder *tb, const xmlNode *element)
{
    if (tb->heading != element) {
        owe_break(tb, 2); /* the inner heading ends: a space */
        return;
    }
    size_t start = tb->heading_start;
    if (start != NO_HEADING_START && tb->out.len > start && tb->out.len - start <= UINT32_MAX &&
        tb->rc == SHELF_OK &&
        shelf_layout_add_heading(tb->layout, start, (uint32_t)(tb->out.len - start),
                                 tb->heading_level) != SHELF_OK)
        tb->rc = SHELF_ENOMEM;
    tb->heading = NULL;
    owe_break(tb, 2);
}

static int list_break(const text_builder *tb)
{
    return tb->list_depth > 0 ? 1 : 2;
}

/* Start of an element; false when its content is to be skipped.  With a
 * source map, skipped content is walked all the same (hidden), so its
 * text is located and cannot be mistaken for later visible text. */
static bool open_element(text_builder *tb, const xmlNode *element)
{
    element_kind kind = kind_of(element);
    if (tb->hidden_depth == 0 && kind != KIND_SKIP && tb->skip_navigation &&
        shelf_html_is_navigation(element)) {
        owe_break(tb, 1); /* a block left out still ends the line before it */
        kind = KIND_SKIP;
    }
    if (tb->hidden_depth > 0 || kind == KIND_SKIP) {
        if (!tb->source)
            return false;
        tb->hidden_depth++;
        return true;
    }
    switch (kind) {
    case KIND_SKIP:
        return false;
    case KIND_LINE:
    case KIND_ROW:
        owe_break(tb, 1);
        break;
    case KIND_PARAGRAPH:
        owe_break(tb, 2);
        break;
    case KIND_LIST:
        owe_break(tb, list_break(tb));
        tb->list_depth++;
        break;
    case KIND_HEADING:
        open_heading(tb, element);
        break;
    case KIND_BREAK:
        add_line_break(tb);
        break;
    case KIND_PRE:
        owe_break(tb, 2);
        tb->pre_depth++;
        break;
    case KIND_TEXTAREA:
        owe_break(tb, 1);
        tb->pre_depth++;
        break;
    case KIND_CELL:
    case KIND_INLINE:
        break;
    }
    return true;
}

static void close_element(text_builder *tb, const xmlNode *element)
{
    if (tb->hidden_depth > 0) {
        tb->hidden_depth--;
        return;
    }
    switch (kind_of(element)) {
    case KIND_LINE:
    case KIND_ROW:
        owe_break(tb, 1);
        break;
    case KIND_PARAGRAPH:
        owe_break(tb, 2);
        break;
    case KIND_LIST:
        tb->list_depth--;
        owe_break(tb, list_break(tb));
        break;
    case KIND_HEADING:
        close_heading(tb, element);
        break;
    case KIND_PRE:
        tb->pre_depth--;
        owe_break(tb, 2);
        break;
    case KIND_TEXTAREA:
        tb->pre_depth--;
        owe_break(tb, 1);
        break;
    case KIND_CELL:
        if (tb->owed_breaks == 0)
            tb->owed_cell = true;
        break;
    case KIND_SKIP:
    case KIND_BREAK:
    case KIND_INLINE:
        break;
    }
}

/* Enters node; true when the walk should go into its children (and later
 * call close_element for it). */
static bool visit(text_builder *tb, const xmlNode *node)
{
    switch (node->type) {
    case XML_ELEMENT_NODE:
        return open_element(tb, node);
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        add_text(tb, node);
        return false;
    default:
        return false; /* comments, processing instructions, DTD */
    }
}

/* Depth-first over the document through parent and sibling pointers: no
 * recursion, no stack, any depth. */
static void walk_visible(text_builder *tb, xmlDoc *doc)
{
    const xmlNode *top = (const xmlNode *)doc;
    const xmlNode *node = doc->children;
    while (node && tb->rc == SHELF_OK) {
        if (visit(tb, node)) {
            if (node->children) {
                node = node->children;
                continue;
            }
            close_element(tb, node);
        }
        while (!node->next) {
            node = node->parent;
            if (!node || node == top)
                return;
            close_element(tb, node);
        }
        node = node->next;
    }
}

/* ------------------------------------------------------------------ */
/* Title                                                                */
/* ------------------------------------------------------------------ */

/* Foreign content whose <title> is not the document's. */
static bool is_foreign_root(const xmlNode *element)
{
    const char *name = (const char *)element->name;
    return name && (strcmp(name, "svg") == 0 || strcmp(name, "math") == 0);
}

/* Next node in document order, entering HTML elements only. */
static const xmlNode *next_in_order(const xmlNode *node, const xmlNode *top)
{
    if (node->type == XML_ELEMENT_NODE && node->children && !is_foreign_root(node))
        return node->children;
    while (!node->next) {
        node = node->parent;
        if (!node || node == top)
            return NULL;
    }
    return node->next;
}

static const xmlNode *find_title(xmlDoc *doc)
{
    const xmlNode *top = (const xmlNode *)doc;
    for (const xmlNode *n = doc->children; n; n = next_in_order(n, top))
        if (n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, "title") == 0)
            return n;
    return NULL;
}

/* The <title> text, white space collapsed and trimmed; SHELF_OK with
 * *title NULL when there is none. */
static int read_title(xmlDoc *doc, char **title, size_t *title_len)
{
    *title = NULL;
    *title_len = 0;
    const xmlNode *element = find_title(doc);
    if (!element)
        return SHELF_OK;
    xmlChar *content = xmlNodeGetContent(element);
    if (!content)
        return SHELF_OK;
    text_builder tb = {0};
    add_flowing_text(&tb, (const char *)content, strlen((const char *)content));
    xmlFree(content);
    if (tb.rc == SHELF_OK && tb.out.len > 0)
        append(&tb, "", 1);
    if (tb.rc != SHELF_OK || tb.out.len == 0) {
        shelf_buf_free(&tb.out);
        return tb.rc;
    }
    *title = (char *)tb.out.data;
    *title_len = tb.out.len - 1;
    return SHELF_OK;
}

/* ------------------------------------------------------------------ */
/* The reader                                                           */
/* ------------------------------------------------------------------ */

/* Makes buf valid, NUL-terminated UTF-8 (libxml2 was given valid UTF-8;
 * its output is checked all the same, cheaply).  A repair moves bytes, so
 * the source map, whose offsets it would falsify, is dropped. */
static int finish_utf8(shelf_buf *buf, shelf_layout *layout)
{
    if (!shelf_utf8_valid((const char *)buf->data, buf->len)) {
        layout->nanchors = 0;
        shelf_buf fixed = SHELF_BUF_INIT;
        if (shelf_utf8_repair((const char *)buf->data, buf->len, &fixed) != SHELF_OK) {
            shelf_buf_free(&fixed);
            return SHELF_ENOMEM;
        }
        shelf_buf_free(buf);
        *buf = fixed;
    }
    return shelf_buf_put_u8(buf, 0);
}

/* The visible text into *tb, navigation left out or not, with a fresh
 * source map and layout. */
static void read_visible(text_builder *tb, xmlDoc *doc, const shelf_html_input *in,
                         shelf_html_source *source, shelf_layout *layout, bool skip_navigation)
{
    shelf_html_source_init(source, in->bytes, in->len);
    shelf_layout_reset(layout);
    layout->structured = true;
    *tb = (text_builder){0};
    tb->layout = layout;
    tb->source = source;
    tb->skip_navigation = skip_navigation;
    walk_visible(tb, doc);
    shelf_buf_free(&tb->pre_blanks);
    shelf_node_map_free(&tb->node_map);
}

static int extract_document(const char *path, xmlDoc *doc, const shelf_html_input *in,
                            shelf_doctext *out, shelf_err *err)
{
    shelf_html_source source;
    text_builder tb;
    read_visible(&tb, doc, in, &source, &out->layout, true);
    if (tb.rc == SHELF_OK && tb.out.len == 0) { /* nothing but navigation */
        shelf_buf_free(&tb.out);
        read_visible(&tb, doc, in, &source, &out->layout, false);
    }
    int rc = tb.rc;
    if (rc == SHELF_OK && tb.out.len == 0) {
        shelf_buf_free(&tb.out);
        return shelf_errf(err, SHELF_ESKIP, "%s: no visible text", path);
    }
    if (rc == SHELF_OK)
        rc = finish_utf8(&tb.out, &out->layout);
    if (rc == SHELF_OK)
        rc = read_title(doc, &out->title, &out->title_len);
    if (rc == SHELF_OK)
        rc = shelf_html_meta(doc, &out->author, &out->date); /* htmlmeta.h */
    if (rc != SHELF_OK) {
        shelf_buf_free(&tb.out);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    }
    out->text = (char *)tb.out.data;
    out->len = tb.out.len - 1;
    return SHELF_OK;
}

int shelf_extract_html(const char *path, const char *data, size_t len, shelf_doctext *out,
                       shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_html_input in = {0};
    if (shelf_html_input_prepare(data, len, &in) != SHELF_OK) {
        shelf_html_input_free(&in);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    }
    if (in.len > INT_MAX) {
        shelf_html_input_free(&in);
        return shelf_errf(err, SHELF_ESKIP, "%s: HTML file too large (over 2 GiB)", path);
    }
    htmlDocPtr doc = parse_silently(&in);
    if (!doc) {
        shelf_html_input_free(&in);
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged HTML", path);
    }
    out->encoding = in.encoding;
    int rc = extract_document(path, doc, &in, out, err);
    shelf_html_input_free(&in);
    xmlFreeDoc(doc);
    if (rc != SHELF_OK)
        shelf_doctext_free(out);
    return rc;
}

/* Content that starts like HTML is HTML; a file named .html is HTML unless
 * its bytes look binary. */
static shelf_sniff sniff_html_row(const char *data, size_t len)
{
    if (shelf_sniff_html(data, len))
        return SHELF_SNIFF_YES;
    return shelf_looks_binary(data, len) ? SHELF_SNIFF_NO : SHELF_SNIFF_IF_NAMED;
}

const shelf_reader shelf_reader_html = {
    .info = &shelf_html_format,
    .sniff = sniff_html_row,
    .extract = shelf_extract_html,
};
