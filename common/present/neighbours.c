/* neighbours.c - index terms within a few edits of a term; see neighbours.h. */
#include "present/neighbours.h"

#include <stdlib.h>
#include <string.h>

/* The scan keeps the edit-distance table of the previous term: terms come
 * sorted, so a term shares a prefix with the one before it and only the
 * rows of its other bytes are computed; a prefix whose row is already past
 * max (every entry of the row too far) rules out every term that starts
 * with it, without a row computed. */
#define ROWS (SHELF_MAX_KEY_BYTES + 1)
#define NO_DEPTH ((size_t)-1)

typedef struct scan {
    const char *term;
    size_t len;
    unsigned max;
    shelf_neighbours *out;
    uint8_t prev[SHELF_MAX_KEY_BYTES]; /* the previous term's bytes */
    size_t prev_len;
    size_t valid;                      /* rows[0..valid] hold prev's prefixes */
    size_t dead;                       /* prev's prefix of this length is too far, or NO_DEPTH */
    unsigned rows[ROWS][ROWS];         /* rows[d][j]: prefix d of prev against prefix j of term */
} scan;

static bool same_key(const shelf_neighbour *n, const uint8_t *key, size_t len)
{
    return n->len == len && memcmp(n->key, key, len) == 0;
}

/* Keep key at distance d: appended while there is room, else in place of
 * the farthest kept one when it is closer. */
static void keep(shelf_neighbours *out, const uint8_t *key, size_t len, unsigned d)
{
    for (size_t i = 0; i < out->count; i++)
        if (same_key(&out->at[i], key, len))
            return; /* the same term in another segment */
    size_t slot = out->count;
    if (slot == SHELF_NEIGHBOURS_MAX) {
        slot = 0;
        for (size_t i = 1; i < out->count; i++)
            if (out->at[i].distance > out->at[slot].distance)
                slot = i;
        if (out->at[slot].distance <= d)
            return;
    } else {
        out->count++;
    }
    shelf_neighbour *n = &out->at[slot];
    memcpy(n->key, key, len);
    n->len = len;
    n->distance = d;
    n->df = 0;
}

/* Row d (1-based) of the table for term byte c = t[d - 1]; returns the
 * row's smallest entry. */
static unsigned fill_row(scan *s, const uint8_t *t, size_t d)
{
    unsigned *row = s->rows[d], *up = s->rows[d - 1];
    row[0] = (unsigned)d;
    unsigned least = row[0];
    for (size_t j = 1; j <= s->len; j++) {
        unsigned v = up[j] + 1;
        if (row[j - 1] + 1 < v)
            v = row[j - 1] + 1;
        unsigned diag = up[j - 1] + (t[d - 1] != (uint8_t)s->term[j - 1]);
        if (diag < v)
            v = diag;
        if (d > 1 && j > 1 && t[d - 1] == (uint8_t)s->term[j - 2] &&
            t[d - 2] == (uint8_t)s->term[j - 1] && s->rows[d - 2][j - 2] + 1 < v)
            v = s->rows[d - 2][j - 2] + 1;
        row[j] = v;
        if (v < least)
            least = v;
    }
    return least;
}

/* The distance of t (when at most max) else max + 1, reusing the rows of
 * the previous term's shared prefix. */
static unsigned distance_to(scan *s, const uint8_t *t, size_t tlen)
{
    size_t lcp = 0;
    while (lcp < tlen && lcp < s->prev_len && t[lcp] == s->prev[lcp])
        lcp++;
    memcpy(s->prev, t, tlen);
    s->prev_len = tlen;
    if (s->valid > lcp)
        s->valid = lcp;
    if (s->dead != NO_DEPTH && s->dead <= lcp)
        return s->max + 1; /* starts with a prefix already too far */
    s->dead = NO_DEPTH;
    size_t diff = tlen > s->len ? tlen - s->len : s->len - tlen;
    if (diff > s->max)
        return s->max + 1;
    for (size_t d = s->valid + 1; d <= tlen; d++) {
        s->valid = d;
        if (fill_row(s, t, d) > s->max) {
            s->dead = d;
            return s->max + 1;
        }
    }
    return s->rows[tlen][s->len];
}

static int on_term(void *ctx, const uint8_t *key, size_t len)
{
    scan *s = ctx;
    s->out->scanned++;
    const uint8_t *t = key + 1;
    size_t tlen = len - 1;
    unsigned d = distance_to(s, t, tlen);
    if (d <= s->max && !(tlen == s->len && memcmp(t, s->term, tlen) == 0))
        keep(s->out, key, len, d);
    return 0;
}

static int scan_region(const shelf_term_source *src, scan *s, const char *prefix, size_t n,
                       shelf_err *err)
{
    uint8_t key[3] = {SHELF_FIELD_BODY};
    memcpy(key + 1, prefix, n);
    return src->terms(src->src, key, 1 + n, on_term, s, err);
}

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The two-byte regions a long term's first letter may be wrong in. */
static int scan_first_letter(const shelf_term_source *e, scan *s, shelf_err *err)
{
    const char *t = s->term;
    if (s->len < 3 || !ascii_alnum(t[0]) || !ascii_alnum(t[1]))
        return SHELF_OK;
    int rc = SHELF_OK;
    if (t[1] != t[0])
        rc = scan_region(e, s, (const char[]){t[1], t[2]}, 2, err);
    if (rc == SHELF_OK && t[1] != t[0])
        rc = scan_region(e, s, (const char[]){t[1], t[0]}, 2, err);
    for (char c = '0'; rc == SHELF_OK && c <= 'z'; c++) {
        if (!ascii_alnum(c) || c == t[0])
            continue;
        rc = scan_region(e, s, (const char[]){c, t[1]}, 2, err);
        if (rc == SHELF_OK && c != t[1]) /* (t[1], t[0]) was read above */
            rc = scan_region(e, s, (const char[]){c, t[0]}, 2, err);
    }
    return rc;
}

static int closest_first(const void *a, const void *b)
{
    const shelf_neighbour *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

int shelf_neighbours_in(const shelf_term_source *e, const char *term, size_t len,
                        unsigned max_distance, bool any_first, shelf_neighbours *out,
                        shelf_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || len > SHELF_MAX_KEY_BYTES - 1)
        return shelf_errf(err, SHELF_EINVAL, "neighbours: bad term length %zu", len);
    scan *s = malloc(sizeof *s);
    if (!s)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory looking for close words");
    *s = (scan){.term = term, .len = len, .max = max_distance, .out = out, .dead = NO_DEPTH};
    for (size_t j = 0; j <= len; j++)
        s->rows[0][j] = (unsigned)j;
    int rc = scan_region(e, s, term, 1, err);
    if (rc == SHELF_OK && any_first)
        rc = scan_first_letter(e, s, err);
    free(s);
    for (size_t i = 0; rc == SHELF_OK && i < out->count; i++)
        rc = e->df(e->src, out->at[i].key, out->at[i].len, &out->at[i].df, err);
    if (rc == SHELF_OK)
        qsort(out->at, out->count, sizeof out->at[0], closest_first);
    return rc;
}

/* The engine's dictionary as a source. */
static int engine_terms(void *src, const uint8_t *prefix, size_t len,
                        int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                        shelf_err *err)
{
    return shelf_engine_terms(src, prefix, len, fn, ctx, err);
}

static int engine_df(void *src, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    return shelf_engine_df(src, key, len, df, err);
}

int shelf_neighbours_find(const shelf_engine *e, const char *term, size_t len,
                          unsigned max_distance, bool any_first, shelf_neighbours *out,
                          shelf_err *err)
{
    shelf_term_source src = {engine_terms, engine_df, (void *)e};
    return shelf_neighbours_in(&src, term, len, max_distance, any_first, out, err);
}
