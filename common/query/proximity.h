/*
 * proximity.h - the term-proximity part of a document's score, from the
 * positions of the query's words in it (Büttcher, Clarke and Lushman,
 * "Term proximity scoring for ad-hoc retrieval on very large text
 * collections", SIGIR 2006), with BM25's saturation:
 *
 *   Merge the occurrences of all the words in position order.  For every
 *   two neighbours in that sequence that are different words, x at p and
 *   y at q > p:   acc(x) += idf(y) / (q - p)^2,   acc(y) += idf(x) / (q - p)^2.
 *   prox = Σ over words t of  min(1, idf(t)) · acc(t)·(k1 + 1) / (acc(t) + k1·K)
 *
 * with K = 1 − b + b·dl/avgdl, the body's length norm BM25 uses.  Only
 * neighbours count, so a word's occurrence is paired with the nearest
 * occurrence of another query word on each side; a document holding one of
 * the words only scores 0.  Each word's part is below k1 + 1, so prox is
 * below (k1 + 1)·n.  The searcher adds W · prox to BM25F
 * (shelf_search_opts.proximity_weight; README, "Ranking").
 */
#ifndef SHELF_QUERY_PROXIMITY_H
#define SHELF_QUERY_PROXIMITY_H

#include <stddef.h>
#include <stdint.h>

#include "query/match.h"
#include "query/plan.h"

/* At most this many distinct words take part (the first ones of the query). */
#define SHELF_PROXIMITY_MAX_WORDS 32

typedef struct shelf_proximity_parts {
    double score;   /* prox above */
    uint32_t pairs; /* neighbouring occurrences of different words counted */
} shelf_proximity_parts;

/* The words of plan proximity looks at, in query order, each once: the
 * keys of its TERM, PHRASE and NEAR nodes in the default (body) field,
 * leaving out excluded (MUST_NOT) parts, title: fields and words absent
 * from the index (df 0).  Fills out[0..n) with n <= cap and returns n. */
size_t shelf_proximity_keys(const shelf_plan *plan, const shelf_pkey **out, size_t cap);

/* words[i].at ascending; n <= SHELF_PROXIMITY_MAX_WORDS (more are ignored);
 * idf[i] the idf of word i; norm = K. */
shelf_proximity_parts shelf_proximity(const shelf_word_positions *words, const double *idf, size_t n,
                                      double k1, double norm);

#endif
