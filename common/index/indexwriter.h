/*
 * indexwriter.h - writes an index folder: takes the writer lock, builds a new
 * segment from the documents it is given, and commits a new MANIFEST.
 *
 * Version 1 rebuilds: the committed manifest lists only the new segment, and
 * the files of the segments it replaces are removed after the commit.  Until
 * commit returns, readers see the previous index untouched; if the writer is
 * freed without a commit, nothing visible changes.  Leftover temporary files
 * from a crashed run are removed when a writer opens.
 */
#ifndef SHELF_INDEXWRITER_H
#define SHELF_INDEXWRITER_H

#include <stddef.h>

#include "index/segwriter.h"
#include "util/error.h"

typedef struct shelf_indexwriter shelf_indexwriter;

/* Open (creating the folder if needed) for writing with the given analysis
 * language and memory budget in bytes. */
shelf_indexwriter *shelf_indexwriter_open(const char *dir, const char *language,
                                          size_t memory_budget, shelf_err *err);
int shelf_indexwriter_add(shelf_indexwriter *w, const shelf_doc_input *doc,
                          shelf_doc_report *report, shelf_err *err);
/* Finish the segment and commit.  summary may be NULL. */
int shelf_indexwriter_commit(shelf_indexwriter *w, shelf_segment_summary *summary, shelf_err *err);
/* Release the lock; abandons uncommitted work. */
void shelf_indexwriter_free(shelf_indexwriter *w);

#endif
