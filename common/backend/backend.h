/*
 * backend.h - what a backend is to the rest of the engine: one row of
 * tables.  A row names the backend, says how to recognise a folder it
 * wrote (detect), and carries two tables of operations: the reader's
 * (shelf_reader_ops, dispatched by engine.c over an open shelf_engine) and
 * the writer's (shelf_writer_ops, dispatched by engine/writer.c).  The
 * native rows live in backend/native/native_backend.h, the Xapian ones in
 * backend/xapian/xapian_backend.h; engine/backends.h lists them and picks one.
 *
 * Invariants: every row fills every operation (tests/test_backend_rows.c);
 * the engine and the indexer branch on a row's data, never on which
 * backend it is; a writer's state is opaque (void *) outside its backend.
 */
#ifndef SHELF_BACKEND_H
#define SHELF_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "backend/analyzed.h"
#include "backend/docview.h"
#include "backend/writer_types.h"
#include "extract/layout.h"
#include "query/plan.h"
#include "query/search.h"
#include "util/buf.h"
#include "util/error.h"

typedef enum shelf_backend { SHELF_BACKEND_NATIVE, SHELF_BACKEND_XAPIAN } shelf_backend;

/* shelf_docview, a document's metadata: backend/docview.h */

/* ---- reading ---- */

typedef struct shelf_engine shelf_engine; /* engine.h; its inside: reader_handle.h */

typedef struct shelf_reader_ops {
    /* Open e->dirs[0 .. e->ndirs) as one collection (flags:
     * SHELF_OPEN_VERIFY, native only) and fill e->language; an error names
     * the folder at fault. */
    int (*open)(shelf_engine *e, unsigned flags, shelf_err *err);
    uint64_t (*doc_count)(const shelf_engine *e);
    int (*df)(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err);
    int (*terms)(const shelf_engine *e, const uint8_t *prefix, size_t len,
                 int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx, shelf_err *err);
    int (*search)(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                  shelf_results *out, shelf_err *err);
    int (*explain)(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                   const shelf_hit *hit, shelf_explain *ex, shelf_err *err);
    int (*doc)(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err);
    int (*text)(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                shelf_layout *layout, shelf_err *err);
    int (*positions)(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                     shelf_buf *out, shelf_err *err);
    int (*each_doc)(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                    shelf_err *err);
    /* For messages: the file holding a part ("pos", "store") of a hit's
     * document; the index folder when the backend has no such file. */
    const char *(*file)(const shelf_engine *e, const shelf_hit *hit, const char *part);
    /* Which part (e->dirs: a folder, or a remote shard) holds a hit's
     * document (0 for one). */
    size_t (*part)(const shelf_engine *e, const shelf_hit *hit);
    /* NULL, or why a part reached through the network was lost (its
     * connection failed: the engine must be opened anew to use it again). */
    const char *(*lost)(const shelf_engine *e);
    void (*close)(shelf_engine *e); /* release backend state, not the handle */
} shelf_reader_ops;

/* ---- writing ---- */

/* What `indexer --check` reports.  segmented: the segment figures (format
 * version ... bytes) are filled; otherwise only language, documents and
 * tokens are. */
typedef struct shelf_check_summary {
    char language[SHELF_LANGUAGE_MAX + 1];
    bool segmented;
    unsigned format_version;
    uint64_t generation, segments, documents, deleted, tokens, terms, postings, positions, bytes;
    char report[4096]; /* the backend's own account of the errors it found, or "" */
} shelf_check_summary;

/* The contract of each operation is the facade's, engine/writer.h. */
typedef struct shelf_writer_ops {
    void *(*open)(const char *dir, const shelf_writer_opts *opts, shelf_err *err);
    shelf_source_state (*probe)(void *w, const char *path, uint64_t size, int64_t mtime_ns);
    bool (*same_content)(void *w, const char *path, uint64_t hash);
    int (*add)(void *w, const shelf_doc_input *doc, shelf_doc_report *report, shelf_err *err);
    int (*add_analyzed)(void *w, const shelf_doc_input *doc, const shelf_analyzed *an,
                        shelf_doc_report *report, shelf_err *err);
    const char *(*language)(const void *w);
    /* Bytes the caller holds for documents on their way to the writer
     * (indexer --threads: files and their analyses in flight), to be
     * counted against the memory budget; NULL when the backend keeps no
     * budget of its own. */
    void (*note_outside)(void *w, size_t bytes);
    int (*remove)(void *w, const char *path, uint64_t *count, shelf_err *err);
    int (*prune)(void *w, char *const *roots, size_t root_count, uint64_t *count, shelf_err *err);
    int (*commit)(void *w, shelf_commit_summary *summary, shelf_err *err);
    int (*merge)(void *w, shelf_merge_policy policy, unsigned *merges, shelf_err *err);
    /* Verify every checksum and invariant of the index in dir. */
    int (*check)(const char *dir, shelf_check_summary *out, shelf_err *err);
    void (*free)(void *w);
} shelf_writer_ops;

/* ---- the row ---- */

typedef struct shelf_backend_row {
    const char *name;  /* as `--backend` spells it: "native", "xapian" */
    const char *label; /* in messages: "native", "Xapian" */
    shelf_backend id;
    const shelf_reader_ops *reader;
    const shelf_writer_ops *writer;
    /* True when dir holds an index of this backend. */
    bool (*detect)(const char *dir);
    /* The file whose change marks a new committed generation. */
    void (*stamp_path)(const char *dir, char *out, size_t size);
    /* Reading a damaged index may crash the library: try it in a child first. */
    bool crash_prone;
    /* One open engine serves any number of threads at once. */
    bool shared_reads;
} shelf_backend_row;

#endif
