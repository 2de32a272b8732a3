/*
 * api_search.c - GET /api/search: one query, answered with exactly the
 * object `searcher --json` prints for it (print_results in the "json"
 * output form, output.h), so scripts can move between the command line and
 * the server.
 *
 * Parameters: q (required, at most SERVE_QUERY_MAX bytes), n (1..100,
 * default 10), offset (0..10000), passages (1..10, default 2), width
 * (20..2000 characters, default 200), all (0 or 1: AND as the default
 * operator), in_order (0 or 1: a hit's passages in document order instead of
 * best first, as --passages-in-order), sort (relevance, date, -date or path,
 * as --sort), collapse (1, the default, or 0 as --no-collapse).  The request's deadline goes to
 * the search and to the passages, which check it as they go: past it, 503.
 *
 * GET /api/types: {"types":["pdf","html",...]}, the formats type: takes, from
 * the readers table (the page's type select is filled from it).
 */
#include "api.h"

#include "engine/arrange.h"

#include "http_params.h"
#include "output.h"
#include "present/passage.h"
#include "print.h"
#include "serve_limits.h"

#include <stdlib.h>

void api_types(api_request *rq, reply *r)
{
    (void)rq;
    jbody b;
    FILE *f = jbody_open(&b);
    if (f) {
        fputs("{\"types\":[", f);
        for (size_t i = 0; i < shelf_format_count(); i++)
            fprintf(f, "%s\"%s\"", i ? "," : "", shelf_format_at(i)->name);
        fputs("]}\n", f);
    }
    reply_json(r, 200, &b);
}

typedef struct search_params {
    const char *q;
    size_t q_len, n, offset, passages, width;
    bool all, in_order;
    shelf_arrange arrange;
} search_params;

static int read_params(struct MHD_Connection *c, search_params *sp, reply *r)
{
    static const char *const flags[] = {"0", "1", NULL};
    if (param_required(c, "q", SERVE_QUERY_MAX, &sp->q, &sp->q_len, r) < 0 ||
        param_count(c, "n", 1, SERVE_HITS_MAX, SERVE_HITS_DEFAULT, &sp->n, r) < 0 ||
        param_count(c, "offset", 0, SERVE_OFFSET_MAX, 0, &sp->offset, r) < 0 ||
        param_count(c, "passages", 1, SERVE_PASSAGES_MAX, SHELF_DEFAULT_PASSAGES, &sp->passages, r) < 0 ||
        param_count(c, "width", SERVE_WIDTH_MIN, SERVE_WIDTH_MAX, SHELF_DEFAULT_WIDTH, &sp->width, r) < 0)
        return -1;
    int all = param_choice(c, "all", flags, r);
    if (all < 0)
        return -1;
    sp->all = all == 1;
    int in_order = param_choice(c, "in_order", flags, r);
    if (in_order < 0)
        return -1;
    sp->in_order = in_order == 1;
    static const char *const sorts[] = {"relevance", "date", "-date", "path", NULL};
    int sort = param_choice(c, "sort", sorts, r);
    if (sort < 0 || !shelf_sort_named(sorts[sort], &sp->arrange.sort))
        return -1;
    static const char *const collapse[] = {"1", "0", NULL};
    int keep_apart = param_choice(c, "collapse", collapse, r);
    if (keep_apart < 0)
        return -1;
    sp->arrange.collapse = keep_apart == 0;
    return 0;
}

static void write_results(api_request *rq, const search_params *sp, const shelf_search_opts *so,
                          const query_result *qr, reply *r)
{
    print_opts po = {.form = output_form_named("json"), .style = {.offset = sp->offset},
                     .search = so,
                     .passages = {sp->passages, sp->width, rq->deadline_ns, sp->in_order}};
    jbody b;
    FILE *f = jbody_open(&b);
    shelf_err err = {0};
    int rc = f ? print_results(f, &po, rq->lease->engine, rq->lease->analyzer, qr, &err) : SHELF_OK;
    if (rc != SHELF_OK) {
        if (f)
            fclose(f);
        free(b.data);
        if (rc == SHELF_ETIMEOUT)
            api_reply_timeout(rq, r);
        else
            reply_error(r, 500, "%s", err.msg);
        return;
    }
    reply_json(r, 200, &b);
}

void api_search(api_request *rq, reply *r)
{
    search_params sp;
    if (read_params(rq->conn, &sp, r) < 0)
        return;
    char notes[512] = "";
    shelf_plan *plan = api_plan(rq, sp.q, sp.all, notes, sizeof notes, r);
    if (!plan || api_past_deadline(rq, r)) {
        shelf_plan_free(plan);
        return;
    }
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = sp.n + sp.offset;
    so.deadline_ns = rq->deadline_ns;
    shelf_results res = {0};
    shelf_err err = {0};
    int rc = shelf_engine_search_arranged(rq->lease->engine, plan, &so, &sp.arrange, &res, &err);
    if (rc == SHELF_ETIMEOUT)
        api_reply_timeout(rq, r);
    else if (rc != SHELF_OK)
        reply_error(r, 500, "%s", err.msg);
    else if (!api_past_deadline(rq, r)) {
        char *suggestion = suggest_for(rq->lease->engine, rq->lease->analyzer, sp.q, sp.all, &res,
                                       rq->deadline_ns);
        query_result qr = {sp.q, plan, &res, notes, 0, suggestion};
        write_results(rq, &sp, &so, &qr, r);
        free(suggestion);
    }
    shelf_results_free(&res);
    shelf_plan_free(plan);
}
