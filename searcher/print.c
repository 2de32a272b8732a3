/*
 * print.c - text, citation and JSON output of results; see print.h.
 *
 * Text output, per hit: rank, title and score; then per passage the place
 * (path:line:column, the form editors open; "path, p. N, line L" for paged
 * formats such as PDF), its section, and the passage on one line with line
 * breaks shown as spaces, cuts as "…" and matches between the highlight
 * markers.
 */
#include "print.h"
#include "present/cite.h"
#include "present/snippets.h"
#include "present/textnav.h"
#include "util/json.h"
#include "util/visible.h"

#include <string.h>

typedef struct hit_view {
    size_t rank;
    const shelf_hit *hit;
    shelf_docview meta;
    const char *text;
    size_t len;
    const shelf_layout *layout;
    shelf_passages passages;
} hit_view;

static const char *dim(const print_opts *po) { return po->color ? "\033[2m" : ""; }
static const char *bold(const print_opts *po) { return po->color ? "\033[1m" : ""; }
static const char *reset(const print_opts *po) { return po->color ? "\033[0m" : ""; }

/* Write text with line breaks and tabs shown as single spaces. */
static void put_flat(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r')
            continue;
        fputc(c == '\n' || c == '\t' ? ' ' : c, out);
    }
}

static void print_passage_text(FILE *out, const print_opts *po, const hit_view *v, const shelf_passage *p)
{
    fputs("    ", out);
    if (p->cut_before)
        fputs("…", out);
    size_t at = p->start;
    for (size_t i = 0; i < p->nhighlights; i++) {
        size_t from = p->start + p->highlights[i].from, to = p->start + p->highlights[i].to;
        put_flat(out, v->text + at, from - at);
        fputs(po->mark_open, out);
        put_flat(out, v->text + from, to - from);
        fputs(po->mark_close, out);
        at = to;
    }
    put_flat(out, v->text + at, p->end - at);
    if (p->cut_after)
        fputs("…", out);
    fputc('\n', out);
}

/* Lines around the passage, numbered as cited: within its page when paged
 * (and not past the page's ends). */
static void print_context(FILE *out, const print_opts *po, const hit_view *v, const shelf_passage *p)
{
    size_t first = p->line > po->context ? p->line - po->context : 1;
    size_t last = p->end_line + po->context;
    size_t line = 1, at = 0, stop = v->len;
    if (p->page) {
        at = (size_t)shelf_layout_page_start(v->layout, p->page);
        if (p->page < v->layout->npages)
            stop = (size_t)shelf_layout_page_start(v->layout, p->page + 1);
    }
    while (at < stop && line <= last) {
        size_t end = shelf_line_end(v->text, v->len, at);
        if (line >= first) {
            int inside = line >= p->line && line <= p->end_line;
            fprintf(out, "    %s%c %6zu | ", dim(po), inside ? '>' : ' ', line);
            fwrite(v->text + at, 1, end - at, out);
            fprintf(out, "%s\n", reset(po));
        }
        if (end >= v->len)
            break;
        at = end + 1;
        line++;
    }
}

static void print_place(FILE *out, const print_opts *po, const hit_view *v, const shelf_passage *p)
{
    fprintf(out, "    %s", dim(po));
    shelf_put_visible(out, v->meta.path, v->meta.path_len);
    if (p->page)
        fprintf(out, ", p. %zu, line %zu%s", p->page, p->line, reset(po));
    else
        fprintf(out, ":%zu:%zu%s", p->line, p->column, reset(po));
    if (p->section_len)
        fprintf(out, "  § %.*s", (int)p->section_len, v->text + p->section_start);
    fputc('\n', out);
}

static void print_explain_text(FILE *out, const print_opts *po, const shelf_explain *ex)
{
    for (size_t i = 0; i < ex->count; i++) {
        const shelf_explain_term *t = &ex->terms[i];
        fprintf(out, "    %s%-6s %-20s tf=%u title_tf=%u df=%llu idf=%.4f norm=%.4f "
                     "title_norm=%.4f -> %.4f%s\n",
                dim(po), t->kind, t->text, t->tf_body, t->tf_title, (unsigned long long)t->df,
                t->idf, t->norm_body, t->norm_title, t->score, reset(po));
    }
}

static void print_hit_text(FILE *out, const print_opts *po, const hit_view *v, const shelf_explain *ex)
{
    fprintf(out, "%2zu. %s", v->rank, bold(po));
    shelf_put_visible(out, v->meta.title, v->meta.title_len);
    fprintf(out, "%s  %s(%.4f)%s\n", reset(po), dim(po), v->hit->score, reset(po));
    for (size_t i = 0; i < v->passages.count; i++) {
        const shelf_passage *p = &v->passages.at[i];
        print_place(out, po, v, p);
        if (po->context)
            print_context(out, po, v, p);
        else
            print_passage_text(out, po, v, p);
    }
    if (ex)
        print_explain_text(out, po, ex);
}

/* ---- citations ---- */

/* "p. 28, line 12" or "line 12". */
static void print_cite_place(FILE *out, const shelf_quote *q)
{
    if (q->page)
        fprintf(out, "p. %zu, line %zu", q->page, q->line);
    else
        fprintf(out, "line %zu", q->line);
}

void print_citation(FILE *out, cite_format f, const cited_doc *d, const shelf_passage *p)
{
    shelf_quote q;
    shelf_quote_of(d->text, d->len, d->layout, p, &q);
    const char *quote = d->text + q.start;
    size_t n = q.end - q.start;
    if (f == CITE_JSON) {
        fputs("{\"quote\":", out);
        shelf_json_string(out, quote, n);
        fputs(",\"title\":", out);
        shelf_json_string(out, d->title, d->title_len);
        fputs(",\"path\":", out);
        shelf_json_string(out, d->path, d->path_len);
        if (q.page)
            fprintf(out, ",\"page\":%zu", q.page);
        fprintf(out, ",\"line\":%zu,\"column\":%zu,\"start\":%zu,\"end\":%zu,\"section\":", q.line,
                q.column, q.start, q.end);
        shelf_json_string(out, d->text + p->section_start, p->section_len);
        fputs("}\n", out);
        return;
    }
    const char *ellipsis_in = q.whole_sentences ? "" : "…";
    if (f == CITE_MARKDOWN)
        fputs("> ", out);
    fprintf(out, "“%s", ellipsis_in);
    put_flat(out, quote, n);
    fprintf(out, "%s”", ellipsis_in);
    if (f == CITE_MARKDOWN) {
        fprintf(out, "\n>\n> — *%.*s*, `%.*s`, ", (int)d->title_len, d->title,
                (int)d->path_len, d->path);
        print_cite_place(out, &q);
        if (p->section_len)
            fprintf(out, ", § %.*s", (int)p->section_len, d->text + p->section_start);
        fputs("\n\n", out);
    } else {
        fprintf(out, " (%.*s, %.*s, ", (int)d->title_len, d->title,
                (int)d->path_len, d->path);
        print_cite_place(out, &q);
        fputs(")\n", out);
    }
}

static void print_cite(FILE *out, const print_opts *po, const hit_view *v, const shelf_passage *p)
{
    cited_doc d = {v->text, v->len, v->layout, v->meta.title, v->meta.title_len, v->meta.path,
                   v->meta.path_len};
    print_citation(out, po->cite, &d, p);
}

/* ---- JSON ---- */

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

static void print_snippets_json(FILE *out, const hit_view *v)
{
    fputs(",\"snippets\":[", out);
    for (size_t i = 0; i < v->passages.count; i++) {
        const shelf_passage *p = &v->passages.at[i];
        fputs(i ? ",{" : "{", out);
        if (p->page)
            fprintf(out, "\"page\":%zu,", p->page);
        fprintf(out, "\"line\":%zu,\"column\":%zu,\"start\":%zu,\"end\":%zu,\"section\":", p->line,
                p->column, p->start, p->end);
        shelf_json_string(out, v->text + p->section_start, p->section_len);
        fputs(",\"text\":", out);
        shelf_json_string(out, v->text + p->start, p->end - p->start);
        fputs(",\"highlights\":[", out);
        for (size_t h = 0; h < p->nhighlights; h++)
            fprintf(out, "%s[%zu,%zu]", h ? "," : "", p->highlights[h].from, p->highlights[h].to);
        fputs("]}", out);
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
    print_snippets_json(out, v);
    if (ex)
        print_explain_json(out, ex);
    fputc('}', out);
}

/* ---- one query ---- */

static int load_view(shelf_engine *e, shelf_analyzer *a, const print_opts *po,
                     const query_result *qr, const shelf_hit *hit, shelf_buf *text,
                     shelf_layout *layout, hit_view *v, shelf_err *err)
{
    v->hit = hit;
    v->layout = layout;
    /* Text first: with Xapian, the metadata's strings live in the engine's
     * buffer until its next document read. */
    int rc = shelf_snippets_for_engine_hit(e, hit, qr->plan, a, &po->passages, text, layout,
                                           &v->passages, err);
    if (rc == SHELF_OK)
        rc = shelf_engine_doc(e, hit, &v->meta, err);
    v->text = (const char *)text->data;
    v->len = text->len;
    return rc;
}

static void print_header(FILE *out, const print_opts *po, const query_result *qr)
{
    if (po->json) {
        fputs("{\"query\":", out);
        shelf_json_string(out, qr->query, strlen(qr->query));
        fprintf(out, ",\"total\":%llu,\"total_exact\":%s", (unsigned long long)qr->results->total,
                qr->results->total_exact ? "true" : "false");
        if (qr->notes && *qr->notes) {
            fputs(",\"notes\":", out);
            shelf_json_string(out, qr->notes, strlen(qr->notes));
        }
        fputs(",\"hits\":[", out);
    } else if (qr->notes && *qr->notes) {
        fprintf(stderr, "note: %s", qr->notes);
    }
}

static void print_footer(FILE *out, const print_opts *po, const query_result *qr, size_t shown)
{
    if (po->json) {
        fputs("]}\n", out);
        return;
    }
    if (po->cite != CITE_NONE)
        return;
    unsigned long long total = qr->results->total;
    if (total == 0)
        fprintf(out, "no documents match %s\n", qr->query);
    else if (shown == 0)
        fprintf(out, "%llu matching documents; none after offset %zu\n", total, po->offset);
    else
        fprintf(out, "%s%zu-%zu of %s%llu matching documents%s\n", dim(po), po->offset + 1,
                po->offset + shown, qr->results->total_exact ? "" : "≥ ", total, reset(po));
}

static void print_hit(FILE *out, const print_opts *po, const hit_view *v, const shelf_explain *ex,
                      size_t shown)
{
    if (po->json)
        print_hit_json(out, v, ex, shown == 0);
    else if (po->cite != CITE_NONE)
        for (size_t i = 0; i < v->passages.count; i++)
            print_cite(out, po, v, &v->passages.at[i]);
    else
        print_hit_text(out, po, v, ex);
}

int print_results(FILE *out, const print_opts *po, shelf_engine *e, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err)
{
    shelf_buf text = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    int rc = SHELF_OK;
    size_t shown = 0;
    print_header(out, po, qr);
    for (size_t i = po->offset; i < qr->results->count && rc == SHELF_OK; i++) {
        hit_view v = {.rank = i + 1};
        rc = load_view(e, a, po, qr, &qr->results->hits[i], &text, &layout, &v, err);
        shelf_explain ex = {0};
        if (rc == SHELF_OK && po->explain)
            rc = shelf_engine_explain(e, qr->plan, po->search, v.hit, &ex, err);
        if (rc == SHELF_OK)
            print_hit(out, po, &v, po->explain ? &ex : NULL, shown++);
        shelf_explain_free(&ex);
        shelf_passages_free(&v.passages);
    }
    if (rc == SHELF_OK)
        print_footer(out, po, qr, shown);
    shelf_buf_free(&text);
    shelf_layout_free(&layout);
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
