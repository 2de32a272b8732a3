/*
 * index_stats.h - an open native index (index.h) as the planner's statistics
 * (query/stats.h): live document count, df and prefix listing over all its
 * segments, exactly what the engine gives for the same index.
 *
 * The shelf_stats filled here points at the index and lives no longer than
 * it; it holds no state of its own, so any number may exist at once.
 */
#ifndef SHELF_INDEX_STATS_H
#define SHELF_INDEX_STATS_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "backend/native/index.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/stats.h"
#include "util/error.h"

/* The statistics of idx, for shelf_plan_build. */
void shelf_index_stats(const shelf_index *idx, shelf_stats *out);

/* shelf_plan_build with the statistics of an open native index. */
shelf_plan *shelf_plan_for_index(const shelf_index *idx, shelf_analyzer *analyzer,
                                 const shelf_qnode *query, char *notes, size_t notes_size,
                                 shelf_err *err, int *err_column);

#endif
