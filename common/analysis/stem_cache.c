/*
 * stem_cache.c - two-way set-associative memo of term -> stem; see
 * stem_cache.h.
 *
 * A slot with term_len 0 is empty (terms are never empty).  The set of a
 * term is its shelf_term_hash (given by the caller) modulo the (power of
 * two) set count; it may sit in either of the set's two slots.
 */
#include "analysis/stem_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"

/* 8,192 sets of two 64-byte entries: 1 MiB, the memory of the earlier
 * direct-mapped cache of 8,192 entries of 138 bytes (terms of up to 64
 * bytes) but twice the entries, each in one cache line, and two ways: on
 * the kernel docs (80,000 distinct words, 4.0 M tokens) the stemmer's
 * runs fall from 368,514 to 214,150 (callgrind): conflicts, not capacity,
 * were most of the misses.  (Twice the sets, 2 MiB, would save about a
 * further 40,000, for a megabyte more per analyzer.) */
#define STEM_CACHE_SETS 8192 /* a power of two */
#define STEM_CACHE_WAYS 2
#define SLOT_BYTES 27 /* longest term or stem kept; longer ones are stemmed each time */

typedef struct stem_cache_slot {
    uint64_t stem_hash;
    uint8_t term_len; /* 0 when the slot is empty */
    uint8_t stem_len;
    char term[SLOT_BYTES];
    char stem[SLOT_BYTES];
} stem_cache_slot;

_Static_assert(sizeof(stem_cache_slot) == 64, "one entry, one cache line");

/* The stamps apart from the slots (64 KiB): stamping a hit writes there,
 * so the slots' lines stay clean.  recent[set] is the way used last; a put
 * replaces the other one. */
struct shelf_stem_cache {
    uint32_t last_stamp;
    uint32_t stamps[STEM_CACHE_SETS * STEM_CACHE_WAYS]; /* last pass that used each slot; 0: none */
    uint8_t recent[STEM_CACHE_SETS];
    stem_cache_slot slots[STEM_CACHE_SETS * STEM_CACHE_WAYS];
};

shelf_stem_cache *shelf_stem_cache_new(void)
{
    return calloc(1, sizeof(shelf_stem_cache));
}

void shelf_stem_cache_free(shelf_stem_cache *cache)
{
    free(cache);
}

static size_t set_of(const shelf_stem_key *key)
{
    return (size_t)(key->term_hash & (STEM_CACHE_SETS - 1));
}

bool shelf_stem_cache_get(shelf_stem_cache *cache, const shelf_stem_key *key, const char **stem,
                          size_t *stem_len, uint64_t *stem_hash, bool *met_before)
{
    if (key->term_len == 0 || key->term_len > SLOT_BYTES)
        return false;
    size_t set = set_of(key);
    for (size_t way = 0; way < STEM_CACHE_WAYS; way++) {
        size_t at = set * STEM_CACHE_WAYS + way;
        const stem_cache_slot *slot = &cache->slots[at];
        if (slot->term_len != key->term_len || memcmp(slot->term, key->term, key->term_len) != 0)
            continue;
        *stem = slot->stem;
        *stem_len = slot->stem_len;
        *stem_hash = slot->stem_hash;
        *met_before = cache->stamps[at] == key->stamp;
        cache->stamps[at] = key->stamp;
        cache->recent[set] = (uint8_t)way;
        return true;
    }
    return false;
}

const char *shelf_stem_cache_put(shelf_stem_cache *cache, const shelf_stem_key *key,
                                 const char *stem, size_t stem_len, uint64_t stem_hash)
{
    if (key->term_len == 0 || key->term_len > SLOT_BYTES || stem_len == 0 ||
        stem_len > SLOT_BYTES)
        return NULL;
    size_t set = set_of(key);
    size_t way = cache->recent[set] ^ 1u; /* the one used less recently */
    size_t at = set * STEM_CACHE_WAYS + way;
    stem_cache_slot *slot = &cache->slots[at];
    memcpy(slot->term, key->term, key->term_len);
    memcpy(slot->stem, stem, stem_len);
    slot->term_len = (uint8_t)key->term_len;
    slot->stem_len = (uint8_t)stem_len;
    slot->stem_hash = stem_hash;
    cache->stamps[at] = key->stamp;
    cache->recent[set] = (uint8_t)way;
    return slot->stem;
}

uint32_t shelf_stem_cache_next_stamp(shelf_stem_cache *cache)
{
    if (++cache->last_stamp == 0) {
        memset(cache->stamps, 0, sizeof cache->stamps);
        cache->last_stamp = 1;
    }
    return cache->last_stamp;
}
