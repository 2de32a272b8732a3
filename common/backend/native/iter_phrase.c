/*
 * iter_phrase.c - PHRASE and NEAR: a conjunction of the words' postings in
 * one field, then a check of positions.  A phrase matches where word i sits
 * at position p + i for every i; NEAR/n matches where one occurrence of every
 * word fits in a span of at most n positions (last - first <= n), in any
 * order.  The document's tf is the number of such matches (iter.h).
 */
#include "backend/native/iter.h"
#include "query/bm25.h"
#include "query/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct positions {
    uint32_t *at;
    uint32_t len, cap;
} positions;

typedef struct phrase_iter {
    shelf_iter base;
    const shelf_plan *plan;
    size_t n;
    shelf_postings *posts;
    positions *pos;
    shelf_word_positions *words;
    size_t *rarest; /* word indexes by increasing df */
    uint32_t matches;
    double idf_sum;
} phrase_iter;

static int load_positions(phrase_iter *t, size_t i)
{
    shelf_postings *p = &t->posts[i];
    positions *ps = &t->pos[i];
    shelf_err err = {0};
    uint32_t tf = shelf_postings_tf_checked(p, &err);
    if (tf == 0) {
        shelf_scorer_fail(t->base.scorer, &err);
        return -1;
    }
    if (tf > ps->cap) {
        uint32_t *a = realloc(ps->at, tf * sizeof *a);
        if (!a)
            return -1;
        ps->at = a;
        ps->cap = tf;
    }
    if (shelf_postings_positions(p, ps->at, &err) != SHELF_OK) {
        shelf_scorer_fail(t->base.scorer, &err);
        return -1;
    }
    ps->len = tf;
    return 0;
}

static uint32_t count_matches(phrase_iter *t)
{
    shelf_word_positions *words = t->words;
    for (size_t i = 0; i < t->n; i++)
        words[i] = (shelf_word_positions){t->pos[i].at, t->pos[i].len};
    uint32_t count = t->plan->kind == SHELF_P_NEAR
                         ? shelf_match_near(words, t->n, t->plan->distance, NULL, NULL)
                         : shelf_match_phrase(words, t->n, NULL, NULL);
    if (count == UINT32_MAX) {
        shelf_err err;
        shelf_errf(&err, SHELF_ENOMEM, "out of memory matching a phrase");
        shelf_scorer_fail(t->base.scorer, &err);
        return 0;
    }
    return count;
}

/* Smallest doc >= target where every word occurs; END when none.  Words
 * are visited rarest first, so the leader skips furthest. */
static uint32_t align(phrase_iter *t, uint32_t target)
{
    size_t agreed = 0;
    while (agreed < t->n) {
        for (size_t k = 0; k < t->n; k++) {
            size_t i = t->rarest[k];
            uint32_t d = shelf_postings_advance(&t->posts[i], target);
            if (t->posts[i].status != SHELF_OK) {
                shelf_scorer_fail(t->base.scorer, &t->posts[i].err);
                return SHELF_DOC_END;
            }
            if (d == SHELF_DOC_END || shelf_scorer_tick(t->base.scorer))
                return SHELF_DOC_END;
            if (d > target) {
                target = d;
                agreed = 0;
                break;
            }
            agreed++;
        }
    }
    return target;
}

static uint32_t settle(phrase_iter *t, uint32_t target)
{
    for (;;) {
        uint32_t doc = align(t, target);
        if (doc == SHELF_DOC_END)
            break;
        int ok = 1;
        for (size_t i = 0; ok && i < t->n; i++)
            ok = load_positions(t, i) == 0;
        if (!ok)
            break;
        t->matches = count_matches(t);
        if (t->matches > 0)
            return t->base.doc = doc;
        target = doc + 1;
    }
    return t->base.doc = SHELF_DOC_END;
}

static uint32_t phrase_next(shelf_iter *it)
{
    if (it->doc == SHELF_DOC_END)
        return it->doc;
    return settle((phrase_iter *)it, it->doc + 1);
}

static uint32_t phrase_advance(shelf_iter *it, uint32_t target)
{
    if (it->doc >= target)
        return it->doc;
    return settle((phrase_iter *)it, target);
}

static double field_norm(const phrase_iter *t)
{
    const shelf_scorer *sc = t->base.scorer;
    uint32_t doc = t->base.doc;
    if (t->plan->field == SHELF_FIELD_TITLE_ID)
        return shelf_bm25_length_norm(sc->b, shelf_segment_title_length(sc->seg, doc), sc->avg_title);
    return shelf_bm25_length_norm(sc->b, shelf_segment_doc_length(sc->seg, doc), sc->avg_body);
}

static double phrase_score(shelf_iter *it)
{
    phrase_iter *t = (phrase_iter *)it;
    return shelf_bm25_saturate(it->scorer, t->idf_sum, t->matches / field_norm(t));
}

static void phrase_explain(shelf_iter *it, shelf_explain *ex)
{
    phrase_iter *t = (phrase_iter *)it;
    shelf_explain_term *e = shelf_explain_add(ex);
    if (!e)
        return;
    int title = t->plan->field == SHELF_FIELD_TITLE_ID;
    snprintf(e->text, sizeof e->text, "%s", t->plan->text ? t->plan->text : "");
    e->kind = t->plan->kind == SHELF_P_NEAR ? "near" : "phrase";
    e->tf_body = title ? 0 : t->matches;
    e->tf_title = title ? t->matches : 0;
    e->df = 0;
    for (size_t i = 0; i < t->n; i++)
        if (i == 0 || t->plan->keys[i].df < e->df)
            e->df = t->plan->keys[i].df;
    e->idf = t->idf_sum;
    if (title)
        e->norm_title = field_norm(t);
    else
        e->norm_body = field_norm(t);
    e->score = phrase_score(it);
}

static void phrase_free(shelf_iter *it)
{
    phrase_iter *t = (phrase_iter *)it;
    for (size_t i = 0; t->pos && i < t->n; i++)
        free(t->pos[i].at);
    free(t->pos);
    free(t->words);
    free(t->rarest);
    free(t->posts);
    free(t);
}

static const shelf_iter_ops phrase_ops = {phrase_next, phrase_advance, phrase_score, phrase_explain,
                                          phrase_free};

/* Open word i's postings; 0 when the word is absent from this segment. */
static int open_word(phrase_iter *t, size_t i)
{
    const shelf_pkey *k = &t->plan->keys[i];
    uint8_t key[SHELF_MAX_KEY_BYTES];
    memcpy(key, k->key, k->len);
    key[0] = t->plan->field;
    shelf_term_stats stats;
    shelf_err err = {0};
    const shelf_segment *seg = t->base.scorer->seg;
    int rc = shelf_segment_lookup(seg, key, k->len, &stats, &err);
    if (rc == SHELF_ENOTFOUND)
        return 0;
    if (rc == SHELF_OK)
        rc = shelf_postings_open(&t->posts[i], seg, &stats, &err);
    if (rc != SHELF_OK) {
        shelf_scorer_fail(t->base.scorer, &err);
        return 0;
    }
    return 1;
}

static void order_by_rarity(phrase_iter *t)
{
    for (size_t i = 0; i < t->n; i++) {
        size_t j = i;
        while (j > 0 && t->posts[t->rarest[j - 1]].term.df > t->posts[i].term.df) {
            t->rarest[j] = t->rarest[j - 1];
            j--;
        }
        t->rarest[j] = i;
    }
}

shelf_iter *shelf_iter_phrase(const shelf_plan *plan, shelf_scorer *sc)
{
    phrase_iter *t = calloc(1, sizeof *t);
    if (t) {
        t->posts = calloc(plan->nkeys, sizeof *t->posts);
        t->pos = calloc(plan->nkeys, sizeof *t->pos);
        t->words = calloc(plan->nkeys, sizeof *t->words);
        t->rarest = calloc(plan->nkeys, sizeof *t->rarest);
    }
    if (!t || !t->posts || !t->pos || !t->words || !t->rarest) {
        if (t)
            phrase_free(&t->base);
        shelf_err err;
        shelf_errf(&err, SHELF_ENOMEM, "out of memory");
        shelf_scorer_fail(sc, &err);
        return NULL;
    }
    t->base.ops = &phrase_ops;
    t->base.scorer = sc;
    t->plan = plan;
    t->n = plan->nkeys;
    int all_present = 1;
    for (size_t i = 0; i < t->n; i++) {
        t->idf_sum += plan->keys[i].idf;
        all_present = open_word(t, i) && all_present;
    }
    order_by_rarity(t);
    t->base.cost = all_present ? UINT64_MAX : 0;
    for (size_t i = 0; all_present && i < t->n; i++)
        if (t->posts[i].term.df < t->base.cost)
            t->base.cost = t->posts[i].term.df;
    if (all_present)
        settle(t, 0);
    else
        t->base.doc = SHELF_DOC_END;
    return &t->base;
}
