/* index_stats.c - a native index as the planner's statistics; see index_stats.h. */
#include "backend/native/index_stats.h"

static uint64_t index_doc_count(const void *source)
{
    return shelf_index_doc_count(source);
}

static int index_df(const void *source, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    return shelf_index_df(source, key, len, df, err);
}

static int index_terms(const void *source, const uint8_t *prefix, size_t len, shelf_key_fn fn,
                       void *ctx, shelf_err *err)
{
    return shelf_index_terms(source, prefix, len, fn, ctx, err);
}

void shelf_index_stats(const shelf_index *idx, shelf_stats *out)
{
    *out = (shelf_stats){idx, index_doc_count, index_df, index_terms};
}

shelf_plan *shelf_plan_for_index(const shelf_index *idx, shelf_analyzer *analyzer,
                                 const shelf_qnode *query, char *notes, size_t notes_size,
                                 shelf_err *err, int *err_column)
{
    shelf_stats stats;
    shelf_index_stats(idx, &stats);
    return shelf_plan_build(&stats, analyzer, query, notes, notes_size, err, err_column);
}
