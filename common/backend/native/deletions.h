/*
 * deletions.h - which documents of a segment are deleted: a bitmap (bit d
 * set = doc d deleted), read from and written to the immutable
 * "seg_NNNNNN.GGGGGG.del" files of FORMAT.md.
 *
 * A plain bitmap is enough here: one bit per document of a segment (125 KB
 * for a million documents), tested in O(1) while iterating postings.
 */
#ifndef SHELF_DELETIONS_H
#define SHELF_DELETIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct shelf_deletions {
    uint8_t *bits;      /* owned; NULL when nothing is deleted */
    uint32_t doc_count;
    uint32_t deleted;   /* number of bits set */
} shelf_deletions;

static inline bool shelf_deleted(const shelf_deletions *d, uint32_t doc)
{
    return d->bits && doc < d->doc_count && (d->bits[doc >> 3] >> (doc & 7) & 1);
}

/* Path of a deletions file into out. */
void shelf_deletions_path(char *out, size_t size, const char *dir, uint32_t segment, uint32_t gen);

/* Empty set for a segment of doc_count documents. */
void shelf_deletions_init(shelf_deletions *d, uint32_t doc_count);
/* Mark doc deleted; returns 1 if it was live, 0 if already deleted, <0 on ENOMEM. */
int shelf_deletions_add(shelf_deletions *d, uint32_t doc);
/* Load a file (checks frame, CRC and doc_count). */
int shelf_deletions_read(shelf_deletions *d, const char *dir, uint32_t segment, uint32_t gen,
                         uint32_t doc_count, shelf_err *err);
/* Write (under .tmp, fsynced, renamed) the file for generation gen. */
int shelf_deletions_write(const shelf_deletions *d, const char *dir, uint32_t segment, uint32_t gen,
                          shelf_err *err);
int shelf_deletions_copy(shelf_deletions *dst, const shelf_deletions *src);
void shelf_deletions_free(shelf_deletions *d);

#endif
