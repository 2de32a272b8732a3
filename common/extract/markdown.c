/*
 * markdown.c - Markdown (.md, .markdown) to indexed text, with cmark.
 *
 * The text is what a reader sees: inline markup is dropped (emphasis,
 * strong and code spans keep their text; links keep their text, never their
 * destination or title; images keep their alt text; autolinks keep the
 * visible URL; inline HTML and HTML blocks are dropped; entities and
 * backslash escapes are decoded by cmark).  Code blocks (fenced and
 * indented) are kept as text, their info strings are not.  Thematic breaks,
 * list bullets and block-quote markers produce nothing.
 *
 * Line rule: line N of the output holds the visible text of source line N,
 * so that "file.md line 42" can be opened in the source.  Each block is
 * rendered at its source line (cmark_node_get_start_line): the output is
 * padded with newlines up to that line; soft and hard breaks are newlines;
 * code-block lines go at their own lines (after the fence line for fenced
 * blocks).  The newlines inside dropped inline HTML are emitted too.  At the
 * end the output is padded to the source's number of line endings (\n,
 * \r\n or \r, as CommonMark counts them; the output uses \n only).
 *
 * Known exceptions, where text lands on an earlier line than its source
 * until the next block puts the output back in step:
 *   - inline constructs whose line breaks the tree does not show: a code
 *     span spanning lines (its newlines become spaces), a link destination
 *     or title on a line after the link text (a link's title may come from a
 *     reference definition elsewhere, so its newlines cannot be counted);
 *   - a paragraph or setext heading that starts with link reference
 *     definitions: cmark reports the definitions' first line as the block's
 *     start; single-line definitions (and a title alone on the next line)
 *     are recognised in the source and skipped, others are not;
 *   - when a block starts on a line the output has already passed (not
 *     expected from cmark), its text follows on the same output line after a
 *     space, so later blocks are not pushed further down.
 * Tables are not CommonMark: they are paragraphs, one row per line, with
 * their '|' kept.
 *
 * Columns: mdsource.c adds a source map (layout.h) from the rendered
 * lines to the source's, so citations name the source column too.
 *
 * Headings (ATX and setext) go on their text's line; the layout receives the
 * byte range of each non-empty heading text, exactly as in the output (a
 * multi-line setext heading's range spans its newlines).  The layout is
 * structured even with no headings.
 *
 * As a row of the readers table (.md, .markdown; never chosen by content
 * alone) the reader first decodes the bytes as plain text (text.c: BOMs,
 * UTF-16, Windows-1252, the binary rule) and renders that; the doctext
 * reports the text's encoding and invalid_utf8.
 *
 * Front matter: when the first line is "---" and a later line is "---" or
 * "...", the lines up to that one are YAML front matter, not text; they are
 * parsed as empty lines so the numbering holds.  A top-level "title:" key
 * with an inline value gives the title (trimmed, one pair of surrounding
 * quotes removed, a trailing " #" comment of an unquoted value removed);
 * otherwise the title is NULL.  "author:"/"authors:" and "date:" give the
 * author and date (frontmatter.h).
 *
 * Invariants: the output is NUL-terminated; no line ends in white space
 * (space, tab, VT, FF); it has exactly the source's number of line endings
 * (the padding never overshoots: every emitted newline stands for a source
 * line ending); heading ranges ascend strictly and are non-empty; the bytes
 * are the source's bytes or cmark's decodings, so valid UTF-8 stays valid.
 * The walk is iterative (cmark_iter) and keeps no per-depth state, so
 * nesting depth only costs cmark's own memory.  cmark aborts the process
 * when an allocation fails; our own allocation failures return SHELF_ENOMEM.
 */
#include "extract/mdsource.h"
#include "extract/readers.h"
#include "extract/frontmatter.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the source: line starts, for positions cmark reports ---- */

typedef struct source {
    const char *text;
    size_t len;
    size_t *starts; /* starts[i]: offset of line i + 1 */
    size_t nlines;  /* line endings + 1 */
} source;

/* Length of the line ending at p (0 when p is not at one). */
static size_t line_ending_len(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    if (*p == '\n')
        return 1;
    if (*p == '\r')
        return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    return 0;
}

static size_t count_line_endings(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t e = line_ending_len(text + i, text + len);
        n += e > 0;
        i += e ? e : 1;
    }
    return n;
}

static int source_init(source *s, const char *text, size_t len)
{
    s->text = text;
    s->len = len;
    s->nlines = count_line_endings(text, len) + 1;
    s->starts = malloc(s->nlines * sizeof *s->starts);
    if (!s->starts)
        return SHELF_ENOMEM;
    size_t line = 0;
    s->starts[line++] = 0;
    for (size_t i = 0; i < len;) {
        size_t e = line_ending_len(text + i, text + len);
        i += e ? e : 1;
        if (e)
            s->starts[line++] = i;
    }
    return SHELF_OK;
}

/* Source line n (1-based) without its ending; false when out of range. */
static bool source_line(const source *s, long n, const char **p, size_t *len)
{
    if (n < 1 || (size_t)n > s->nlines)
        return false;
    size_t a = s->starts[n - 1], b = a;
    while (b < s->len && s->text[b] != '\n' && s->text[b] != '\r')
        b++;
    *p = s->text + a;
    *len = b - a;
    return true;
}

/* Source line n from byte column col (1-based, as cmark counts). */
static bool source_segment(const source *s, long n, long col, const char **p, size_t *len)
{
    if (!source_line(s, n, p, len))
        return false;
    size_t skip = col > 1 ? (size_t)(col - 1) : 0;
    if (skip > *len)
        skip = *len;
    *p += skip;
    *len -= skip;
    return true;
}

/* ---- small string helpers ---- */

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static void trim(const char **p, size_t *len)
{
    while (*len > 0 && is_blank_char(**p))
        (*p)++, (*len)--;
    while (*len > 0 && is_blank_char((*p)[*len - 1]))
        (*len)--;
}

static size_t count_newlines(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- front matter ---- */

/* True when the line is marker, unindented, then only white space. */
static bool line_is(const char *p, size_t len, const char *marker)
{
    size_t m = strlen(marker);
    if (len < m || memcmp(p, marker, m) != 0)
        return false;
    for (size_t i = m; i < len; i++)
        if (!is_blank_char(p[i]))
            return false;
    return true;
}

/* Number of lines the front matter takes (0 when there is none). */
static size_t front_matter_lines(const source *s)
{
    const char *p;
    size_t len;
    /* The opening line must be exactly "---" (trailing white space allowed). */
    if (!source_line(s, 1, &p, &len) || !line_is(p, len, "---"))
        return 0;
    for (size_t n = 2; n <= s->nlines; n++) {
        source_line(s, (long)n, &p, &len);
        if (line_is(p, len, "---") || line_is(p, len, "..."))
            return n;
    }
    return 0;
}

/* The value of a "title:" line, unquoted; false when the line has none. */
static bool title_value(const char *p, size_t len, const char **v, size_t *vlen)
{
    static const char key[] = "title:";
    if (len < sizeof key - 1 || strncasecmp(p, key, sizeof key - 1) != 0)
        return false;
    p += sizeof key - 1;
    len -= sizeof key - 1;
    trim(&p, &len);
    if (len >= 2 && (p[0] == '"' || p[0] == '\'') && p[len - 1] == p[0]) {
        p++, len -= 2;
    } else {
        for (size_t i = 0; i + 1 < len; i++) {
            if (is_blank_char(p[i]) && p[i + 1] == '#') {
                len = i;
                break;
            }
        }
        trim(&p, &len);
        if (len > 0 && (p[0] == '|' || p[0] == '>'))
            return false; /* block scalar: not supported */
    }
    *v = p;
    *vlen = len;
    return len > 0;
}

static int front_matter_title(const source *s, size_t fm_lines, shelf_doctext *out)
{
    const char *p, *v;
    size_t len, vlen;
    for (size_t n = 2; n < fm_lines; n++) {
        source_line(s, (long)n, &p, &len);
        if (!title_value(p, len, &v, &vlen))
            continue;
        out->title = malloc(vlen + 1);
        if (!out->title)
            return SHELF_ENOMEM;
        memcpy(out->title, v, vlen);
        out->title[vlen] = '\0';
        out->title_len = vlen;
        return SHELF_OK;
    }
    return SHELF_OK;
}

/* Author and date from the lines between the markers (frontmatter.h). */
static int front_matter_meta(const source *s, size_t fm_lines, shelf_doctext *out)
{
    const char *first, *closing;
    size_t len;
    if (fm_lines < 3 || !source_line(s, 2, &first, &len) ||
        !source_line(s, (long)fm_lines, &closing, &len))
        return SHELF_OK;
    return shelf_front_matter_meta(first, (size_t)(closing - first), &out->author, &out->date);
}

/* A copy of the source whose first fm_lines lines are empty (line endings
 * kept, so cmark numbers the rest as the source does). */
static char *blank_front_matter(const source *s, size_t fm_lines, size_t *copy_len)
{
    size_t body = fm_lines < s->nlines ? s->starts[fm_lines] : s->len;
    char *copy = malloc(s->len + 1);
    if (!copy)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < body;) {
        size_t e = line_ending_len(s->text + i, s->text + body);
        if (e)
            memcpy(copy + n, s->text + i, e), n += e;
        i += e ? e : 1;
    }
    memcpy(copy + n, s->text + body, s->len - body);
    n += s->len - body;
    copy[n] = '\0';
    *copy_len = n;
    return copy;
}

/* ---- link reference definitions at the start of a block ---- */

static size_t skip_blanks(const char *p, size_t i, size_t len)
{
    while (i < len && is_blank_char(p[i]))
        i++;
    return i;
}

/* True when p[i..len) is a link title and nothing after it. */
static bool is_title_rest(const char *p, size_t i, size_t len)
{
    while (len > i && is_blank_char(p[len - 1]))
        len--;
    if (len - i < 2)
        return false;
    char open = p[i], close = open == '(' ? ')' : open;
    if ((open != '"' && open != '\'' && open != '(') || p[len - 1] != close)
        return false;
    for (size_t k = i + 1; k + 1 < len; k++) {
        if (p[k] == '\\')
            k++;
        else if (p[k] == close || (open == '(' && p[k] == '('))
            return false;
    }
    return true;
}

/* Where "[label]:" ends in p (index after ':'), or 0. */
static size_t ref_label_end(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len && i < 3 && p[i] == ' ')
        i++;
    if (i >= len || p[i] != '[')
        return 0;
    bool seen = false;
    for (i++; i < len && p[i] != ']'; i++) {
        if (p[i] == '[')
            return 0;
        if (p[i] == '\\' && i + 1 < len)
            i++;
        seen = seen || !is_blank_char(p[i]);
    }
    if (!seen || i + 1 >= len || p[i + 1] != ':')
        return 0;
    return i + 2;
}

/* After a destination at p[i..): the number of lines the definition takes
 * from here on (1, or 2 with a title alone on the next line), 0 if bad. */
static size_t ref_after_dest(const char *p, size_t i, size_t len, const char *next,
                             size_t next_len)
{
    i = skip_blanks(p, i, len);
    if (i < len)
        return is_title_rest(p, i, len) ? 1 : 0;
    if (next && is_title_rest(next, skip_blanks(next, 0, next_len), next_len))
        return 2;
    return 1;
}

static size_t ref_dest_end(const char *p, size_t i, size_t len)
{
    if (i < len && p[i] == '<') {
        while (i < len && p[i] != '>')
            i++;
        return i < len ? i + 1 : 0;
    }
    size_t start = i;
    while (i < len && !is_blank_char(p[i]))
        i++;
    return i > start ? i : 0;
}

/* Source line n with container markers ('>' and indentation) skipped. */
static bool continuation_line(const source *s, long n, const char **p, size_t *len)
{
    if (!source_line(s, n, p, len))
        return false;
    while (*len > 0 && (is_blank_char(**p) || **p == '>'))
        (*p)++, (*len)--;
    return true;
}

/* Lines taken by a single link reference definition starting at line n
 * (first line's text in p), or 0. */
static size_t ref_def_lines(const source *s, long n, const char *p, size_t len)
{
    size_t i = ref_label_end(p, len);
    if (i == 0)
        return 0;
    const char *next = NULL, *third = NULL;
    size_t next_len = 0, third_len = 0;
    bool has_next = continuation_line(s, n + 1, &next, &next_len);
    i = skip_blanks(p, i, len);
    if (i < len) {
        size_t d = ref_dest_end(p, i, len);
        return d ? ref_after_dest(p, d, len, has_next ? next : NULL, next_len) : 0;
    }
    if (!has_next) /* the destination is on the next line */
        return 0;
    bool has_third = continuation_line(s, n + 2, &third, &third_len);
    size_t j = skip_blanks(next, 0, next_len);
    size_t d = ref_dest_end(next, j, next_len);
    size_t more = d ? ref_after_dest(next, d, next_len, has_third ? third : NULL, third_len) : 0;
    return more ? 1 + more : 0;
}

/* Lines rendered for a paragraph: 1 + the line breaks its inlines carry. */
static long rendered_lines(cmark_node *block)
{
    long n = 1;
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            n++;
            break;
        case CMARK_NODE_HTML_INLINE:
            n += (long)count_newlines(cmark_node_get_literal(node));
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    return n;
}

/* The line a paragraph's or heading's text starts on: cmark's start line,
 * past any link reference definitions it counts in the block. */
static long text_start_line(const source *s, cmark_node *block)
{
    long line = cmark_node_get_start_line(block);
    const char *p;
    size_t len;
    if (!source_segment(s, line, cmark_node_get_start_column(block), &p, &len))
        return line;
    size_t i = 0;
    while (i < len && i < 3 && p[i] == ' ')
        i++;
    if (i >= len || p[i] != '[')
        return line;
    /* Lines that may be skipped: the block's, less those its text takes
     * and a setext heading's underline (never part of a definition). */
    long room = cmark_node_get_end_line(block) - line + 1 - rendered_lines(block);
    if (cmark_node_get_type(block) == CMARK_NODE_HEADING)
        room--;
    long skipped = 0;
    while (skipped < room) {
        size_t n = ref_def_lines(s, line + skipped, p, len);
        if (n == 0 || skipped + (long)n > room)
            break;
        skipped += (long)n;
        if (!continuation_line(s, line + skipped, &p, &len))
            break;
    }
    return line + skipped;
}

/* Is cmark's text lit[0..ln) the source's p[0..pn)?  cmark reads each NUL
 * byte of the source as U+FFFD. */
static bool same_as_source(const char *lit, size_t ln, const char *p, size_t pn)
{
    size_t i = 0, k = 0;
    while (i < ln && k < pn) {
        if (p[k] == '\0' && ln - i >= 3 && memcmp(lit + i, "\xEF\xBF\xBD", 3) == 0)
            i += 3;
        else if (lit[i] == p[k])
            i++;
        else
            return false;
        k++;
    }
    return i == ln && k == pn;
}

/* True for a fenced code block: its start line is a fence, not its text. */
static bool is_fenced(const source *s, cmark_node *code)
{
    const char *p, *lit = cmark_node_get_literal(code);
    size_t len;
    if (!source_segment(s, cmark_node_get_start_line(code), cmark_node_get_start_column(code), &p,
                        &len))
        return false;
    trim(&p, &len);
    if (len < 3 || !(memcmp(p, "```", 3) == 0 || memcmp(p, "~~~", 3) == 0))
        return false;
    /* An indented block whose first line looks like a fence. */
    const char *eol = lit ? strchr(lit, '\n') : NULL;
    size_t first_len = eol ? (size_t)(eol - lit) : (lit ? strlen(lit) : 0);
    trim(&lit, &first_len);
    return !(lit && same_as_source(lit, first_len, p, len));
}

/* ---- the output ---- */

typedef struct renderer {
    shelf_buf out;
    long line;         /* 1-based line the output is on */
    size_t line_start; /* offset where that line starts */
    const source *src;
    shelf_layout *layout;
    size_t heading_start;
    int heading_level;
} renderer;

static int emit(renderer *r, const char *s, size_t n)
{
    return shelf_buf_append(&r->out, s, n);
}

static void trim_line_end(renderer *r)
{
    while (r->out.len > r->line_start && is_blank_char((char)r->out.data[r->out.len - 1]))
        r->out.len--;
}

static int new_line(renderer *r)
{
    trim_line_end(r);
    int rc = shelf_buf_put_u8(&r->out, '\n');
    if (rc == SHELF_OK) {
        r->line++;
        r->line_start = r->out.len;
    }
    return rc;
}

static int new_lines(renderer *r, size_t n)
{
    int rc = SHELF_OK;
    for (size_t i = 0; i < n && rc == SHELF_OK; i++)
        rc = new_line(r);
    return rc;
}

/* Move the output to the start of a block at source line `line`; when it
 * is already there or past it with text on the line, separate by a space. */
static int go_to_line(renderer *r, long line)
{
    int rc = SHELF_OK;
    while (r->line < line && rc == SHELF_OK)
        rc = new_line(r);
    if (rc == SHELF_OK && r->out.len > r->line_start)
        rc = emit(r, " ", 1);
    return rc;
}

static int emit_code_block(renderer *r, cmark_node *code)
{
    const char *lit = cmark_node_get_literal(code);
    long line = cmark_node_get_start_line(code) + (is_fenced(r->src, code) ? 1 : 0);
    int rc = SHELF_OK;
    while (lit && *lit && rc == SHELF_OK) {
        const char *eol = strchr(lit, '\n');
        size_t n = eol ? (size_t)(eol - lit) : strlen(lit);
        rc = go_to_line(r, line++);
        if (rc == SHELF_OK)
            rc = emit(r, lit, n);
        lit += n + (eol != NULL);
    }
    return rc;
}

static int start_heading(renderer *r, cmark_node *heading)
{
    int rc = go_to_line(r, text_start_line(r->src, heading));
    r->heading_start = r->out.len;
    r->heading_level = cmark_node_get_heading_level(heading);
    return rc;
}

static int end_heading(renderer *r)
{
    trim_line_end(r);
    size_t start = r->heading_start;
    while (start < r->out.len &&
           (is_blank_char((char)r->out.data[start]) || r->out.data[start] == '\n'))
        start++;
    const shelf_layout *l = r->layout;
    if (start >= r->out.len || r->out.len - start > UINT32_MAX || r->heading_level < 1 ||
        r->heading_level > SHELF_HEADING_MAX_LEVEL ||
        (l->nheadings > 0 && l->headings[l->nheadings - 1].start >= start))
        return SHELF_OK;
    return shelf_layout_add_heading(r->layout, start, (uint32_t)(r->out.len - start),
                                    (uint32_t)r->heading_level);
}

static int enter_node(renderer *r, cmark_node *node)
{
    const char *lit;
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_PARAGRAPH:
        return go_to_line(r, text_start_line(r->src, node));
    case CMARK_NODE_HEADING:
        return start_heading(r, node);
    case CMARK_NODE_CODE_BLOCK:
        return emit_code_block(r, node);
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
        lit = cmark_node_get_literal(node);
        return lit ? emit(r, lit, strlen(lit)) : SHELF_OK;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
        return new_line(r);
    case CMARK_NODE_HTML_INLINE:
        return new_lines(r, count_newlines(cmark_node_get_literal(node)));
    default:
        return SHELF_OK; /* containers, HTML blocks, thematic breaks */
    }
}

static int leave_node(renderer *r, cmark_node *node)
{
    return cmark_node_get_type(node) == CMARK_NODE_HEADING ? end_heading(r) : SHELF_OK;
}

static int render(renderer *r, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int rc = SHELF_OK;
    while (rc == SHELF_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        rc = ev == CMARK_EVENT_ENTER ? enter_node(r, node) : leave_node(r, node);
    }
    cmark_iter_free(it);
    while (rc == SHELF_OK && (size_t)r->line < r->src->nlines)
        rc = new_line(r);
    trim_line_end(r);
    return rc == SHELF_OK ? shelf_buf_put_u8(&r->out, '\0') : rc;
}

/* ---- entry point ---- */

static int parse_and_render(const source *s, const char *body, size_t body_len,
                            shelf_doctext *out)
{
    cmark_node *doc = cmark_parse_document(body, body_len, CMARK_OPT_DEFAULT);
    renderer r = {SHELF_BUF_INIT, 1, 0, s, &out->layout, 0, 0};
    int rc = render(&r, doc);
    cmark_node_free(doc);
    if (rc != SHELF_OK) {
        shelf_buf_free(&r.out);
        return rc;
    }
    out->text = (char *)r.out.data;
    out->len = r.out.len - 1; /* the NUL */
    return shelf_markdown_map_columns(s->text, s->len, out->text, out->len, &out->layout);
}

int shelf_extract_markdown(const char *path, const char *utf8, size_t len, shelf_doctext *out,
                           shelf_err *err)
{
    memset(out, 0, sizeof *out);
    out->layout.structured = true;
    source s;
    if (source_init(&s, utf8, len) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    size_t fm = front_matter_lines(&s);
    const char *body = utf8;
    size_t body_len = len;
    char *copy = NULL;
    int rc = front_matter_title(&s, fm, out);
    if (rc == SHELF_OK)
        rc = front_matter_meta(&s, fm, out);
    if (rc == SHELF_OK && fm > 0) {
        copy = blank_front_matter(&s, fm, &body_len);
        body = copy;
        rc = copy ? SHELF_OK : SHELF_ENOMEM;
    }
    if (rc == SHELF_OK)
        rc = parse_and_render(&s, body, body_len, out);
    free(copy);
    free(s.starts);
    if (rc != SHELF_OK) {
        shelf_doctext_free(out);
        return shelf_errf(err, rc, "%s: out of memory", path);
    }
    return SHELF_OK;
}

/* The row's reader: Markdown is rendered from the decoded text. */
static int read_markdown(const char *path, const char *data, size_t len, shelf_doctext *d,
                         shelf_err *err)
{
    shelf_doctext plain;
    int rc = shelf_decode_text(path, data, len, &plain, err);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_extract_markdown(path, plain.text, plain.len, d, err);
    if (rc == SHELF_OK) {
        d->encoding = plain.encoding;
        d->invalid_utf8 = plain.invalid_utf8;
    }
    shelf_doctext_free(&plain);
    return rc;
}

const shelf_reader shelf_reader_markdown = {
    .info = &shelf_markdown_format,
    .sniff = shelf_sniff_by_name_only,
    .extract = read_markdown,
};
