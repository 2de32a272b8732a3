/*
 * bm25.h - the two BM25 formulas every scorer shares, written once (README,
 * "Ranking"): the inverse document frequency of a term and the length
 * normalisation K of a document's field.
 *
 * Both are pure functions of their arguments; scorers and score bounds call
 * them rather than repeat them, so the same inputs always give bit-identical
 * doubles (same formula, same operation order).  The normalisation is
 * inline: scorers evaluate it for every candidate.
 */
#ifndef SHELF_QUERY_BM25_H
#define SHELF_QUERY_BM25_H

#include <stdint.h>

/* idf = ln(1 + (N - n + 0.5) / (n + 0.5)), N documents, n holding the term. */
double shelf_bm25_idf(uint64_t doc_count, uint64_t df);

/* K(dl, avg) = 1 - b + b * dl / avg, or 1 when avg is not positive (an empty
 * collection or field). */
static inline double shelf_bm25_length_norm(double b, uint32_t dl, double avg)
{
    if (avg <= 0)
        return 1.0;
    return 1.0 - b + b * (double)dl / avg;
}

#endif
