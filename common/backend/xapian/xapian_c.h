/*
 * xapian_c.h - the project's small C API over libxapian (implemented in
 * xapian_c.cc, the only C++ in the project).  Plain C types and opaque
 * handles; every function that can fail returns SHELF_OK or an error code and
 * fills a shelf_err; no C++ exception ever crosses into C.
 *
 * The wrapper knows nothing of our plans or keys: it stores and finds
 * documents by id (the boolean term "Q" + path, xapian_terms.h), and builds
 * and runs Xapian queries from terms (xapian_query.h translates plans).
 * Positions handed to Xapian are ours + 1 (Xapian counts from 1); the
 * functions here take and return ours (from 0).
 *
 * Behaviours worth knowing: a path longer than 244 bytes cannot be an id
 * (Xapian limits terms to 245 bytes); closing a writable handle cancels an
 * open transaction.
 */
#ifndef SHELF_XAPIAN_C_H
#define SHELF_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* the project's headers are C: give them C linkage from C++ too */
#endif

#include "util/buf.h"
#include "util/error.h"

typedef struct shelf_xdb shelf_xdb;
typedef struct shelf_xdoc shelf_xdoc;
typedef struct shelf_xq shelf_xq;

/* ---- databases ---- */

/* Open (create when missing if create != 0) a writable database at path. */
int shelf_xdb_open_writable(shelf_xdb **db, const char *path, int create, shelf_err *err);
/* Open read-only. */
int shelf_xdb_open(shelf_xdb **db, const char *path, shelf_err *err);
void shelf_xdb_close(shelf_xdb *db);
/* The database's folder, for messages ("xapian" for no handle). */
const char *shelf_xdb_path(const shelf_xdb *db);

/* ---- shards ----
 *
 * A read-only handle may combine several databases (Xapian's
 * Database::add_database): statistics (document count, lengths, term
 * frequencies) are the sums over all of them, so a search ranks as over one
 * database holding every document.  Each added database is one shard, named
 * for messages and for telling hits apart (a folder, or "HOST:PORT"). */

/* A read-only handle holding no database yet, named name for messages. */
int shelf_xdb_open_empty(shelf_xdb **db, const char *name, shelf_err *err);
/* Open the database served by `xapian-tcpsrv` at host:port (Xapian's remote
 * backend, read-only).  timeout_ms bounds every operation on it, connect_ms
 * the connection (0: no limit, never wanted); past either, or when the
 * server goes away, calls fail with SHELF_EIO and a message naming
 * "HOST:PORT".  A search over remote shards ignores its deadline (Xapian's
 * remote backend takes no match decider): timeout_ms bounds it instead. */
int shelf_xdb_open_remote(shelf_xdb **db, const char *host, unsigned port, unsigned timeout_ms,
                          unsigned connect_ms, shelf_err *err);
/* Add every shard of other to db (both read-only) and close the handle
 * other (its databases live on inside db).  Freed either way. */
int shelf_xdb_absorb(shelf_xdb *db, shelf_xdb *other, shelf_err *err);
/* Number of shards in db (1 for a database opened by path). */
size_t shelf_xdb_shard_count(const shelf_xdb *db);
/* The shard holding document docid: its index (from 0), and its name in
 * *name when name is not NULL. */
size_t shelf_xdb_shard_of(const shelf_xdb *db, uint32_t docid, const char **name);
/* Does db reach a shard through the network? */
int shelf_xdb_is_remote(const shelf_xdb *db);
/* NULL while every remote shard answers; once an operation met a network
 * error on one (the server went away, a timeout), why: "HOST:PORT:
 * <operation>: NetworkError: ...".  Its connection is then unusable and
 * stays so: open the shards anew. */
const char *shelf_xdb_lost(const shelf_xdb *db);
/* How many times a read-only handle reopened its database (a writer
 * committed twice under it): what was read before may have changed. */
uint64_t shelf_xdb_reopens(const shelf_xdb *db);

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
/* The value in slot (Xapian's document values). */
int shelf_xdoc_set_value(shelf_xdoc *doc, unsigned slot, const void *data, size_t len, shelf_err *err);
/* Index text as Xapian's TermGenerator does without a stemmer (its own
 * word splitting, lower-cased words, no prefix, positions from 1 in its own
 * numbering) but with wdf 0, so the document's length, which BM25 reads,
 * stays the sum of the terms we add with add_posting.  For Xapian's own
 * tools (quest, Omega): our queries never read these terms. */
int shelf_xdoc_index_plain_words(shelf_xdoc *doc, const char *text, size_t len, shelf_err *err);

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
/* A document's value in slot into out (empty when unset). */
int shelf_xdb_value(shelf_xdb *db, uint32_t docid, unsigned slot, shelf_buf *out, shelf_err *err);
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

/* ---- building queries ----
 *
 * A shelf_xq is one Xapian::Query.  Every function below makes a new handle
 * in *out (NULL on failure), which the caller frees with shelf_xq_free;
 * combining copies its operands' trees (Xapian shares them), so operands stay
 * the caller's to free.  Each maps to the Xapian operator of the same name,
 * built with the subqueries in the order given. */

/* One term (wdf-weighted by BM25 in a search). */
int shelf_xq_term(shelf_xq **out, const char *term, size_t len, shelf_err *err);
/* A query matching nothing (Xapian's MatchNothing; also what AND / OR of no
 * subqueries is). */
int shelf_xq_nothing(shelf_xq **out, shelf_err *err);
/* OP_AND / OP_OR of n subqueries. */
int shelf_xq_and(shelf_xq **out, shelf_xq *const *subs, size_t n, shelf_err *err);
int shelf_xq_or(shelf_xq **out, shelf_xq *const *subs, size_t n, shelf_err *err);
/* OP_PHRASE: the terms in this order within window positions; OP_NEAR: in
 * any order within window positions. */
int shelf_xq_phrase(shelf_xq **out, shelf_xq *const *terms, size_t n, uint32_t window,
                    shelf_err *err);
int shelf_xq_near(shelf_xq **out, shelf_xq *const *terms, size_t n, uint32_t window,
                  shelf_err *err);
/* OP_AND_MAYBE: matches of a, b adding its weight where it matches too. */
int shelf_xq_and_maybe(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err);
/* OP_AND_NOT: matches of a that b does not match. */
int shelf_xq_and_not(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err);
/* OP_FILTER: matches of a that b matches too, weighted by a alone. */
int shelf_xq_filter(shelf_xq **out, const shelf_xq *a, const shelf_xq *b, shelf_err *err);
/* OP_VALUE_GE / OP_VALUE_LE: documents whose value in slot is >= / <=
 * value[0..len) byte by byte (weightless; a document without one never
 * matches). */
int shelf_xq_value_ge(shelf_xq **out, unsigned slot, const char *value, size_t len, shelf_err *err);
int shelf_xq_value_le(shelf_xq **out, unsigned slot, const char *value, size_t len, shelf_err *err);
/* OP_SCALE_WEIGHT: q with every weight multiplied by factor (>= 0; 0 makes
 * q a weightless filter). */
int shelf_xq_scale(shelf_xq **out, const shelf_xq *q, double factor, shelf_err *err);
void shelf_xq_free(shelf_xq *q);

/* ---- searching ---- */

typedef struct shelf_xhit {
    uint32_t docid;
    double score;
} shelf_xhit;

typedef struct shelf_xsearch {
    double k1, b;         /* BM25Weight parameters; k2 = 0, k3 = 1, min_normlen = 0 */
    int walk_filters;     /* for the plan translation (xapian_query.h): the
                             database has no filter terms (layout 2) */
    size_t offset, k;     /* hits [offset, offset + k) of the ranking */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC time to give up by (deadline.h); 0: none */
} shelf_xsearch;

/* Run query with BM25Weight.  Writes up to k hits into hits (caller's array
 * of k), best first (ties by docid), sets *count, and *total to the exact
 * number of matches (Xapian is asked to examine every document).
 * With a deadline, a match decider reads the clock every
 * SHELF_TICKS_PER_CHECK documents Xapian considers and stops the match
 * past it: SHELF_ETIMEOUT. */
int shelf_xdb_run(shelf_xdb *db, const shelf_xq *query, const shelf_xsearch *params,
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
