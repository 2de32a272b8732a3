/*
 * maxscore_prime.h - a first threshold for MaxScore before it walks a
 * segment ("priming"), from a few documents likely to rank high: those
 * holding the query's rarer words in their titles.
 *
 * Why: with queries typed from a document's title, common words included,
 * the k-th best score rises slowly in document order, and until it is high
 * the mid-frequency words stay essential and bring tens of thousands of
 * candidates (README, "Short documents at full size").  Here the title
 * postings of the query's terms are merged, rarest term first, as long as
 * they hold at most SHELF_PRIME_BUDGET postings in all (and a sixteenth
 * of the documents the terms hold, so that priming stays small beside the
 * walk it shortens); the
 * SHELF_PRIME_PICK documents whose titles hold the largest sum of the
 * terms' idf are scored exactly, by fresh term iterators advanced to them
 * in document order and added in the plan's order (as MaxScore and the
 * exhaustive evaluator add), deleted and filtered-out documents left out.
 *
 * Invariant that keeps results exact: the floor is the k-th best of those
 * scores lowered by a relative 1e-9, so it is strictly below the scores of
 * k distinct live documents of the index.  A document scoring at most the
 * floor is below all k of them and cannot be among the best k, whatever
 * the tie order; so MaxScore may treat the floor as its k-th score.
 */
#ifndef SHELF_NATIVE_MAXSCORE_PRIME_H
#define SHELF_NATIVE_MAXSCORE_PRIME_H

#include <stddef.h>

#include "backend/native/deletions.h"
#include "backend/native/iter.h"
#include "query/plan.h"

typedef struct shelf_segfilter shelf_segfilter;

/* Title postings merged at most, over all terms (see above). */
#define SHELF_PRIME_BUDGET 20000
/* Terms at most: longer queries are not primed. */
#define SHELF_PRIME_MAX_TERMS 32

/* The floor for the k best of a plain OR of the n TERM plans leaves[]
 * (maxscore.h) in sc's segment, or -INFINITY when fewer than k documents
 * were scored (or k is 0, or n is above SHELF_PRIME_MAX_TERMS).  Errors are
 * left in sc, as the iterators leave them; the postings decoded are added
 * to sc's counter. */
double shelf_maxscore_prime(const shelf_plan *const *leaves, size_t n, shelf_scorer *sc,
                            const shelf_deletions *deleted, shelf_segfilter *filter, size_t k);

#endif
