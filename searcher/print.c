/* print.c - text and JSON output of results; see print.h. */
#include "print.h"
#include "present/matchline.h"
#include "util/json.h"

#include <string.h>

#define LINE_SHOWN_MAX 200

typedef struct hit_view {
    size_t rank;
    const shelf_hit *hit;
    shelf_docmeta meta;
    shelf_matchline line;
    const char *text;
} hit_view;

static const char *bold(const print_opts *po) { return po->color ? "\033[1m" : ""; }
static const char *mark(const print_opts *po) { return po->color ? "\033[1;31m" : ""; }
static const char *dim(const print_opts *po) { return po->color ? "\033[2m" : ""; }
static const char *reset(const print_opts *po) { return po->color ? "\033[0m" : ""; }

/* Back up to a UTF-8 character boundary. */
static size_t char_start(const char *s, size_t i, size_t floor)
{
    while (i > floor && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* The shown part of the matching line: at most LINE_SHOWN_MAX bytes around the hit. */
static void shown_range(const hit_view *v, size_t *from, size_t *to)
{
    size_t a = v->line.start, b = v->line.end;
    while (a < b && (v->text[a] == ' ' || v->text[a] == '\t'))
        a++;
    if (b - a > LINE_SHOWN_MAX) {
        size_t lead = LINE_SHOWN_MAX / 3;
        if (v->line.hit_start > a + lead)
            a = char_start(v->text, v->line.hit_start - lead, a);
        if (b - a > LINE_SHOWN_MAX)
            b = char_start(v->text, a + LINE_SHOWN_MAX, a);
    }
    *from = a;
    *to = b;
}

static void print_text_line(FILE *out, const print_opts *po, const hit_view *v)
{
    size_t a, b;
    shown_range(v, &a, &b);
    fputs("   ", out);
    if (a > v->line.start)
        fputs("…", out);
    size_t hs = v->line.hit_start, he = v->line.hit_end;
    if (hs >= a && he <= b) {
        fwrite(v->text + a, 1, hs - a, out);
        fprintf(out, "%s%s%s", mark(po), po->color ? "" : "[[", "");
        fwrite(v->text + hs, 1, he - hs, out);
        fprintf(out, "%s%s", po->color ? "" : "]]", reset(po));
        fwrite(v->text + he, 1, b - he, out);
    } else {
        fwrite(v->text + a, 1, b - a, out);
    }
    if (b < v->line.end)
        fputs("…", out);
    fputc('\n', out);
}

static void print_explain_text(FILE *out, const print_opts *po, const shelf_explain *ex)
{
    for (size_t i = 0; i < ex->count; i++) {
        const shelf_explain_term *t = &ex->terms[i];
        fprintf(out, "   %s%-6s %-20s tf=%u title_tf=%u df=%llu idf=%.4f norm=%.4f title_norm=%.4f -> %.4f%s\n",
                dim(po), t->kind, t->text, t->tf_body, t->tf_title, (unsigned long long)t->df, t->idf,
                t->norm_body, t->norm_title, t->score, reset(po));
    }
}

static void print_hit_text(FILE *out, const print_opts *po, const hit_view *v, const shelf_explain *ex)
{
    fprintf(out, "%2zu. %s%.*s%s  %s(%.4f)%s\n", v->rank, bold(po), (int)v->meta.title_len,
            v->meta.title, reset(po), dim(po), v->hit->score, reset(po));
    fprintf(out, "    %.*s", (int)v->meta.path_len, v->meta.path);
    if (v->line.line)
        fprintf(out, ":%zu", v->line.line);
    fputc('\n', out);
    if (v->line.line)
        print_text_line(out, po, v);
    if (ex)
        print_explain_text(out, po, ex);
}

static void print_explain_json(FILE *out, const shelf_explain *ex)
{
    fputs(",\"explain\":[", out);
    for (size_t i = 0; i < ex->count; i++) {
        const shelf_explain_term *t = &ex->terms[i];
        fprintf(out, "%s{\"kind\":\"%s\",\"text\":", i ? "," : "", t->kind);
        shelf_json_string(out, t->text, strlen(t->text));
        fprintf(out, ",\"tf\":%u,\"title_tf\":%u,\"df\":%llu,\"idf\":%.17g,\"norm\":%.17g,"
                     "\"title_norm\":%.17g,\"score\":%.17g}",
                t->tf_body, t->tf_title, (unsigned long long)t->df, t->idf, t->norm_body,
                t->norm_title, t->score);
    }
    fputc(']', out);
}

static void print_hit_json(FILE *out, const hit_view *v, const shelf_explain *ex, int first)
{
    fprintf(out, "%s{\"rank\":%zu,\"score\":%.17g,\"doc\":%llu,\"path\":", first ? "" : ",",
            v->rank, v->hit->score, (unsigned long long)v->hit->doc);
    shelf_json_string(out, v->meta.path, v->meta.path_len);
    fputs(",\"title\":", out);
    shelf_json_string(out, v->meta.title, v->meta.title_len);
    if (v->line.line) {
        fprintf(out, ",\"line\":%zu,\"text\":", v->line.line);
        shelf_json_string(out, v->text + v->line.start, v->line.end - v->line.start);
    }
    if (ex)
        print_explain_json(out, ex);
    fputc('}', out);
}

static int load_view(const shelf_index *idx, shelf_analyzer *a, const query_result *qr,
                     const shelf_hit *hit, shelf_buf *text, hit_view *v, shelf_err *err)
{
    const shelf_segment *seg = shelf_index_segment(idx, hit->segment);
    v->hit = hit;
    int rc = shelf_segment_doc(seg, hit->local, &v->meta, err);
    if (rc == SHELF_OK)
        rc = shelf_segment_text(seg, hit->local, text, NULL, err);
    if (rc != SHELF_OK)
        return rc;
    v->text = (const char *)text->data;
    shelf_find_matchline(a, qr->plan, v->text, text->len, &v->line);
    return SHELF_OK;
}

static void print_header(FILE *out, const print_opts *po, const query_result *qr)
{
    if (po->json) {
        fputs("{\"query\":", out);
        shelf_json_string(out, qr->query, strlen(qr->query));
        fprintf(out, ",\"total\":%llu", (unsigned long long)qr->results->total);
        if (qr->notes && *qr->notes) {
            fputs(",\"notes\":", out);
            shelf_json_string(out, qr->notes, strlen(qr->notes));
        }
        fputs(",\"hits\":[", out);
    } else if (qr->notes && *qr->notes) {
        fprintf(out, "note: %s", qr->notes);
    }
}

static void print_footer(FILE *out, const print_opts *po, const query_result *qr, size_t shown)
{
    if (po->json) {
        fputs("]}\n", out);
        return;
    }
    unsigned long long total = qr->results->total;
    if (total == 0)
        fprintf(out, "no documents match %s\n", qr->query);
    else if (shown == 0)
        fprintf(out, "%llu matching documents; none after offset %zu\n", total, po->offset);
    else
        fprintf(out, "%s%zu-%zu of %llu matching documents%s\n", dim(po), po->offset + 1,
                po->offset + shown, total, reset(po));
}

int print_results(FILE *out, const print_opts *po, const shelf_index *idx, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err)
{
    shelf_buf text = SHELF_BUF_INIT;
    int rc = SHELF_OK;
    size_t shown = 0;
    print_header(out, po, qr);
    for (size_t i = po->offset; i < qr->results->count && rc == SHELF_OK; i++) {
        hit_view v = {.rank = i + 1};
        rc = load_view(idx, a, qr, &qr->results->hits[i], &text, &v, err);
        shelf_explain ex = {0};
        if (rc == SHELF_OK && po->explain)
            rc = shelf_search_explain(idx, qr->plan, po->search, v.hit, &ex, err);
        if (rc == SHELF_OK) {
            v.rank = shown + 1 + po->offset;
            if (po->json)
                print_hit_json(out, &v, po->explain ? &ex : NULL, shown == 0);
            else
                print_hit_text(out, po, &v, po->explain ? &ex : NULL);
            shown++;
        }
        shelf_explain_free(&ex);
    }
    if (rc == SHELF_OK)
        print_footer(out, po, qr, shown);
    shelf_buf_free(&text);
    return rc;
}

void print_json_error(FILE *out, const char *query, const char *message, int column)
{
    fputs("{\"query\":", out);
    shelf_json_string(out, query, strlen(query));
    fputs(",\"error\":", out);
    shelf_json_string(out, message, strlen(message));
    fprintf(out, ",\"column\":%d}\n", column);
}
