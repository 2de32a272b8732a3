/* topk.c - bounded min-heap of hits; see topk.h. */
#include "query/topk.h"
#include "util/error.h"

#include <stdlib.h>

int shelf_hit_better(const shelf_hit *a, const shelf_hit *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    return a->doc < b->doc;
}

int shelf_topk_init(shelf_topk *t, size_t k)
{
    t->count = 0;
    t->k = k;
    t->heap = k ? malloc(k * sizeof *t->heap) : NULL;
    return (k && !t->heap) ? SHELF_ENOMEM : SHELF_OK;
}

static void swap(shelf_hit *a, shelf_hit *b)
{
    shelf_hit x = *a;
    *a = *b;
    *b = x;
}

static void sift_down(shelf_topk *t, size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < t->count && shelf_hit_better(&t->heap[worst], &t->heap[l]))
            worst = l;
        if (r < t->count && shelf_hit_better(&t->heap[worst], &t->heap[r]))
            worst = r;
        if (worst == i)
            return;
        swap(&t->heap[i], &t->heap[worst]);
        i = worst;
    }
}

static void sift_up(shelf_topk *t, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!shelf_hit_better(&t->heap[parent], &t->heap[i]))
            return;
        swap(&t->heap[i], &t->heap[parent]);
        i = parent;
    }
}

void shelf_topk_offer(shelf_topk *t, const shelf_hit *hit)
{
    if (t->k == 0)
        return;
    if (t->count < t->k) {
        t->heap[t->count++] = *hit;
        sift_up(t, t->count - 1);
    } else if (shelf_hit_better(hit, &t->heap[0])) {
        t->heap[0] = *hit;
        sift_down(t, 0);
    }
}

static int compare_best_first(const void *a, const void *b)
{
    const shelf_hit *x = a, *y = b;
    if (shelf_hit_better(x, y))
        return -1;
    return shelf_hit_better(y, x) ? 1 : 0;
}

shelf_hit *shelf_topk_finish(shelf_topk *t, size_t *count)
{
    if (t->count > 1)
        qsort(t->heap, t->count, sizeof *t->heap, compare_best_first);
    shelf_hit *hits = t->heap;
    *count = t->count;
    t->heap = NULL;
    t->count = 0;
    return hits;
}

void shelf_topk_free(shelf_topk *t)
{
    free(t->heap);
    t->heap = NULL;
    t->count = 0;
}
