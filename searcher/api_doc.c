/*
 * api_doc.c - GET /api/doc: the stored text of a document around a line,
 * from the index's document store (never from the file system), with the
 * query's matches marked when q is given.
 *
 * Parameters: doc (its path as indexed), line (1-based, default 1),
 * context (lines either side, 0..500, default 20), page (paged formats
 * such as PDF: 1-based, default 1; lines are then numbered within the page,
 * as citations number them; refused on an unpaged document), q (optional).
 * For a document whose citations name source lines (HTML, Markdown: a
 * source map, place.h), line is such a source line: the view is centred on
 * the stored text's line showing it, and "line" in the answer is that
 * stored line.
 *
 * Answer: {"path", "title", ["author", "date" (when known),] ["page", "page_label" (the printed label, else
 * the page's number), "pages",] "line", "first_line",
 * "last_line", "total_lines", "section", "lines": [{"line", "start",
 * "text", "highlights": [[from, to], ...] [, "cut": true]}]} where "start"
 * is the line's byte offset in the stored text (what /api/cite takes), the
 * text excludes the line break (and a '\r' before it), and highlights are
 * byte ranges within "text", as in search snippets.  A line longer than
 * SERVE_LINE_BYTES_MAX is cut at a character boundary ("cut": true).
 */
#include "api.h"

#include "http_params.h"
#include "output.h"
#include "present/passage.h"
#include "present/place.h"
#include "present/spans.h"
#include "extract/textnav.h"
#include "serve_limits.h"
#include "util/json.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

typedef struct doc_view {
    const char *text;
    size_t from, to;        /* the page's bytes, or the whole text */
    size_t page, pages;     /* 0 when unpaged */
    size_t line, first, last, total;
} doc_view;

static int read_params(struct MHD_Connection *c, doc_view *v, size_t *context, reply *r)
{
    if (param_count(c, "line", 1, 999999999, 1, &v->line, r) < 0 ||
        param_count(c, "context", 0, SERVE_CONTEXT_MAX, SERVE_CONTEXT_DEFAULT, context, r) < 0 ||
        param_count(c, "page", 1, 999999999, 0, &v->page, r) < 0)
        return -1;
    return 0;
}

/* The byte range of the asked page (or the whole text); an unpaged
 * document's line becomes the stored text's (shelf_text_line_for_source). */
static int page_range(const api_doc_text *d, doc_view *v, reply *r)
{
    v->text = (const char *)d->text.data;
    v->pages = d->layout.npages;
    v->from = 0;
    v->to = d->text.len;
    if (v->pages == 0) {
        if (v->page) {
            reply_error(r, 400, "parameter page: this document has no pages");
            return -1;
        }
        v->line = shelf_text_line_for_source(v->text, &d->layout, v->line);
        return 0;
    }
    if (v->page == 0)
        v->page = 1;
    if (v->page > v->pages) {
        reply_error(r, 400, "parameter page: the document has %zu pages", v->pages);
        return -1;
    }
    v->from = (size_t)shelf_layout_page_start(&d->layout, v->page);
    if (v->page < v->pages)
        v->to = (size_t)shelf_layout_page_start(&d->layout, v->page + 1);
    return 0;
}

/* End of the line starting at at: its '\n', or the range's end. */
static size_t line_end(const doc_view *v, size_t at)
{
    const char *nl = memchr(v->text + at, '\n', v->to - at);
    return nl ? (size_t)(nl - v->text) : v->to;
}

static size_t count_lines(const doc_view *v)
{
    size_t n = 0;
    for (size_t at = v->from; at < v->to; at = line_end(v, at) + 1)
        n++;
    return n;
}

static int choose_lines(doc_view *v, size_t context, reply *r)
{
    v->total = count_lines(v);
    if (v->line > (v->total ? v->total : 1)) {
        reply_error(r, 400, "parameter line: the %s has %zu lines", v->page ? "page" : "document",
                    v->total);
        return -1;
    }
    v->first = v->line > context ? v->line - context : 1;
    v->last = v->line + context < v->total ? v->line + context : v->total;
    return 0;
}

/* ---- highlights ---- */

typedef struct range_list {
    shelf_highlight *at; /* byte ranges in the text */
    size_t count;
} range_list;

/* The spans that overlap [from, to), in order of start. */
static int spans_in(const shelf_spans *s, size_t from, size_t to, range_list *out)
{
    out->count = 0;
    out->at = calloc(s->count ? s->count : 1, sizeof *out->at);
    if (!out->at)
        return -1;
    for (size_t i = 0; i < s->count; i++)
        if (s->at[i].start < to && s->at[i].end > from)
            out->at[out->count++] = (shelf_highlight){s->at[i].start, s->at[i].end};
    return 0;
}

/* Highlights of [ls, le) relative to ls, clipped, merged when touching
 * (the ranges come in order of start). */
static void write_line_highlights(FILE *f, const range_list *hl, size_t ls, size_t le)
{
    size_t open_from = 0, open_to = 0, written = 0;
    bool open = false;
    fputs(",\"highlights\":[", f);
    for (size_t i = 0; i < hl->count; i++) {
        if (hl->at[i].from >= le || hl->at[i].to <= ls)
            continue;
        size_t a = hl->at[i].from > ls ? hl->at[i].from - ls : 0;
        size_t b = (hl->at[i].to < le ? hl->at[i].to : le) - ls;
        if (open && a <= open_to) {
            open_to = b > open_to ? b : open_to;
            continue;
        }
        if (open)
            fprintf(f, "%s[%zu,%zu]", written++ ? "," : "", open_from, open_to);
        open_from = a;
        open_to = b;
        open = true;
    }
    if (open)
        fprintf(f, "%s[%zu,%zu]", written ? "," : "", open_from, open_to);
    fputc(']', f);
}

/* ---- output ---- */

/* Longest prefix of [at, end) within the line limit, on a character boundary. */
static size_t cut_line(const char *t, size_t at, size_t end)
{
    if (end - at <= SERVE_LINE_BYTES_MAX)
        return end;
    size_t cut = at + SERVE_LINE_BYTES_MAX;
    while (cut > at && shelf_utf8_is_continuation((unsigned char)t[cut]))
        cut--;
    return cut;
}

static void write_line(FILE *f, const doc_view *v, size_t number, size_t at, const range_list *hl)
{
    size_t end = line_end(v, at);
    if (end > at && v->text[end - 1] == '\r')
        end--;
    size_t shown = cut_line(v->text, at, end);
    fprintf(f, "%s{\"line\":%zu,\"start\":%zu,\"text\":", number > v->first ? "," : "", number, at);
    shelf_json_string(f, v->text + at, shown - at);
    write_line_highlights(f, hl, at, shown);
    fputs(shown < end ? ",\"cut\":true}" : "}", f);
}

static void write_lines(FILE *f, const doc_view *v, const range_list *hl)
{
    fputs(",\"lines\":[", f);
    size_t number = 1;
    for (size_t at = v->from; at < v->to && number <= v->last; at = line_end(v, at) + 1, number++)
        if (number >= v->first)
            write_line(f, v, number, at, hl);
    fputs("]}\n", f);
}

/* Byte offset of line n of the view (n <= total, or the range start). */
static size_t line_offset(const doc_view *v, size_t n)
{
    size_t at = v->from;
    for (size_t i = 1; i < n && at < v->to; i++)
        at = line_end(v, at) + 1;
    return at < v->to ? at : v->from;
}

static void write_header(FILE *f, const api_doc_text *d, const doc_view *v)
{
    fputs("{\"path\":", f);
    shelf_json_string(f, d->path, d->path_len);
    fputs(",\"title\":", f);
    shelf_json_string(f, d->title, d->title_len);
    output_put_json_byline(f, d->author, d->author_len, d->date, d->date_len);
    if (v->page) {
        char label[SHELF_PAGE_NAME_BYTES];
        shelf_page_name(&d->layout, v->page, label);
        fprintf(f, ",\"page\":%zu,\"page_label\":", v->page);
        shelf_json_string(f, label, strlen(label));
        fprintf(f, ",\"pages\":%zu", v->pages);
    }
    fprintf(f, ",\"line\":%zu,\"first_line\":%zu,\"last_line\":%zu,\"total_lines\":%zu,\"section\":",
            v->line, v->first, v->last, v->total);
    shelf_place place;
    shelf_place_of(v->text, d->text.len, &d->layout, line_offset(v, v->line), SERVE_SECTION_LOOKBACK,
                   &place);
    shelf_json_string(f, v->text + place.section_start, place.section_len);
}

/* The matches of plan in the document (none without a plan). */
static int find_matches(api_request *rq, api_doc_text *d, const shelf_plan *plan, shelf_spans *spans,
                        reply *r)
{
    if (!plan)
        return 0;
    shelf_err err = {0};
    int rc = shelf_spans_find(rq->lease->engine, &d->hit, plan, rq->lease->analyzer,
                              (const char *)d->text.data, d->text.len,
                              (const uint64_t *)d->checkpoints.data,
                              d->checkpoints.len / sizeof(uint64_t), spans, &err);
    if (rc != SHELF_OK)
        reply_error(r, 500, "%s", err.msg);
    return rc == SHELF_OK ? 0 : -1;
}

static void answer(api_request *rq, api_doc_text *d, doc_view *v, const shelf_plan *plan, reply *r)
{
    shelf_spans spans = {0};
    range_list hl = {0};
    if (find_matches(rq, d, plan, &spans, r) < 0)
        return;
    size_t win_from = line_offset(v, v->first), win_to = v->to;
    if (spans_in(&spans, win_from, win_to, &hl) < 0) {
        reply_error(r, 500, "out of memory");
    } else {
        jbody b;
        FILE *f = jbody_open(&b);
        if (f) {
            write_header(f, d, v);
            write_lines(f, v, &hl);
        }
        reply_json(r, 200, &b);
    }
    free(hl.at);
    shelf_spans_free(&spans);
}

void api_doc(api_request *rq, reply *r)
{
    doc_view v = {0};
    size_t context;
    shelf_plan *plan = NULL;
    api_doc_text d;
    if (read_params(rq->conn, &v, &context, r) < 0 || api_optional_plan(rq, &plan, r) < 0)
        return;
    if (api_doc_load(rq, &d, r) == 0) {
        if (page_range(&d, &v, r) == 0 && choose_lines(&v, context, r) == 0)
            answer(rq, &d, &v, plan, r);
        api_doc_unload(&d);
    }
    shelf_plan_free(plan);
}
