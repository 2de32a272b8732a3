/*
 * api_cite.c - GET /api/cite: a byte range of a document's stored text
 * turned into a ready-to-paste quotation with its citation, in the same
 * words as `searcher --cite`: the same citation output forms (output.h,
 * output_cite.c), given the range as the hit's one passage.
 *
 * Parameters: doc (its path as indexed), start and end (bytes of the stored
 * text, start < end <= length, on character boundaries, at most
 * SERVE_CITE_BYTES_MAX apart), format (a --cite-format name other than
 * json: plain, the default, or markdown), q
 * (optional).  The range is treated as a passage: the quote is the whole
 * sentence(s) holding it, or, with q, holding the query's matches inside it
 * - so a search snippet's start, end and query give exactly the quotation
 * `searcher --cite` prints for that snippet.
 *
 * Answer: {"format", "citation": the text --cite-format FORMAT prints
 * (without its final line breaks), "quote": the object --cite-format json
 * prints}.
 */
#include "api.h"

#include "http_params.h"
#include "output.h"
#include "present/place.h"
#include "present/spans.h"
#include "serve_limits.h"
#include "util/json.h"

#include <stdlib.h>

static bool on_boundary(const api_doc_text *d, size_t at)
{
    return at >= d->text.len || ((unsigned char)d->text.data[at] & 0xC0) != 0x80;
}

static int check_range(const api_doc_text *d, size_t start, size_t end, reply *r)
{
    if (start >= end || end > d->text.len) {
        reply_error(r, 400, "parameters start and end: want start < end <= %zu (the text's length)",
                    d->text.len);
        return -1;
    }
    if (end - start > SERVE_CITE_BYTES_MAX) {
        reply_error(r, 413, "parameters start and end: at most %u bytes can be cited",
                    SERVE_CITE_BYTES_MAX);
        return -1;
    }
    if (!on_boundary(d, start) || !on_boundary(d, end)) {
        reply_error(r, 400, "parameters start and end must fall on character boundaries");
        return -1;
    }
    return 0;
}

/* The passage [start, end): place, section and the matches inside it. */
static int make_passage(api_request *rq, api_doc_text *d, const shelf_plan *plan, shelf_passage *p,
                        reply *r)
{
    shelf_place at;
    const char *text = (const char *)d->text.data;
    shelf_place_of(text, d->text.len, &d->layout, p->start, SERVE_SECTION_LOOKBACK, &at);
    p->page = at.page;
    p->line = at.line;
    p->column = at.column;
    shelf_page_line_of(text, &d->layout, p->end - 1, &p->end_page, &p->end_line);
    p->section_start = at.section_start;
    p->section_len = at.section_len;
    p->paragraph = at.paragraph;
    if (!plan)
        return 0;
    shelf_spans spans = {0};
    shelf_err err = {0};
    int rc = shelf_spans_find(rq->lease->engine, &d->hit, plan, rq->lease->analyzer, text, d->text.len,
                              (const uint64_t *)d->checkpoints.data,
                              d->checkpoints.len / sizeof(uint64_t), &spans, &err);
    if (rc == SHELF_OK && !(p->highlights = calloc(spans.count ? spans.count : 1, sizeof *p->highlights)))
        rc = shelf_errf(&err, SHELF_ENOMEM, "out of memory");
    for (size_t i = 0; rc == SHELF_OK && i < spans.count; i++) {
        const shelf_span *s = &spans.at[i];
        if (s->start < p->start || s->end > p->end)
            continue;
        shelf_highlight h = {s->start - p->start, s->end - p->start};
        shelf_highlight *last = p->nhighlights ? &p->highlights[p->nhighlights - 1] : NULL;
        if (last && h.from <= last->to)
            last->to = h.to > last->to ? h.to : last->to;
        else
            p->highlights[p->nhighlights++] = h;
    }
    shelf_spans_free(&spans);
    if (rc != SHELF_OK)
        reply_error(r, 500, "%s", err.msg);
    return rc == SHELF_OK ? 0 : -1;
}

/* The citation form that writes the answer's "quote". */
#define QUOTE_STYLE "json"

/* The formats a request may ask for: every citation form but the quote's,
 * in table order (the first is the default); names NULL-terminated. */
enum { MAX_FORMATS = 8 };
typedef struct cite_formats {
    const output_form *form[MAX_FORMATS];
    const char *names[MAX_FORMATS + 1];
} cite_formats;

static void list_formats(cite_formats *cf)
{
    const output_form *quote = output_cite_form(QUOTE_STYLE);
    size_t n = 0;
    for (size_t i = 0; i < output_form_count() && n < MAX_FORMATS; i++) {
        const output_form *f = output_form_at(i);
        if (f->cite_style && f != quote) {
            cf->form[n] = f;
            cf->names[n++] = f->cite_style;
        }
    }
    cf->names[n] = NULL;
}

/* What form writes for the document's passage p, without trailing line
 * breaks. */
static char *citation_text(const output_form *form, const output_hit *h, size_t *len)
{
    jbody b;
    FILE *out = jbody_open(&b);
    if (!out)
        return NULL;
    form->hit(out, &(output_style){0}, h, 0);
    if (fclose(out) != 0) {
        free(b.data);
        return NULL;
    }
    while (b.len && b.data[b.len - 1] == '\n')
        b.len--;
    *len = b.len;
    return b.data;
}

static void answer(const api_doc_text *d, shelf_passage *p, const output_form *form, reply *r)
{
    output_hit h = {.rank = 1, .doc = d->hit.doc, .path = d->path, .path_len = d->path_len,
                    .title = d->title, .title_len = d->title_len,
                    .author = d->author, .author_len = d->author_len,
                    .date = d->date, .date_len = d->date_len, .format = d->format,
                    .text = (const char *)d->text.data, .len = d->text.len,
                    .layout = &d->layout, .passages = {p, 1}};
    size_t text_len = 0, json_len = 0;
    char *text = citation_text(form, &h, &text_len);
    char *json = citation_text(output_cite_form(QUOTE_STYLE), &h, &json_len);
    jbody b;
    FILE *f = text && json ? jbody_open(&b) : NULL;
    if (f) {
        fprintf(f, "{\"format\":\"%s\",\"citation\":", form->cite_style);
        shelf_json_string(f, text, text_len);
        fputs(",\"quote\":", f);
        fwrite(json, 1, json_len, f);
        fputs("}\n", f);
        reply_json(r, 200, &b);
    } else {
        reply_error(r, 500, "out of memory");
    }
    free(text);
    free(json);
}

void api_cite(api_request *rq, reply *r)
{
    cite_formats formats;
    list_formats(&formats);
    shelf_passage p = {0};
    shelf_plan *plan = NULL;
    api_doc_text d;
    int format = param_choice(rq->conn, "format", formats.names, r);
    if (format < 0 || param_count(rq->conn, "start", 0, 999999999, 0, &p.start, r) < 0 ||
        param_count(rq->conn, "end", 1, 999999999, 0, &p.end, r) < 0 ||
        api_optional_plan(rq, &plan, r) < 0)
        return;
    if (p.end == 0) {
        reply_error(r, 400, "missing parameter end");
    } else if (api_doc_load(rq, &d, r) == 0) {
        if (check_range(&d, p.start, p.end, r) == 0 && make_passage(rq, &d, plan, &p, r) == 0)
            answer(&d, &p, formats.form[format], r);
        api_doc_unload(&d);
    }
    free(p.highlights);
    shelf_plan_free(plan);
}
