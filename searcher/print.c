/*
 * print.c - the driver of an output form through one query; see print.h.
 * It owns what every form needs and none decides: loading each shown hit's
 * text, metadata, passages and explanation, the order header - hits -
 * footer, and holding a buffered form's answer in memory until the query
 * succeeded; and the query's "did you mean", which the command line and
 * the API both ask for.
 */
#include "print.h"
#include "present/snippets.h"
#include "present/suggest.h"
#include "util/canonpath.h"

#include <stdlib.h>
#include <string.h>

static int load_hit(shelf_engine *e, shelf_analyzer *a, const print_opts *po,
                    const query_result *qr, const shelf_hit *hit, shelf_buf *text,
                    shelf_layout *layout, output_hit *h, shelf_err *err)
{
    h->score = hit->score;
    h->doc = hit->doc;
    h->index = shelf_engine_origin(e, hit);
    h->layout = layout;
    /* Text first: with Xapian, the metadata's strings live in the engine's
     * buffer until its next document read. */
    int rc = shelf_snippets_for_engine_hit(e, hit, qr->plan, a, &po->passages, text, layout,
                                           &h->passages, err);
    shelf_docview meta;
    if (rc == SHELF_OK)
        rc = shelf_engine_doc(e, hit, &meta, err);
    if (rc == SHELF_OK) {
        size_t skip = po->shown_from ? shelf_path_from(meta.path, meta.path_len, po->shown_from) : 0;
        h->path = meta.path + skip;
        h->path_len = meta.path_len - skip;
        h->title = meta.title;
        h->title_len = meta.title_len;
        h->author = meta.author;
        h->author_len = meta.author_len;
        h->date = meta.date;
        h->date_len = meta.date_len;
        h->format = output_format_of(meta.flags);
    }
    h->text = (const char *)text->data;
    h->len = text->len;
    return rc;
}

static void free_dups(output_hit *h)
{
    for (size_t i = 0; i < h->ndups; i++)
        free(h->dup_paths[i]);
    free(h->dup_paths);
    free(h->dup_indexes);
    h->dup_paths = NULL;
    h->dup_indexes = NULL;
    h->ndups = 0;
}

/* The paths of the documents folded into hit i (copies: a Xapian engine
 * reuses its buffer at the next read), shown like the hit's own. */
static int load_dups(shelf_engine *e, const print_opts *po, const shelf_results *res, size_t i,
                     output_hit *h, shelf_err *err)
{
    size_t n = 0;
    for (size_t d = 0; d < res->ndups; d++)
        n += res->dups[d].hit == i;
    if (n == 0)
        return SHELF_OK;
    h->dup_paths = calloc(n, sizeof *h->dup_paths);
    h->dup_indexes = calloc(n, sizeof *h->dup_indexes);
    if (!h->dup_paths || !h->dup_indexes)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory printing results");
    for (size_t d = 0; d < res->ndups; d++) {
        if (res->dups[d].hit != i)
            continue;
        shelf_docview meta;
        int rc = shelf_engine_doc(e, &res->dups[d].doc, &meta, err);
        if (rc != SHELF_OK)
            return rc;
        size_t skip = po->shown_from ? shelf_path_from(meta.path, meta.path_len, po->shown_from) : 0;
        char *path = malloc(meta.path_len - skip + 1);
        if (!path)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory printing results");
        memcpy(path, meta.path + skip, meta.path_len - skip);
        path[meta.path_len - skip] = '\0';
        h->dup_indexes[h->ndups] = shelf_engine_origin(e, &res->dups[d].doc);
        h->dup_paths[h->ndups++] = path;
    }
    return SHELF_OK;
}

static int print_unbuffered(FILE *out, const print_opts *po, shelf_engine *e, shelf_analyzer *a,
                            const query_result *qr, shelf_err *err)
{
    const output_form *form = po->form;
    shelf_buf text = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    int rc = SHELF_OK;
    size_t shown = 0;
    form->header(out, &po->style, qr);
    for (size_t i = po->style.offset; i < qr->results->count && rc == SHELF_OK; i++) {
        const shelf_hit *hit = &qr->results->hits[i];
        output_hit h = {.rank = i + 1};
        /* the duplicates first: the hit's strings may live in the engine's
         * buffer until its next document read */
        rc = load_dups(e, po, qr->results, i, &h, err);
        if (rc == SHELF_OK)
            rc = load_hit(e, a, po, qr, hit, &text, &layout, &h, err);
        shelf_explain ex = {0};
        if (rc == SHELF_OK && po->explain) {
            rc = shelf_engine_explain(e, qr->plan, po->search, hit, &ex, err);
            h.explain = &ex;
        }
        if (rc == SHELF_OK)
            form->hit(out, &po->style, &h, shown++);
        shelf_explain_free(&ex);
        shelf_passages_free(&h.passages);
        free_dups(&h);
    }
    if (rc == SHELF_OK)
        form->footer(out, &po->style, qr, shown);
    shelf_buf_free(&text);
    shelf_layout_free(&layout);
    return rc;
}

/* A buffered form goes through memory first, so that a query failing
 * half-way (out of time) leaves no half answer on out. */
int print_results(FILE *out, const print_opts *po, shelf_engine *e, shelf_analyzer *a,
                  const query_result *qr, shelf_err *err)
{
    if (!po->form->buffered)
        return print_unbuffered(out, po, e, a, qr, err);
    char *answer = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&answer, &len);
    if (!f)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory printing results");
    int rc = print_unbuffered(f, po, e, a, qr, err);
    if (fclose(f) != 0 && rc == SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory printing results");
    if (rc == SHELF_OK)
        fwrite(answer, 1, len, out);
    free(answer);
    return rc;
}

char *suggest_for(shelf_engine *e, shelf_analyzer *a, const char *query, bool all,
                  const shelf_results *res, uint64_t deadline_ns)
{
    char *suggestion = NULL;
    shelf_err err = {0};
    if (shelf_suggest(e, a, query, all, res->total, deadline_ns, &suggestion, &err) != SHELF_OK) {
        free(suggestion);
        return NULL;
    }
    return suggestion;
}
