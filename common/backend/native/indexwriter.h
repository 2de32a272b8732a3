/*
 * indexwriter.h - the one writer of an index folder: takes the writer lock,
 * adds, replaces and deletes documents, commits a new MANIFEST atomically,
 * and merges segments.
 *
 * A run adds new and changed documents to one new segment; replaced or
 * removed documents are marked in new deletions files of their segments
 * (FORMAT.md).  Nothing is visible until commit: it finishes the new segment
 * (fsync, rename), writes the deletions files, then commits the manifest (the
 * single atomic step) and removes files no manifest names.  Freeing a writer
 * without committing leaves the index as it was.
 *
 * With the Xapian backend (opts->backend "xapian") the same calls write a
 * Xapian database instead (xapwriter.h); merging is then Xapian's own affair
 * and shelf_indexwriter_merge does nothing.
 *
 * Readers are never blocked: they map the files of the manifest they opened;
 * removing a file does not disturb a process that has it mapped, and a reader
 * that finds a file gone while opening re-reads the manifest (index.h).
 */
#ifndef SHELF_INDEXWRITER_H
#define SHELF_INDEXWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/segwriter.h"
#include "util/error.h"

typedef struct shelf_indexwriter shelf_indexwriter;

typedef struct shelf_writer_opts {
    const char *language; /* NULL: the index's own (english for a new index) */
    size_t memory_budget; /* bytes for postings before spilling */
    bool rebuild;         /* start from an empty index (the old one stays until commit) */
    const char *backend;  /* "native" or "xapian"; NULL: the folder's own (native when new) */
    unsigned threads;     /* > 1: the native store is compressed on a thread of its own */
    bool wait;            /* block until another writer's lock is free (lock.h) */
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

/* Open (creating the folder if needed), taking the writer lock, then reading
 * the current MANIFEST: the run builds on that generation, and every commit
 * checks it is still current.  Fails with SHELF_ELOCKED when another writer
 * holds the lock (unless opts->wait), SHELF_ECORRUPT naming the file when a
 * file the run would build on fails its CRC (verify_base), SHELF_EINVAL
 * when opts->language differs from an existing index's (use rebuild). */
shelf_indexwriter *shelf_indexwriter_open(const char *dir, const shelf_writer_opts *opts,
                                          shelf_err *err);

/* What the index knows of a file at this path; marks the path as seen. */
shelf_source_state shelf_indexwriter_probe(shelf_indexwriter *w, const char *path, uint64_t size,
                                           int64_t mtime_ns);
/* True when the live document at path has this content hash. */
bool shelf_indexwriter_same_content(shelf_indexwriter *w, const char *path, uint64_t hash);

/* Add a document; a live document with the same path is replaced. */
int shelf_indexwriter_add(shelf_indexwriter *w, const shelf_doc_input *doc,
                          shelf_doc_report *report, shelf_err *err);
/* The same for a document analysed beforehand with this writer's language
 * (shelf_indexwriter_language). */
int shelf_indexwriter_add_analyzed(shelf_indexwriter *w, const shelf_doc_input *doc,
                                   const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err);
/* The analysis language the writer uses. */
const char *shelf_indexwriter_language(const shelf_indexwriter *w);

/* Delete the live documents whose path is `path` or lies under the folder
 * `path`; *count receives how many. */
int shelf_indexwriter_remove(shelf_indexwriter *w, const char *path, uint64_t *count, shelf_err *err);
/* Delete live documents under any of the roots whose files this run did not
 * see (they no longer exist there). */
int shelf_indexwriter_prune(shelf_indexwriter *w, char *const *roots, size_t root_count,
                            uint64_t *count, shelf_err *err);

/* Commit everything.  summary may be NULL. */
int shelf_indexwriter_commit(shelf_indexwriter *w, shelf_commit_summary *summary, shelf_err *err);

typedef enum shelf_merge_policy {
    SHELF_MERGE_NONE,   /* never merge */
    SHELF_MERGE_TIERED, /* see shelf_indexwriter_merge */
    SHELF_MERGE_ALL     /* everything into one segment (--optimize) */
} shelf_merge_policy;

/* After a commit: merge segments and commit each merge.  Tiered: segments
 * fall in size tiers by live documents (1-7, 8-63, 64-511, ...: powers of
 * 8); whenever a tier holds 8 segments they are merged into one, and a
 * segment with more than half of its documents deleted is rewritten.
 * *merges receives the number of merges done. */
int shelf_indexwriter_merge(shelf_indexwriter *w, shelf_merge_policy policy, unsigned *merges,
                            shelf_err *err);

/* Release the lock; abandons uncommitted work. */
void shelf_indexwriter_free(shelf_indexwriter *w);

#endif
