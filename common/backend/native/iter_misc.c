/*
 * iter_misc.c - the two iterators without postings: a filter, PATH or
 * FILTER (the documents that pass it, segfilter.h, filter_match.h; score 0),
 * and NONE (matches nothing, for a prefix that expands to no term).
 */
#include "backend/native/iter.h"
#include "backend/native/segfilter.h"

#include <stdlib.h>
#include <string.h>

typedef struct filter_iter {
    shelf_iter base;
    shelf_segfilter *filter;
} filter_iter;

static uint32_t filter_settle(filter_iter *t, uint32_t target)
{
    shelf_scorer *sc = t->base.scorer;
    uint32_t count = shelf_segment_doc_count(sc->seg);
    for (uint32_t d = target; d < count && !shelf_scorer_tick(sc); d++) {
        bool pass = shelf_segfilter_accepts(t->filter, d);
        shelf_err err;
        if (shelf_segfilter_status(t->filter, &err) != SHELF_OK) {
            shelf_scorer_fail(sc, &err);
            break;
        }
        if (pass)
            return t->base.doc = d;
    }
    return t->base.doc = SHELF_DOC_END;
}

static uint32_t filter_next(shelf_iter *it)
{
    if (it->doc == SHELF_DOC_END)
        return it->doc;
    return filter_settle((filter_iter *)it, it->doc + 1);
}

static uint32_t filter_advance(shelf_iter *it, uint32_t target)
{
    if (it->doc >= target)
        return it->doc;
    return filter_settle((filter_iter *)it, target);
}

static double zero_score(shelf_iter *it)
{
    return 0;
}

static void no_explain(shelf_iter *it, shelf_explain *ex) {}

static void plain_free(shelf_iter *it)
{
    free(it);
}

static void filter_iter_free(shelf_iter *it)
{
    shelf_segfilter_free(((filter_iter *)it)->filter);
    free(it);
}

static const shelf_iter_ops filter_ops = {filter_next, filter_advance, zero_score, no_explain, filter_iter_free};

static shelf_iter *fail_nomem(shelf_scorer *sc)
{
    shelf_err err;
    shelf_errf(&err, SHELF_ENOMEM, "out of memory");
    shelf_scorer_fail(sc, &err);
    return NULL;
}

shelf_iter *shelf_iter_filter(const shelf_plan *plan, shelf_scorer *sc)
{
    filter_iter *t = calloc(1, sizeof *t);
    if (!t)
        return fail_nomem(sc);
    t->base.ops = &filter_ops;
    t->base.scorer = sc;
    shelf_err err;
    t->filter = shelf_segfilter_new(sc->seg, &plan, 1, &err);
    if (!t->filter) {
        shelf_scorer_fail(sc, &err);
        free(t);
        return NULL;
    }
    t->base.cost = shelf_segment_doc_count(sc->seg);
    filter_settle(t, 0);
    return &t->base;
}

static uint32_t none_move(shelf_iter *it)
{
    return it->doc = SHELF_DOC_END;
}

static uint32_t none_advance(shelf_iter *it, uint32_t target)
{
    return it->doc = SHELF_DOC_END;
}

static const shelf_iter_ops none_ops = {none_move, none_advance, zero_score, no_explain, plain_free};

shelf_iter *shelf_iter_none(shelf_scorer *sc)
{
    shelf_iter *t = calloc(1, sizeof *t);
    if (!t)
        return fail_nomem(sc);
    t->ops = &none_ops;
    t->scorer = sc;
    t->doc = SHELF_DOC_END;
    return t;
}
