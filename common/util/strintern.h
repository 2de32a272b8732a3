/*
 * strintern.h - a set of distinct strings, each given the next id (0, 1, 2,
 * ...) the first time it is added: the folders and authors of a segment's
 * filter columns (backend/native/doccols.h), which repeat across thousands
 * of documents and are kept once.
 *
 * Invariants: ids are dense and in the order of first addition; the strings
 * lie NUL-terminated, one after another, in one block (`block`, `len`
 * bytes), id i at offset at[i]; the hash table is at most half full.  A
 * string is compared with its NUL, so callers pass strings without one
 * (paths and authors never hold one).
 */
#ifndef SHELF_STRINTERN_H
#define SHELF_STRINTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_strintern {
    char *block;        /* the strings, each NUL-terminated */
    size_t len, cap;
    uint32_t *at;       /* per id: its offset in block */
    uint32_t count, at_cap;
    uint32_t *slots;    /* open addressing: id + 1, 0 when empty */
    size_t slot_cap;
} shelf_strintern;

/* The id of s[0..n), added when new: SHELF_OK or SHELF_ENOMEM (the block
 * would pass 4 GiB, or no memory). */
int shelf_strintern_add(shelf_strintern *t, const char *s, size_t n, uint32_t *id);
/* The string of id (id < count). */
const char *shelf_strintern_get(const shelf_strintern *t, uint32_t id);
/* The memory the set holds, for budgets. */
size_t shelf_strintern_bytes(const shelf_strintern *t);
void shelf_strintern_free(shelf_strintern *t);

#endif
