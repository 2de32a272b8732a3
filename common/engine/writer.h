/*
 * writer.h - the one writer of an index folder, whichever backend holds
 * it: the indexer's and the tests' way to add, replace and delete
 * documents, commit, and merge.
 *
 * The backend is chosen once, at open (engine/backends.h: opts->backend,
 * else the folder's own, native for a new folder); every later call goes
 * through that row's writer table.  The native writer is indexwriter.h,
 * the Xapian one xapwriter.h; both take the folder's writer lock
 * (backend/lock.h) at open and hold it until free, and make nothing
 * visible before commit (a native commit is one atomic MANIFEST rename, a
 * Xapian one a transaction).  Freeing a writer without committing leaves
 * the index as it was.
 */
#ifndef SHELF_ENGINE_WRITER_H
#define SHELF_ENGINE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "backend/lock.h"
#include "util/error.h"

typedef struct shelf_indexwriter shelf_indexwriter;

/* Open (creating the folder and its missing parents if needed) and take
 * the writer lock.  A folder that holds no index must be empty but for the
 * index's own names (LOCK, ROOTS, seg_*, MANIFEST.tmp): else SHELF_EINVAL,
 * so a folder of documents never becomes an index.  Fails
 * with SHELF_EINVAL for an unknown backend, a backend other than the
 * folder's, or a language other than the index's (native: use rebuild);
 * SHELF_ELOCKED when another writer holds the lock (unless opts->wait);
 * SHELF_ECORRUPT naming the file when what the run would build on is
 * damaged. */
shelf_indexwriter *shelf_indexwriter_open(const char *dir, const shelf_writer_opts *opts,
                                          shelf_err *err);

/* Take dir's writer lock for a caller that then opens several writers in
 * turn with opts->lock_held (indexer --watch: one writer per batch, no
 * other writer in between).  As at open, missing parents are created and a
 * folder that holds no index must be empty but for the index's own names;
 * SHELF_ELOCKED (unless wait) names the holder.  Release it with
 * shelf_lock_release once every writer is freed. */
int shelf_indexwriter_lock(const char *dir, bool wait, shelf_lock *lock, shelf_err *err);

/* The row the writer writes through. */
const shelf_backend_row *shelf_indexwriter_backend(const shelf_indexwriter *w);

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
/* Bytes the caller holds for documents on their way to the writer (read
 * and analysed ahead on other threads): the native writer counts them
 * against its memory budget, as it counts its own table of paths.  The
 * latest call counts; the Xapian backend ignores it. */
void shelf_indexwriter_note_outside(shelf_indexwriter *w, size_t bytes);

/* Delete the live documents whose path is `path` or lies under the folder
 * `path` (path_under.h); *count receives how many. */
int shelf_indexwriter_remove(shelf_indexwriter *w, const char *path, uint64_t *count, shelf_err *err);
/* Delete live documents under any of the roots whose files this run did not
 * see (they no longer exist there). */
int shelf_indexwriter_prune(shelf_indexwriter *w, char *const *roots, size_t root_count,
                            uint64_t *count, shelf_err *err);

/* Commit everything.  summary may be NULL. */
int shelf_indexwriter_commit(shelf_indexwriter *w, shelf_commit_summary *summary, shelf_err *err);

/* After a commit: merge as the policy chooses (native: merge_policy.h;
 * Xapian merges on its own and does nothing here), committing each merge.
 * *merges receives the number of merges done. */
int shelf_indexwriter_merge(shelf_indexwriter *w, shelf_merge_policy policy, unsigned *merges,
                            shelf_err *err);

/* Release the lock; abandons uncommitted work. */
void shelf_indexwriter_free(shelf_indexwriter *w);

#endif
