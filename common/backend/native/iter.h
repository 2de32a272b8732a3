/*
 * iter.h - matching and scoring iterators over one segment, built from a
 * plan (plan.h).  Document-at-a-time: every iterator sits on its current
 * matching document `doc` (SHELF_DOC_END when exhausted) and only moves
 * forward.
 *
 * Contract of every iterator:
 *   - after shelf_iter_build, doc is its first matching document;
 *   - next() moves to the following match; advance(t) to the first match >= t
 *     (staying put when doc >= t); both return the new doc;
 *   - score() and explain() describe the current doc and do not move it.
 *
 * Scoring (README, "Ranking"), with K(dl, avg) = 1 - b + b * dl / avg
 * (query/bm25.h):
 *   TERM:   tfn = tf_body / K(dl_body, avg_body) + w * tf_title / K(dl_title, avg_title)
 *           score = idf * tfn * (k1 + 1) / (k1 + tfn)         (BM25F; w = title weight)
 *           which is exactly idf * tf (k1 + 1) / (tf + k1 K) when w = 0.
 *   PHRASE, NEAR: the same formula over their field alone with tf = number of
 *           matches in the document and idf = the sum of their words' idf.
 *   BOOL:   sum of the scores of the children that match; PATH and FILTER score 0.
 * Errors met while iterating (a damaged posting list) end the iteration and
 * are left in the scorer's status/err.  So does the search's deadline: the
 * iterators that walk documents (term, filter) count every step with
 * shelf_scorer_tick, which fails the scorer with SHELF_ETIMEOUT once the
 * deadline has passed; every term iterator then reports SHELF_DOC_END.
 */
#ifndef SHELF_NATIVE_ITER_H
#define SHELF_NATIVE_ITER_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/native/segment.h"
#include "query/bm25.h"
#include "query/plan.h"
#include "query/search.h"
#include "util/deadline.h"

/* Lengths below these have their K(dl, avg) kept in the scorer's tables. */
#define SHELF_NORM_TABLE_BODY 1024
#define SHELF_NORM_TABLE_TITLE 256

typedef struct shelf_scorer {
    const shelf_segment *seg;
    const struct shelf_norms *norms; /* seg's dense lengths */
    double k1, b, title_weight;
    double avg_body, avg_title; /* over the whole index */
    shelf_ticker clock;         /* the search's deadline (none when 0) */
    uint64_t postings_decoded;  /* work counters, added to by the iterators */
    /* K(dl, avg) by length, filled as lengths are met (0: not yet); each
     * entry is the very double shelf_bm25_length_norm returns. */
    double body_norm[SHELF_NORM_TABLE_BODY], title_norm[SHELF_NORM_TABLE_TITLE];
    int status;
    shelf_err err;
} shelf_scorer;

typedef struct shelf_iter shelf_iter;

typedef struct shelf_iter_ops {
    uint32_t (*next)(shelf_iter *it);
    uint32_t (*advance)(shelf_iter *it, uint32_t target);
    double (*score)(shelf_iter *it);
    void (*explain)(shelf_iter *it, shelf_explain *ex);
    void (*free)(shelf_iter *it);
} shelf_iter_ops;

struct shelf_iter {
    const shelf_iter_ops *ops;
    uint32_t doc;
    shelf_scorer *scorer;
    uint64_t cost; /* about how many documents it can visit (for ordering AND) */
};

/* Build the iterator tree for one segment.  NULL with sc->status set on
 * error. */
shelf_iter *shelf_iter_build(const shelf_plan *plan, shelf_scorer *sc);

static inline uint32_t shelf_iter_next(shelf_iter *it) { return it->ops->next(it); }
static inline uint32_t shelf_iter_advance(shelf_iter *it, uint32_t t) { return it->ops->advance(it, t); }
static inline double shelf_iter_score(shelf_iter *it) { return it->ops->score(it); }
static inline void shelf_iter_explain(shelf_iter *it, shelf_explain *ex) { it->ops->explain(it, ex); }
void shelf_iter_free(shelf_iter *it);

/* ---- shared by the iterator files ---- */

/* The saturation idf * tfn * (k1 + 1) / (k1 + tfn) (inline: it runs for
 * every scored candidate). */
static inline double shelf_bm25_saturate(const shelf_scorer *sc, double idf, double tfn)
{
    if (tfn <= 0)
        return 0;
    return idf * tfn * (sc->k1 + 1.0) / (sc->k1 + tfn);
}
void shelf_scorer_fail(shelf_scorer *sc, const shelf_err *err);

/* K(dl, avg_body) and K(dl, avg_title) (query/bm25.h), through the tables:
 * no division for a length met before.  (A K of exactly 0, b = 1 and dl = 0,
 * is simply worked out again each time.) */
static inline double shelf_scorer_body_norm(shelf_scorer *sc, uint32_t dl)
{
    if (dl >= SHELF_NORM_TABLE_BODY)
        return shelf_bm25_length_norm(sc->b, dl, sc->avg_body);
    if (sc->body_norm[dl] == 0)
        sc->body_norm[dl] = shelf_bm25_length_norm(sc->b, dl, sc->avg_body);
    return sc->body_norm[dl];
}

static inline double shelf_scorer_title_norm(shelf_scorer *sc, uint32_t dl)
{
    if (dl >= SHELF_NORM_TABLE_TITLE)
        return shelf_bm25_length_norm(sc->b, dl, sc->avg_title);
    if (sc->title_norm[dl] == 0)
        sc->title_norm[dl] = shelf_bm25_length_norm(sc->b, dl, sc->avg_title);
    return sc->title_norm[dl];
}
/* Fail the scorer with SHELF_ETIMEOUT (unless it failed already); true. */
bool shelf_scorer_expired(shelf_scorer *sc);
/* Count one step of work against the deadline; true (the scorer failed with
 * SHELF_ETIMEOUT) when it has passed.  Inline: it runs for every posting. */
static inline bool shelf_scorer_tick(shelf_scorer *sc)
{
    return shelf_ticker_tick(&sc->clock, 1) && shelf_scorer_expired(sc);
}

shelf_iter *shelf_iter_term(const shelf_plan *plan, shelf_scorer *sc);
/* For a term iterator: an upper bound of its score over the segment
 * (BM25F of the largest normalised frequencies of body and title). */
double shelf_iter_term_bound(shelf_iter *it);
/* For a term iterator: an upper bound of its score for every document in
 * [doc, *upto] (BM25F of the per-block bounds of the body and title blocks
 * that hold doc, iter.h's formula), reading only skip tables; *upto is the
 * end of the shortest of those blocks (UINT32_MAX - 1 when the term has no
 * document >= doc, and then the bound is 0).  doc never decreases between
 * calls. */
double shelf_iter_term_block_bound(shelf_iter *it, uint32_t doc, uint32_t *upto);
/* Open the title postings of the TERM plan into p (segment.h), outside any
 * iterator; false when the segment has none, or on an error, left in sc. */
bool shelf_iter_term_open_title(const shelf_plan *plan, shelf_scorer *sc, shelf_postings *p);
shelf_iter *shelf_iter_phrase(const shelf_plan *plan, shelf_scorer *sc);
shelf_iter *shelf_iter_bool(const shelf_plan *plan, shelf_scorer *sc);
shelf_iter *shelf_iter_filter(const shelf_plan *plan, shelf_scorer *sc);
shelf_iter *shelf_iter_none(shelf_scorer *sc);

#endif
