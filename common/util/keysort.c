/*
 * keysort.c - in-place introsort of keys by cached prefix; see keysort.h.
 */
#include "util/keysort.h"

#include <stdbool.h>

#define SHORT_RANGE 16 /* ranges this short are sorted by insertion */

int shelf_key_compare(const uint8_t *x, const uint8_t *y)
{
    size_t n = x[0] < y[0] ? x[0] : y[0];
    for (size_t i = 1; i <= n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return (int)x[0] - (int)y[0];
}

static bool before(const shelf_keyref *x, const shelf_keyref *y)
{
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix;
    return shelf_key_compare(x->lkey, y->lkey) < 0;
}

static void swap(shelf_keyref *x, shelf_keyref *y)
{
    shelf_keyref t = *x;
    *x = *y;
    *y = t;
}

static void insertion_sort(shelf_keyref *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        shelf_keyref k = a[i];
        size_t j = i;
        for (; j > 0 && before(&k, &a[j - 1]); j--)
            a[j] = a[j - 1];
        a[j] = k;
    }
}

/* ---- heapsort, the fallback that bounds the worst case ---- */

static void sift_down(shelf_keyref *a, size_t root, size_t n)
{
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && before(&a[child], &a[child + 1]))
            child++;
        if (!before(&a[root], &a[child]))
            return;
        swap(&a[root], &a[child]);
    }
}

static void heap_sort(shelf_keyref *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

/* ---- quicksort ---- */

/* Puts the median of the first, middle and last keys at a[0] (the pivot),
 * the smallest at a[1] and the largest at a[n-1], which bound the scans. */
static void place_pivot(shelf_keyref *a, size_t n)
{
    swap(&a[n / 2], &a[1]);
    if (before(&a[n - 1], &a[1]))
        swap(&a[1], &a[n - 1]);
    if (before(&a[n - 1], &a[0]))
        swap(&a[0], &a[n - 1]);
    if (before(&a[0], &a[1]))
        swap(&a[0], &a[1]);
}

/* Partitions a[0, n) (n > SHORT_RANGE) around the median of three; returns
 * the pivot's final place p: a[0, p) <= a[p] <= a[p+1, n). */
static size_t partition(shelf_keyref *a, size_t n)
{
    place_pivot(a, n);
    size_t i = 1, j = n - 1;
    for (;;) {
        do
            i++;
        while (before(&a[i], &a[0]));
        do
            j--;
        while (before(&a[0], &a[j]));
        if (i >= j)
            break;
        swap(&a[i], &a[j]);
    }
    swap(&a[0], &a[j]);
    return j;
}

/* Sorts the smaller side by recursion and loops on the larger, so the
 * stack holds at most log2(n) frames. */
static void intro_sort(shelf_keyref *a, size_t n, unsigned depth_left)
{
    while (n > SHORT_RANGE) {
        if (depth_left-- == 0) {
            heap_sort(a, n);
            return;
        }
        size_t p = partition(a, n);
        size_t left = p, right = n - p - 1;
        if (left < right) {
            intro_sort(a, left, depth_left);
            a += p + 1;
            n = right;
        } else {
            intro_sort(a + p + 1, right, depth_left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

void shelf_keysort(shelf_keyref *a, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
}
