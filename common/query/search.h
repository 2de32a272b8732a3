/*
 * search.h - runs a plan over every segment of an open index and keeps the
 * exact top k hits with a bounded heap, plus the exact number of matches.
 *
 * Order: higher score first; equal scores by lower global document number,
 * so the output is deterministic.
 *
 * A ranked OR of plain terms (the common query) is evaluated with MaxScore
 * dynamic pruning (maxscore.h): same hits, same scores, same order as
 * exhaustive evaluation, but documents that cannot enter the top k are not
 * scored, so total is then a lower bound (total_exact false) unless
 * exact_total is asked for.  Every other query is evaluated exhaustively.  BM25 statistics (N, average lengths, df)
 * are those of the whole index's live documents; deleted documents never
 * match.
 *
 * With a deadline in the options, the iterators count the postings they
 * move over and read the clock every SHELF_TICKS_PER_CHECK of them
 * (deadline.h); past the deadline the search stops with SHELF_ETIMEOUT and
 * no results.
 */
#ifndef SHELF_QUERY_SEARCH_H
#define SHELF_QUERY_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/index.h"
#include "backend/native/iter.h"
#include "query/plan.h"

#define SHELF_DEFAULT_K1 1.2
#define SHELF_DEFAULT_B 0.75
#define SHELF_DEFAULT_TITLE_WEIGHT 2.0

typedef struct shelf_search_opts {
    double k1, b, title_weight;
    size_t k;             /* hits to keep (0: count only) */
    bool exact_total;     /* never prune: count every match exactly */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC time to give up by (deadline.h); 0: none */
} shelf_search_opts;

typedef struct shelf_hit {
    uint64_t doc;     /* global document number */
    uint32_t segment; /* position of the segment in the index */
    uint32_t local;   /* doc id inside that segment */
    double score;
} shelf_hit;

typedef struct shelf_results {
    uint64_t total;   /* matching documents: all of them when total_exact, */
    bool total_exact; /* else a lower bound (dynamic pruning skipped some) */
    shelf_hit *hits;  /* best first; count <= k */
    size_t count;
} shelf_results;

void shelf_search_opts_default(shelf_search_opts *o);

int shelf_search(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                 shelf_results *out, shelf_err *err);
void shelf_results_free(shelf_results *r);

/* Score breakdown of one hit (for --explain). */
int shelf_search_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_hit *hit, shelf_explain *ex, shelf_err *err);

#endif
