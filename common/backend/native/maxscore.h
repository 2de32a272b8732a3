/*
 * maxscore.h - exact top-k for a ranked OR of terms with block-max MaxScore
 * dynamic pruning (Turtle and Flood's MaxScore, with per-block bounds).
 *
 * Each term has an upper bound of its score in the segment and one per
 * postings block (from the per-block maximum frequency and minimum length
 * stored in the skip tables, iter.h; read without decoding any block).
 * With the terms sorted by segment bound, the ones whose bounds add up to no
 * more than the current k-th best score are "non-essential": a document
 * holding only them cannot enter the top k, so candidates are drawn from the
 * essential terms alone.  Then, from the block bounds:
 *   - when those of all terms cannot beat the k-th score, every document up
 *     to the end of the shortest current block is skipped;
 *   - a candidate is dropped unscored when the block bounds of the terms
 *     that hold it (essential terms on it, and all non-essential ones)
 *     cannot beat it;
 *   - while scoring, a candidate is abandoned as soon as its score so far
 *     plus the block bounds of the terms not yet looked at cannot.
 * The k-th best score starts from a primed floor when there is one
 * (maxscore_prime.h: the k-th exact score of a few documents holding the
 * rarer words in their titles), so fewer terms are essential from the start.
 * None of this starts before the top k is full and total_exact_upto
 * documents have matched (across segments, in out->total): until then
 * every match is scored and counted, so small totals are exact.  Each skip
 * above clears out->total_exact.
 * Bounds are inflated by a relative 1e-9 against rounding; since documents
 * come in increasing order and ties go to the lower number, "cannot beat"
 * means "<= the k-th score".  A surviving candidate's score is summed in the
 * plan's order, exactly as the exhaustive evaluator sums it, so scores and
 * ties are bit-identical.
 */
#ifndef SHELF_NATIVE_MAXSCORE_H
#define SHELF_NATIVE_MAXSCORE_H

#include <stdbool.h>

#include "backend/native/index.h"
#include "query/plan.h"
#include "query/search.h"
#include "query/topk.h"

typedef struct shelf_segfilter shelf_segfilter;

/* True for the plans MaxScore evaluates: one TERM, or a BOOL whose children
 * are all SHOULD TERMs. */
bool shelf_maxscore_applies(const shelf_plan *plan);

/* Add one segment's hits to top, leaving out the documents filter (NULL:
 * none, segfilter.h) refuses before they are scored; adds to out->total the documents scored,
 * and to out's work counters; clears out->total_exact when it skipped a
 * document. */
int shelf_maxscore_segment(const shelf_index *idx, size_t seg, const shelf_plan *plan,
                           shelf_segfilter *filter, const shelf_search_opts *o, shelf_topk *top, shelf_results *out,
                           shelf_err *err);

#endif
