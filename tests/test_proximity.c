/*
 * test_proximity.c - the proximity part of the score (query/proximity.h,
 * backend/native/rescore.h):
 *   - the formula on hand-made positions, against values worked out here;
 *   - which words a plan gives it (no excluded, title: or absent words, each
 *     word once);
 *   - on a tiny index: a long document holding the words often but far
 *     apart beats a short one holding them side by side on BM25F alone, and
 *     loses once proximity counts;
 *   - W = 0 gives BM25F exactly (the same hits and scores as the hand
 *     formula, and as any rescore depth);
 *   - --explain's proximity part adds up with the rest to the hit's score;
 *   - hits below the rescore depth are the ones re-scored: depth 1 keeps
 *     BM25F's order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "backend/native/index.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"
#include "engine/writer.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/proximity.h"
#include "query/search.h"
#include "support.h"
#include "support_index.h"

#define EPS 1e-12

/* ---- the formula ---- */

static void test_formula_adjacent_pair(void **state)
{
    (void)state;
    uint32_t a[] = {3}, b[] = {4};
    shelf_word_positions w[] = {{a, 1}, {b, 1}};
    double idf[] = {2.0, 0.5};
    double k1 = 1.2, norm = 0.8;
    shelf_proximity_parts p = shelf_proximity(w, idf, 2, k1, norm);
    /* acc(a) = idf(b) / 1, acc(b) = idf(a) / 1; weights min(1, idf). */
    double acc_a = 0.5, acc_b = 2.0;
    double want = 1.0 * acc_a * (k1 + 1) / (acc_a + k1 * norm) + 0.5 * acc_b * (k1 + 1) / (acc_b + k1 * norm);
    assert_true(fabs(p.score - want) < EPS);
    assert_int_equal(p.pairs, 1);
}

static void test_formula_only_neighbours_count(void **state)
{
    (void)state;
    /* a b ... a: the sequence is a(0) b(2) a(5): pairs (0,2) and (2,5). */
    uint32_t a[] = {0, 5}, b[] = {2};
    shelf_word_positions w[] = {{a, 2}, {b, 1}};
    double idf[] = {1.0, 1.0};
    shelf_proximity_parts p = shelf_proximity(w, idf, 2, 1.2, 1.0);
    double acc = 1.0 / 4 + 1.0 / 9; /* both words get both pairs */
    double want = 2 * acc * 2.2 / (acc + 1.2);
    assert_true(fabs(p.score - want) < EPS);
    assert_int_equal(p.pairs, 2);
}

static void test_formula_same_word_and_single_word(void **state)
{
    (void)state;
    uint32_t a[] = {1, 2, 3}, none[] = {0};
    shelf_word_positions w[] = {{a, 3}, {none, 0}};
    double idf[] = {1.0, 1.0};
    shelf_proximity_parts p = shelf_proximity(w, idf, 2, 1.2, 1.0);
    assert_true(p.score == 0);
    assert_int_equal(p.pairs, 0);
    p = shelf_proximity(w, idf, 1, 1.2, 1.0);
    assert_true(p.score == 0);
}

static void test_formula_closer_scores_more(void **state)
{
    (void)state;
    uint32_t a[] = {10}, near_b[] = {11}, far_b[] = {20};
    double idf[] = {1.5, 1.5};
    shelf_word_positions close[] = {{a, 1}, {near_b, 1}}, apart[] = {{a, 1}, {far_b, 1}};
    double s_close = shelf_proximity(close, idf, 2, 1.2, 1.0).score;
    double s_apart = shelf_proximity(apart, idf, 2, 1.2, 1.0).score;
    assert_true(s_close > s_apart);
    assert_true(s_apart > 0);
    assert_true(s_close < 2 * 2.2); /* below (k1 + 1) n */
}

/* ---- a tiny index ---- */

typedef ts_index fixture;

static const char *filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do";

/* doc 0 "scattered": long, alpha and beta six times each, 20 words apart;
 * doc 1 "together": shorter, "alpha beta" once; docs 2..9 filler. */
static void build(fixture *fx)
{
    ts_sbuf scattered = {0};
    ts_sb_add(&scattered, "Scattered notes\n");
    for (int i = 0; i < 6; i++) {
        ts_sb_add(&scattered, "alpha ");
        for (int j = 0; j < 2; j++)
            ts_sb_add(&scattered, filler), ts_sb_add(&scattered, " ");
        ts_sb_add(&scattered, "beta ");
        for (int j = 0; j < 2; j++)
            ts_sb_add(&scattered, filler), ts_sb_add(&scattered, " ");
    }
    char *texts[10];
    texts[0] = ts_sb_take(&scattered);
    texts[1] = ts_strf("Together\n%s %s %s %s %s %s alpha beta", filler, filler, filler, filler, filler,
                       filler);
    for (int i = 2; i < 10; i++)
        texts[i] = ts_strf("Other %d\n%s %s", i, filler, filler);
    ts_index_build(fx, texts, 10, 10, false);
    for (int i = 0; i < 10; i++)
        free(texts[i]);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    build(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_index_free(fx);
    free(fx);
    return 0;
}

static shelf_plan *plan_for(fixture *fx, const char *q)
{
    return ts_index_plan(fx, q);
}

static shelf_results run(fixture *fx, const shelf_plan *plan, double w, size_t depth, size_t k, bool exact)
{
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.proximity_weight = w;
    o.heading_weight = 0; /* the proximity part alone (test_heading.c has the other) */
    o.rescore_depth = depth;
    o.k = k;
    o.exact_total = exact;
    shelf_results r;
    shelf_err err = {0};
    if (shelf_search(fx->idx, plan, &o, &r, &err) != SHELF_OK)
        fail_msg("search: %s", err.msg);
    return r;
}

static void test_proximity_decides_order(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "alpha beta");
    shelf_results bm25 = run(fx, plan, 0, 300, 10, false);
    shelf_results prox = run(fx, plan, 1.0, 300, 10, false);
    assert_int_equal(bm25.count, 2);
    assert_int_equal(prox.count, 2);
    assert_int_equal(bm25.hits[0].doc, 0); /* scattered wins on BM25F */
    assert_int_equal(prox.hits[0].doc, 1); /* together wins with proximity */
    assert_true(prox.hits[0].score > bm25.hits[1].score);
    shelf_results_free(&bm25);
    shelf_results_free(&prox);
    shelf_plan_free(plan);
}

/* BM25F by hand (iter.h) for a two-word query: W = 0 must give exactly it. */
static void test_zero_weight_is_bm25f(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "alpha beta");
    shelf_results r = run(fx, plan, 0, 300, 10, false);
    shelf_results shallow = run(fx, plan, 0, 1, 10, true);
    double n = (double)shelf_index_doc_count(fx->idx);
    double avg = (double)shelf_index_total_tokens(fx->idx) / n;
    const shelf_segment *seg = shelf_index_segment(fx->idx, 0);
    assert_int_equal(r.count, shallow.count);
    for (size_t i = 0; i < r.count; i++) {
        uint32_t dl = shelf_segment_doc_length(seg, r.hits[i].local);
        double tf = r.hits[i].doc == 0 ? 6 : 1; /* neither word is in a title */
        double want = 0;
        for (size_t t = 0; t < 2; t++) {
            double idf = plan->children[t]->keys[0].idf;
            double tfn = tf / (1 - 0.75 + 0.75 * dl / avg);
            want += idf * tfn * 2.2 / (1.2 + tfn);
        }
        assert_true(fabs(r.hits[i].score - want) < 1e-9);
        assert_int_equal(r.hits[i].doc, shallow.hits[i].doc);
        assert_true(r.hits[i].score == shallow.hits[i].score);
    }
    shelf_results_free(&r);
    shelf_results_free(&shallow);
    shelf_plan_free(plan);
}

static void test_explain_has_proximity(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "alpha beta");
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.proximity_weight = 1.0;
    o.heading_weight = 0;
    shelf_results r = run(fx, plan, 1.0, 300, 10, false);
    for (size_t i = 0; i < r.count; i++) {
        shelf_explain ex = {0};
        shelf_err err = {0};
        assert_int_equal(shelf_search_explain(fx->idx, plan, &o, &r.hits[i], &ex, &err), SHELF_OK);
        double sum = 0;
        bool found = false;
        for (size_t j = 0; j < ex.count; j++) {
            sum += ex.terms[j].score;
            if (strcmp(ex.terms[j].kind, "proximity") == 0) {
                found = true;
                assert_string_equal(ex.terms[j].text, "alpha beta");
                assert_true(ex.terms[j].tf_body > 0);
                assert_true(ex.terms[j].score > 0);
            }
        }
        assert_true(found);
        assert_true(fabs(sum - r.hits[i].score) < 1e-9);
        shelf_explain_free(&ex);
    }
    o.proximity_weight = 0;
    shelf_explain ex = {0};
    shelf_err err = {0};
    assert_int_equal(shelf_search_explain(fx->idx, plan, &o, &r.hits[0], &ex, &err), SHELF_OK);
    for (size_t j = 0; j < ex.count; j++)
        assert_string_not_equal(ex.terms[j].kind, "proximity");
    shelf_explain_free(&ex);
    shelf_results_free(&r);
    shelf_plan_free(plan);
}

/* Depth 1: only the BM25F leader is re-scored, so it stays first. */
static void test_depth_bounds_rescoring(void **state)
{
    fixture *fx = *state;
    shelf_plan *plan = plan_for(fx, "alpha beta");
    shelf_results r = run(fx, plan, 1.0, 1, 1, false);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.hits[0].doc, 0);
    shelf_results_free(&r);
    shelf_plan_free(plan);
}

static void test_plan_words(void **state)
{
    fixture *fx = *state;
    const shelf_pkey *keys[SHELF_PROXIMITY_MAX_WORDS];
    shelf_plan *plan = plan_for(fx, "alpha \"alpha beta\" -lorem title:together zzzabsent");
    size_t n = shelf_proximity_keys(plan, keys, SHELF_PROXIMITY_MAX_WORDS);
    assert_int_equal(n, 2);
    assert_memory_equal(keys[0]->key + 1, "alpha", 5);
    assert_memory_equal(keys[1]->key + 1, "beta", 4);
    shelf_plan_free(plan);
    plan = plan_for(fx, "alpha");
    assert_int_equal(shelf_proximity_keys(plan, keys, SHELF_PROXIMITY_MAX_WORDS), 1);
    shelf_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula_adjacent_pair),
        cmocka_unit_test(test_formula_only_neighbours_count),
        cmocka_unit_test(test_formula_same_word_and_single_word),
        cmocka_unit_test(test_formula_closer_scores_more),
        cmocka_unit_test(test_proximity_decides_order),
        cmocka_unit_test(test_zero_weight_is_bm25f),
        cmocka_unit_test(test_explain_has_proximity),
        cmocka_unit_test(test_depth_bounds_rescoring),
        cmocka_unit_test(test_plan_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
