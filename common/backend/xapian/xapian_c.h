/*
 * xapian_c.h - the project's small C API over libxapian (implemented in
 * xapian_c.cc, the only C++ in the project).  Plain C types and opaque
 * handles; every function that can fail returns SHELF_OK or an error code and
 * fills a shelf_err; no C++ exception ever crosses into C.
 *
 * Terms: a body term is stored under its own bytes; a title term under
 * "S" + term; the unique id of a document is the boolean term "Q" + path.
 * Our analyzer's terms never start with an upper-case ASCII letter, so the
 * prefixes cannot collide.  Positions handed to Xapian are ours + 1 (Xapian
 * counts from 1); the functions here take and return ours (from 0).
 *
 * Behaviours worth knowing: a path longer than 244 bytes cannot be an id
 * (Xapian limits terms to 245 bytes); title terms carry no weight in search
 * (they are stored with wdf 0); closing a writable handle cancels an open
 * transaction; an empty PATH fragment matches every document.
 */
#ifndef SHELF_XAPIAN_C_H
#define SHELF_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* the project's headers are C: give them C linkage from C++ too */
#endif

#include "query/plan.h"
#include "util/buf.h"
#include "util/error.h"

#define SHELF_XAPIAN_TITLE_PREFIX "S"
#define SHELF_XAPIAN_ID_PREFIX "Q"

typedef struct shelf_xdb shelf_xdb;
typedef struct shelf_xdoc shelf_xdoc;

/* ---- databases ---- */

/* Open (create when missing if create != 0) a writable database at path. */
int shelf_xdb_open_writable(shelf_xdb **db, const char *path, int create, shelf_err *err);
/* Open read-only. */
int shelf_xdb_open(shelf_xdb **db, const char *path, shelf_err *err);
void shelf_xdb_close(shelf_xdb *db);

/* Transactions on a writable database: everything between begin and commit
 * becomes visible atomically; cancel drops it. */
int shelf_xdb_begin(shelf_xdb *db, shelf_err *err);
int shelf_xdb_commit(shelf_xdb *db, shelf_err *err);
int shelf_xdb_cancel(shelf_xdb *db, shelf_err *err);

/* User metadata (key/value strings), e.g. the analysis language. out gets a
 * NUL-terminated value ("" when unset). */
int shelf_xdb_get_metadata(shelf_xdb *db, const char *key, char *out, size_t out_size, shelf_err *err);
int shelf_xdb_set_metadata(shelf_xdb *db, const char *key, const char *value, shelf_err *err);

/* ---- documents ---- */

shelf_xdoc *shelf_xdoc_new(void);
void shelf_xdoc_free(shelf_xdoc *doc);
/* One occurrence of term at position pos; wdf_inc 1 for body terms, 0 for
 * title terms (so titles do not change Xapian's document length). */
int shelf_xdoc_add_posting(shelf_xdoc *doc, const char *term, size_t len, uint32_t pos,
                           uint32_t wdf_inc, shelf_err *err);
int shelf_xdoc_add_boolean_term(shelf_xdoc *doc, const char *term, size_t len, shelf_err *err);
int shelf_xdoc_set_data(shelf_xdoc *doc, const void *data, size_t len, shelf_err *err);

/* Documents are identified by their path: the wrapper stores and looks up
 * the boolean term "Q" + id itself, so id is the bare path. */

/* Replace the document whose id is id (add when none), giving it the "Q"
 * term; *docid gets its Xapian document id. */
int shelf_xdb_replace(shelf_xdb *db, const char *id, size_t id_len, shelf_xdoc *doc,
                      uint32_t *docid, shelf_err *err);
/* Delete the document whose id is id (nothing when none). */
int shelf_xdb_delete(shelf_xdb *db, const char *id, size_t id_len, shelf_err *err);
/* The Xapian document id of id; SHELF_ENOTFOUND when none. */
int shelf_xdb_find(shelf_xdb *db, const char *id, size_t id_len, uint32_t *docid, shelf_err *err);
/* A document's data blob into out (replacing its contents). */
int shelf_xdb_data(shelf_xdb *db, uint32_t docid, shelf_buf *out, shelf_err *err);
/* Positions (ours, from 0) of term in document docid, into out as uint32_t
 * values (replacing its contents); empty when the term is not there. */
int shelf_xdb_positions(shelf_xdb *db, uint32_t docid, const char *term, size_t len, shelf_buf *out,
                        shelf_err *err);

/* ---- statistics and terms ---- */

uint64_t shelf_xdb_doc_count(shelf_xdb *db);
/* Documents containing term. */
int shelf_xdb_termfreq(shelf_xdb *db, const char *term, size_t len, uint64_t *df, shelf_err *err);
/* Calls fn for every term starting with prefix, in byte order, until fn
 * returns nonzero. */
int shelf_xdb_terms(shelf_xdb *db, const char *prefix, size_t len,
                    int (*fn)(void *ctx, const char *term, size_t len, uint64_t df), void *ctx,
                    shelf_err *err);

/* ---- searching ---- */

typedef struct shelf_xhit {
    uint32_t docid;
    double score;
} shelf_xhit;

typedef struct shelf_xsearch {
    double k1, b;         /* BM25Weight parameters; k2 = 0, k3 = 1, min_normlen = 0 */
    size_t offset, k;     /* hits [offset, offset + k) of the ranking */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC time to give up by (deadline.h); 0: none */
} shelf_xsearch;

/* Translate a plan (plan.h) to a Xapian::Query and run it with BM25Weight:
 *   TERM   -> OR of the body term and the title term ("S"+term);
 *             title field: the title term alone;
 *   PHRASE -> OP_PHRASE over the words (window = word count), title field
 *             on "S" terms;
 *   NEAR/n -> OP_NEAR with window n + 1 (our NEAR/n: last - first <= n);
 *   BOOL   -> MUST: OP_AND; SHOULD: OP_OR (OP_AND_MAYBE next to MUST);
 *             MUST_NOT: OP_AND_NOT;
 *   PATH   -> the "Q" ids whose path contains the fragment (ASCII case
 *             ignored), as a weightless filter;
 *   NONE   -> MatchNothing.
 * Writes up to k hits into hits (caller's array of k), best first (ties by
 * docid), sets *count, and *total to the exact number of matches.
 * With a deadline, a match decider reads the clock every
 * SHELF_TICKS_PER_CHECK documents Xapian considers and stops the match
 * past it: SHELF_ETIMEOUT. */
int shelf_xdb_search(shelf_xdb *db, const shelf_plan *plan, const shelf_xsearch *params,
                     shelf_xhit *hits, size_t *count, uint64_t *total, shelf_err *err);

/* Xapian's own consistency check of the database at path (Database::check);
 * report receives its text output (truncated to report_size), first a line
 * "damaged file: PATH" when errors were found, *errors the number of errors
 * found.  Errors from here, like every error about a damaged database,
 * end with "(in PATH)" naming the damaged file. */
int shelf_xdb_check(const char *path, char *report, size_t report_size, uint64_t *errors,
                    shelf_err *err);

#ifdef __cplusplus
}
#endif

#endif
