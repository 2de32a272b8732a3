/*
 * segwriter.h - builds one immutable segment (the five seg_NNNNNN.* files of
 * FORMAT.md) from documents: analyses each document's body and title, feeds
 * the inverter, and stores text and metadata.
 *
 * Life cycle: open -> add ... -> finish (everything written and fsynced under
 * .tmp names) -> commit (atomic renames) -> free.  Freeing a segment that was
 * not committed removes all its temporary files, so a failed or abandoned
 * build leaves nothing visible.
 */
#ifndef SHELF_SEGWRITER_H
#define SHELF_SEGWRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "extract/layout.h"
#include "backend/analyzed.h"
#include "backend/native/segpath.h" /* shelf_segment_path */
#include "backend/writer_types.h" /* shelf_doc_input, shelf_doc_report, shelf_segment_summary */
#include "util/error.h"

typedef struct shelf_segwriter shelf_segwriter;

/* async_store: compress the document store on a thread of its own. */
shelf_segwriter *shelf_segwriter_open(const char *dir, uint32_t number, shelf_analyzer *analyzer,
                                      size_t memory_budget, bool async_store, shelf_err *err);
int shelf_segwriter_add(shelf_segwriter *w, const shelf_doc_input *doc, shelf_doc_report *report,
                        shelf_err *err);
/* Tell the segment writer how many bytes its owner holds that grow with the
 * documents (the path table), so that the budget covers them too: the
 * inverter gets memory_budget less those bytes and less the segment's own
 * per-document arrays, but never less than an eighth of memory_budget. */
void shelf_segwriter_note_held(shelf_segwriter *w, size_t bytes);
/* The same for a document analysed beforehand (analyzed.h) with the same
 * language: no analysis happens here. */
int shelf_segwriter_add_analyzed(shelf_segwriter *w, const shelf_doc_input *doc,
                                 const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err);
int shelf_segwriter_finish(shelf_segwriter *w, shelf_segment_summary *summary, shelf_err *err);
int shelf_segwriter_commit(shelf_segwriter *w, shelf_err *err);
void shelf_segwriter_free(shelf_segwriter *w);

#endif
