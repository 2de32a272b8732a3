/*
 * termstats.h - one dictionary entry's statistics and where its postings
 * live (FORMAT.md, ".dict"): what the dictionary writer stores for a key and
 * what the segment reader hands back for it.  Shared by readers and writers
 * so neither has to include the other.
 *
 * Invariants (checked by the reader): 1 <= df <= documents in the segment,
 * cf >= df, and both byte ranges lie inside their files' bodies.
 */
#ifndef SHELF_TERMSTATS_H
#define SHELF_TERMSTATS_H

#include <stdint.h>

typedef struct shelf_term_stats {
    uint8_t field; /* the key's field byte (set by readers; writers ignore it) */
    uint64_t df, cf;
    uint64_t post_offset, post_len;
    uint64_t pos_offset, pos_len;
} shelf_term_stats;

#endif
