/*
 * neighbours.h - the index terms close to a term: body terms within a few
 * edits (editdist.h) of it, found by a bounded scan of the dictionary
 * through the engine (engine.h, shelf_engine_terms), so either backend.
 *
 * Which part of the dictionary is read: the terms sharing the term's first
 * byte (a misspelling rarely gets the first letter wrong, and the
 * dictionary is sorted, so this is one contiguous region per segment).  A
 * long term (any_first) may also differ in its first letter: then the
 * terms starting with the term's second and third bytes (first letter
 * typed in excess), with any ASCII letter or digit before its second byte
 * (first letter wrong) or before its first byte (first letter left out),
 * and its first two bytes swapped, are read too - small regions of two
 * bytes each.
 *
 * The same scan runs over any sorted source of keys (shelf_neighbours_in),
 * such as the written-words lists.
 *
 * Result: distinct terms other than the term itself, at most
 * SHELF_NEIGHBOURS_MAX, the closest kept, each with its live document
 * frequency, ordered by distance, then by document frequency (most first),
 * then bytewise.
 */
#ifndef SHELF_NEIGHBOURS_H
#define SHELF_NEIGHBOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "query/keys.h"

#define SHELF_NEIGHBOURS_MAX 64

typedef struct shelf_neighbour {
    uint8_t key[SHELF_MAX_KEY_BYTES]; /* body field byte + term */
    size_t len;
    unsigned distance;
    uint64_t df; /* live documents */
} shelf_neighbour;

typedef struct shelf_neighbours {
    shelf_neighbour at[SHELF_NEIGHBOURS_MAX];
    size_t count;
    uint64_t scanned; /* dictionary entries looked at (for measurements) */
} shelf_neighbours;

/* The terms within max_distance of term[0..len) (1 <= len <= 64). */
int shelf_neighbours_find(const shelf_engine *e, const char *term, size_t len,
                          unsigned max_distance, bool any_first, shelf_neighbours *out,
                          shelf_err *err);

/* Where the words come from, when not the engine's dictionary (the
 * written-words lists, written.h): keys are a field byte then the word, as
 * in the dictionary.  terms: every key starting with prefix, in byte order
 * per part, fn returning nonzero to stop; df: documents holding key. */
typedef struct shelf_term_source {
    int (*terms)(void *src, const uint8_t *prefix, size_t len,
                 int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx, shelf_err *err);
    int (*df)(void *src, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err);
    void *src;
} shelf_term_source;

/* shelf_neighbours_find over another source of words. */
int shelf_neighbours_in(const shelf_term_source *source, const char *term, size_t len,
                        unsigned max_distance, bool any_first, shelf_neighbours *out,
                        shelf_err *err);

#endif
