/*
 * stem_cache.c - direct-mapped memo of term -> stem; see stem_cache.h.
 *
 * A slot with term_len 0 is empty (terms are never empty).  The slot of a
 * term is its XXH3 hash modulo the (power of two) slot count.
 */
#include "analysis/stem_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "analysis/analyzer.h"

#define STEM_CACHE_SLOTS 8192 /* a power of two; about 1 MiB in all */

typedef struct stem_cache_slot {
    uint64_t stem_hash;
    uint8_t term_len; /* 0 when the slot is empty */
    uint8_t stem_len;
    char term[SHELF_MAX_TERM_BYTES];
    char stem[SHELF_MAX_TERM_BYTES];
} stem_cache_slot;

struct shelf_stem_cache {
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

static size_t slot_of(const char *term, size_t term_len)
{
    return (size_t)(XXH3_64bits(term, term_len) & (STEM_CACHE_SLOTS - 1));
}

bool shelf_stem_cache_get(const shelf_stem_cache *cache, const char *term, size_t term_len,
                          const char **stem, size_t *stem_len, uint64_t *stem_hash)
{
    if (term_len == 0)
        return false;
    const stem_cache_slot *slot = &cache->slots[slot_of(term, term_len)];
    if (slot->term_len != term_len || memcmp(slot->term, term, term_len) != 0)
        return false;
    *stem = slot->stem;
    *stem_len = slot->stem_len;
    *stem_hash = slot->stem_hash;
    return true;
}

void shelf_stem_cache_put(shelf_stem_cache *cache, const char *term, size_t term_len,
                          const char *stem, size_t stem_len, uint64_t stem_hash)
{
    if (term_len == 0 || term_len > SHELF_MAX_TERM_BYTES || stem_len == 0 ||
        stem_len > SHELF_MAX_TERM_BYTES)
        return;
    stem_cache_slot *slot = &cache->slots[slot_of(term, term_len)];
    memcpy(slot->term, term, term_len);
    memcpy(slot->stem, stem, stem_len);
    slot->term_len = (uint8_t)term_len;
    slot->stem_len = (uint8_t)stem_len;
    slot->stem_hash = stem_hash;
}
