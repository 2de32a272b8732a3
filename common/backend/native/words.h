/*
 * words.h - a segment's written-words list (seg_NNNNNN.words, FORMAT.md,
 * ".words"): every word of its documents' text as written, folded but not
 * stemmed ("controller", "controler", "deterrence"), with the number of
 * documents writing it.  "Did you mean" asks it whether a typed word occurs
 * in the corpus at all, which the stemmed dictionary cannot say
 * ("controler" and "controller" are both the term "control").
 *
 * The file is optional: segments written before it existed have none
 * (shelf_words_open says SHELF_ENOTFOUND).  Counts include documents
 * deleted since the segment was written (a merge takes them out).  Words holding a digit are not
 * listed.
 *
 * Invariants once open: the frame and trailer are checked; every entry is
 * bounds-checked as it is decoded, so a damaged file gives SHELF_ECORRUPT,
 * never a read outside the mapping.
 */
#ifndef SHELF_WORDS_H
#define SHELF_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/mapped.h"
#include "util/error.h"

#define SHELF_WORDS_MAX_WORD 64 /* bytes, as a term */

typedef struct shelf_words {
    shelf_mapped file;
    uint64_t count, blocks, index_offset;
    const uint8_t *index; /* blocks u64 offsets */
} shelf_words;

/* Open segment number's list in dir; SHELF_ENOTFOUND when it has none. */
int shelf_words_open(shelf_words *w, const char *dir, uint32_t number, bool verify_crc,
                     shelf_err *err);
void shelf_words_close(shelf_words *w);

/* Documents writing word[0..len) (0 when none). */
int shelf_words_df(const shelf_words *w, const char *word, size_t len, uint64_t *df,
                   shelf_err *err);

/* Each word starting with prefix[0..n), in byte order, with its count;
 * fn returns nonzero to stop. */
typedef int (*shelf_words_fn)(void *ctx, const char *word, size_t len, uint64_t df);
int shelf_words_scan(const shelf_words *w, const char *prefix, size_t n, shelf_words_fn fn,
                     void *ctx, shelf_err *err);

/* A walk over every entry in order (a merge reads its inputs so). */
typedef struct shelf_words_cursor {
    const shelf_words *w;
    uint64_t block, left; /* entries left in the block */
    const uint8_t *p, *end;
    char word[SHELF_WORDS_MAX_WORD];
    size_t len;
    uint64_t df;
} shelf_words_cursor;

/* Start c on w's first entry; both return 1 with an entry in c, 0 at the
 * end, or a negative error (damage). */
int shelf_words_first(shelf_words_cursor *c, const shelf_words *w, shelf_err *err);
int shelf_words_next(shelf_words_cursor *c, shelf_err *err);

/* `indexer --check`: every entry decoded, words strictly increasing, each
 * count at most max_df (the segment's documents), each block read to its
 * end; *words receives their number. */
int shelf_words_check(const shelf_words *w, uint64_t max_df, uint64_t *words, shelf_err *err);

#endif
