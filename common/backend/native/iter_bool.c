/*
 * iter_bool.c - MUST / SHOULD / MUST_NOT combinations (iter.h).
 *
 * With MUST clauses, candidates are the documents all of them match
 * (leapfrogging: each clause is advanced to the largest current doc until
 * all agree); SHOULD clauses then only add to the score.  Without MUST, the
 * candidates are the union of the SHOULD clauses.  A candidate that any
 * MUST_NOT clause matches is dropped.  The score is the sum of the scores of
 * the MUST clauses and of the SHOULD clauses that match the document.
 */
#include "backend/native/iter.h"

#include <stdlib.h>

typedef struct bool_iter {
    shelf_iter base;
    shelf_iter **must, **should, **must_not;
    shelf_iter **must_order; /* must, rarest first (leapfrog order) */
    size_t nmust, nshould, nmust_not;
} bool_iter;

static uint32_t min_should(const bool_iter *t)
{
    uint32_t doc = SHELF_DOC_END;
    for (size_t i = 0; i < t->nshould; i++)
        if (t->should[i]->doc < doc)
            doc = t->should[i]->doc;
    return doc;
}

/* First doc >= target matched by all MUST clauses (or by some SHOULD). */
static uint32_t candidate(bool_iter *t, uint32_t target)
{
    if (t->nmust == 0) {
        for (size_t i = 0; i < t->nshould; i++)
            shelf_iter_advance(t->should[i], target);
        return min_should(t);
    }
    shelf_iter **order = t->must_order ? t->must_order : t->must;
    size_t agreed = 0;
    while (agreed < t->nmust) {
        agreed = 0;
        for (size_t i = 0; i < t->nmust; i++) {
            uint32_t d = shelf_iter_advance(order[i], target);
            if (d == SHELF_DOC_END)
                return SHELF_DOC_END;
            if (d > target) {
                target = d;
                break;
            }
            agreed++;
        }
    }
    return target;
}

static int excluded(bool_iter *t, uint32_t doc)
{
    for (size_t i = 0; i < t->nmust_not; i++)
        if (shelf_iter_advance(t->must_not[i], doc) == doc)
            return 1;
    return 0;
}

static uint32_t settle(bool_iter *t, uint32_t target)
{
    for (;;) {
        uint32_t doc = candidate(t, target);
        if (doc == SHELF_DOC_END || t->base.scorer->status != SHELF_OK)
            return t->base.doc = SHELF_DOC_END;
        if (!excluded(t, doc))
            return t->base.doc = doc;
        target = doc + 1;
    }
}

static uint32_t bool_next(shelf_iter *it)
{
    if (it->doc == SHELF_DOC_END)
        return it->doc;
    return settle((bool_iter *)it, it->doc + 1);
}

static uint32_t bool_advance(shelf_iter *it, uint32_t target)
{
    if (it->doc >= target)
        return it->doc;
    return settle((bool_iter *)it, target);
}

static double bool_score(shelf_iter *it)
{
    bool_iter *t = (bool_iter *)it;
    double sum = 0;
    for (size_t i = 0; i < t->nmust; i++)
        sum += shelf_iter_score(t->must[i]);
    for (size_t i = 0; i < t->nshould; i++)
        if (shelf_iter_advance(t->should[i], it->doc) == it->doc)
            sum += shelf_iter_score(t->should[i]);
    return sum;
}

static void bool_explain(shelf_iter *it, shelf_explain *ex)
{
    bool_iter *t = (bool_iter *)it;
    for (size_t i = 0; i < t->nmust; i++)
        shelf_iter_explain(t->must[i], ex);
    for (size_t i = 0; i < t->nshould; i++)
        if (shelf_iter_advance(t->should[i], it->doc) == it->doc)
            shelf_iter_explain(t->should[i], ex);
}

static void free_all(shelf_iter **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        shelf_iter_free(list[i]);
    free(list);
}

static void bool_free(shelf_iter *it)
{
    bool_iter *t = (bool_iter *)it;
    free_all(t->must, t->nmust);
    free_all(t->should, t->nshould);
    free_all(t->must_not, t->nmust_not);
    free(t->must_order);
    free(t);
}

/* Leapfrogging is cheapest when the rarest clause leads: sort the MUST
 * clauses by increasing cost (a stable insertion sort; there are few).  The
 * score is still summed in the plan's order (bool_score), so the order of
 * evaluation never changes a result. */
static void order_musts(bool_iter *t)
{
    t->must_order = malloc((t->nmust ? t->nmust : 1) * sizeof *t->must_order);
    if (!t->must_order)
        return;
    for (size_t i = 0; i < t->nmust; i++) {
        shelf_iter *x = t->must[i];
        size_t j = i;
        while (j > 0 && t->must_order[j - 1]->cost > x->cost) {
            t->must_order[j] = t->must_order[j - 1];
            j--;
        }
        t->must_order[j] = x;
    }
}

static uint64_t estimate_cost(const bool_iter *t)
{
    if (t->nmust)
        return t->must_order ? t->must_order[0]->cost : t->must[0]->cost;
    uint64_t sum = 0;
    for (size_t i = 0; i < t->nshould; i++)
        sum += t->should[i]->cost;
    return sum;
}

static const shelf_iter_ops bool_ops = {bool_next, bool_advance, bool_score, bool_explain, bool_free};

shelf_iter *shelf_iter_bool(const shelf_plan *plan, shelf_scorer *sc)
{
    bool_iter *t = calloc(1, sizeof *t);
    size_t n = plan->nchildren ? plan->nchildren : 1;
    if (t) {
        t->base.ops = &bool_ops;
        t->base.scorer = sc;
        t->must = calloc(n, sizeof *t->must);
        t->should = calloc(n, sizeof *t->should);
        t->must_not = calloc(n, sizeof *t->must_not);
    }
    if (!t || !t->must || !t->should || !t->must_not) {
        if (t)
            bool_free(&t->base);
        shelf_err err;
        shelf_errf(&err, SHELF_ENOMEM, "out of memory");
        shelf_scorer_fail(sc, &err);
        return NULL;
    }
    for (size_t i = 0; i < plan->nchildren; i++) {
        const shelf_plan *c = plan->children[i];
        shelf_iter *child = shelf_iter_build(c, sc);
        if (!child) {
            bool_free(&t->base);
            return NULL;
        }
        if (c->occur == SHELF_OCCUR_MUST)
            t->must[t->nmust++] = child;
        else if (c->occur == SHELF_OCCUR_MUST_NOT)
            t->must_not[t->nmust_not++] = child;
        else
            t->should[t->nshould++] = child;
    }
    order_musts(t);
    t->base.cost = estimate_cost(t);
    settle(t, 0);
    return &t->base;
}
