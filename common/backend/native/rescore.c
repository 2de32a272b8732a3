/* rescore.c - proximity re-scoring of the best hits; see rescore.h. */
#include "backend/native/rescore.h"
#include "backend/native/segment.h"
#include "query/bm25.h"
#include "query/proximity.h"
#include "query/topk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The query's words and, for one segment at a time, their body postings
 * and the current document's positions. */
typedef struct prox_state {
    const shelf_pkey *keys[SHELF_PROXIMITY_MAX_WORDS];
    double idf[SHELF_PROXIMITY_MAX_WORDS];
    size_t n;
    shelf_postings posts[SHELF_PROXIMITY_MAX_WORDS];
    bool open[SHELF_PROXIMITY_MAX_WORDS];
    uint32_t *pos[SHELF_PROXIMITY_MAX_WORDS];
    uint32_t cap[SHELF_PROXIMITY_MAX_WORDS];
    shelf_word_positions words[SHELF_PROXIMITY_MAX_WORDS];
    double k1, b, avg_body;
} prox_state;

bool shelf_rescore_applies(const shelf_plan *plan, const shelf_search_opts *o)
{
    const shelf_pkey *keys[2];
    return o->proximity_weight > 0 && o->k > 0 && shelf_proximity_keys(plan, keys, 2) == 2;
}

static void init_state(prox_state *s, const shelf_index *idx, const shelf_plan *plan,
                       const shelf_search_opts *o)
{
    memset(s, 0, sizeof *s);
    s->n = shelf_proximity_keys(plan, s->keys, SHELF_PROXIMITY_MAX_WORDS);
    for (size_t i = 0; i < s->n; i++)
        s->idf[i] = s->keys[i]->idf;
    s->k1 = o->k1;
    s->b = o->b;
    double docs = (double)shelf_index_doc_count(idx);
    s->avg_body = docs > 0 ? (double)shelf_index_total_tokens(idx) / docs : 0;
}

static void free_state(prox_state *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->pos[i]);
}

/* Open every word's body postings in segment seg (absent words stay closed). */
static int open_segment(prox_state *s, const shelf_segment *seg, shelf_err *err)
{
    for (size_t i = 0; i < s->n; i++) {
        shelf_term_stats stats;
        s->open[i] = false;
        int rc = shelf_segment_lookup(seg, s->keys[i]->key, s->keys[i]->len, &stats, err);
        if (rc == SHELF_ENOTFOUND)
            continue;
        if (rc == SHELF_OK)
            rc = shelf_postings_open(&s->posts[i], seg, &stats, err);
        if (rc != SHELF_OK)
            return rc;
        s->posts[i].pos_read = true; /* a few hits' positions: pread, not the mapping */
        s->open[i] = true;
    }
    return SHELF_OK;
}

/* Word i's positions in doc (none when absent) into s->words[i]. */
static int load_word(prox_state *s, size_t i, uint32_t doc, shelf_err *err)
{
    s->words[i] = (shelf_word_positions){NULL, 0};
    shelf_postings *p = &s->posts[i];
    if (!s->open[i] || shelf_postings_advance(p, doc) != doc) {
        if (s->open[i] && p->status != SHELF_OK) {
            if (err)
                *err = p->err;
            return p->status;
        }
        return SHELF_OK;
    }
    uint32_t tf = shelf_postings_tf_checked(p, err);
    if (tf == 0)
        return SHELF_ECORRUPT;
    if (tf > s->cap[i]) {
        uint32_t *a = realloc(s->pos[i], tf * sizeof *a);
        if (!a)
            return shelf_errf(err, SHELF_ENOMEM, "out of memory reading positions");
        s->pos[i] = a;
        s->cap[i] = tf;
    }
    int rc = shelf_postings_positions(p, s->pos[i], err);
    if (rc == SHELF_OK)
        s->words[i] = (shelf_word_positions){s->pos[i], tf};
    return rc;
}

/* The proximity parts of doc in seg (whose postings are open); *norm gets K. */
static int score_doc(prox_state *s, const shelf_segment *seg, uint32_t doc, shelf_proximity_parts *out,
                     double *norm, shelf_err *err)
{
    for (size_t i = 0; i < s->n; i++) {
        int rc = load_word(s, i, doc, err);
        if (rc != SHELF_OK)
            return rc;
    }
    *norm = shelf_bm25_length_norm(s->b, shelf_segment_doc_length(seg, doc), s->avg_body);
    *out = shelf_proximity(s->words, s->idf, s->n, s->k1, *norm);
    return SHELF_OK;
}

static int by_place(const void *a, const void *b)
{
    const shelf_hit *x = a, *y = b;
    if (x->segment != y->segment)
        return x->segment < y->segment ? -1 : 1;
    return x->local < y->local ? -1 : x->local > y->local;
}

static int best_first(const void *a, const void *b)
{
    if (shelf_hit_better(a, b))
        return -1;
    return shelf_hit_better(b, a) ? 1 : 0;
}

int shelf_rescore_proximity(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                            shelf_hit *hits, size_t count, shelf_err *out_err)
{
    shelf_err local = {0}, *err = out_err ? out_err : &local;
    prox_state s;
    init_state(&s, idx, plan, o);
    qsort(hits, count, sizeof *hits, by_place);
    int rc = SHELF_OK;
    for (size_t i = 0; rc == SHELF_OK && i < count; i++) {
        const shelf_segment *seg = shelf_index_segment(idx, hits[i].segment);
        if (i == 0 || hits[i].segment != hits[i - 1].segment)
            rc = open_segment(&s, seg, err);
        shelf_proximity_parts parts;
        double norm;
        if (rc == SHELF_OK)
            rc = score_doc(&s, seg, hits[i].local, &parts, &norm, err);
        if (rc == SHELF_OK)
            hits[i].score += o->proximity_weight * parts.score;
    }
    free_state(&s);
    qsort(hits, count, sizeof *hits, best_first);
    return rc;
}

/* The analysed words, space-separated, into text. */
static void describe(const prox_state *s, char *text, size_t size)
{
    size_t len = 0;
    text[0] = '\0';
    for (size_t i = 0; i < s->n && len + 1 < size; i++) {
        int w = snprintf(text + len, size - len, "%s%.*s", i ? " " : "", (int)(s->keys[i]->len - 1),
                         (const char *)s->keys[i]->key + 1);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

int shelf_rescore_explain(const shelf_index *idx, const shelf_plan *plan, const shelf_search_opts *o,
                          const shelf_hit *hit, shelf_explain *ex, shelf_err *out_err)
{
    shelf_err local = {0}, *err = out_err ? out_err : &local;
    if (!shelf_rescore_applies(plan, o))
        return SHELF_OK;
    prox_state s;
    init_state(&s, idx, plan, o);
    const shelf_segment *seg = shelf_index_segment(idx, hit->segment);
    shelf_proximity_parts parts = {0, 0};
    double norm = 0;
    int rc = open_segment(&s, seg, err);
    if (rc == SHELF_OK)
        rc = score_doc(&s, seg, hit->local, &parts, &norm, err);
    shelf_explain_term *e = rc == SHELF_OK ? shelf_explain_add(ex) : NULL;
    if (rc == SHELF_OK && !e)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory explaining");
    if (e) {
        describe(&s, e->text, sizeof e->text);
        e->kind = "proximity";
        e->tf_body = parts.pairs;
        e->norm_body = norm;
        e->score = o->proximity_weight * parts.score;
    }
    free_state(&s);
    return rc;
}
