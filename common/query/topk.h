/*
 * topk.h - the k best hits seen so far, in a binary min-heap whose root is
 * the worst kept hit ("worse" = lower score, or equal score and higher doc).
 * Offering a hit costs O(1) when it cannot enter and O(log k) when it does.
 */
#ifndef SHELF_QUERY_TOPK_H
#define SHELF_QUERY_TOPK_H

#include <stddef.h>

#include "query/search.h"

typedef struct shelf_topk {
    shelf_hit *heap;
    size_t count, k;
} shelf_topk;

int shelf_topk_init(shelf_topk *t, size_t k);
void shelf_topk_offer(shelf_topk *t, const shelf_hit *hit);
/* Sort the kept hits best first and hand the array over (t is emptied). */
shelf_hit *shelf_topk_finish(shelf_topk *t, size_t *count);
void shelf_topk_free(shelf_topk *t);

/* True when a ranks before b. */
int shelf_hit_better(const shelf_hit *a, const shelf_hit *b);

#endif
