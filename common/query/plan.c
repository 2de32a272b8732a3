/* plan.c - from a parse tree to an analysed, index-aware plan; see plan.h. */
#include "query/plan.h"
#include "query/bm25.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct planner {
    const shelf_stats *stats;
    shelf_analyzer *analyzer;
    char *notes;
    size_t notes_size;
    shelf_err *err;
    int *err_column;
    int failed;
    size_t expanded; /* terms taken from prefixes so far, whole query */
} planner;

static void note(planner *pl, const char *fmt, const char *word, int count)
{
    if (!pl->notes || pl->notes_size == 0)
        return;
    size_t used = strlen(pl->notes);
    if (used + 1 >= pl->notes_size)
        return;
    snprintf(pl->notes + used, pl->notes_size - used, fmt, word, count);
}

static int fail(planner *pl, int column, const char *fmt, const char *word)
{
    pl->failed = 1;
    shelf_errf(pl->err, SHELF_EINVAL, fmt, word);
    if (pl->err_column)
        *pl->err_column = column;
    return -1;
}

static shelf_plan *new_node(shelf_pkind kind, shelf_occur occur)
{
    shelf_plan *p = calloc(1, sizeof *p);
    if (p) {
        p->kind = kind;
        p->occur = occur;
        p->field = SHELF_FIELD_BODY;
    }
    return p;
}

void shelf_plan_free(shelf_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nchildren; i++)
        shelf_plan_free(p->children[i]);
    free(p->children);
    free(p->keys);
    free(p->text);
    for (size_t i = 0; i < p->nfolders; i++)
        free(p->folders[i]);
    free(p->folders);
    free(p);
}

bool shelf_plan_is_filter(const shelf_plan *p)
{
    return p->kind == SHELF_P_PATH || p->kind == SHELF_P_FILTER;
}

/* base + "/" + rel without trailing '/'s ("/" alone stays). */
static char *join_folder(const char *base, const char *rel)
{
    size_t nb = strlen(base), nr = strlen(rel);
    char *s = malloc(nb + nr + 2);
    if (!s)
        return NULL;
    memcpy(s, base, nb);
    size_t n = nb;
    if (nr) {
        if (n > 0 && s[n - 1] != '/')
            s[n++] = '/';
        memcpy(s + n, rel, nr);
        n += nr;
    }
    while (n > 1 && s[n - 1] == '/')
        n--;
    s[n] = '\0';
    return s;
}

static int add_folder(shelf_plan *p, char *folder)
{
    char **f = folder ? realloc(p->folders, (p->nfolders + 1) * sizeof *f) : NULL;
    if (!f) {
        free(folder);
        return SHELF_ENOMEM;
    }
    p->folders = f;
    f[p->nfolders++] = folder;
    return SHELF_OK;
}

int shelf_plan_resolve_folders(shelf_plan *p, char *const *roots, size_t nroots, shelf_err *err)
{
    int rc = SHELF_OK;
    for (size_t i = 0; rc == SHELF_OK && i < p->nchildren; i++)
        rc = shelf_plan_resolve_folders(p->children[i], roots, nroots, err);
    if (rc != SHELF_OK || p->kind != SHELF_P_FILTER || p->filter.kind != SHELF_FILTER_IN ||
        p->nfolders > 0)
        return rc;
    const char *value = p->text;
    while (value[0] == '.' && value[1] == '/')
        value += 2; /* "./docs" is "docs" */
    if (value[0] == '/' || nroots == 0)
        rc = add_folder(p, join_folder("", value));
    for (size_t r = 0; rc == SHELF_OK && value[0] != '/' && r < nroots; r++)
        rc = add_folder(p, join_folder(roots[r], value));
    if (rc != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory resolving in:%s", p->text);
    return SHELF_OK;
}

static int add_child(shelf_plan *parent, shelf_plan *child)
{
    shelf_plan **c = realloc(parent->children, (parent->nchildren + 1) * sizeof *c);
    if (!c)
        return -1;
    parent->children = c;
    c[parent->nchildren++] = child;
    return 0;
}

static int stats_df(planner *pl, const uint8_t *key, size_t len, uint64_t *df)
{
    return pl->stats->df(pl->stats->source, key, len, df, pl->err);
}

/* Fill a key's statistics from the index. */
static int key_stats(planner *pl, shelf_pkey *k)
{
    uint64_t df = 0;
    k->key[0] = SHELF_FIELD_BODY;
    if (stats_df(pl, k->key, k->len, &df) != SHELF_OK)
        return -1;
    if (df == 0) {
        k->key[0] = SHELF_FIELD_TITLE_ID;
        int rc = stats_df(pl, k->key, k->len, &df);
        k->key[0] = SHELF_FIELD_BODY;
        if (rc != SHELF_OK)
            return -1;
    }
    k->df = df;
    k->idf = shelf_bm25_idf(pl->stats->doc_count(pl->stats->source), df);
    return 0;
}

/* Append every token of a word as keys; returns the number added or -1. */
static int append_tokens(planner *pl, shelf_plan *p, const char *word)
{
    shelf_token_iter it;
    shelf_token tok;
    int added = 0;
    shelf_tokens_begin(&it, pl->analyzer, word, strlen(word));
    while (shelf_tokens_next(&it, &tok)) {
        shelf_pkey *keys = realloc(p->keys, (p->nkeys + 1) * sizeof *keys);
        if (!keys)
            return -1;
        p->keys = keys;
        shelf_pkey *k = &keys[p->nkeys];
        memset(k, 0, sizeof *k);
        memcpy(k->key + 1, tok.term, tok.term_len);
        k->len = tok.term_len + 1;
        if (key_stats(pl, k) != 0)
            return -1;
        p->nkeys++;
        added++;
    }
    return added;
}

static uint8_t field_byte(shelf_field f)
{
    return f == SHELF_FIELD_TITLE ? SHELF_FIELD_TITLE_ID : SHELF_FIELD_BODY;
}

static char *join_words(const shelf_qnode *q)
{
    size_t n = 1;
    for (size_t i = 0; i < q->nchildren; i++)
        n += strlen(q->children[i]->text) + 1;
    char *s = calloc(1, n);
    for (size_t i = 0; s && i < q->nchildren; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, q->children[i]->text);
    }
    return s;
}

/* TERM, PHRASE and NEAR: a sequence of analysed keys.  NULL = dropped. */
static shelf_plan *plan_words(planner *pl, const shelf_qnode *q)
{
    shelf_plan *p = new_node(q->kind == SHELF_Q_NEAR ? SHELF_P_NEAR : SHELF_P_PHRASE, q->occur);
    if (!p)
        return NULL;
    p->field = field_byte(q->field);
    p->distance = q->distance;
    p->text = q->kind == SHELF_Q_TERM ? strdup(q->text) : join_words(q);
    int ok = p->text != NULL;
    if (q->kind == SHELF_Q_TERM)
        ok = ok && append_tokens(pl, p, q->text) >= 0;
    for (size_t i = 0; ok && i < q->nchildren; i++)
        ok = append_tokens(pl, p, q->children[i]->text) >= 0;
    if (!ok) {
        pl->failed = 1;
        shelf_plan_free(p);
        return NULL;
    }
    if (p->nkeys == 0) {
        shelf_plan_free(p);
        return NULL;
    }
    if (p->nkeys == 1)
        p->kind = SHELF_P_TERM;
    return p;
}

/* ---- prefixes ---- */

typedef struct expansion {
    shelf_pkey *keys;
    size_t count, cap;
} expansion;

static int add_expansion(expansion *e, const uint8_t *key, size_t len)
{
    for (size_t i = 0; i < e->count; i++)
        if (e->keys[i].len == len && memcmp(e->keys[i].key, key, len) == 0)
            return 0;
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        shelf_pkey *k = realloc(e->keys, cap * sizeof *k);
        if (!k)
            return -1;
        e->keys = k;
        e->cap = cap;
    }
    memset(&e->keys[e->count], 0, sizeof *e->keys);
    memcpy(e->keys[e->count].key, key, len);
    e->keys[e->count++].len = len;
    return 0;
}

static int by_df_then_key(const void *a, const void *b)
{
    const shelf_pkey *x = a, *y = b;
    if (x->df != y->df)
        return x->df < y->df ? 1 : -1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (int)x->len - (int)y->len;
}

/* Longest common prefix of the folded and the stemmed word. */
static size_t prefix_key(planner *pl, const char *word, uint8_t key[SHELF_MAX_KEY_BYTES])
{
    char folded[SHELF_MAX_TERM_BYTES + 1], stemmed[SHELF_MAX_TERM_BYTES + 1];
    bool more;
    size_t nf = shelf_fold_word(pl->analyzer, word, strlen(word), folded, &more);
    size_t ns = shelf_analyze_word(pl->analyzer, word, strlen(word), stemmed, &more);
    size_t n = 0;
    while (n < nf && n < ns && folded[n] == stemmed[n])
        n++;
    memcpy(key + 1, folded, n);
    return n ? n + 1 : 0;
}

typedef struct prefix_sink {
    expansion *e;
    int failed;
} prefix_sink;

static int take_expansion(void *ctx, const uint8_t *key, size_t len)
{
    prefix_sink *sink = ctx;
    uint8_t body[SHELF_MAX_KEY_BYTES];
    memcpy(body, key, len);
    body[0] = SHELF_FIELD_BODY;
    if (add_expansion(sink->e, body, len) != 0) {
        sink->failed = 1;
        return 1;
    }
    return 0;
}

static int collect_prefix(planner *pl, const uint8_t *prefix, size_t len, uint8_t field, expansion *e)
{
    uint8_t probe[SHELF_MAX_KEY_BYTES];
    memcpy(probe, prefix, len);
    probe[0] = field;
    prefix_sink sink = {e, 0};
    const shelf_stats *st = pl->stats;
    if (st->terms(st->source, probe, len, take_expansion, &sink, pl->err) != SHELF_OK)
        return -1;
    return sink.failed ? -1 : 0;
}

/* Count the terms a prefix keeps against the query's budget; true (the
 * planner failed, pointing at the prefix) when they would pass it. */
static bool over_budget(planner *pl, const shelf_qnode *q, size_t matched)
{
    size_t kept = matched < SHELF_PREFIX_MAX_TERMS ? matched : SHELF_PREFIX_MAX_TERMS;
    if (pl->expanded + kept <= SHELF_QUERY_MAX_EXPANSIONS) {
        pl->expanded += kept;
        return false;
    }
    pl->failed = 1;
    shelf_errf(pl->err, SHELF_EINVAL,
               "too many prefix terms: '%s*' takes the query past %d terms from prefixes "
               "(at most %d per prefix); use longer or fewer prefixes",
               q->text, SHELF_QUERY_MAX_EXPANSIONS, SHELF_PREFIX_MAX_TERMS);
    if (pl->err_column)
        *pl->err_column = q->column;
    return true;
}

static shelf_plan *plan_prefix(planner *pl, const shelf_qnode *q)
{
    uint8_t prefix[SHELF_MAX_KEY_BYTES];
    size_t len = prefix_key(pl, q->text, prefix);
    if (len == 0)
        return NULL;
    expansion e = {0};
    shelf_plan *p = new_node(SHELF_P_BOOL, q->occur);
    int ok = p && collect_prefix(pl, prefix, len, field_byte(q->field), &e) == 0;
    if (ok && over_budget(pl, q, e.count)) {
        free(e.keys);
        shelf_plan_free(p);
        return NULL;
    }
    for (size_t i = 0; ok && i < e.count; i++)
        ok = key_stats(pl, &e.keys[i]) == 0;
    if (ok && e.count > SHELF_PREFIX_MAX_TERMS) {
        qsort(e.keys, e.count, sizeof *e.keys, by_df_then_key);
        note(pl, "prefix '%s*' matches more terms than the cap; searching the %d most frequent\n",
             q->text, SHELF_PREFIX_MAX_TERMS);
        e.count = SHELF_PREFIX_MAX_TERMS;
    }
    for (size_t i = 0; ok && i < e.count; i++) {
        shelf_plan *t = new_node(SHELF_P_TERM, SHELF_OCCUR_SHOULD);
        ok = t && (t->keys = malloc(sizeof *t->keys)) && (t->text = strdup(q->text));
        if (ok) {
            t->keys[0] = e.keys[i];
            t->nkeys = 1;
            t->field = field_byte(q->field);
            ok = add_child(p, t) == 0;
        }
        if (!ok)
            shelf_plan_free(t);
    }
    free(e.keys);
    if (!ok) {
        pl->failed = 1;
        shelf_plan_free(p);
        return NULL;
    }
    if (p->nchildren == 0)
        p->kind = SHELF_P_NONE;
    return p;
}

/* ---- the tree ---- */

static shelf_plan *plan_node(planner *pl, const shelf_qnode *q);

static shelf_plan *plan_bool(planner *pl, const shelf_qnode *q)
{
    shelf_plan *p = new_node(SHELF_P_BOOL, q->occur);
    if (!p) {
        pl->failed = 1;
        return NULL;
    }
    size_t positive = 0;
    for (size_t i = 0; i < q->nchildren && !pl->failed; i++) {
        shelf_plan *c = plan_node(pl, q->children[i]);
        if (!c)
            continue;
        if (c->occur != SHELF_OCCUR_MUST_NOT)
            positive++;
        if (add_child(p, c) != 0) {
            shelf_plan_free(c);
            pl->failed = 1;
        }
    }
    if (pl->failed || p->nchildren == 0) {
        shelf_plan_free(p);
        return NULL;
    }
    if (positive == 0) {
        shelf_plan_free(p);
        fail(pl, q->column, "nothing to match: '%s' only excludes words", "the query");
        return NULL;
    }
    return p;
}

static shelf_plan *plan_node(planner *pl, const shelf_qnode *q)
{
    shelf_plan *p = NULL;
    switch (q->kind) {
    case SHELF_Q_TERM:
    case SHELF_Q_PHRASE:
    case SHELF_Q_NEAR:
        p = plan_words(pl, q);
        break;
    case SHELF_Q_PREFIX:
        p = plan_prefix(pl, q);
        break;
    case SHELF_Q_BOOL:
        p = plan_bool(pl, q);
        break;
    case SHELF_Q_FILTER:
    case SHELF_Q_PATH:
        p = new_node(q->kind == SHELF_Q_PATH ? SHELF_P_PATH : SHELF_P_FILTER, q->occur);
        if (p)
            p->filter = q->filter;
        if (p && !(p->text = strdup(q->text))) {
            shelf_plan_free(p);
            p = NULL;
            pl->failed = 1;
        }
        break;
    }
    if (p)
        p->occur = q->occur;
    return p;
}

shelf_plan *shelf_plan_build(const shelf_stats *stats, shelf_analyzer *analyzer,
                             const shelf_qnode *query, char *notes, size_t notes_size,
                             shelf_err *err, int *err_column)
{
    planner pl = {stats, analyzer, notes, notes_size, err, err_column, 0, 0};
    if (notes && notes_size)
        notes[0] = '\0';
    if (err_column)
        *err_column = 0;
    shelf_plan *p = plan_node(&pl, query);
    if (!p && !pl.failed) {
        fail(&pl, query->column, "%s: no searchable words (only punctuation or symbols)", "query");
        return NULL;
    }
    if (pl.failed) {
        shelf_plan_free(p);
        if (err && err->code == SHELF_OK)
            shelf_errf(err, SHELF_ENOMEM, "out of memory planning the query");
        return NULL;
    }
    p->occur = SHELF_OCCUR_SHOULD;
    return p;
}
