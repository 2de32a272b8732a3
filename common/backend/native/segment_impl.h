/*
 * segment_impl.h - inside a segment reader (segment.h), shared by its files
 * and by nothing else: the open segment, which file is which, and the few
 * helpers more than one reader needs.
 *
 *   segment.c           opening, closing, verifying, the whole segment's numbers
 *   segment_dict.c      the dictionary (.dict)
 *   segment_postings.c  postings and positions (.post, .pos)
 *   segment_docs.c      document records, their string heap and the dense
 *                       lengths (.docs, norms.h)
 *   segment_store.c     stored text, checkpoints and layout (.store)
 *
 * Invariants once shelf_segment_open has returned: every file is mapped with
 * its header, footer and trailer checked; each reader's load function has
 * checked its trailer, so the fields below point inside their mappings.
 */
#ifndef SHELF_SEGMENT_IMPL_H
#define SHELF_SEGMENT_IMPL_H

#include "backend/native/format.h"
#include "backend/native/mapped.h"
#include "backend/native/norms.h"
#include "backend/native/segment.h"
#include "util/bytes.h"

#include <stdatomic.h>

enum { F_DICT, F_POST, F_POS, F_DOCS, F_STORE, F_COUNT };

struct shelf_segment {
    uint32_t number;
    shelf_mapped files[F_COUNT];
    /* dictionary */
    uint64_t term_count, block_count;
    const uint8_t *block_index; /* block_count u64 offsets */
    uint64_t block_index_offset;
    /* documents */
    uint32_t doc_count;
    uint64_t total_tokens, total_title_tokens;
    const uint8_t *records;
    const uint8_t *heap;
    uint64_t heap_len;
    shelf_norms norms; /* dense lengths: what scoring reads */
    /* store */
    const uint8_t *store_index; /* store_blocks u64 offsets */
    uint64_t store_blocks;
    /* the filters' columns, built at first use (doccols.h) */
    _Atomic(struct shelf_doccols *) doccols;
};

/* SHELF_ECORRUPT naming the file and what in it is damaged. */
int shelf_segment_corrupt(const shelf_segment *s, int file, shelf_err *err, const char *what);

/* Each reader checks its file's trailer at open and fills its fields above. */
int shelf_segment_load_dict(shelf_segment *s, shelf_err *err);
int shelf_segment_load_docs(shelf_segment *s, shelf_err *err);
int shelf_segment_load_store(shelf_segment *s, shelf_err *err);

/* The fixed-size record of a document (doc < doc_count, unchecked). */
static inline const uint8_t *shelf_segment_record(const shelf_segment *s, uint32_t doc)
{
    return s->records + (size_t)doc * SHELF_DOC_RECORD_BYTES;
}

/* A document's length in tokens in one field (a key's field byte), from the
 * dense norms (doc < doc_count, unchecked); the record holds the same. */
static inline uint32_t shelf_segment_field_length(const shelf_segment *s, uint32_t doc, uint8_t field)
{
    return field == SHELF_FIELD_TITLE_ID ? shelf_norms_title(&s->norms, doc)
                                         : shelf_norms_body(&s->norms, doc);
}

#endif
