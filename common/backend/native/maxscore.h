/*
 * maxscore.h - exact top-k for a ranked OR of terms with MaxScore dynamic
 * pruning (Turtle and Flood).
 *
 * Each term has an upper bound of its score in the segment (from the
 * per-block maximum frequency and minimum length stored in the skip tables,
 * iter.h).  With the terms sorted by bound, the ones whose bounds add up to
 * no more than the current k-th best score are "non-essential": a document
 * holding only them cannot enter the top k, so candidates are drawn from the
 * essential terms alone, and a candidate is abandoned as soon as its score so
 * far plus the bounds of the terms not yet looked at cannot beat the k-th
 * score.  Bounds are inflated by a relative 1e-9 against rounding; a
 * surviving candidate's score is summed in the plan's order, exactly as the
 * exhaustive evaluator sums it, so scores and ties are bit-identical.
 */
#ifndef SHELF_NATIVE_MAXSCORE_H
#define SHELF_NATIVE_MAXSCORE_H

#include <stdbool.h>

#include "backend/native/index.h"
#include "query/plan.h"
#include "query/search.h"
#include "query/topk.h"

/* True for the plans MaxScore evaluates: one TERM, or a BOOL whose children
 * are all SHOULD TERMs. */
bool shelf_maxscore_applies(const shelf_plan *plan);

/* Add one segment's hits to top; adds to out->total the documents scored,
 * and to out's work counters. */
int shelf_maxscore_segment(const shelf_index *idx, size_t seg, const shelf_plan *plan,
                           const shelf_search_opts *o, shelf_topk *top, shelf_results *out,
                           shelf_err *err);

#endif
