/* maxscore_prime.c - MaxScore's first threshold from the documents whose
 * titles hold the query's rarer words; see maxscore_prime.h. */
#include "backend/native/maxscore_prime.h"
#include "backend/native/segfilter.h"
#include "query/topk.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* Documents scored exactly, at most (twice the usual k of 10). */
#define PRIME_PICK 20

/* Relative margin under the k-th score, as maxscore.c's bounds have above. */
#define FLOOR_SLACK 1e-9

/* The title cursors of the terms merged, rarest first (on the heap: a
 * cursor holds a decoded block, about 1 KB). */
typedef struct title_lists {
    shelf_postings *cur;
    double idf[SHELF_PRIME_MAX_TERMS];
    size_t n;
} title_lists;

/* The documents picked for scoring, by the sum of the idf of the words
 * their titles hold; worst is the index of the lowest sum once full. */
typedef struct picked {
    uint32_t doc[PRIME_PICK];
    double weight[PRIME_PICK];
    size_t n, cap, worst;
} picked;

/* Open the title postings of the terms, rarest (highest idf) first, while
 * their document counts add up to at most the budget: SHELF_PRIME_BUDGET,
 * and a sixteenth of the documents the terms hold (so that priming stays
 * small beside the walk it is meant to shorten). */
static void open_titles(const shelf_plan *const *leaves, size_t n, shelf_scorer *sc, title_lists *tl)
{
    bool taken[SHELF_PRIME_MAX_TERMS] = {false};
    uint64_t spent = 0, budget = 0;
    for (size_t i = 0; i < n; i++)
        budget += leaves[i]->keys[0].df;
    budget /= 16;
    if (budget > SHELF_PRIME_BUDGET)
        budget = SHELF_PRIME_BUDGET;
    tl->n = 0;
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (!taken[i] && (best == n || leaves[i]->keys[0].idf > leaves[best]->keys[0].idf))
                best = i;
        if (best == n)
            return;
        taken[best] = true;
        shelf_postings *p = &tl->cur[tl->n];
        if (!shelf_iter_term_open_title(leaves[best], sc, p))
            continue;
        if (spent + p->term.df > budget) {
            sc->postings_decoded += p->decoded;
            return;
        }
        spent += p->term.df;
        tl->idf[tl->n++] = leaves[best]->keys[0].idf;
    }
}

static void find_worst(picked *pk)
{
    pk->worst = 0;
    for (size_t j = 1; j < pk->n; j++)
        if (pk->weight[j] < pk->weight[pk->worst])
            pk->worst = j;
}

static void offer(picked *pk, uint32_t doc, double weight)
{
    if (pk->n < pk->cap) {
        pk->doc[pk->n] = doc;
        pk->weight[pk->n++] = weight;
        if (pk->n == pk->cap)
            find_worst(pk);
    } else if (weight > pk->weight[pk->worst]) {
        pk->doc[pk->worst] = doc;
        pk->weight[pk->worst] = weight;
        find_worst(pk);
    }
}

/* Merge the title lists document by document, offering each document with
 * the sum of the idf of the lists holding it. */
static void merge_titles(title_lists *tl, shelf_scorer *sc, picked *pk)
{
    for (;;) {
        uint32_t doc = SHELF_DOC_END;
        for (size_t i = 0; i < tl->n; i++)
            if (tl->cur[i].doc < doc)
                doc = tl->cur[i].doc;
        if (doc == SHELF_DOC_END)
            break;
        double weight = 0;
        for (size_t i = 0; i < tl->n; i++)
            if (tl->cur[i].doc == doc) {
                weight += tl->idf[i];
                shelf_postings_next(&tl->cur[i]);
            }
        offer(pk, doc, weight);
    }
    for (size_t i = 0; i < tl->n; i++) {
        sc->postings_decoded += tl->cur[i].decoded;
        if (tl->cur[i].status != SHELF_OK)
            shelf_scorer_fail(sc, &tl->cur[i].err);
    }
}

static int by_doc(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Score the picked documents exactly and return the k-th best score (or
 * -INFINITY when fewer than k were scored). */
static double kth_score(const shelf_plan *const *leaves, size_t n, shelf_scorer *sc, picked *pk,
                        const shelf_deletions *deleted, shelf_segfilter *filter, size_t k)
{
    qsort(pk->doc, pk->n, sizeof *pk->doc, by_doc);
    shelf_iter *its[SHELF_PRIME_MAX_TERMS] = {NULL};
    shelf_topk best = {0};
    double kth = -INFINITY;
    bool ready = shelf_topk_init(&best, k) == SHELF_OK;
    for (size_t i = 0; ready && i < n; i++)
        ready = (its[i] = shelf_iter_term(leaves[i], sc)) != NULL;
    for (size_t j = 0; ready && j < pk->n && sc->status == SHELF_OK; j++) {
        uint32_t doc = pk->doc[j];
        if (shelf_deleted(deleted, doc) || (filter && !shelf_segfilter_accepts(filter, doc)))
            continue;
        double score = 0; /* in plan order, as MaxScore and the exhaustive evaluator add */
        for (size_t i = 0; i < n; i++)
            if (shelf_iter_advance(its[i], doc) == doc)
                score += shelf_iter_score(its[i]);
        shelf_hit hit = {doc, 0, doc, score};
        shelf_topk_offer(&best, &hit);
    }
    if (ready && best.count == k && sc->status == SHELF_OK)
        kth = best.heap[0].score;
    shelf_topk_free(&best);
    for (size_t i = 0; i < n; i++)
        if (its[i])
            shelf_iter_free(its[i]);
    return kth;
}

double shelf_maxscore_prime(const shelf_plan *const *leaves, size_t n, shelf_scorer *sc,
                            const shelf_deletions *deleted, shelf_segfilter *filter, size_t k)
{
    if (k == 0 || k > PRIME_PICK || n > SHELF_PRIME_MAX_TERMS)
        return -INFINITY;
    title_lists tl = {.cur = malloc(n * sizeof *tl.cur)};
    if (!tl.cur)
        return -INFINITY; /* no floor: MaxScore runs as it would without */
    open_titles(leaves, n, sc, &tl);
    picked pk = {.cap = 2 * k < PRIME_PICK ? 2 * k : PRIME_PICK};
    merge_titles(&tl, sc, &pk);
    free(tl.cur);
    if (pk.n < k || sc->status != SHELF_OK)
        return -INFINITY;
    double kth = kth_score(leaves, n, sc, &pk, deleted, filter, k);
    return kth - fabs(kth) * FLOOR_SLACK;
}
