/* search.c - exact top-k over all segments of a native index; see search.h. */
#include "backend/native/search.h"
#include "backend/native/iter.h"
#include "backend/native/maxscore.h"
#include "backend/native/rescore.h"
#include "query/topk.h"
#include "util/deadline.h"

#include <stdlib.h>
#include <string.h>

static void init_scorer(shelf_scorer *sc, const shelf_index *idx, size_t seg, const shelf_search_opts *o)
{
    memset(sc, 0, sizeof *sc);
    sc->seg = shelf_index_segment(idx, seg);
    sc->norms = shelf_segment_norms(sc->seg);
    sc->k1 = o->k1;
    sc->b = o->b;
    sc->title_weight = o->title_weight;
    shelf_ticker_init(&sc->clock, o->deadline_ns);
    double n = (double)shelf_index_doc_count(idx);
    sc->avg_body = n > 0 ? (double)shelf_index_total_tokens(idx) / n : 0;
    sc->avg_title = n > 0 ? (double)shelf_index_total_title_tokens(idx) / n : 0;
}

static int search_segment(const shelf_index *idx, size_t seg, const shelf_plan *plan,
                          const shelf_search_opts *o, shelf_topk *top, shelf_results *out, shelf_err *err)
{
    shelf_scorer sc;
    init_scorer(&sc, idx, seg, o);
    shelf_iter *it = shelf_iter_build(plan, &sc);
    uint64_t base = shelf_index_base(idx, seg);
    const shelf_deletions *deleted = shelf_index_deletions(idx, seg);
    for (uint32_t d = it ? it->doc : SHELF_DOC_END; d != SHELF_DOC_END && sc.status == SHELF_OK;
         d = shelf_iter_next(it)) {
        if (shelf_deleted(deleted, d))
            continue;
        out->total++;
        if (o->k == 0)
            continue;
        out->candidates_scored++;
        shelf_hit hit = {base + d, (uint32_t)seg, d, shelf_iter_score(it)};
        shelf_topk_offer(top, &hit);
    }
    shelf_iter_free(it);
    out->postings_decoded += sc.postings_decoded;
    if (sc.status != SHELF_OK) {
        if (err)
            *err = sc.err;
        return sc.status;
    }
    return SHELF_OK;
}

int shelf_search(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                 shelf_results *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    bool rescore = shelf_rescore_applies(plan, o);
    size_t pool = rescore && o->rescore_depth > o->k ? o->rescore_depth : o->k;
    shelf_topk top;
    if (shelf_topk_init(&top, pool) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory for %zu hits", pool);
    int rc = shelf_deadline_passed(o->deadline_ns) ? shelf_timeout_err(err, "searching") : SHELF_OK;
    bool prune = o->k > 0 && !o->exact_total && shelf_maxscore_applies(plan);
    out->total_exact = true; /* until MaxScore skips a document */
    for (size_t s = 0; rc == SHELF_OK && s < shelf_index_segment_count(idx); s++)
        rc = prune ? shelf_maxscore_segment(idx, s, plan, o, &top, out, err)
                   : search_segment(idx, s, plan, o, &top, out, err);
    if (rc == SHELF_OK)
        out->hits = shelf_topk_finish(&top, &out->count);
    shelf_topk_free(&top);
    if (rc == SHELF_OK && rescore) {
        rc = shelf_rescore_proximity(idx, plan, o, out->hits, out->count, err);
        if (out->count > o->k)
            out->count = o->k;
        if (rc != SHELF_OK)
            shelf_results_free(out);
    }
    return rc;
}

int shelf_search_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                         const shelf_hit *hit, shelf_explain *ex, shelf_err *err)
{
    shelf_scorer sc;
    init_scorer(&sc, idx, hit->segment, o);
    shelf_iter *it = shelf_iter_build(plan, &sc);
    if (it && shelf_iter_advance(it, hit->local) == hit->local)
        shelf_iter_explain(it, ex);
    shelf_iter_free(it);
    if (sc.status != SHELF_OK) {
        if (err)
            *err = sc.err;
        return sc.status;
    }
    return shelf_rescore_explain(idx, plan, o, hit, ex, err);
}
