/*
 * norms.h - a segment's dense document lengths ("norms"), the section of
 * .docs that BM25 reads for every scored candidate (FORMAT.md, ".docs",
 * "norms section").  The 56-byte document records hold the same lengths but
 * are read only for the final top k and for listings.
 *
 * Layout, for doc_count documents:
 *   body:u16 x doc_count      a body length, or SHELF_NORM_BODY_ESCAPE
 *   title:u8 x doc_count      a title length, or SHELF_NORM_TITLE_ESCAPE
 *   body exceptions           (doc:u32 length:u32) per escaped body length
 *   title exceptions          the same for titles
 * Exceptions are sorted by doc, strictly ascending; a length that fits below
 * the escape value is always stored inline, one that does not always as an
 * exception.  So every length is exact (scores are those of the records),
 * and the arrays take 3 bytes a document.
 *
 * Reading never fails: an escaped length with no exception (damage) reads as
 * 0; shelf_norms_check finds such damage for `indexer --check`.
 */
#ifndef SHELF_NORMS_H
#define SHELF_NORMS_H

#include <stdint.h>

#include "util/buf.h"
#include "util/bytes.h"

#define SHELF_NORM_BODY_ESCAPE 0xFFFFu
#define SHELF_NORM_TITLE_ESCAPE 0xFFu
#define SHELF_NORM_EXCEPTION_BYTES 8

/* ---- writing ---- */

typedef struct shelf_norms_builder {
    shelf_buf body, title;         /* the dense arrays as they will be written */
    shelf_buf body_exc, title_exc; /* exception pairs, in doc order */
    uint32_t doc_count;
} shelf_norms_builder;

#define SHELF_NORMS_BUILDER_INIT {SHELF_BUF_INIT, SHELF_BUF_INIT, SHELF_BUF_INIT, SHELF_BUF_INIT, 0}

/* Append the next document's lengths.  SHELF_OK or SHELF_ENOMEM. */
int shelf_norms_add(shelf_norms_builder *b, uint32_t body_len, uint32_t title_len);
uint64_t shelf_norms_body_exceptions(const shelf_norms_builder *b);
uint64_t shelf_norms_title_exceptions(const shelf_norms_builder *b);
void shelf_norms_builder_free(shelf_norms_builder *b);

/* ---- reading (straight from the mapping) ---- */

typedef struct shelf_norms {
    const uint8_t *body, *title, *body_exc, *title_exc;
    uint32_t doc_count;
    uint64_t body_exc_count, title_exc_count;
} shelf_norms;

/* Bytes of the section for these counts; 0 when they cannot fit a file. */
uint64_t shelf_norms_section_bytes(uint32_t doc_count, uint64_t body_exc, uint64_t title_exc);
/* Point n at a section of shelf_norms_section_bytes(...) bytes. */
void shelf_norms_map(shelf_norms *n, const uint8_t *section, uint32_t doc_count, uint64_t body_exc,
                     uint64_t title_exc);

/* The length in an exceptions table (binary search); 0 when absent. */
uint32_t shelf_norms_exception(const uint8_t *table, uint64_t count, uint32_t doc);

/* doc < doc_count, unchecked. */
static inline uint32_t shelf_norms_body(const shelf_norms *n, uint32_t doc)
{
    const uint8_t *p = n->body + (size_t)doc * 2;
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    return v != SHELF_NORM_BODY_ESCAPE ? v : shelf_norms_exception(n->body_exc, n->body_exc_count, doc);
}

/* Start fetching doc's body and title lengths into cache (a hint; doc <
 * doc_count).  They are in two arrays, so two cache lines. */
static inline void shelf_norms_prefetch(const shelf_norms *n, uint32_t doc)
{
    __builtin_prefetch(n->body + (size_t)doc * 2);
    __builtin_prefetch(n->title + doc);
}

static inline uint32_t shelf_norms_title(const shelf_norms *n, uint32_t doc)
{
    uint32_t v = n->title[doc];
    return v != SHELF_NORM_TITLE_ESCAPE ? v
                                        : shelf_norms_exception(n->title_exc, n->title_exc_count, doc);
}

/* The section's own invariants: exceptions strictly ascending, each for a
 * document whose dense value is the escape and with a length that needs it,
 * and as many exceptions as escapes.  0, or -1 with *what saying which. */
int shelf_norms_check(const shelf_norms *n, const char **what);

#endif
