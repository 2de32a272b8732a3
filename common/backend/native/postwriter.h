/*
 * postwriter.h - writes the postings of a segment: .post (doc ids and term
 * frequencies in 128-posting blocks with a skip table) and .pos (positions).
 * Layout: FORMAT.md, ".post" and ".pos".
 *
 * Use: begin_term, then add one posting per document in increasing doc id
 * order, then end_term, which reports the offsets and counts for the
 * dictionary.  A posting is added whole (shelf_postwriter_add) or in pieces:
 * its positions in any number of put_positions calls, then end_posting,
 * so a caller never needs all of one document's positions at once.
 * Memory: the encoded doc/freq data of the current term (about 2 bytes a
 * posting); positions stream straight to disk.
 */
#ifndef SHELF_POSTWRITER_H
#define SHELF_POSTWRITER_H

#include <stdint.h>

#include "backend/native/bitpack.h"
#include "backend/native/dictwriter.h"
#include "backend/native/filewriter.h"
#include "util/buf.h"

typedef struct shelf_postwriter {
    shelf_fwriter post;
    shelf_fwriter pos;
    shelf_buf blocks;
    shelf_buf skips;
    uint32_t gaps[SHELF_BLOCK_LEN];
    uint32_t tfs[SHELF_BLOCK_LEN];
    unsigned in_block;
    uint32_t block_max_tf;
    uint32_t block_min_len;
    int64_t prev_doc;
    uint64_t df, cf;
    uint64_t term_pos_start;
    uint64_t block_pos_start;
    uint32_t open_tf;       /* positions put for the posting not yet ended */
    uint32_t open_last_pos; /* the last of them */
} shelf_postwriter;

int shelf_postwriter_open(shelf_postwriter *w, const char *post_path, const char *pos_path,
                          shelf_err *err);
/* Postings written to two scratch files next to near_path (filewriter.h),
 * offsets from 0, for a writer that appends them to its own later
 * (shelf_fw_append on post and pos, the terms' offsets shifted by its
 * own).  Close it when done; it is never finished. */
int shelf_postwriter_open_scratch(shelf_postwriter *w, const char *near_path, shelf_err *err);
void shelf_postwriter_begin_term(shelf_postwriter *w);
/* positions: tf strictly increasing positions. doc_len: the document's length
 * in the field (for the block score bounds). */
int shelf_postwriter_add(shelf_postwriter *w, uint32_t doc, uint32_t tf, const uint32_t *positions,
                         uint32_t doc_len, shelf_err *err);
/* The same in pieces: positions (strictly increasing, also across calls)
 * of the next posting, then the posting itself, whose tf is the number of
 * positions put since the last posting. */
int shelf_postwriter_put_positions(shelf_postwriter *w, const uint32_t *positions, size_t n,
                                   shelf_err *err);
/* The same for positions already in .pos's encoding (the posting's first
 * position, then each gap less one, as varints): n bytes holding count
 * positions, the last of them last_pos.  The caller vouches that they are
 * in order (it copies them from a stream that can hold them no other way). */
int shelf_postwriter_put_encoded(shelf_postwriter *w, const uint8_t *bytes, size_t n, uint32_t count,
                                 uint32_t last_pos, shelf_err *err);
int shelf_postwriter_end_posting(shelf_postwriter *w, uint32_t doc, uint32_t doc_len, shelf_err *err);
int shelf_postwriter_end_term(shelf_postwriter *w, shelf_term_stats *stats, shelf_err *err);
int shelf_postwriter_finish(shelf_postwriter *w, shelf_err *err);
int shelf_postwriter_commit(shelf_postwriter *w, shelf_err *err);
void shelf_postwriter_close(shelf_postwriter *w);

#endif
