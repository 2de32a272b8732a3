/* search.c - exact top-k over all segments of a native index; see search.h. */
#include "backend/native/search.h"
#include "backend/native/segfilter.h"
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

/* A plan whose root requires filters next to what it scores: BOOL(+f...,
 * rest) is searched as rest, each candidate checked against the filters
 * (segfilter.h) before it is scored, so the ranking and the pruning are those
 * of rest alone.  Other plans are searched as they are (core = plan). */
typedef struct split_plan {
    const shelf_plan *core;
    shelf_plan copy; /* a shallow copy the core may be (never freed as a plan) */
    const shelf_plan **filters;
    size_t nfilters;
    shelf_plan **owned; /* the copy's children array, when it made one */
} split_plan;

static bool positive(const shelf_plan *p)
{
    return p->occur != SHELF_OCCUR_MUST_NOT;
}

static bool lifted(const shelf_plan *p)
{
    return p->occur == SHELF_OCCUR_MUST && shelf_plan_is_filter(p);
}

static int split_filters(const shelf_plan *plan, split_plan *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->core = plan;
    if (plan->kind != SHELF_P_BOOL)
        return SHELF_OK;
    size_t filters = 0, rest_positive = 0;
    for (size_t i = 0; i < plan->nchildren; i++) {
        filters += lifted(plan->children[i]);
        rest_positive += !lifted(plan->children[i]) && positive(plan->children[i]);
    }
    if (filters == 0 || rest_positive == 0)
        return SHELF_OK;
    sp->filters = malloc(filters * sizeof *sp->filters);
    shelf_plan **rest = malloc((plan->nchildren - filters) * sizeof *rest);
    if (!sp->filters || !rest) {
        free(sp->filters);
        free(rest);
        sp->filters = NULL;
        return SHELF_ENOMEM;
    }
    size_t nrest = 0;
    for (size_t i = 0; i < plan->nchildren; i++) {
        if (lifted(plan->children[i]))
            sp->filters[sp->nfilters++] = plan->children[i];
        else
            rest[nrest++] = plan->children[i];
    }
    if (nrest == 1) {
        sp->copy = *rest[0];
        free(rest);
    } else {
        sp->copy = *plan;
        sp->copy.children = sp->owned = rest;
        sp->copy.nchildren = nrest;
    }
    sp->copy.occur = SHELF_OCCUR_SHOULD;
    sp->core = &sp->copy;
    return SHELF_OK;
}

static void split_free(split_plan *sp)
{
    free(sp->owned);
    free(sp->filters);
}

static int search_segment(const shelf_index *idx, size_t seg, const shelf_plan *plan,
                          shelf_segfilter *filter, const shelf_search_opts *o, shelf_topk *top,
                          shelf_results *out, shelf_err *err)
{
    shelf_scorer sc;
    init_scorer(&sc, idx, seg, o);
    shelf_iter *it = shelf_iter_build(plan, &sc);
    uint64_t base = shelf_index_base(idx, seg);
    const shelf_deletions *deleted = shelf_index_deletions(idx, seg);
    for (uint32_t d = it ? it->doc : SHELF_DOC_END; d != SHELF_DOC_END && sc.status == SHELF_OK;
         d = shelf_iter_next(it)) {
        if (shelf_deleted(deleted, d) || (filter && !shelf_segfilter_accepts(filter, d)))
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

static int search_filtered(const shelf_index *idx, size_t seg, const split_plan *sp, bool prune,
                           const shelf_search_opts *o, shelf_topk *top, shelf_results *out,
                           shelf_err *err)
{
    shelf_segfilter *filter = NULL;
    if (sp->nfilters) {
        filter = shelf_segfilter_new(shelf_index_segment(idx, seg), sp->filters, sp->nfilters, err);
        if (!filter)
            return err && err->code ? err->code : SHELF_ENOMEM;
    }
    int rc = prune ? shelf_maxscore_segment(idx, seg, sp->core, filter, o, top, out, err)
                   : search_segment(idx, seg, sp->core, filter, o, top, out, err);
    if (rc == SHELF_OK && filter)
        rc = shelf_segfilter_status(filter, err);
    shelf_segfilter_free(filter);
    return rc;
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
    split_plan sp;
    if (split_filters(plan, &sp) != SHELF_OK && rc == SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory for a query's filters");
    bool prune = o->k > 0 && !o->exact_total && shelf_maxscore_applies(sp.core);
    out->total_exact = true; /* until MaxScore skips a document */
    for (size_t s = 0; rc == SHELF_OK && s < shelf_index_segment_count(idx); s++)
        rc = search_filtered(idx, s, &sp, prune, o, &top, out, err);
    split_free(&sp);
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
