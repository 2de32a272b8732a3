/* spans.c - a hit's matches as byte ranges of its text; see spans.h. */
#include "present/spans.h"
#include "present/token_locate.h"
#include "query/match.h"
#include "util/buf.h"
#include "util/deadline.h"

#include <stdlib.h>
#include <string.h>

/* Ticks counted per key whose positions are read (a dictionary lookup and a
 * decode), against one per span located. */
#define LEAF_WORK 16

typedef struct collector {
    shelf_engine *engine;
    const shelf_hit *hit;
    shelf_spans *out;
    shelf_err *err;
    int status;
    uint32_t group;
    double weight;
    shelf_ticker clock;
} collector;

static void add_span(collector *c, uint32_t first, uint32_t last)
{
    shelf_spans *s = c->out;
    if (c->status != SHELF_OK || s->count >= SHELF_SPANS_MAX)
        return;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        shelf_span *p = realloc(s->at, cap * sizeof *p);
        if (!p) {
            c->status = shelf_errf(c->err, SHELF_ENOMEM, "out of memory finding snippets");
            return;
        }
        s->at = p;
        s->cap = cap;
    }
    s->at[s->count++] = (shelf_span){first, last, 0, 0, c->group, c->weight};
}

/* Positions of a key's term in the body of the hit's document (a buffer of
 * uint32_t the caller frees); *len 0 when absent. */
static uint32_t *key_positions(collector *c, const shelf_pkey *k, uint32_t *len)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    memcpy(key, k->key, k->len);
    key[0] = SHELF_FIELD_BODY;
    shelf_buf pos = SHELF_BUF_INIT;
    int rc = shelf_engine_positions(c->engine, c->hit, key, k->len, &pos, c->err);
    *len = rc == SHELF_OK ? (uint32_t)(pos.len / sizeof(uint32_t)) : 0;
    if (rc != SHELF_OK)
        c->status = rc;
    if (*len == 0) {
        shelf_buf_free(&pos);
        return NULL;
    }
    return (uint32_t *)pos.data;
}

static void on_match(void *ctx, const uint32_t *members, size_t n)
{
    collector *c = ctx;
    add_span(c, members[0], members[n - 1]);
}

static void on_near_match(void *ctx, const uint32_t *members, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_span(ctx, members[i], members[i]);
}

static void collect_words(collector *c, const shelf_plan *p)
{
    shelf_word_positions *words = calloc(p->nkeys, sizeof *words);
    int complete = words != NULL;
    for (size_t i = 0; complete && i < p->nkeys && c->status == SHELF_OK; i++) {
        words[i].at = key_positions(c, &p->keys[i], &words[i].len);
        complete = words[i].len > 0;
    }
    if (complete && c->status == SHELF_OK) {
        if (p->kind == SHELF_P_TERM)
            for (uint32_t j = 0; j < words[0].len; j++)
                add_span(c, words[0].at[j], words[0].at[j]);
        else if (p->kind == SHELF_P_PHRASE)
            shelf_match_phrase(words, p->nkeys, on_match, c);
        else
            shelf_match_near(words, p->nkeys, p->distance, on_near_match, c);
    }
    for (size_t i = 0; words && i < p->nkeys; i++)
        free((void *)words[i].at);
    free(words);
}

static void collect(collector *c, const shelf_plan *p)
{
    if (p->occur == SHELF_OCCUR_MUST_NOT || c->status != SHELF_OK)
        return;
    if (p->kind == SHELF_P_TERM || p->kind == SHELF_P_PHRASE || p->kind == SHELF_P_NEAR) {
        if (shelf_ticker_tick(&c->clock, LEAF_WORK * (uint32_t)p->nkeys)) {
            c->status = shelf_timeout_err(c->err, "finding the matches for passages");
            return;
        }
        c->group = c->out->groups++;
        c->weight = 0;
        for (size_t i = 0; i < p->nkeys; i++)
            c->weight += p->keys[i].idf;
        collect_words(c, p);
        return;
    }
    for (size_t i = 0; i < p->nchildren; i++)
        collect(c, p->children[i]);
}

static int by_first(const void *a, const void *b)
{
    const shelf_span *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

static int mismatch(const collector *c, shelf_err *err)
{
    return shelf_errf(err, SHELF_ECORRUPT, "%s: positions of document %u do not match its text in %s",
                      shelf_engine_file(c->engine, c->hit, "pos"), c->hit->local,
                      shelf_engine_file(c->engine, c->hit, "store"));
}

static int fill_bytes(collector *c, shelf_spans *s, shelf_token_locator *l, shelf_err *err)
{
    for (size_t i = 0; i < s->count; i++) {
        if (shelf_ticker_tick(&c->clock, 1))
            return shelf_timeout_err(err, "finding the matches for passages");
        shelf_span *sp = &s->at[i];
        size_t ignored;
        if (!shelf_token_locate(l, sp->first, &sp->start, &ignored) ||
            !shelf_token_locate(l, sp->last, &ignored, &sp->end))
            return mismatch(c, err);
    }
    return SHELF_OK;
}

int shelf_spans_find(shelf_engine *engine, const shelf_hit *hit, const shelf_plan *plan,
                     shelf_analyzer *a, const char *text, size_t len, const uint64_t *checkpoints,
                     size_t checkpoint_count, shelf_spans *out, shelf_err *err)
{
    return shelf_spans_find_until(engine, hit, plan, a, text, len, checkpoints, checkpoint_count, 0,
                                  out, err);
}

int shelf_spans_find_until(shelf_engine *engine, const shelf_hit *hit, const shelf_plan *plan,
                           shelf_analyzer *a, const char *text, size_t len,
                           const uint64_t *checkpoints, size_t checkpoint_count,
                           uint64_t deadline_ns, shelf_spans *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    collector c = {engine, hit, out, err, SHELF_OK, 0, 0, {0}};
    shelf_ticker_init(&c.clock, deadline_ns);
    if (shelf_deadline_passed(deadline_ns))
        return shelf_timeout_err(err, "finding the matches for passages");
    collect(&c, plan);
    if (c.status != SHELF_OK)
        return c.status;
    if (out->count > 1)
        qsort(out->at, out->count, sizeof *out->at, by_first);
    shelf_token_locator l;
    shelf_token_locator_init(&l, a, text, len, checkpoints, checkpoint_count);
    return fill_bytes(&c, out, &l, err);
}

void shelf_spans_free(shelf_spans *s)
{
    free(s->at);
    memset(s, 0, sizeof *s);
}
