/*
 * match.h - where a phrase or a NEAR group matches inside one document,
 * given each word's sorted positions.  Shared by the phrase iterator (which
 * counts matches) and by snippets (which highlight them).
 *
 *   phrase: word i at position p + i for every i, for each p;
 *   NEAR/d: scanning occurrences in position order, a match ends at every
 *           occurrence after which every word has been seen and the span from
 *           the oldest of their latest occurrences to here is at most d.
 *
 * For each match, the callback receives the matching position of every word
 * (members[i] for word i).  Returns the number of matches, or UINT32_MAX when
 * memory ran out.
 */
#ifndef SHELF_QUERY_MATCH_H
#define SHELF_QUERY_MATCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_word_positions {
    const uint32_t *at;
    uint32_t len;
} shelf_word_positions;

typedef void (*shelf_match_fn)(void *ctx, const uint32_t *members, size_t n);

uint32_t shelf_match_phrase(const shelf_word_positions *words, size_t n, shelf_match_fn fn, void *ctx);
uint32_t shelf_match_near(const shelf_word_positions *words, size_t n, int distance, shelf_match_fn fn,
                          void *ctx);

#endif
