/*
 * keysort.h - sorting short byte-string keys by a cached prefix.
 *
 * A key is length-prefixed: lkey[0] is its length (0..255), lkey[1..] its
 * bytes.  Keys order as memcmp over the shorter length, then the shorter
 * first (the order of the dictionary files).
 *
 * Each shelf_keyref carries the key's first eight bytes, big-endian and
 * zero-padded, so that most comparisons read only the array and never follow
 * the pointer: zero padding keeps the order (a prefix smaller than another
 * means a smaller key; equal prefixes compare the whole keys).
 *
 * The sort is in place (no scratch memory: the inverter sorts inside its
 * hash table's slot array, under its memory budget) and O(n log n) on any
 * input: a quicksort with median-of-three pivots that turns to heapsort
 * past 2 log2(n) levels, and insertion sort on short ranges.  Keys are
 * distinct in the inverter; equal keys sort correctly too, in no stable
 * order.
 */
#ifndef SHELF_KEYSORT_H
#define SHELF_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_keyref {
    uint64_t prefix;     /* shelf_key_prefix(lkey) */
    const uint8_t *lkey; /* length byte, then the key */
} shelf_keyref;

/* The first eight bytes of the length-prefixed key, big-endian, zero-padded. */
static inline uint64_t shelf_key_prefix(const uint8_t *lkey)
{
    uint64_t v = 0;
    size_t n = lkey[0] < 8 ? lkey[0] : 8;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < n ? lkey[1 + i] : 0);
    return v;
}

/* Sorts a[0, n) by key. */
void shelf_keysort(shelf_keyref *a, size_t n);

/* <0, 0, >0 as the key of x is before, equal to, after the key of y. */
int shelf_key_compare(const uint8_t *x, const uint8_t *y);

#endif
