/* proximity.c - the term-proximity score of one document; see proximity.h. */
#include "query/proximity.h"

#include <stdbool.h>

#include <math.h>
#include <string.h>

static bool known(const shelf_pkey *const *keys, size_t n, const shelf_pkey *k)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i]->len == k->len && memcmp(keys[i]->key, k->key, k->len) == 0)
            return true;
    return false;
}

static size_t collect(const shelf_plan *p, const shelf_pkey **out, size_t n, size_t cap)
{
    if (p->occur == SHELF_OCCUR_MUST_NOT)
        return n;
    if (p->kind == SHELF_P_BOOL) {
        for (size_t i = 0; i < p->nchildren; i++)
            n = collect(p->children[i], out, n, cap);
        return n;
    }
    if (p->kind != SHELF_P_TERM && p->kind != SHELF_P_PHRASE && p->kind != SHELF_P_NEAR)
        return n;
    if (p->field != SHELF_FIELD_BODY)
        return n;
    for (size_t i = 0; i < p->nkeys && n < cap; i++)
        if (p->keys[i].df > 0 && !known(out, n, &p->keys[i]))
            out[n++] = &p->keys[i];
    return n;
}

size_t shelf_proximity_keys(const shelf_plan *plan, const shelf_pkey **out, size_t cap)
{
    return plan ? collect(plan, out, 0, cap) : 0;
}

/* The word whose next occurrence comes first, or n when all are used up. */
static size_t next_word(const shelf_word_positions *words, const uint32_t *cursor, size_t n)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++)
        if (cursor[i] < words[i].len && (best == n || words[i].at[cursor[i]] < words[best].at[cursor[best]]))
            best = i;
    return best;
}

shelf_proximity_parts shelf_proximity(const shelf_word_positions *words, const double *idf, size_t n,
                                      double k1, double norm)
{
    shelf_proximity_parts out = {0, 0};
    if (n > SHELF_PROXIMITY_MAX_WORDS)
        n = SHELF_PROXIMITY_MAX_WORDS;
    double acc[SHELF_PROXIMITY_MAX_WORDS] = {0};
    uint32_t cursor[SHELF_PROXIMITY_MAX_WORDS] = {0};
    size_t prev = n;
    uint32_t prev_pos = 0;
    for (size_t w; (w = next_word(words, cursor, n)) < n; prev = w) {
        uint32_t pos = words[w].at[cursor[w]++];
        if (prev < n && prev != w && pos > prev_pos) {
            double d = (double)(pos - prev_pos);
            acc[w] += idf[prev] / (d * d);
            acc[prev] += idf[w] / (d * d);
            out.pairs++;
        }
        prev_pos = pos;
    }
    for (size_t i = 0; i < n; i++)
        if (acc[i] > 0)
            out.score += fmin(1.0, idf[i]) * acc[i] * (k1 + 1.0) / (acc[i] + k1 * norm);
    return out;
}
