/*
 * output_json.c - the JSON form: one object per query, on one line; see
 * output.h.  The same bytes answer GET /api/search, and its error object is
 * the body of every HTTP error.
 *
 *   {"line" (with --queries: the query's line), "query", "total",
 *    "total_exact", "notes" (when any), "suggestion" (when any), "hits": [
 *     {"rank", "score", "doc", "path", "index" (only when the search spans
 *      several indexes: the folder holding the document, or "HOST:PORT" for
 *      a remote shard),
 *      "title", "author" and "date" (only when the source names them; the
 *      date "YYYY", "YYYY-MM" or "YYYY-MM-DD"),
 *      "snippets": [{"page", "page_label" (paged only: the 1-based physical
 *                    page and the label printed on it, its number as a
 *                    string when the PDF defines none), "end_page",
 *                    "end_page_label" (only when the passage ends on a
 *                    later page), "paragraph" (DOCX, ODT, EPUB: the
 *                    paragraph within its section, present/place.h),
 *                    "line", "column", "start", "end",
 *                    "section", "text", "highlights": [[from, to], ...]}],
 *      "explain": [...] (with --explain)}]}
 *   --count: {"line" (with --queries), "query", "total"}
 *   error:   {"line", "query", "error", "column", "status"}: "line" only
 *            with --queries, "query" and "column" only about a query,
 *            "status" only over HTTP.
 *
 * Scores and explain figures are printed with 17 significant digits, so
 * they read back as the same doubles.  The form is buffered: a query that
 * fails half-way must leave no half object.
 */
#include "output.h"

#include "present/place.h"
#include "util/json.h"

#include <string.h>

static void put_string(FILE *out, const char *s)
{
    shelf_json_string(out, s, strlen(s));
}

static void put_explain(FILE *out, const shelf_explain *ex)
{
    fputs(",\"explain\":[", out);
    for (size_t i = 0; i < ex->count; i++) {
        const shelf_explain_term *t = &ex->terms[i];
        fprintf(out, "%s{\"kind\":\"%s\",\"text\":", i ? "," : "", t->kind);
        put_string(out, t->text);
        fprintf(out, ",\"tf\":%u,\"title_tf\":%u,\"df\":%llu,\"idf\":%.17g,\"norm\":%.17g,"
                     "\"title_norm\":%.17g,\"score\":%.17g}",
                t->tf_body, t->tf_title, (unsigned long long)t->df, t->idf, t->norm_body,
                t->norm_title, t->score);
    }
    fputc(']', out);
}

void output_put_json_page(FILE *out, const shelf_layout *layout, size_t page)
{
    char name[SHELF_PAGE_NAME_BYTES];
    shelf_page_name(layout, page, name);
    fprintf(out, "\"page\":%zu,\"page_label\":", page);
    put_string(out, name);
}

void output_put_json_byline(FILE *out, const char *author, size_t author_len, const char *date,
                            size_t date_len)
{
    if (author_len > 0) {
        fputs(",\"author\":", out);
        shelf_json_string(out, author, author_len);
    }
    if (date_len > 0) {
        fputs(",\"date\":", out);
        shelf_json_string(out, date, date_len);
    }
}

void output_put_json_end_page(FILE *out, const shelf_layout *layout, size_t page, size_t end_page)
{
    if (!page || !end_page || end_page == page)
        return;
    char name[SHELF_PAGE_NAME_BYTES];
    shelf_page_name(layout, end_page, name);
    fprintf(out, ",\"end_page\":%zu,\"end_page_label\":", end_page);
    put_string(out, name);
}

static void put_snippets(FILE *out, const output_hit *h)
{
    fputs(",\"snippets\":[", out);
    for (size_t i = 0; i < h->passages.count; i++) {
        const shelf_passage *p = &h->passages.at[i];
        fputs(i ? ",{" : "{", out);
        if (p->page) {
            output_put_json_page(out, h->layout, p->page);
            output_put_json_end_page(out, h->layout, p->page, p->end_page);
            fputc(',', out);
        }
        if (p->paragraph)
            fprintf(out, "\"paragraph\":%zu,", p->paragraph);
        fprintf(out, "\"line\":%zu,\"column\":%zu,\"start\":%zu,\"end\":%zu,\"section\":", p->line,
                p->column, p->start, p->end);
        shelf_json_string(out, h->text + p->section_start, p->section_len);
        fputs(",\"text\":", out);
        shelf_json_string(out, h->text + p->start, p->end - p->start);
        fputs(",\"highlights\":[", out);
        for (size_t k = 0; k < p->nhighlights; k++)
            fprintf(out, "%s[%zu,%zu]", k ? "," : "", p->highlights[k].from, p->highlights[k].to);
        fputs("]}", out);
    }
    fputc(']', out);
}

/* The object's start: {"line":N, when from --queries, then "query":... */
static void put_start(FILE *out, size_t line, const char *query)
{
    fputc('{', out);
    if (line)
        fprintf(out, "\"line\":%zu,", line);
    fputs("\"query\":", out);
    put_string(out, query);
}

static void json_header(FILE *out, const output_style *st, const query_result *qr)
{
    put_start(out, qr->line, qr->query);
    fprintf(out, ",\"total\":%llu,\"total_exact\":%s", (unsigned long long)qr->results->total,
            qr->results->total_exact ? "true" : "false");
    if (qr->notes && *qr->notes) {
        fputs(",\"notes\":", out);
        put_string(out, qr->notes);
    }
    if (qr->suggestion) {
        fputs(",\"suggestion\":", out);
        put_string(out, qr->suggestion);
    }
    fputs(",\"hits\":[", out);
}

static void json_hit(FILE *out, const output_style *st, const output_hit *h, size_t shown)
{
    fprintf(out, "%s{\"rank\":%zu,\"score\":%.17g,\"doc\":%llu,\"path\":", shown ? "," : "",
            h->rank, h->score, (unsigned long long)h->doc);
    shelf_json_string(out, h->path, h->path_len);
    if (h->index) { /* several indexes: which one holds it */
        fputs(",\"index\":", out);
        shelf_json_string(out, h->index, strlen(h->index));
    }
    fputs(",\"title\":", out);
    shelf_json_string(out, h->title, h->title_len);
    output_put_json_byline(out, h->author, h->author_len, h->date, h->date_len);
    fputs(",\"duplicates\":[", out);
    for (size_t i = 0; i < h->ndups; i++) {
        if (i)
            fputc(',', out);
        shelf_json_string(out, h->dup_paths[i], strlen(h->dup_paths[i]));
    }
    fputc(']', out);
    if (h->index) { /* the index of each duplicate, in the same order */
        fputs(",\"duplicate_indexes\":[", out);
        for (size_t i = 0; i < h->ndups; i++) {
            if (i)
                fputc(',', out);
            shelf_json_string(out, h->dup_indexes[i], strlen(h->dup_indexes[i]));
        }
        fputc(']', out);
    }
    put_snippets(out, h);
    if (h->explain)
        put_explain(out, h->explain);
    fputc('}', out);
}

static void json_footer(FILE *out, const output_style *st, const query_result *qr, size_t shown)
{
    fputs("]}\n", out);
}

static void json_count(FILE *out, const query_result *qr)
{
    put_start(out, qr->line, qr->query);
    fprintf(out, ",\"total\":%llu}\n", (unsigned long long)qr->results->total);
}

static void json_error(FILE *out, const output_error *e)
{
    if (e->query) {
        put_start(out, e->line, e->query);
        fputc(',', out);
    } else {
        fputc('{', out);
    }
    fputs("\"error\":", out);
    put_string(out, e->message);
    if (e->query)
        fprintf(out, ",\"column\":%d", e->column);
    if (e->status)
        fprintf(out, ",\"status\":%u", e->status);
    fputs("}\n", out);
}

const output_form output_json_form = {
    .name = "json",
    .buffered = true,
    .header = json_header,
    .hit = json_hit,
    .footer = json_footer,
    .count = json_count,
    .error = json_error,
};
