/* passage.c - choosing, cutting and locating passages; see passage.h. */
#include "present/passage.h"
#include "present/pagespan.h"
#include "extract/paragraphs.h"
#include "present/place.h"
#include "extract/textnav.h"
#include "extract/toc.h"
#include "util/deadline.h"

#include <stdlib.h>
#include <string.h>

#define SECTION_LOOKBACK_LINES 2000
#define GLUED_RUN_MAX 4
#define CUT_WORK 64 /* ticks counted per window cut (a few scans of its paragraph) */

typedef struct candidate {
    size_t anchor; /* index of the anchor span */
    double score;
    bool toc;      /* the anchor is on a table-of-contents line (toc.h) */
} candidate;

/* What one query leaf is worth to a passage: its idf, a token amount when
 * the idf is not positive (a leaf in every document still shows). */
static double leaf_worth(const shelf_span *sp)
{
    return sp->weight > 0 ? sp->weight : 0.01;
}

/* Score of the raw window [from, to) over spans, using a scratch group mark;
 * the spans looked at are counted on the ticker. */
static double window_score(const shelf_spans *s, size_t first, size_t to, uint32_t *seen, uint32_t stamp,
                           shelf_ticker *clock)
{
    double score = 0;
    size_t extra = 0;
    size_t i;
    for (i = first; i < s->count && s->at[i].start < to; i++) {
        if (s->at[i].end > to)
            continue;
        if (seen[s->at[i].group] != stamp) {
            seen[s->at[i].group] = stamp;
            score += leaf_worth(&s->at[i]);
        } else {
            extra++;
        }
    }
    shelf_ticker_tick(clock, (uint32_t)(i - first) + 1);
    return score + 0.05 * (double)(extra < 20 ? extra : 20);
}

/* Body text first, then by score. */
static int by_score(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->toc != y->toc)
        return x->toc ? 1 : -1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->anchor < y->anchor ? -1 : x->anchor > y->anchor;
}

/* Every span's window scored, best first, into *out; SHELF_ENOMEM, or
 * SHELF_ETIMEOUT past the deadline.  A window ends at its paragraph's end,
 * as the passage cut from it will. */
static int score_candidates(const char *text, size_t len, bool by_lines, const shelf_spans *s,
                            size_t width, shelf_ticker *clock, candidate **out, shelf_err *err)
{
    candidate *c = malloc((s->count ? s->count : 1) * sizeof *c);
    uint32_t *seen = calloc(s->groups ? s->groups : 1, sizeof *seen);
    if (!c || !seen) {
        free(c);
        free(seen);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory choosing passages");
    }
    for (size_t i = 0; i < s->count && !clock->expired; i++) {
        size_t from = s->at[i].start;
        size_t to = shelf_chars_forward(text, from, width - width / 3, len);
        size_t clip_from = s->at[i].end < to ? s->at[i].end : to;
        to = shelf_paragraph_break_within(text, clip_from, to, by_lines);
        c[i] = (candidate){i, window_score(s, i, to, seen, (uint32_t)i + 1, clock),
                           shelf_toc_line_at(text, len, from)};
    }
    free(seen);
    if (clock->expired) {
        free(c);
        return shelf_timeout_err(err, "choosing passages");
    }
    qsort(c, s->count, sizeof *c, by_score);
    *out = c;
    return SHELF_OK;
}

/* The match [a, b) may be glued to other non-space text (e.g. "x—nato»-y").
 * Widen to the whole white-space-delimited run, unless the run is longer
 * than GLUED_RUN_MAX widths (a blob, not words): then cut at the match. */
static size_t run_start(const char *text, size_t a, size_t floor, size_t width)
{
    size_t r = a;
    while (r > floor && !shelf_is_space(text[r - 1]))
        r--;
    return shelf_char_count(text, r, a) <= GLUED_RUN_MAX * width ? r : a;
}

static size_t run_end(const char *text, size_t b, size_t ceil, size_t width)
{
    size_t r = b;
    while (r < ceil && !shelf_is_space(text[r]))
        r++;
    return shelf_char_count(text, b, r) <= GLUED_RUN_MAX * width ? r : b;
}

/* The document as passages see it: its text, pages and headings, and
 * whether each of its lines is a paragraph (paragraphs.h). */
typedef struct doc_view {
    const char *text;
    size_t len;
    const shelf_layout *layout;
    bool by_lines;
} doc_view;

/* End of the paragraph's text, without trailing white space. */
static size_t paragraph_text_end(const doc_view *d, size_t pos)
{
    size_t end = shelf_paragraph_end(d->text, d->len, pos, d->by_lines);
    while (end > 0 && shelf_is_space(d->text[end - 1]))
        end--;
    return end;
}

/* Cut [start, end) around the span [a, b) within its paragraph (which may
 * cross a page start: pagespan.h). */
static void cut_window(const doc_view *d, size_t a, size_t b, size_t width, size_t *start,
                       size_t *end)
{
    const char *text = d->text;
    size_t para_start = shelf_paragraph_start(text, a, d->by_lines);
    size_t para_end = paragraph_text_end(d, a);
    if (para_end < b)
        para_end = b;
    shelf_paged_paragraph para;
    shelf_paged_paragraph_init(&para, text, d->layout, para_start, para_end);
    size_t sentence = shelf_sentence_start_paged(&para, a);
    if (shelf_char_count(text, sentence, a) <= width * 6 / 10)
        *start = sentence;
    else
        *start = shelf_word_start_after(text, shelf_chars_back(text, a, width / 4, para_start), a);
    if (*start == a)
        *start = run_start(text, a, para_start, width);
    size_t limit = shelf_chars_forward(text, *start, width, para_end);
    if (limit < b)
        limit = b;
    size_t sentence_end = shelf_sentence_end_paged(&para, b);
    size_t slack = shelf_chars_forward(text, limit, width / 5, para_end);
    if (sentence_end <= slack && shelf_char_count(text, *start, sentence_end) >= width / 2)
        *end = sentence_end;
    else if (limit >= para_end)
        *end = para_end;
    else
        *end = shelf_word_end_before(text, limit, b);
    if (*end == b)
        *end = run_end(text, b, para_end, width);
    while (*end > *start && shelf_is_space(text[*end - 1]))
        (*end)--;
}

static int overlaps(const shelf_passages *p, size_t start, size_t end)
{
    for (size_t i = 0; i < p->count; i++)
        if (start < p->at[i].end && p->at[i].start < end)
            return 1;
    return 0;
}

static int add_highlights(shelf_passage *p, const shelf_spans *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        if (s->at[i].start >= p->start && s->at[i].end <= p->end)
            n++;
    p->highlights = malloc((n ? n : 1) * sizeof *p->highlights);
    if (!p->highlights)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < s->count; i++) {
        const shelf_span *sp = &s->at[i];
        if (sp->start < p->start || sp->end > p->end)
            continue;
        shelf_highlight h = {sp->start - p->start, sp->end - p->start};
        shelf_highlight *last = p->nhighlights ? &p->highlights[p->nhighlights - 1] : NULL;
        if (last && h.from <= last->to) {
            if (h.to > last->to)
                last->to = h.to;
        } else {
            p->highlights[p->nhighlights++] = h;
        }
    }
    return SHELF_OK;
}

/* White space that may open a paragraph's first line. */
static bool is_indent(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static void locate(const doc_view *d, shelf_passage *p)
{
    shelf_place at;
    shelf_place_of(d->text, d->len, d->layout, p->start, SECTION_LOOKBACK_LINES, &at);
    p->page = at.page;
    p->line = at.line;
    p->column = at.column;
    p->section_start = at.section_start;
    p->section_len = at.section_len;
    p->paragraph = at.paragraph;
    size_t last = p->end > p->start ? p->end - 1 : p->start;
    shelf_page_line_of(d->text, d->layout, last, &p->end_page, &p->end_line);
    size_t para_start = shelf_paragraph_start(d->text, p->start, d->by_lines);
    size_t para_end = paragraph_text_end(d, p->start);
    size_t first = para_start;
    while (first < para_end && is_indent(d->text[first]))
        first++;
    p->cut_before = p->start > first;
    p->cut_after = p->end < para_end;
}

static int add_passage(shelf_passages *out, const doc_view *d, const shelf_spans *s, size_t start,
                       size_t end, double score)
{
    shelf_passage *p = &out->at[out->count];
    memset(p, 0, sizeof *p);
    p->start = start;
    p->end = end;
    p->score = score;
    if (add_highlights(p, s) != SHELF_OK)
        return SHELF_ENOMEM;
    locate(d, p);
    out->count++;
    return SHELF_OK;
}

/* No match located: the first lines of the document. */
static int opening_passage(const doc_view *d, const shelf_passage_opts *o, shelf_passages *out)
{
    size_t a = 0;
    while (a < d->len && shelf_is_space(d->text[a]))
        a++;
    size_t start, end;
    if (a >= d->len)
        return SHELF_OK;
    cut_window(d, a, a, o->width, &start, &end);
    if (end <= start) { /* the text opens with a blob longer than four widths */
        start = a;
        end = shelf_chars_forward(d->text, a, o->width, paragraph_text_end(d, a));
    }
    shelf_spans none = {0};
    return add_passage(out, d, &none, start, end, 0);
}

/* First span starting at or after pos (spans are sorted by start). */
static size_t first_span_from(const shelf_spans *s, size_t pos)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->at[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The passage's coverage: the worth of each distinct leaf with a span
 * wholly inside it, summed (seen: a scratch mark per leaf). */
static double coverage(const shelf_passage *p, const shelf_spans *s, uint32_t *seen, uint32_t stamp)
{
    double score = 0;
    for (size_t i = first_span_from(s, p->start); i < s->count && s->at[i].start < p->end; i++) {
        const shelf_span *sp = &s->at[i];
        if (sp->end <= p->end && seen[sp->group] != stamp) {
            seen[sp->group] = stamp;
            score += leaf_worth(sp);
        }
    }
    return score;
}

static int by_coverage(const void *a, const void *b)
{
    const shelf_passage *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_position(const void *a, const void *b)
{
    const shelf_passage *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Each passage scored by its coverage, then the passages put best first
 * (ties: earlier first), or in document order with in_order. */
static int order_passages(shelf_passages *out, const shelf_spans *s, bool in_order, shelf_err *err)
{
    uint32_t *seen = calloc(s->groups ? s->groups : 1, sizeof *seen);
    if (!seen)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory ordering passages");
    for (size_t i = 0; i < out->count; i++)
        out->at[i].score = coverage(&out->at[i], s, seen, (uint32_t)i + 1);
    free(seen);
    qsort(out->at, out->count, sizeof *out->at, in_order ? by_position : by_coverage);
    return SHELF_OK;
}

/* Cuts passages around the best candidates (c, body text first, best
 * first) until `want` are kept; table-of-contents lines only when the
 * document matches nowhere else. */
static int cut_best(const doc_view *d, const shelf_spans *spans, const candidate *c, size_t width,
                    size_t want, shelf_ticker *clock, shelf_passages *out, shelf_err *err)
{
    bool body = spans->count > 0 && !c[0].toc;
    for (size_t i = 0; i < spans->count && out->count < want && !(body && c[i].toc); i++) {
        if (shelf_ticker_tick(clock, CUT_WORK))
            return shelf_timeout_err(err, "choosing passages");
        const shelf_span *anchor = &spans->at[c[i].anchor];
        size_t start, end;
        cut_window(d, anchor->start, anchor->end, width, &start, &end);
        if (end <= start || overlaps(out, start, end))
            continue;
        if (add_passage(out, d, spans, start, end, c[i].score) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory choosing passages");
    }
    return SHELF_OK;
}

int shelf_passages_pick(const char *text, size_t len, const shelf_layout *layout,
                        const shelf_spans *spans, const shelf_passage_opts *o,
                        shelf_passages *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    size_t want = o->passages ? o->passages : 1;
    size_t width = o->width >= 20 ? o->width : 20;
    shelf_passage_opts opts = {want, width, o->deadline_ns, o->in_order};
    doc_view d = {text, len, layout, shelf_one_paragraph_per_line(text, len, layout)};
    shelf_ticker clock;
    shelf_ticker_init(&clock, o->deadline_ns);
    if (shelf_deadline_passed(o->deadline_ns))
        return shelf_timeout_err(err, "choosing passages");
    out->at = calloc(want, sizeof *out->at);
    if (!out->at)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory choosing passages");
    if (spans->count == 0)
        return opening_passage(&d, &opts, out) == SHELF_OK
                   ? SHELF_OK : shelf_errf(err, SHELF_ENOMEM, "out of memory");
    candidate *c = NULL;
    int rc = score_candidates(text, len, d.by_lines, spans, width, &clock, &c, err);
    if (rc != SHELF_OK)
        return rc;
    rc = cut_best(&d, spans, c, width, want, &clock, out, err);
    free(c);
    if (rc == SHELF_OK)
        rc = order_passages(out, spans, o->in_order, err);
    return rc;
}

void shelf_passages_free(shelf_passages *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->at[i].highlights);
    free(p->at);
    memset(p, 0, sizeof *p);
}
