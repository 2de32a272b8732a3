/*
 * iter_term.c - a single term: walks the term's body and title postings
 * together and scores with BM25F (iter.h).  In the default field a document
 * matches when the term is in its body or its title; with title: only the
 * title postings decide matching and the body ones only add to the score.
 *
 * For block-max pruning each field also keeps, once asked, the bound of
 * every block of its postings (segment.h) and a cursor on the block that
 * holds the last document asked about; these never decode a block.
 *
 * Walking the body postings, the iterator asks the processor to fetch the
 * dense length of a document a few postings ahead (norms.h): reading the
 * lengths of scattered documents is what scoring waits for most.
 */
#include "backend/native/iter.h"
#include "backend/native/norms.h"
#include "query/bm25.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct field_blocks {
    double *tfn;     /* per block: bound of the normalised tf; NULL until asked */
    double max;      /* the largest of them (the field's bound) */
    uint64_t cursor; /* block holding the last document asked about */
} field_blocks;

/* How many postings ahead the body length is fetched. */
#define PREFETCH_AHEAD 8

typedef struct term_iter {
    shelf_iter base;
    const shelf_plan *plan;
    shelf_postings body, title;
    int has_body, has_title;
    int title_only;
    field_blocks body_blocks, title_blocks;
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

/* Ask for the body length of the document PREFETCH_AHEAD postings on (in
 * the current block), so that it is in cache when that one is scored. */
static inline void prefetch_ahead(const term_iter *t)
{
    unsigned ahead = t->body.index + PREFETCH_AHEAD;
    if (ahead < t->body.in_block)
        shelf_norms_prefetch(t->base.scorer->norms, t->body.docs[ahead]);
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
    if (t->has_body && !t->title_only && t->body.doc == cur) {
        shelf_postings_next(&t->body);
        prefetch_ahead(t);
    }
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

/* The current document's parts; norm_title is worked out only when it is
 * used or when `all` asks for it (explain). */
static inline term_parts compute(term_iter *t, bool all)
{
    shelf_scorer *sc = t->base.scorer;
    uint32_t doc = t->base.doc;
    term_parts p = {0};
    if (t->has_body && (t->body.doc == doc || shelf_postings_advance(&t->body, doc) == doc))
        p.tf_body = shelf_postings_tf(&t->body);
    if (t->has_title && t->title.doc == doc)
        p.tf_title = shelf_postings_tf(&t->title);
    p.norm_body = shelf_scorer_body_norm(sc, shelf_norms_body(sc->norms, doc));
    p.tfn = p.tf_body / p.norm_body;
    bool title_counts = sc->title_weight > 0 && p.tf_title;
    if (title_counts || all)
        p.norm_title = shelf_scorer_title_norm(sc, shelf_norms_title(sc->norms, doc));
    if (title_counts)
        p.tfn += sc->title_weight * p.tf_title / p.norm_title;
    return p;
}

static double term_score(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    term_parts p = compute(t, false);
    return shelf_bm25_saturate(it->scorer, t->plan->keys[0].idf, p.tfn);
}

static void term_explain(shelf_iter *it, shelf_explain *ex)
{
    term_iter *t = (term_iter *)it;
    term_parts p = compute(t, true);
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

/* Work out the field's block bounds and their maximum once (one pass over
 * the skip table serves both); false when they cannot be kept. */
static bool field_blocks_ready(shelf_postings *p, field_blocks *fb, double avg, const shelf_scorer *sc)
{
    if (fb->tfn)
        return true;
    fb->tfn = malloc(p->block_count * sizeof *fb->tfn);
    if (!fb->tfn)
        return false;
    shelf_postings_block_tfns(p, sc->b, avg, fb->tfn);
    fb->max = 0;
    for (uint64_t i = 0; i < p->block_count; i++)
        if (fb->tfn[i] > fb->max)
            fb->max = fb->tfn[i];
    fb->cursor = 0;
    return true;
}

/* The field's bound over the whole list (shelf_postings_max_tfn's value). */
static double field_max_tfn(shelf_postings *p, field_blocks *fb, double avg, const shelf_scorer *sc)
{
    return field_blocks_ready(p, fb, avg, sc) ? fb->max : shelf_postings_max_tfn(p, sc->b, avg);
}

double shelf_iter_term_bound(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    shelf_scorer *sc = it->scorer;
    double tfn = 0;
    if (t->has_body)
        tfn += field_max_tfn(&t->body, &t->body_blocks, sc->avg_body, sc);
    if (t->has_title && sc->title_weight > 0)
        tfn += sc->title_weight * field_max_tfn(&t->title, &t->title_blocks, sc->avg_title, sc);
    return shelf_bm25_saturate(sc, t->plan->keys[0].idf, tfn);
}

/* The field's bound for the block holding doc (0 past its end); narrows
 * *upto to that block's last document. */
static double field_block_bound(shelf_postings *p, field_blocks *fb, double avg, const shelf_scorer *sc,
                                uint32_t doc, uint32_t *upto)
{
    if (!field_blocks_ready(p, fb, avg, sc))
        return INFINITY; /* no bound known: never prunes */
    fb->cursor = shelf_postings_block_of(p, fb->cursor, doc);
    if (fb->cursor >= p->block_count)
        return 0;
    uint32_t last = shelf_postings_block_last(p, fb->cursor);
    if (last < *upto)
        *upto = last;
    return fb->tfn[fb->cursor];
}

double shelf_iter_term_block_bound(shelf_iter *it, uint32_t doc, uint32_t *upto)
{
    term_iter *t = (term_iter *)it;
    shelf_scorer *sc = it->scorer;
    double tfn = 0;
    *upto = UINT32_MAX - 1;
    if (t->has_body)
        tfn += field_block_bound(&t->body, &t->body_blocks, sc->avg_body, sc, doc, upto);
    if (t->has_title && sc->title_weight > 0)
        tfn += sc->title_weight * field_block_bound(&t->title, &t->title_blocks, sc->avg_title, sc, doc, upto);
    return shelf_bm25_saturate(sc, t->plan->keys[0].idf, tfn);
}

bool shelf_iter_term_open_title(const shelf_plan *plan, shelf_scorer *sc, shelf_postings *p)
{
    term_iter t = {.base = {.scorer = sc}, .plan = plan};
    return open_field(&t, SHELF_FIELD_TITLE_ID, p);
}

static void term_free(shelf_iter *it)
{
    term_iter *t = (term_iter *)it;
    it->scorer->postings_decoded += (t->has_body ? t->body.decoded : 0) + (t->has_title ? t->title.decoded : 0);
    free(t->body_blocks.tfn);
    free(t->title_blocks.tfn);
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
