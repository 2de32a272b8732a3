/*
 * xapwriter.h - the indexwriter's Xapian backend (`indexer --backend
 * xapian`): documents analysed by our analyzer and stored in a Xapian
 * database in "<index>/xapian" (term layout: xapian_c.h; document data:
 * xapdoc.h).  A run is one Xapian transaction, so a commit is atomic; the
 * same writer lock as the native backend guards the folder (backend/lock.h).
 * The indexer reaches these functions through the row's writer table
 * (xapian_backend.h, xapwriter_ops.c); the contracts are engine/writer.h's.
 */
#ifndef SHELF_XAPWRITER_H
#define SHELF_XAPWRITER_H

#include "backend/analyzed.h"
#include "backend/writer_types.h"
#include "util/error.h"

typedef struct shelf_xapwriter shelf_xapwriter;

shelf_xapwriter *shelf_xapwriter_open(const char *dir, const shelf_writer_opts *opts, shelf_err *err);
shelf_source_state shelf_xapwriter_probe(shelf_xapwriter *w, const char *path, uint64_t size,
                                         int64_t mtime_ns);
bool shelf_xapwriter_same_content(shelf_xapwriter *w, const char *path, uint64_t hash);
int shelf_xapwriter_add(shelf_xapwriter *w, const shelf_doc_input *doc, shelf_doc_report *report,
                        shelf_err *err);
int shelf_xapwriter_add_analyzed(shelf_xapwriter *w, const shelf_doc_input *in,
                                 const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err);
int shelf_xapwriter_remove(shelf_xapwriter *w, const char *path, uint64_t *count, shelf_err *err);
int shelf_xapwriter_prune(shelf_xapwriter *w, char *const *roots, size_t root_count, uint64_t *count,
                          shelf_err *err);
int shelf_xapwriter_commit(shelf_xapwriter *w, shelf_commit_summary *summary, shelf_err *err);
void shelf_xapwriter_free(shelf_xapwriter *w);
const char *shelf_xapwriter_language(const shelf_xapwriter *w);

#endif
