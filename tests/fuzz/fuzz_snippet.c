/*
 * fuzz_snippet.c - the snippet and citation builders (present/passage.h,
 * cite.h, place.h) over a text, match spans and a layout all derived from
 * the input.
 *
 * Input: byte 0 = options (bits 0-1: passages - 1; bit 2: paged; bit 3:
 * structured), byte 1 = width (20 + 2 x value characters), then a query
 * line, '\n', and the document text.  Derived:
 *   - spans: every token of the text (english analyzer) whose term is one
 *     of the query line's terms, grouped by query term (weight 1 + group
 *     mod 3), as the index would locate them;
 *   - pages (bit 2): one at 0 and one after every form feed;
 *   - headings (bit 3): every line starting with '#': the rest of the line
 *     after the '#'s and spaces, level = number of '#' (at most 6).
 * Checked: passage_pick succeeds; at most `passages` passages, disjoint,
 * each a non-empty range of the text on character boundaries; highlights
 * sorted, disjoint, non-empty, inside their passage, on boundaries, and each
 * exactly covered by the spans inside the passage; page, line and column
 * match a recount, and so do end_page and end_line (of the last byte; a
 * passage may run on across a page start); the section lies in the text;
 * the quotation (cite.h), whose end_page matches a recount, is
 * a non-empty range on boundaries, at most SHELF_QUOTE_MAX_BYTES when it
 * keeps whole sentences; shelf_place_of at every span start agrees with
 * the recount.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "fuzz.h"
#include "present/cite.h"
#include "present/passage.h"
#include "present/place.h"

#define TARGET "snippet"
#define HEADER_BYTES 2
#define MIN_WIDTH 20
#define MAX_QUERY_TERMS 8
#define SECTION_LOOKBACK 2000

static shelf_analyzer *analyzer;

static void free_analyzer(void)
{
    shelf_analyzer_free(analyzer);
    analyzer = NULL;
}

static shelf_analyzer *get_analyzer(void)
{
    if (!analyzer) {
        analyzer = shelf_analyzer_new("english", NULL);
        fuzz_require(analyzer != NULL, TARGET, "cannot create the analyzer");
        atexit(free_analyzer);
    }
    return analyzer;
}

/* ---- deriving spans and a layout ---- */

typedef struct query_terms {
    char term[MAX_QUERY_TERMS][SHELF_MAX_TERM_BYTES];
    size_t len[MAX_QUERY_TERMS];
    size_t count;
} query_terms;

static void read_query(const char *q, size_t n, query_terms *out)
{
    shelf_token_iter it;
    shelf_token tok;
    out->count = 0;
    shelf_tokens_begin(&it, get_analyzer(), q, n);
    while (out->count < MAX_QUERY_TERMS && shelf_tokens_next(&it, &tok)) {
        memcpy(out->term[out->count], tok.term, tok.term_len);
        out->len[out->count++] = tok.term_len;
    }
}

static int group_of(const query_terms *q, const shelf_token *tok)
{
    for (size_t i = 0; i < q->count; i++)
        if (q->len[i] == tok->term_len && memcmp(q->term[i], tok->term, tok->term_len) == 0)
            return (int)i;
    return -1;
}

static void add_span(shelf_spans *s, const shelf_token *tok, int group)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->at = realloc(s->at, s->cap * sizeof *s->at);
        fuzz_require(s->at != NULL, TARGET, "out of memory");
    }
    s->at[s->count++] = (shelf_span){tok->position, tok->position, tok->start, tok->end,
                                     (uint32_t)group, 1.0 + group % 3};
}

static void find_spans(const query_terms *q, const char *text, size_t len, shelf_spans *out)
{
    shelf_token_iter it;
    shelf_token tok;
    memset(out, 0, sizeof *out);
    out->groups = (uint32_t)q->count;
    shelf_tokens_begin(&it, get_analyzer(), text, len);
    while (shelf_tokens_next(&it, &tok)) {
        int g = group_of(q, &tok);
        if (g >= 0)
            add_span(out, &tok, g);
    }
}

static void add_pages(const char *text, size_t len, shelf_layout *l)
{
    fuzz_require(shelf_layout_add_page(l, 0) == SHELF_OK, TARGET, "out of memory");
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '\f')
            fuzz_require(shelf_layout_add_page(l, i + 1) == SHELF_OK, TARGET, "out of memory");
}

static void add_headings(const char *text, size_t len, shelf_layout *l)
{
    l->structured = true;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t a = at;
        while (a < end && text[a] == '#')
            a++;
        uint32_t level = (uint32_t)(a - at);
        while (a < end && text[a] == ' ')
            a++;
        if (level > 0 && a < end)
            fuzz_require(shelf_layout_add_heading(l, a, (uint32_t)(end - a),
                                                  level < 6 ? level : 6) == SHELF_OK,
                         TARGET, "out of memory");
        at = end + 1;
    }
}

/* ---- checks ---- */

typedef struct doc {
    const char *text;
    size_t len;
    const bool *boundary;
    const shelf_layout *layout; /* NULL: none */
    bool valid_utf8;
} doc;

/* Line (within its page when paged) and column of pos, counted here. */
static void recount(const doc *d, size_t pos, size_t *page, size_t *line, size_t *column)
{
    size_t from = 0;
    *page = 0;
    if (d->layout && d->layout->npages) {
        while (*page < d->layout->npages && d->layout->pages[*page] <= pos)
            (*page)++;
        from = (size_t)d->layout->pages[*page - 1];
    }
    *line = 1;
    for (size_t i = from; i < pos; i++)
        *line += d->text[i] == '\n';
    size_t text_line_start = pos;
    while (text_line_start > 0 && d->text[text_line_start - 1] != '\n')
        text_line_start--;
    *column = 1;
    for (size_t i = text_line_start; i < pos; i++)
        *column += d->boundary[i];
}

static void check_place(const doc *d, size_t pos, size_t page, size_t line, size_t column)
{
    size_t want_page, want_line, want_column;
    recount(d, pos, &want_page, &want_line, &want_column);
    fuzz_require(page == want_page && line == want_line, TARGET, "wrong page or line");
    if (d->valid_utf8)
        fuzz_require(column == want_column, TARGET, "wrong column");
}

static void check_highlights(const doc *d, const shelf_passage *p, const shelf_spans *s)
{
    size_t prev_to = 0;
    for (size_t i = 0; i < p->nhighlights; i++) {
        const shelf_highlight *h = &p->highlights[i];
        fuzz_require(h->from < h->to && h->to <= p->end - p->start, TARGET,
                     "highlight empty or outside its passage");
        fuzz_require(i == 0 || h->from > prev_to, TARGET, "highlights unsorted or not merged");
        fuzz_require(d->boundary[p->start + h->from] && d->boundary[p->start + h->to], TARGET,
                     "highlight splits a character");
        prev_to = h->to;
    }
    for (size_t k = 0; k < s->count; k++) {
        const shelf_span *sp = &s->at[k];
        if (sp->start < p->start || sp->end > p->end)
            continue;
        bool covered = false;
        for (size_t i = 0; i < p->nhighlights && !covered; i++)
            covered = p->start + p->highlights[i].from <= sp->start &&
                      sp->end <= p->start + p->highlights[i].to;
        fuzz_require(covered, TARGET, "a span inside the passage is not highlighted");
    }
}

static void check_quote(const doc *d, const shelf_passage *p)
{
    shelf_quote q;
    shelf_quote_of(d->text, d->len, d->layout, p, &q);
    fuzz_require(q.start < q.end && q.end <= d->len, TARGET, "quote empty or outside the text");
    fuzz_require(d->boundary[q.start] && d->boundary[q.end], TARGET, "quote splits a character");
    fuzz_require(!q.whole_sentences || q.end - q.start <= SHELF_QUOTE_MAX_BYTES, TARGET,
                 "whole-sentence quote longer than the limit");
    check_place(d, q.start, q.page, q.line, q.column);
    size_t end_page, ignored;
    recount(d, q.end - 1, &end_page, &ignored, &ignored);
    fuzz_require(q.end_page == end_page, TARGET, "wrong end page of a quote");
}

static void check_passage(const doc *d, const shelf_passage *p, const shelf_spans *s)
{
    fuzz_require(p->start < p->end && p->end <= d->len, TARGET, "passage empty or outside the text");
    fuzz_require(d->boundary[p->start] && d->boundary[p->end], TARGET, "passage splits a character");
    fuzz_require(p->section_start <= d->len && p->section_len <= d->len - p->section_start, TARGET,
                 "section outside the text");
    size_t end_page, end_line, ignored;
    recount(d, p->end - 1, &end_page, &end_line, &ignored);
    fuzz_require(p->end_page == end_page && p->end_line == end_line, TARGET,
                 "wrong end page or end line");
    fuzz_require(p->end_page > p->page || p->end_line >= p->line, TARGET,
                 "passage ends before its first line");
    check_place(d, p->start, p->page, p->line, p->column);
    check_highlights(d, p, s);
    check_quote(d, p);
}

static void check_passages(const doc *d, const shelf_passages *ps, const shelf_spans *s,
                           size_t want)
{
    fuzz_require(ps->count <= (s->count ? want : 1), TARGET, "too many passages");
    for (size_t i = 0; i < ps->count; i++) {
        check_passage(d, &ps->at[i], s);
        for (size_t k = 0; k < i; k++)
            fuzz_require(ps->at[i].end <= ps->at[k].start || ps->at[k].end <= ps->at[i].start,
                         TARGET, "passages overlap");
    }
}

static void check_places(const doc *d, const shelf_spans *s)
{
    for (size_t i = 0; i < s->count; i++) {
        shelf_place at;
        shelf_place_of(d->text, d->len, d->layout, s->at[i].start, SECTION_LOOKBACK, &at);
        check_place(d, s->at[i].start, at.page, at.line, at.column);
        fuzz_require(at.section_start <= d->len && at.section_len <= d->len - at.section_start,
                     TARGET, "section outside the text");
    }
}

static void run(const uint8_t *opts, const char *query, size_t qlen, const char *text,
                size_t len)
{
    query_terms q;
    shelf_spans spans;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    read_query(query, qlen, &q);
    find_spans(&q, text, len, &spans);
    if (opts[0] & 4)
        add_pages(text, len, &layout);
    if (opts[0] & 8)
        add_headings(text, len, &layout);
    bool *boundary = fuzz_utf8_boundaries(text, len);
    bool has_layout = (opts[0] & 12) != 0;
    doc d = {text, len, boundary, has_layout ? &layout : NULL, fuzz_utf8_valid(text, len)};
    shelf_passage_opts o = {(size_t)(opts[0] & 3) + 1, MIN_WIDTH + 2 * (size_t)opts[1], 0, false};
    shelf_passages ps;
    shelf_err err = {0};
    fuzz_require(shelf_passages_pick(text, len, d.layout, &spans, &o, &ps, &err) == SHELF_OK,
                 TARGET, err.msg);
    check_passages(&d, &ps, &spans, o.passages);
    check_places(&d, &spans);
    shelf_passages_free(&ps);
    shelf_spans_free(&spans);
    shelf_layout_free(&layout);
    free(boundary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER_BYTES)
        return 0;
    char *body = fuzz_copy(data + HEADER_BYTES, size - HEADER_BYTES); /* NUL-terminated, as stored */
    size_t n = size - HEADER_BYTES;
    const char *nl = memchr(body, '\n', n);
    size_t qlen = nl ? (size_t)(nl - body) : n;
    size_t start = nl ? qlen + 1 : n;
    run(data, body, qlen, body + start, n - start);
    free(body);
    return 0;
}
