/*
 * search.h (native) - runs a plan over every segment of an open native index
 * and keeps the exact top k hits with a bounded heap (query/topk.h), plus the
 * number of matches; the result types and their order are query/search.h's.
 *
 * A ranked OR of plain terms (the common query) is evaluated with MaxScore
 * dynamic pruning (maxscore.h): same hits, same scores, same order as
 * exhaustive evaluation, but documents that cannot enter the top k are not
 * scored.  Pruning starts only once total_exact_upto documents have
 * matched (1,000 by default, counted across segments); total is then a
 * lower bound (total_exact false) if a document was in fact skipped,
 * unless exact_total is asked for.  Every other query is evaluated
 * exhaustively.
 * BM25 statistics (N, average lengths, df) are those of the whole index's
 * live documents; deleted documents never match.
 *
 * With a proximity weight (search.h) and a plan of two words or more, the
 * heap keeps the best max(k, rescore_depth) hits by BM25F (pruned or not:
 * the same ones), rescore.h adds the proximity part to each, and the best k
 * of those are returned.  So pruning and exhaustive evaluation still return
 * the same hits with the same scores.
 *
 * With a deadline in the options, the iterators count the postings they
 * move over and read the clock every SHELF_TICKS_PER_CHECK of them
 * (deadline.h); past the deadline the search stops with SHELF_ETIMEOUT and
 * no results.
 */
#ifndef SHELF_NATIVE_SEARCH_H
#define SHELF_NATIVE_SEARCH_H

#include "backend/native/index.h"
#include "query/plan.h"
#include "query/search.h"
#include "util/error.h"

int shelf_search(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                 shelf_results *out, shelf_err *err);

/* Score breakdown of one hit (for --explain). */
int shelf_search_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_hit *hit, shelf_explain *ex, shelf_err *err);

#endif
