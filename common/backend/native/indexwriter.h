/*
 * indexwriter.h - the native backend's writer of an index folder (the
 * indexer reaches it through engine/writer.h and its row, native_backend.h):
 * takes the writer lock,
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
 * Readers are never blocked: they map the files of the manifest they opened;
 * removing a file does not disturb a process that has it mapped, and a reader
 * that finds a file gone while opening re-reads the manifest (index.h).
 */
#ifndef SHELF_NATIVE_INDEXWRITER_H
#define SHELF_NATIVE_INDEXWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/segwriter.h"
#include "backend/writer_types.h"
#include "util/error.h"

typedef struct shelf_native_writer shelf_native_writer;

/* Open (creating the folder if needed), taking the writer lock, then reading
 * the current MANIFEST: the run builds on that generation, and every commit
 * checks it is still current.  Fails with SHELF_ELOCKED when another writer
 * holds the lock (unless opts->wait), SHELF_ECORRUPT naming the file when a
 * file the run would build on fails its CRC (verify_base), SHELF_EINVAL
 * when opts->language differs from an existing index's (use rebuild). */
shelf_native_writer *shelf_native_writer_open(const char *dir, const shelf_writer_opts *opts,
                                              shelf_err *err);

/* What the index knows of a file at this path; marks the path as seen. */
shelf_source_state shelf_native_writer_probe(shelf_native_writer *w, const char *path, uint64_t size,
                                             int64_t mtime_ns);
/* True when the live document at path has this content hash. */
bool shelf_native_writer_same_content(shelf_native_writer *w, const char *path, uint64_t hash);

/* Add a document; a live document with the same path is replaced. */
int shelf_native_writer_add(shelf_native_writer *w, const shelf_doc_input *doc,
                            shelf_doc_report *report, shelf_err *err);
/* The same for a document analysed beforehand with this writer's language
 * (shelf_native_writer_language). */
int shelf_native_writer_add_analyzed(shelf_native_writer *w, const shelf_doc_input *doc,
                                     const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err);
/* The analysis language the writer uses. */
const char *shelf_native_writer_language(const shelf_native_writer *w);
/* Bytes held outside the writer for documents on their way to it, counted
 * against the memory budget with the table of paths (engine/writer.h). */
void shelf_native_writer_note_outside(shelf_native_writer *w, size_t bytes);

/* Delete the live documents whose path is `path` or lies under the folder
 * `path`; *count receives how many. */
int shelf_native_writer_remove(shelf_native_writer *w, const char *path, uint64_t *count, shelf_err *err);
/* Delete live documents under any of the roots whose files this run did not
 * see (they no longer exist there). */
int shelf_native_writer_prune(shelf_native_writer *w, char *const *roots, size_t root_count,
                              uint64_t *count, shelf_err *err);

/* Commit everything.  summary may be NULL. */
int shelf_native_writer_commit(shelf_native_writer *w, shelf_commit_summary *summary, shelf_err *err);

/* After a commit: merge segments as the policy chooses (merge_policy.h)
 * and commit each merge.  *merges receives the number of merges done. */
int shelf_native_writer_merge(shelf_native_writer *w, shelf_merge_policy policy, unsigned *merges,
                              shelf_err *err);

/* Release the lock; abandons uncommitted work. */
void shelf_native_writer_free(shelf_native_writer *w);

#endif
