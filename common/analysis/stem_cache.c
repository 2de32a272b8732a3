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
    uint32_t stamp;   /* the last pass that used the entry; 0: none */
    uint8_t term_len; /* 0 when the slot is empty */
    uint8_t stem_len;
    char term[SHELF_MAX_TERM_BYTES];
    char stem[SHELF_MAX_TERM_BYTES];
} stem_cache_slot;

struct shelf_stem_cache {
    uint32_t last_stamp;
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

static stem_cache_slot *slot_of(shelf_stem_cache *cache, const shelf_stem_key *key)
{
    return &cache->slots[key->term_hash & (STEM_CACHE_SLOTS - 1)];
}

bool shelf_stem_cache_get(shelf_stem_cache *cache, const shelf_stem_key *key, const char **stem,
                          size_t *stem_len, uint64_t *stem_hash, bool *met_before)
{
    if (key->term_len == 0)
        return false;
    stem_cache_slot *slot = slot_of(cache, key);
    if (slot->term_len != key->term_len || memcmp(slot->term, key->term, key->term_len) != 0)
        return false;
    *stem = slot->stem;
    *stem_len = slot->stem_len;
    *stem_hash = slot->stem_hash;
    *met_before = slot->stamp == key->stamp;
    slot->stamp = key->stamp;
    return true;
}

const char *shelf_stem_cache_put(shelf_stem_cache *cache, const shelf_stem_key *key,
                                 const char *stem, size_t stem_len, uint64_t stem_hash)
{
    if (key->term_len == 0 || key->term_len > SHELF_MAX_TERM_BYTES || stem_len == 0 ||
        stem_len > SHELF_MAX_TERM_BYTES)
        return NULL;
    stem_cache_slot *slot = slot_of(cache, key);
    memcpy(slot->term, key->term, key->term_len);
    memcpy(slot->stem, stem, stem_len);
    slot->term_len = (uint8_t)key->term_len;
    slot->stem_len = (uint8_t)stem_len;
    slot->stem_hash = stem_hash;
    slot->stamp = key->stamp;
    return slot->stem;
}

uint32_t shelf_stem_cache_next_stamp(shelf_stem_cache *cache)
{
    if (++cache->last_stamp == 0) {
        for (size_t i = 0; i < STEM_CACHE_SLOTS; i++)
            cache->slots[i].stamp = 0;
        cache->last_stamp = 1;
    }
    return cache->last_stamp;
}
