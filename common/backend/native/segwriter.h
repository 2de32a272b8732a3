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
#include "backend/native/analyzed.h"
#include "backend/native/segpath.h" /* shelf_segment_path */
#include "util/error.h"

typedef struct shelf_segwriter shelf_segwriter;

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
    uint32_t flags;     /* format and encoding bits (format.h); the invalid
                         * UTF-8 bit is added from the analysis */
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
} shelf_segment_summary;

/* async_store: compress the document store on a thread of its own. */
shelf_segwriter *shelf_segwriter_open(const char *dir, uint32_t number, shelf_analyzer *analyzer,
                                      size_t memory_budget, bool async_store, shelf_err *err);
int shelf_segwriter_add(shelf_segwriter *w, const shelf_doc_input *doc, shelf_doc_report *report,
                        shelf_err *err);
/* The same for a document analysed beforehand (analyzed.h) with the same
 * language: no analysis happens here. */
int shelf_segwriter_add_analyzed(shelf_segwriter *w, const shelf_doc_input *doc,
                                 const shelf_analyzed *an, shelf_doc_report *report, shelf_err *err);
int shelf_segwriter_finish(shelf_segwriter *w, shelf_segment_summary *summary, shelf_err *err);
int shelf_segwriter_commit(shelf_segwriter *w, shelf_err *err);
void shelf_segwriter_free(shelf_segwriter *w);

#endif
