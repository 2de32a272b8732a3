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

const uint8_t shelf_stem_prefix_mask[2 * SHELF_STEM_KEY_READABLE] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
}; /* then 32 zero bytes */

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
    return (size_t)(key->term_hash & (SHELF_STEM_CACHE_SETS - 1));
}

const char *shelf_stem_cache_put(shelf_stem_cache *cache, const shelf_stem_key *key,
                                 const char *stem, size_t stem_len, uint64_t stem_hash)
{
    if (key->term_len == 0 || key->term_len > SHELF_STEM_SLOT_BYTES || stem_len == 0 ||
        stem_len > SHELF_STEM_SLOT_BYTES)
        return NULL;
    size_t set = set_of(key);
    size_t way = cache->recent[set] ^ 1u; /* the one used less recently */
    size_t at = set * SHELF_STEM_CACHE_WAYS + way;
    shelf_stem_slot *slot = &cache->slots[at];
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
