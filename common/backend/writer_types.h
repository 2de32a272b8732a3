/*
 * writer_types.h - what the indexer hands a writer and what it gets back,
 * the same for every backend: a document to add, the report on it, the
 * writer's options, what the index knows of a source file, the summary of a
 * commit, and the merge policy.
 *
 * Invariants: plain data only, no behaviour; a backend that has no use for a
 * field (Xapian has no segments) leaves it zero.
 */
#ifndef SHELF_WRITER_TYPES_H
#define SHELF_WRITER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/layout.h"

typedef struct shelf_doc_input {
    const char *path;   /* NUL-terminated, as the user named it */
    const char *title;  /* title text (not NUL-terminated) */
    size_t title_len;
    const char *text;   /* the document's text as indexed and stored */
    size_t text_len;
    uint64_t size;      /* source size in bytes */
    int64_t mtime_ns;
    uint64_t hash;      /* XXH3-64 of the source bytes */
    const shelf_layout *layout; /* pages and headings; NULL: none */
    uint32_t flags;     /* format and encoding bits (shared_format.h); the
                         * invalid UTF-8 bit is added from the analysis */
    const char *author; /* NUL-terminated, or NULL when unknown */
    const char *date;   /* ISO 8601 prefix (extract/doctext.h), or NULL when unknown */
} shelf_doc_input;

typedef struct shelf_doc_report {
    uint32_t doc;            /* id given to the document in this segment */
    uint32_t tokens;         /* body tokens */
    uint64_t invalid_bytes;  /* invalid UTF-8 bytes skipped as separators */
    uint64_t cut_tokens;     /* tokens cut by the 64-byte rule */
} shelf_doc_report;

typedef struct shelf_segment_summary {
    uint32_t number;
    uint32_t doc_count;
    uint64_t total_tokens;
    uint64_t total_title_tokens;
    uint64_t term_count;   /* unique keys (body and title terms) */
    uint64_t bytes;        /* size of the five files */
    unsigned runs;         /* spill runs the inverter wrote */
    uint64_t run_bytes;    /* their bytes */
    unsigned run_merges;   /* merges of runs into one run on the way */
    uint64_t run_merge_bytes; /* bytes those merges wrote */
} shelf_segment_summary;

typedef struct shelf_writer_opts {
    const char *language; /* NULL: the index's own (english for a new index) */
    size_t memory_budget; /* bytes for postings before spilling */
    bool rebuild;         /* start from an empty index (the old one stays until commit) */
    const char *backend;  /* "native" or "xapian"; NULL: the folder's own (native when new) */
    unsigned threads;     /* > 1: the native store is compressed on a thread of its own */
    bool wait;            /* block until another writer's lock is free (lock.h) */
    bool lock_held;       /* the caller holds the folder's writer lock for the writer's
                           * whole life (engine/writer.h shelf_indexwriter_lock: indexer
                           * --watch opens one writer per batch under one lock); the
                           * writer neither takes nor releases it */
} shelf_writer_opts;

typedef enum shelf_source_state {
    SHELF_SOURCE_NEW,     /* no live document has this path */
    SHELF_SOURCE_CHANGED, /* indexed, but size or modification time differ */
    SHELF_SOURCE_SAME     /* indexed with the same size and modification time */
} shelf_source_state;

typedef struct shelf_commit_summary {
    uint64_t added, updated, removed;     /* documents */
    bool committed;                       /* false when there was nothing to change */
    shelf_segment_summary segment;        /* the new segment (doc_count 0 if none) */
    uint64_t generation;
} shelf_commit_summary;

typedef enum shelf_merge_policy {
    SHELF_MERGE_NONE,   /* never merge */
    SHELF_MERGE_TIERED, /* see merge_policy.h */
    SHELF_MERGE_ALL     /* everything into one segment (--optimize) */
} shelf_merge_policy;

#endif
