/*
 * support_engine.h - a query run through the engine API as the searcher
 * runs it: the engine opened on an index folder, the query parsed and
 * planned with the engine's analyzer, searched with options the test
 * chooses.  Any error fails the test, naming the query and the folder.
 */
#ifndef TS_SUPPORT_ENGINE_H
#define TS_SUPPORT_ENGINE_H

#include <stdbool.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "query/parse.h"
#include "query/plan.h"

typedef struct ts_engine_query {
    shelf_engine *engine;
    shelf_analyzer *analyzer;
    shelf_qnode *tree;
    shelf_plan *plan;
    const char *dir, *text; /* for messages */
} ts_engine_query;

/* Open dir and plan query on it.  With with_roots false, in: folders are
 * resolved with no roots (as over remote shards) instead of the index's. */
void ts_engine_query_open(ts_engine_query *q, const char *dir, const char *query, bool with_roots);

/* Search; the caller frees *res (shelf_results_free). */
void ts_engine_query_search(const ts_engine_query *q, const shelf_search_opts *o,
                            shelf_results *res);

/* The path of a hit, into a view valid until the query is closed. */
void ts_engine_query_doc(const ts_engine_query *q, const shelf_hit *hit, shelf_docview *v);

void ts_engine_query_close(ts_engine_query *q);

#endif
