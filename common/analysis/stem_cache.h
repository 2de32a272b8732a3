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
#include <string.h>

/* 8,192 sets of two 64-byte entries: 1 MiB, the memory of the earlier
 * direct-mapped cache of 8,192 entries of 138 bytes (terms of up to 64
 * bytes) but twice the entries, each in one cache line, and two ways: on
 * the kernel docs (80,000 distinct words, 4.0 M tokens) the stemmer's
 * runs fall from 368,514 to 214,150 (callgrind): conflicts, not capacity,
 * were most of the misses.  (Twice the sets, 2 MiB, would save about a
 * further 40,000, for a megabyte more per analyzer.) */
#define SHELF_STEM_CACHE_SETS 8192 /* a power of two */
#define SHELF_STEM_CACHE_WAYS 2
#define SHELF_STEM_SLOT_BYTES 27 /* longest term or stem kept; longer ones are stemmed each time */
/* Bytes readable at a lookup's key->term, the term and whatever follows it:
 * terms are compared eight bytes at a time (up to 32 bytes), not by memcmp. */
#define SHELF_STEM_KEY_READABLE 32

/* The cache's layout is here only so that the lookup, made for every token,
 * is inlined into the tokeniser; use the functions.  A slot with term_len 0
 * is empty (terms are never empty). */
typedef struct shelf_stem_slot {
    uint64_t stem_hash;
    uint8_t term_len; /* 0 when the slot is empty */
    uint8_t stem_len;
    char term[SHELF_STEM_SLOT_BYTES];
    char stem[SHELF_STEM_SLOT_BYTES];
} shelf_stem_slot;

_Static_assert(sizeof(shelf_stem_slot) == 64, "one entry, one cache line");
_Static_assert(offsetof(shelf_stem_slot, term) + SHELF_STEM_KEY_READABLE <= sizeof(shelf_stem_slot),
               "a slot's term is readable for SHELF_STEM_KEY_READABLE bytes");

/* The stamps apart from the slots (64 KiB): stamping a hit writes there,
 * so the slots' lines stay clean.  recent[set] is the way used last; a put
 * replaces the other one. */
typedef struct shelf_stem_cache {
    uint32_t last_stamp;
    uint32_t stamps[SHELF_STEM_CACHE_SETS * SHELF_STEM_CACHE_WAYS]; /* last pass that used each slot; 0: none */
    uint8_t recent[SHELF_STEM_CACHE_SETS];
    shelf_stem_slot slots[SHELF_STEM_CACHE_SETS * SHELF_STEM_CACHE_WAYS];
} shelf_stem_cache;

/* Returns NULL when out of memory. */
shelf_stem_cache *shelf_stem_cache_new(void);
void shelf_stem_cache_free(shelf_stem_cache *cache);

/* A cache lookup: the term (readable for SHELF_STEM_KEY_READABLE bytes),
 * its shelf_term_hash, and the stamp of the pass asking (nonzero;
 * shelf_stem_cache_next_stamp). */
typedef struct shelf_stem_key {
    const char *term;
    size_t term_len;
    uint64_t term_hash;
    uint32_t stamp;
} shelf_stem_key;

/* 0xFF for the bytes [0, n) of a window of 32, 0 for the others: the mask
 * of a term of n bytes is PREFIX_MASK + 32 - n. */
extern const uint8_t shelf_stem_prefix_mask[2 * SHELF_STEM_KEY_READABLE];

/* Whether the first n (<= SHELF_STEM_SLOT_BYTES) bytes of a and b are the
 * same, both readable for SHELF_STEM_KEY_READABLE bytes: eight bytes at a
 * time, the bytes past n masked off. */
static inline bool shelf_stem_same_term(const char *a, const char *b, size_t n)
{
    const uint8_t *mask = shelf_stem_prefix_mask + SHELF_STEM_KEY_READABLE - n;
    uint64_t diff = 0;
    for (size_t i = 0; i < SHELF_STEM_KEY_READABLE; i += 8) {
        uint64_t x, y, m;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        memcpy(&m, mask + i, 8);
        diff |= (x ^ y) & m;
    }
    return diff == 0;
}

/* On a hit, point *stem at the cached stem (valid until the next put), set
 * *stem_len, *stem_hash and *met_before (this stamp used the entry before),
 * and stamp the entry; returns false on a miss. */
static inline bool shelf_stem_cache_get(shelf_stem_cache *cache, const shelf_stem_key *key,
                                        const char **stem, size_t *stem_len, uint64_t *stem_hash,
                                        bool *met_before)
{
    if (key->term_len == 0 || key->term_len > SHELF_STEM_SLOT_BYTES)
        return false;
    size_t set = (size_t)(key->term_hash & (SHELF_STEM_CACHE_SETS - 1));
    for (size_t way = 0; way < SHELF_STEM_CACHE_WAYS; way++) {
        size_t at = set * SHELF_STEM_CACHE_WAYS + way;
        const shelf_stem_slot *slot = &cache->slots[at];
        if (slot->term_len != key->term_len || !shelf_stem_same_term(slot->term, key->term, key->term_len))
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

/* Fetch the slots a term of this hash would be in into the CPU cache (the
 * tokeniser asks one word ahead: the sets are spread over 1 MiB). */
static inline void shelf_stem_cache_prefetch(const shelf_stem_cache *cache, uint64_t term_hash)
{
    size_t set = (size_t)(term_hash & (SHELF_STEM_CACHE_SETS - 1));
    const shelf_stem_slot *slots = &cache->slots[set * SHELF_STEM_CACHE_WAYS];
    __builtin_prefetch(slots);
    __builtin_prefetch(slots + 1);
}

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
