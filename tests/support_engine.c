/* support_engine.c - queries through the engine API; see support_engine.h. */
#include "support_engine.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static shelf_plan *plan_without_roots(ts_engine_query *q, shelf_err *err, int *column)
{
    shelf_stats stats;
    shelf_engine_stats(q->engine, &stats);
    shelf_plan *plan = shelf_plan_build(&stats, q->analyzer, q->tree, NULL, 0, err, column);
    if (plan && shelf_plan_resolve_folders(plan, NULL, 0, err) != SHELF_OK)
        fail_msg("resolve %s: %s", q->text, err->msg);
    return plan;
}

void ts_engine_query_open(ts_engine_query *q, const char *dir, const char *query, bool with_roots)
{
    *q = (ts_engine_query){.dir = dir, .text = query};
    shelf_err err = {0};
    if (shelf_engine_open(&q->engine, dir, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    q->analyzer = shelf_analyzer_new(shelf_engine_language(q->engine), &err);
    if (!q->analyzer)
        fail_msg("analyzer for %s: %s", dir, err.msg);
    int column = 0;
    q->tree = shelf_query_parse(query, NULL, &err, &column);
    if (!q->tree)
        fail_msg("parse %s: %s", query, err.msg);
    q->plan = with_roots ? shelf_plan_for_engine(q->engine, q->analyzer, q->tree, NULL, 0, &err, &column)
                         : plan_without_roots(q, &err, &column);
    if (!q->plan)
        fail_msg("plan %s: %s", query, err.msg);
}

void ts_engine_query_search(const ts_engine_query *q, const shelf_search_opts *o, shelf_results *res)
{
    shelf_err err = {0};
    if (shelf_engine_search(q->engine, q->plan, o, res, &err) != SHELF_OK)
        fail_msg("search %s on %s: %s", q->text, q->dir, err.msg);
}

void ts_engine_query_doc(const ts_engine_query *q, const shelf_hit *hit, shelf_docview *v)
{
    shelf_err err = {0};
    if (shelf_engine_doc(q->engine, hit, v, &err) != SHELF_OK)
        fail_msg("doc of %s on %s: %s", q->text, q->dir, err.msg);
}

void ts_engine_query_close(ts_engine_query *q)
{
    shelf_plan_free(q->plan);
    shelf_query_free(q->tree);
    shelf_analyzer_free(q->analyzer);
    shelf_engine_close(q->engine);
    *q = (ts_engine_query){0};
}
