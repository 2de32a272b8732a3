/*
 * stem_cache.h - a fixed-size memo of recent (folded term -> stem) results,
 * so the Snowball stemmer runs once per distinct frequent word instead of
 * once per token.  Text follows Zipf's law: a few thousand words make up most
 * tokens, and stemming is by far the most expensive step of analysis.
 *
 * Invariants:
 *   - The cache is direct-mapped: each term hashes to exactly one slot, and a
 *     put replaces whatever was there.  It never grows and never allocates
 *     after shelf_stem_cache_new.
 *   - A hit returns exactly the bytes that were put for an identical term, so
 *     the cache can never change what a term stems to.
 *   - Terms and stems are 1..SHELF_MAX_TERM_BYTES bytes long.
 *   - Each entry also keeps its stem's shelf_term_hash, computed once when
 *     the entry is put, so a hit gives the token's hash for free.
 *   - Not thread-safe; each analyzer owns one.
 */
#ifndef SHELF_STEM_CACHE_H
#define SHELF_STEM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct shelf_stem_cache shelf_stem_cache;

/* Returns NULL when out of memory. */
shelf_stem_cache *shelf_stem_cache_new(void);
void shelf_stem_cache_free(shelf_stem_cache *cache);

/* On a hit, point *stem at the cached stem (valid until the next put) and set
 * *stem_len and *stem_hash; returns false on a miss. */
bool shelf_stem_cache_get(const shelf_stem_cache *cache, const char *term, size_t term_len,
                          const char **stem, size_t *stem_len, uint64_t *stem_hash);

/* Remember that term stems to stem, whose shelf_term_hash is stem_hash. */
void shelf_stem_cache_put(shelf_stem_cache *cache, const char *term, size_t term_len,
                          const char *stem, size_t stem_len, uint64_t stem_hash);

#endif
