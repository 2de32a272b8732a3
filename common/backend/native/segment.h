/*
 * segment.h - reading one segment: its dictionary, postings, positions,
 * document records and stored text, all straight from the memory-mapped files
 * (FORMAT.md).  Opening costs a few checks per file, not a pass over the data
 * (unless verification is asked for).
 *
 * Every offset and length read from disk is checked before use; damage shows
 * up as SHELF_ECORRUPT with the file's name, never as a crash.  A segment is
 * read-only and may be shared by threads that each use their own iterators.
 */
#ifndef SHELF_SEGMENT_H
#define SHELF_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/bitpack.h"
#include "backend/native/termstats.h"
#include "backend/native/format.h"
#include "extract/layout.h"
#include "util/buf.h"
#include "util/error.h"

#define SHELF_DOC_END UINT32_MAX

typedef struct shelf_segment shelf_segment;

int shelf_segment_open(shelf_segment **out, const char *dir, uint32_t number, bool verify,
                       shelf_err *err);
void shelf_segment_close(shelf_segment *s);

/* Check every file's CRC (what verify does at open). */
int shelf_segment_verify(const shelf_segment *s, shelf_err *err);
/* Check one file's CRC, named by its extension ("docs", "dict", ...). */
int shelf_segment_verify_file(const shelf_segment *s, const char *ext, shelf_err *err);

uint32_t shelf_segment_number(const shelf_segment *s);
uint32_t shelf_segment_doc_count(const shelf_segment *s);
uint64_t shelf_segment_total_tokens(const shelf_segment *s);
uint64_t shelf_segment_total_title_tokens(const shelf_segment *s);
uint64_t shelf_segment_term_count(const shelf_segment *s);
uint64_t shelf_segment_bytes(const shelf_segment *s);
/* Name of one of the segment's files, for messages ("dict", "post", ...). */
const char *shelf_segment_file(const shelf_segment *s, const char *ext);

/* ---- dictionary ---- */

/* Exact lookup of a key (field byte + term).  SHELF_ENOTFOUND if absent. */
int shelf_segment_lookup(const shelf_segment *s, const uint8_t *key, size_t key_len,
                         shelf_term_stats *out, shelf_err *err);

typedef struct shelf_dict_iter {
    const shelf_segment *seg;
    uint64_t block;          /* current block number */
    uint64_t left_in_block;  /* entries not yet read in this block */
    const uint8_t *p, *end;
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t key_len;
    shelf_term_stats stats;
    int pending;             /* the entry in key/stats is still to be returned */
} shelf_dict_iter;

/* Position before the first key >= key (key_len 0: before the first key). */
int shelf_dict_seek(shelf_dict_iter *it, const shelf_segment *s, const uint8_t *key,
                    size_t key_len, shelf_err *err);
/* 1: it->key/stats hold the next entry; 0: no more; < 0: error. */
int shelf_dict_next(shelf_dict_iter *it, shelf_err *err);

/* ---- postings ---- */

typedef struct shelf_postings {
    const shelf_segment *seg;
    shelf_term_stats term;
    const uint8_t *skips;     /* NULL when the term has one block */
    const uint8_t *blocks, *blocks_end;
    uint64_t block_count;
    uint64_t block;           /* current block */
    const uint8_t *next_block;
    uint32_t docs[SHELF_BLOCK_LEN];
    uint32_t tfs[SHELF_BLOCK_LEN]; /* valid only once tfs_ready (decoded lazily) */
    const uint8_t *tfs_at;    /* the current block's packed tfs, while !tfs_ready */
    bool tfs_ready;
    unsigned in_block, index;
    uint64_t decoded;         /* document ids decoded so far (a work counter) */
    uint32_t doc;             /* current doc, SHELF_DOC_END when done */
    const uint8_t *pos_block;  /* the current block's first position */
    const uint8_t *pos_p, *pos_end;
    unsigned pos_index;       /* docs of the block whose positions pos_p has passed */
    uint8_t field;            /* the key's field byte */
    bool pos_read;            /* positions read with pread (set by the caller, below) */
    int status;               /* SHELF_OK, or the error that ended iteration */
    shelf_err err;
} shelf_postings;

/* Start iterating a term's postings; positioned on its first document. */
int shelf_postings_open(shelf_postings *p, const shelf_segment *s, const shelf_term_stats *term,
                        shelf_err *err);
/* The next document's slow path: past the end of the current block. */
uint32_t shelf_postings_next_block(shelf_postings *p);
/* Move to the next document; returns it or SHELF_DOC_END (inline within a
 * block: it runs for every posting walked). */
static inline uint32_t shelf_postings_next(shelf_postings *p)
{
    if (p->doc != SHELF_DOC_END && p->index + 1 < p->in_block)
        return p->doc = p->docs[++p->index];
    return shelf_postings_next_block(p);
}
/* Move to the first document >= target (never backwards); returns it or END. */
uint32_t shelf_postings_advance(shelf_postings *p, uint32_t target);
/* Decode the current block's tfs (they are unpacked only when first asked
 * for, so a block whose documents are all skipped never costs them).  On
 * damage the iteration ends with status set and every tf reads as 1. */
void shelf_postings_load_tfs(shelf_postings *p);
static inline uint32_t shelf_postings_tf(shelf_postings *p)
{
    if (!p->tfs_ready)
        shelf_postings_load_tfs(p);
    return p->tfs[p->index];
}
/* The current document's tf after checking it against the document's length
 * in the term's field and against the bytes of positions stored (a damaged
 * tf could otherwise ask callers for huge position buffers); 0 with err set
 * (SHELF_ECORRUPT) when it does not fit. */
uint32_t shelf_postings_tf_checked(shelf_postings *p, shelf_err *err);

/* An upper bound, over the whole posting list, of tf / (1 - b + b * dl / avg)
 * (BM25's length-normalised frequency), from the skip table's per-block
 * (max tf, min length) pairs, or exactly from the single block of a short
 * list.  Leaves p where it is.  0 on a damaged list. */
double shelf_postings_max_tfn(shelf_postings *p, double b, double avg);

/* Block-max bounds.  The postings are cut in block_count blocks; block i
 * holds the documents in (last(i - 1), last(i)].  out[i] receives an upper
 * bound of tf / (1 - b + b * dl / avg) over block i (from its max tf and min
 * length, or exactly for a single block); out holds block_count doubles. */
void shelf_postings_block_tfns(shelf_postings *p, double b, double avg, double *out);
/* The first block at or after block `from` whose last document is >= target,
 * or block_count when there is none; reads the skip table only (no block is
 * decoded). */
uint64_t shelf_postings_block_of(const shelf_postings *p, uint64_t from, uint32_t target);
/* The last document of block b < block_count. */
uint32_t shelf_postings_block_last(const shelf_postings *p, uint64_t b);

/* Positions of the current document: fills out[0..tf-1] (out holds tf).
 * May be called again for the same document.  Through the mapping, unless
 * the caller set p->pos_read after opening: then they are read with pread,
 * for a few scattered documents (a query's hits), so that no page of .pos
 * is mapped into the process for them (mapped.h, fault-around). */
int shelf_postings_positions(shelf_postings *p, uint32_t *out, shelf_err *err);

/* ---- documents ---- */

typedef struct shelf_docmeta {
    uint32_t length, title_length;
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    uint32_t flags;
    const char *path; /* not NUL-terminated; points into the mapping */
    size_t path_len;
    const char *title;
    size_t title_len;
    const char *author; /* length 0: unknown */
    size_t author_len;
    const char *date;   /* ISO 8601 prefix; length 0: unknown */
    size_t date_len;
    const uint8_t *headings; /* heading spans, stored form (backend/heading_spans.h); */
    size_t headings_len;     /* length 0: none */
} shelf_docmeta;

int shelf_segment_doc(const shelf_segment *s, uint32_t doc, shelf_docmeta *out, shelf_err *err);
/* The same, read with pread instead of through the mapping, for a few
 * scattered documents (a query's hits): no page of .docs is mapped into the
 * process for them (mapped.h, fault-around).  The strings point into buf and
 * stay valid until buf changes. */
int shelf_segment_doc_read(const shelf_segment *s, uint32_t doc, shelf_docmeta *out, shelf_buf *buf,
                           shelf_err *err);
/* Body length in tokens; 0 for an id out of range. */
uint32_t shelf_segment_doc_length(const shelf_segment *s, uint32_t doc);
/* The dense lengths themselves, for scorers that read them inline. */
const struct shelf_norms *shelf_segment_norms(const shelf_segment *s);
uint32_t shelf_segment_title_length(const shelf_segment *s, uint32_t doc);
/* The dense lengths scoring reads (norms.h) against themselves and against
 * every document record: SHELF_ECORRUPT naming .docs when they disagree. */
int shelf_segment_check_lengths(const shelf_segment *s, shelf_err *err);

/* Stored text of a document: text receives the bytes (not NUL-terminated
 * beyond len; a NUL is appended after them for convenience), checkpoints (may
 * be NULL) receives the byte offsets of tokens 0, 128, 256, ... as u64s. */
int shelf_segment_text(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                       shelf_buf *checkpoints, shelf_err *err);
/* The same plus the document's layout (pages and headings; may be NULL). */
int shelf_segment_stored(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                         shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err);

#endif
