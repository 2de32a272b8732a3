/* bm25.c - BM25's idf and length normalisation; see bm25.h. */
#include "query/bm25.h"

#include <math.h>

double shelf_bm25_idf(uint64_t doc_count, uint64_t df)
{
    double n = (double)df, N = (double)doc_count;
    return log(1.0 + (N - n + 0.5) / (n + 0.5));
}

