/* rescore.c - proximity and heading re-scoring of the best hits; see rescore.h. */
#include "backend/native/rescore.h"
#include "backend/heading_spans.h"
#include "backend/native/segment.h"
#include "query/bm25.h"
#include "query/heading.h"
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

/* Does the proximity part, the heading part, apply to a plan with n words? */
static bool proximity_on(const shelf_search_opts *o, size_t n)
{
    return o->proximity_weight > 0 && n >= 2;
}

static bool heading_on(const shelf_search_opts *o, size_t n)
{
    return o->heading_weight > 0 && n >= 1;
}

bool shelf_rescore_applies(const shelf_plan *plan, const shelf_search_opts *o)
{
    const shelf_pkey *keys[2];
    size_t n = o->k > 0 ? shelf_proximity_keys(plan, keys, 2) : 0;
    return proximity_on(o, n) || heading_on(o, n);
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

/* The heading part of doc (whose words' positions score_doc loaded). */
static int heading_doc(const prox_state *s, const shelf_segment *seg, uint32_t doc,
                       shelf_heading_parts *out, shelf_err *err)
{
    *out = (shelf_heading_parts){0, 0, 0};
    for (size_t i = 0; i < s->n; i++)
        if (s->words[i].len == 0)
            return SHELF_OK; /* a word the document lacks: no heading holds them all */
    /* read with pread, not through the mapping: a query's hits are
     * scattered, and the mapping's fault-around would make .docs resident */
    shelf_docmeta meta;
    shelf_buf heap = SHELF_BUF_INIT;
    int rc = shelf_segment_doc_read(seg, doc, &meta, &heap, err);
    if (rc != SHELF_OK) {
        shelf_buf_free(&heap);
        return rc;
    }
    shelf_span_cursor c;
    shelf_heading_match m;
    shelf_token_span span;
    int got = shelf_span_cursor_init(&c, meta.headings, meta.headings_len);
    shelf_heading_begin(&m, s->words, s->idf, s->n);
    if (got == 0)
        while ((got = shelf_span_next(&c, &span)) == 1)
            shelf_heading_offer(&m, span);
    shelf_buf_free(&heap);
    if (got < 0)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (heading spans of document %u)",
                          shelf_segment_file(seg, "docs"), doc);
    *out = shelf_heading_end(&m);
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
        shelf_heading_parts head = {0, 0, 0};
        double norm;
        if (rc == SHELF_OK)
            rc = score_doc(&s, seg, hits[i].local, &parts, &norm, err);
        if (rc == SHELF_OK && heading_on(o, s.n))
            rc = heading_doc(&s, seg, hits[i].local, &head, err);
        if (rc == SHELF_OK && proximity_on(o, s.n))
            hits[i].score += o->proximity_weight * parts.score;
        if (rc == SHELF_OK && heading_on(o, s.n))
            hits[i].score += o->heading_weight * head.score;
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

static shelf_explain_term proximity_line(const prox_state *s, const shelf_search_opts *o,
                                         const shelf_proximity_parts *parts, double norm)
{
    shelf_explain_term e = {.kind = "proximity", .tf_body = parts->pairs, .norm_body = norm,
                            .score = o->proximity_weight * parts->score};
    describe(s, e.text, sizeof e.text);
    return e;
}

/* tf: the best heading's tokens (0: none holds every word); idf: Σ min(1,
 * idf); norm: its coverage. */
static shelf_explain_term heading_line(const prox_state *s, const shelf_search_opts *o,
                                       const shelf_heading_parts *head)
{
    double mass = 0;
    for (size_t i = 0; i < s->n; i++)
        mass += s->idf[i] < 1.0 ? s->idf[i] : 1.0;
    shelf_explain_term e = {.kind = "heading", .tf_body = head->tokens, .idf = mass,
                            .norm_body = head->coverage, .score = o->heading_weight * head->score};
    describe(s, e.text, sizeof e.text);
    return e;
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
    shelf_heading_parts head = {0, 0, 0};
    double norm = 0;
    int rc = open_segment(&s, seg, err);
    if (rc == SHELF_OK)
        rc = score_doc(&s, seg, hit->local, &parts, &norm, err);
    if (rc == SHELF_OK && heading_on(o, s.n))
        rc = heading_doc(&s, seg, hit->local, &head, err);
    if (rc == SHELF_OK && proximity_on(o, s.n)) {
        shelf_explain_term *e = shelf_explain_add(ex);
        if (!e)
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory explaining");
        else
            *e = proximity_line(&s, o, &parts, norm);
    }
    if (rc == SHELF_OK && heading_on(o, s.n)) {
        shelf_explain_term *e = shelf_explain_add(ex);
        if (!e)
            rc = shelf_errf(err, SHELF_ENOMEM, "out of memory explaining");
        else
            *e = heading_line(&s, o, &head);
    }
    free_state(&s);
    return rc;
}
