/*
 * iter_term.c - a single term: walks the term's body and title postings
 * together and scores with BM25F (iter.h).  In the default field a document
 * matches when the term is in its body or its title; with title: only the
 * title postings decide matching and the body ones only add to the score.
 */
#include "backend/native/iter.h"
#include "query/bm25.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct term_iter {
    shelf_iter base;
    const shelf_plan *plan;
    shelf_postings body, title;
    int has_body, has_title;
    int title_only;
} term_iter;

static int open_field(term_iter *t, uint8_t field, shelf_postings *p)
{
    const shelf_pkey *k = &t->plan->keys[0];
    uint8_t key[SHELF_MAX_KEY_BYTES];
    memcpy(key, k->key, k->len);
    key[0] = field;
    shelf_term_stats stats;
    shelf_err err = {0};
    int rc = shelf_segment_lookup(t->base.scorer->seg, key, k->len, &stats, &err);
    if (rc == SHELF_ENOTFOUND)
        return 0;
    if (rc == SHELF_OK)
        rc = shelf_postings_open(p, t->base.scorer->seg, &stats, &err);
    if (rc != SHELF_OK) {
        shelf_scorer_fail(t->base.scorer, &err);
        return 0;
    }
    return 1;
}

static uint32_t settle(term_iter *t)
{
    if (t->has_body && t->body.status != SHELF_OK)
        shelf_scorer_fail(t->base.scorer, &t->body.err);
    if (t->has_title && t->title.status != SHELF_OK)
        shelf_scorer_fail(t->base.scorer, &t->title.err);
    uint32_t doc = SHELF_DOC_END;
    if (t->has_title)
        doc = t->title.doc;
    if (t->has_body && !t->title_only && t->body.doc < doc)
        doc = t->body.doc;
    if (t->base.scorer->status != SHELF_OK)
        doc = SHELF_DOC_END;
    return t->base.doc = doc;
}

static uint32_t term_next(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    uint32_t cur = it->doc;
    if (cur == SHELF_DOC_END)
        return cur;
    if (shelf_scorer_tick(it->scorer))
        return settle(t);
    if (t->has_title && t->title.doc == cur)
        shelf_postings_next(&t->title);
    if (t->has_body && !t->title_only && t->body.doc == cur)
        shelf_postings_next(&t->body);
    return settle(t);
}

static uint32_t term_advance(shelf_iter *it, uint32_t target)
{
    term_iter *t = (term_iter *)it;
    if (it->doc >= target)
        return it->doc;
    if (shelf_scorer_tick(it->scorer))
        return settle(t);
    if (t->has_title)
        shelf_postings_advance(&t->title, target);
    if (t->has_body && !t->title_only)
        shelf_postings_advance(&t->body, target);
    return settle(t);
}

typedef struct term_parts {
    uint32_t tf_body, tf_title;
    double norm_body, norm_title, tfn;
} term_parts;

static term_parts compute(term_iter *t)
{
    shelf_scorer *sc = t->base.scorer;
    uint32_t doc = t->base.doc;
    term_parts p = {0};
    if (t->has_body && shelf_postings_advance(&t->body, doc) == doc)
        p.tf_body = shelf_postings_tf(&t->body);
    if (t->has_title && t->title.doc == doc)
        p.tf_title = shelf_postings_tf(&t->title);
    uint32_t body_len = shelf_segment_doc_length(sc->seg, doc);
    uint32_t title_len = shelf_segment_title_length(sc->seg, doc);
    p.norm_body = shelf_bm25_length_norm(sc->b, body_len, sc->avg_body);
    p.norm_title = shelf_bm25_length_norm(sc->b, title_len, sc->avg_title);
    p.tfn = p.tf_body / p.norm_body;
    if (sc->title_weight > 0 && p.tf_title)
        p.tfn += sc->title_weight * p.tf_title / p.norm_title;
    return p;
}

static double term_score(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    term_parts p = compute(t);
    return shelf_bm25_saturate(it->scorer, t->plan->keys[0].idf, p.tfn);
}

static void term_explain(shelf_iter *it, shelf_explain *ex)
{
    term_iter *t = (term_iter *)it;
    term_parts p = compute(t);
    shelf_explain_term *e = shelf_explain_add(ex);
    if (!e)
        return;
    snprintf(e->text, sizeof e->text, "%s", t->plan->text ? t->plan->text : "");
    e->kind = t->title_only ? "title" : "term";
    e->tf_body = p.tf_body;
    e->tf_title = p.tf_title;
    e->df = t->plan->keys[0].df;
    e->idf = t->plan->keys[0].idf;
    e->norm_body = p.norm_body;
    e->norm_title = p.norm_title;
    e->score = shelf_bm25_saturate(it->scorer, e->idf, p.tfn);
}

double shelf_iter_term_bound(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    shelf_scorer *sc = it->scorer;
    double tfn = 0;
    if (t->has_body)
        tfn += shelf_postings_max_tfn(&t->body, sc->b, sc->avg_body);
    if (t->has_title && sc->title_weight > 0)
        tfn += sc->title_weight * shelf_postings_max_tfn(&t->title, sc->b, sc->avg_title);
    return shelf_bm25_saturate(sc, t->plan->keys[0].idf, tfn);
}

static void term_free(shelf_iter *it)
{
    free(it);
}

static const shelf_iter_ops term_ops = {term_next, term_advance, term_score, term_explain, term_free};

shelf_iter *shelf_iter_term(const shelf_plan *plan, shelf_scorer *sc)
{
    term_iter *t = calloc(1, sizeof *t);
    if (!t) {
        shelf_err err;
        shelf_errf(&err, SHELF_ENOMEM, "out of memory");
        shelf_scorer_fail(sc, &err);
        return NULL;
    }
    t->base.ops = &term_ops;
    t->base.scorer = sc;
    t->plan = plan;
    t->title_only = plan->field == SHELF_FIELD_TITLE_ID;
    t->has_body = open_field(t, SHELF_FIELD_BODY, &t->body);
    t->has_title = open_field(t, SHELF_FIELD_TITLE_ID, &t->title);
    t->base.cost = (t->has_body ? t->body.term.df : 0) + (t->has_title ? t->title.term.df : 0);
    settle(t);
    return &t->base;
}
