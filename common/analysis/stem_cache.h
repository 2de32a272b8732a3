/*
 * stem_cache.h - a fixed-size memo of recent (folded term -> stem) results,
 * so the Snowball stemmer runs once per distinct frequent word instead of
 * once per token.  Text follows Zipf's law: a few thousand words make up most
 * tokens, and stemming is by far the most expensive step of analysis.
 *
 * Invariants:
 *   - The cache is two-way set-associative: each term hashes to one set of
 *     two slots, and a put replaces the slot of the set used less recently.
 *     It never grows and never allocates after shelf_stem_cache_new.
 *   - A hit returns exactly the bytes that were put for an identical term, so
 *     the cache can never change what a term stems to.
 *   - Only terms and stems of 1..27 bytes are kept (nearly every word);
 *     a longer one is never found and its put keeps nothing.
 *   - Each entry also keeps its stem's shelf_term_hash, computed once when
 *     the entry is put, so a hit gives the token's hash for free.
 *   - Callers pass the term's own shelf_term_hash (the slot is chosen from
 *     it), so a term is hashed once per token however it is used.
 *   - Each entry keeps the stamp of the last pass (a token iterator) that
 *     used it, so a pass can tell a word it has already met from one it
 *     meets for the first time (shelf_stem_cache_get's *met_before).  The
 *     answer is never "met" for a word the pass has not given before; it
 *     may be "not met" again for a word whose entry was replaced in between.
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

/* A cache lookup: the term, its shelf_term_hash, and the stamp of the pass
 * asking (nonzero; shelf_stem_cache_next_stamp). */
typedef struct shelf_stem_key {
    const char *term;
    size_t term_len;
    uint64_t term_hash;
    uint32_t stamp;
} shelf_stem_key;

/* On a hit, point *stem at the cached stem (valid until the next put), set
 * *stem_len, *stem_hash and *met_before (this stamp used the entry before),
 * and stamp the entry; returns false on a miss. */
bool shelf_stem_cache_get(shelf_stem_cache *cache, const shelf_stem_key *key, const char **stem,
                          size_t *stem_len, uint64_t *stem_hash, bool *met_before);

/* Remember that key's term stems to stem, whose shelf_term_hash is
 * stem_hash, stamped with key's stamp.  Returns the cached copy of the stem
 * (valid until the next put), or NULL when the sizes are out of range and
 * nothing was kept. */
const char *shelf_stem_cache_put(shelf_stem_cache *cache, const shelf_stem_key *key,
                                 const char *stem, size_t stem_len, uint64_t stem_hash);

/* A new stamp for a pass over one text: never 0, and different from every
 * stamp an entry holds (when the counter wraps, every entry's is cleared). */
uint32_t shelf_stem_cache_next_stamp(shelf_stem_cache *cache);

#endif
