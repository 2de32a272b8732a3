/*
 * stats.h - the collection statistics the planner reads (plan.h), as a small
 * interface any index can implement: the number of live documents, a key's
 * document frequency, and the keys that start with a prefix.
 *
 * The planner never sees where the numbers come from: the engine implements
 * this over either backend (engine.h, shelf_plan_for_engine), the native
 * index over its segments (backend/native/index_stats.h), a test over a
 * table of its own.
 *
 * Contract of an implementation:
 *   - doc_count: live documents (BM25's N); cheap, called once per key;
 *   - df: live documents holding the key (0 when none), SHELF_OK or an error
 *     with err set;
 *   - terms: calls fn for every distinct key starting with prefix (field byte
 *     + term prefix) until fn returns nonzero; keys may repeat across calls
 *     for different parts of the index (the planner drops duplicates).
 * Keys are laid out as keys.h says.
 */
#ifndef SHELF_QUERY_STATS_H
#define SHELF_QUERY_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Receives one key of a prefix listing; nonzero stops the listing. */
typedef int (*shelf_key_fn)(void *ctx, const uint8_t *key, size_t len);

typedef struct shelf_stats {
    const void *source; /* the index behind the statistics, passed to each function */
    uint64_t (*doc_count)(const void *source);
    int (*df)(const void *source, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err);
    int (*terms)(const void *source, const uint8_t *prefix, size_t len, shelf_key_fn fn, void *ctx,
                 shelf_err *err);
} shelf_stats;

#endif
