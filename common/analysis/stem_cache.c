/*
 * stem_cache.c - direct-mapped memo of term -> stem; see stem_cache.h.
 *
 * A slot with term_len 0 is empty (terms are never empty).  The slot of a
 * term is its shelf_term_hash (given by the caller) modulo the (power of
 * two) slot count.
 */
#include "analysis/stem_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"

#define STEM_CACHE_SLOTS 8192 /* a power of two; about 1 MiB in all */

typedef struct stem_cache_slot {
    uint64_t stem_hash;
    uint8_t term_len; /* 0 when the slot is empty */
    uint8_t stem_len;
    char term[SHELF_MAX_TERM_BYTES];
    char stem[SHELF_MAX_TERM_BYTES];
} stem_cache_slot;

/* The stamps apart from the slots (32 KiB, mostly in cache): stamping a
 * hit writes there, so the slots' lines stay clean. */
struct shelf_stem_cache {
    uint32_t last_stamp;
    uint32_t stamps[STEM_CACHE_SLOTS]; /* the last pass that used each slot; 0: none */
    stem_cache_slot slots[STEM_CACHE_SLOTS];
};

shelf_stem_cache *shelf_stem_cache_new(void)
{
    return calloc(1, sizeof(shelf_stem_cache));
}

void shelf_stem_cache_free(shelf_stem_cache *cache)
{
    free(cache);
}

static size_t slot_of(const shelf_stem_key *key)
{
    return (size_t)(key->term_hash & (STEM_CACHE_SLOTS - 1));
}

bool shelf_stem_cache_get(shelf_stem_cache *cache, const shelf_stem_key *key, const char **stem,
                          size_t *stem_len, uint64_t *stem_hash, bool *met_before)
{
    if (key->term_len == 0)
        return false;
    size_t at = slot_of(key);
    const stem_cache_slot *slot = &cache->slots[at];
    if (slot->term_len != key->term_len || memcmp(slot->term, key->term, key->term_len) != 0)
        return false;
    *stem = slot->stem;
    *stem_len = slot->stem_len;
    *stem_hash = slot->stem_hash;
    *met_before = cache->stamps[at] == key->stamp;
    cache->stamps[at] = key->stamp;
    return true;
}

const char *shelf_stem_cache_put(shelf_stem_cache *cache, const shelf_stem_key *key,
                                 const char *stem, size_t stem_len, uint64_t stem_hash)
{
    if (key->term_len == 0 || key->term_len > SHELF_MAX_TERM_BYTES || stem_len == 0 ||
        stem_len > SHELF_MAX_TERM_BYTES)
        return NULL;
    size_t at = slot_of(key);
    stem_cache_slot *slot = &cache->slots[at];
    memcpy(slot->term, key->term, key->term_len);
    memcpy(slot->stem, stem, stem_len);
    slot->term_len = (uint8_t)key->term_len;
    slot->stem_len = (uint8_t)stem_len;
    slot->stem_hash = stem_hash;
    cache->stamps[at] = key->stamp;
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
