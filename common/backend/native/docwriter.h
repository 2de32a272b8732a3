/*
 * docwriter.h - writes a segment's .docs (fixed 56-byte records, then the
 * string heap of paths, titles, authors, dates and heading spans, then the
 * dense lengths of norms.h) and .store (Zstandard blocks of document text,
 * store_codec.h,
 * with token checkpoints, then a block index).  Layout: FORMAT.md, ".docs"
 * and ".store".
 *
 * Documents are added in doc id order (0, 1, 2, ...).  A record names its
 * store block by number, so full blocks can be compressed and written by a
 * compressor thread (open with async) while the caller goes on adding
 * documents; blocks are written in order either way, and the files are the
 * same.  Memory: the block being filled plus, with async, at most
 * SHELF_STORE_QUEUE blocks waiting; a document of SHELF_STORE_STREAM_MIN
 * text bytes or more gets a block of its own, compressed straight from the
 * caller's text into the file (never copied), so no buffer grows with one
 * document; the heap spills to an unlinked temporary file and is appended at
 * finish.  It also writes the segment's filter columns (.cols) from the
 * same records (colswriter.h), so every segment, written or merged, has
 * them.
 */
#ifndef SHELF_DOCWRITER_H
#define SHELF_DOCWRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "extract/layout.h"
#include "backend/native/colswriter.h"
#include "backend/native/filewriter.h"
#include "backend/native/norms.h"
#include "backend/native/store_codec.h"
#include "util/buf.h"

#define SHELF_STORE_QUEUE 4
#define SHELF_STORE_STREAM_MIN ((size_t)1 << 20)

typedef struct shelf_docinfo {
    const char *path;
    const char *title;
    size_t title_bytes;
    uint32_t length;       /* body tokens */
    uint32_t title_length; /* title tokens */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    uint32_t flags;
    const char *author; /* author_bytes of them; may be NULL when 0 */
    size_t author_bytes;
    const char *date;   /* date_bytes of them; may be NULL when 0 */
    size_t date_bytes;
    const uint8_t *headings; /* the heading spans' stored form (backend/heading_spans.h), */
    size_t headings_bytes;   /* headings_bytes of it; may be NULL when 0 */
} shelf_docinfo;

/* Blocks waiting for the compressor thread (a ring). */
typedef struct shelf_block_queue {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    shelf_buf blocks[SHELF_STORE_QUEUE];
    size_t head, count;
    bool closing;
    pthread_t thread;
} shelf_block_queue;

typedef struct shelf_docwriter {
    shelf_fwriter docs;
    shelf_fwriter store;
    FILE *heap;
    uint64_t heap_len;
    shelf_buf raw;          /* the store block being filled */
    shelf_buf packed;       /* compressed form (compressor's scratch) */
    shelf_store_codec codec; /* reused for every block; the compressing thread's */
    shelf_buf block_offsets; /* u64 per written block */
    uint64_t block_count;   /* blocks handed out so far */
    shelf_block_queue *queue; /* NULL: compress on the caller's thread */
    uint64_t doc_count;
    uint64_t total_tokens;
    uint64_t total_title_tokens;
    shelf_norms_builder norms; /* 3 bytes a document, written at finish */
    shelf_colswriter cols;     /* the filter columns (.cols, colswriter.h) */
} shelf_docwriter;

int shelf_docwriter_open(shelf_docwriter *w, const char *docs_path, const char *store_path,
                         const char *cols_path, bool async, shelf_err *err);
/* checkpoints: byte offsets of body tokens 0, 128, 256, ...; layout: pages
 * and headings (NULL: none). */
int shelf_docwriter_add(shelf_docwriter *w, const shelf_docinfo *info, const char *text,
                        size_t text_len, const uint64_t *checkpoints, size_t checkpoint_count,
                        const shelf_layout *layout, shelf_err *err);
int shelf_docwriter_finish(shelf_docwriter *w, shelf_err *err);
int shelf_docwriter_commit(shelf_docwriter *w, shelf_err *err);
void shelf_docwriter_close(shelf_docwriter *w);

#endif
