/*
 * dictwriter.h - writes a segment's .dict file (FORMAT.md, ".dict"):
 * front-coded blocks of SHELF_DICT_BLOCK_ENTRIES keys, then the block index.
 *
 * Keys must arrive in strictly increasing bytewise order; the writer checks
 * this and fails with SHELF_EINVAL otherwise.  Memory: one u64 per block.
 */
#ifndef SHELF_DICTWRITER_H
#define SHELF_DICTWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "backend/native/termstats.h"
#include "util/error.h"

typedef struct shelf_dictwriter {
    shelf_fwriter file;
    uint64_t term_count;
    uint64_t *block_offsets;
    size_t block_count, block_cap;
    uint8_t prev_key[SHELF_MAX_KEY_BYTES];
    size_t prev_len;
} shelf_dictwriter;

int shelf_dictwriter_open(shelf_dictwriter *d, const char *path, shelf_err *err);
int shelf_dictwriter_add(shelf_dictwriter *d, const uint8_t *key, size_t key_len,
                         const shelf_term_stats *stats, shelf_err *err);
/* Write block index, trailer and footer; fsync.  File stays .tmp. */
int shelf_dictwriter_finish(shelf_dictwriter *d, shelf_err *err);
/* Frees memory; removes the temp file unless committed. */
void shelf_dictwriter_close(shelf_dictwriter *d);

#endif
