/*
 * engine.h - one open index, whichever backend wrote it: the native segment
 * format (index.h) or a Xapian database (xapian_c.h).  The searcher, the
 * planner and the snippet code see only this interface, so every query
 * operator, the output formats, snippets and citations work the same on both.
 *
 * The backend is detected from the folder: a MANIFEST means native, a
 * "xapian" sub-folder means Xapian.
 *
 * Keys are the planner's: one field byte (SHELF_FIELD_BODY or
 * SHELF_FIELD_TITLE_ID) then the term's bytes.  A hit names a document as
 * (segment position, doc id inside it); Xapian indexes have one "segment"
 * whose doc ids are Xapian's.
 */
#ifndef SHELF_ENGINE_H
#define SHELF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h" /* shelf_backend, shelf_docview */
#include "backend/remotes.h"
#include "extract/layout.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "query/stats.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct shelf_engine shelf_engine;
typedef struct shelf_index shelf_index; /* backend/native/index.h */

/* Which backend holds an index folder: SHELF_OK and *backend, or
 * SHELF_ENOTFOUND ("no index here"). */
int shelf_engine_detect(const char *dir, shelf_backend *backend, shelf_err *err);

/* flags: SHELF_OPEN_VERIFY (index.h) for the native backend. */
int shelf_engine_open(shelf_engine **out, const char *dir, unsigned flags, shelf_err *err);
/* Several index folders searched as one collection ("parts", in the order
 * given): document counts, average lengths and document frequencies are
 * combined, so a hit scores as it would in one index holding every
 * document.  All must be of one backend and one language (else
 * SHELF_EINVAL naming two of them), each folder given once; an error
 * opening one names that folder.  n == 1 is shelf_engine_open. */
int shelf_engine_open_set(shelf_engine **out, const char *const *dirs, size_t n, unsigned flags,
                          shelf_err *err);
void shelf_engine_close(shelf_engine *e);
/* Index folders (dirs[0..ndirs), possibly none) and remote Xapian shards
 * (backend/remotes.h, at least one) searched as one collection, in that
 * order: their statistics are combined, so scores are those of one
 * database holding every document.  Every folder must be a Xapian index
 * (a native one is refused with SHELF_EINVAL), as must every shard (one
 * that is not a shelf Xapian database, or of another layout or language,
 * is an error naming it).  engine_remote.c. */
int shelf_engine_open_remotes(shelf_engine **out, const char *const *dirs, size_t ndirs,
                              const shelf_remotes *remotes, unsigned flags, shelf_err *err);
/* The parts searched (1 for shelf_engine_open): the index folders given,
 * then the remote shards ("HOST:PORT"); the i-th of them; the one holding a
 * hit's document; and its name when there are several, else NULL. */
size_t shelf_engine_part_count(const shelf_engine *e);
const char *shelf_engine_part_dir(const shelf_engine *e, size_t i);
size_t shelf_engine_part_of(const shelf_engine *e, const shelf_hit *hit);
const char *shelf_engine_origin(const shelf_engine *e, const shelf_hit *hit);
/* NULL while every remote shard answers (always, without remote shards);
 * once an operation failed on the network to one, why, naming it
 * ("HOST:PORT: search: NetworkError: ..."): that shard's connection is
 * dead, so every later call may fail; open the engine anew
 * (shelf_engine_open_remotes) to reconnect. */
const char *shelf_engine_lost_shard(const shelf_engine *e);
/* An engine over an index (or a set of indexes, index.h) the caller
 * already opened and keeps owning (closing the engine leaves it open).
 * NULL on ENOMEM. */
shelf_engine *shelf_engine_borrow(const shelf_index *idx);

shelf_backend shelf_engine_backend(const shelf_engine *e);
const char *shelf_engine_language(const shelf_engine *e);
uint64_t shelf_engine_doc_count(const shelf_engine *e);
/* The native index behind the engine, or NULL for Xapian. */
const shelf_index *shelf_engine_native(const shelf_engine *e);

/* Live documents containing key. */
int shelf_engine_df(const shelf_engine *e, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err);
/* Every distinct key starting with prefix (field byte + term prefix), in
 * byte order per segment; fn returns nonzero to stop. */
int shelf_engine_terms(const shelf_engine *e, const uint8_t *prefix, size_t len,
                       int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                       shelf_err *err);

/* The engine's statistics for the planner (query/stats.h); valid while e is
 * open. */
void shelf_engine_stats(const shelf_engine *e, shelf_stats *out);
/* shelf_plan_build (plan.h) with the engine's statistics: the plan for a
 * query against this index, whichever backend holds it. */
shelf_plan *shelf_plan_for_engine(const shelf_engine *engine, shelf_analyzer *analyzer,
                                  const shelf_qnode *query, char *notes, size_t notes_size,
                                  shelf_err *err, int *err_column);

int shelf_engine_search(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                        shelf_results *out, shelf_err *err);
/* Score breakdown (native backend only: SHELF_EINVAL on Xapian). */
int shelf_engine_explain(const shelf_engine *e, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_hit *hit, shelf_explain *ex, shelf_err *err);

int shelf_engine_doc(shelf_engine *e, const shelf_hit *hit, shelf_docview *out, shelf_err *err);
/* Stored text (NUL appended, not counted) and checkpoints (u64 offsets of
 * tokens 0, 128, ...). */
int shelf_engine_text(shelf_engine *e, const shelf_hit *hit, shelf_buf *text, shelf_buf *checkpoints,
                      shelf_err *err);
/* The same plus the document's pages and headings (layout may be NULL). */
int shelf_engine_stored(shelf_engine *e, const shelf_hit *hit, shelf_buf *text,
                        shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err);
/* Calls fn for every live document (native: in index order; Xapian: by
 * path) until fn returns nonzero.  view's strings are valid during the call. */
int shelf_engine_each_doc(shelf_engine *e, int (*fn)(void *ctx, const shelf_docview *view), void *ctx,
                          shelf_err *err);

/* For messages: the file holding one part of a hit's document, "pos" (its
 * positions) or "store" (its text) - the segment's file of a native index,
 * the index folder of a Xapian one. */
const char *shelf_engine_file(const shelf_engine *e, const shelf_hit *hit, const char *part);

/* Positions (uint32_t, ascending) of key in the hit's document; empty when
 * absent. */
int shelf_engine_positions(shelf_engine *e, const shelf_hit *hit, const uint8_t *key, size_t len,
                           shelf_buf *out, shelf_err *err);

#endif
