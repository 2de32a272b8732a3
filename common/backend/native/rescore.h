/*
 * rescore.h - the second phase of a native search: the proximity part
 * (query/proximity.h) and the heading part (query/heading.h) for the best
 * max(k, rescore_depth) hits by BM25F, read from the positions the segments
 * store and the heading spans of each document's record (.docs heap).
 *
 * The words are those shelf_proximity_keys picks from the plan; a hit's
 * positions are read from each word's body postings in its segment, the
 * hits of one segment visited in increasing doc order so every posting list
 * only moves forward.  A hit's new score is its BM25F score, plus W * prox
 * when W > 0 and the plan has two words or more, plus H * heading when
 * H > 0 and it has one word or more (each one addition, made only when its
 * weight is above 0, so W = H = 0 leaves every score exactly as BM25F gave
 * it; search.c does not even call this then).
 */
#ifndef SHELF_NATIVE_RESCORE_H
#define SHELF_NATIVE_RESCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/native/index.h"
#include "query/plan.h"
#include "query/search.h"

/* True when the second phase changes anything: k > 0, and W > 0 with at
 * least two words proximity looks at, or H > 0 with at least one. */
bool shelf_rescore_applies(const shelf_plan *plan, const shelf_search_opts *o);

/* Add W * prox and H * heading to every hit's score, then sort hits best
 * first (search.h's order). */
int shelf_rescore_proximity(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                            shelf_hit *hits, size_t count, shelf_err *err);

/* Append the proximity part and the heading part of one hit to ex, each
 * when it applies (search.h). */
int shelf_rescore_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex, shelf_err *err);

#endif
