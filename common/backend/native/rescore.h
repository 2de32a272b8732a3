/*
 * rescore.h - the second phase of a native search: the proximity part
 * (query/proximity.h) for the few hundred best hits by BM25F, read from
 * the positions the segments store.
 *
 * The words are those shelf_proximity_keys picks from the plan; a hit's
 * positions are read from each word's body postings in its segment, the
 * hits of one segment visited in increasing doc order so every posting list
 * only moves forward.  A hit's new score is its BM25F score plus
 * W * prox (one addition, so W = 0 would leave it unchanged; search.c does
 * not even call this then).
 */
#ifndef SHELF_NATIVE_RESCORE_H
#define SHELF_NATIVE_RESCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/native/index.h"
#include "query/plan.h"
#include "query/search.h"

/* True when the proximity phase changes anything: W > 0, k > 0 and the plan
 * has at least two words proximity looks at. */
bool shelf_rescore_applies(const shelf_plan *plan, const shelf_search_opts *o);

/* Add W * prox to every hit's score, then sort hits best first (search.h's
 * order). */
int shelf_rescore_proximity(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                            shelf_hit *hits, size_t count, shelf_err *err);

/* Append the proximity part of one hit to ex (search.h). */
int shelf_rescore_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex, shelf_err *err);

#endif
