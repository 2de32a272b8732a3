/*
 * editdist.h - how far apart two words are: the optimal string alignment
 * distance (Levenshtein's insertions, deletions and substitutions plus the
 * transposition of two adjacent characters, each costing 1, no substring
 * edited twice).  "deterence" is 1 from "deterrence", "nato" 1 from "ntao".
 *
 * Computed on bytes: a non-ASCII character that differs counts once per
 * differing byte.  Folded words (analysis/analyzer.h) are mostly ASCII, so
 * this rarely matters, and it only ever overestimates.
 *
 * Bounded: the work stops as soon as the distance is known to exceed max,
 * so checking a word against a whole dictionary region stays cheap.
 */
#ifndef SHELF_EDITDIST_H
#define SHELF_EDITDIST_H

#include <stddef.h>

#define SHELF_EDITDIST_MAX_LEN 128 /* longer words are reported as too far */

/* The distance between a[0..la) and b[0..lb) when it is at most max,
 * else max + 1 (also when either word is longer than
 * SHELF_EDITDIST_MAX_LEN). */
unsigned shelf_edit_distance(const char *a, size_t la, const char *b, size_t lb, unsigned max);

#endif
