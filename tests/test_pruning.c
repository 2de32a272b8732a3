/*
 * test_pruning.c - dynamic pruning never changes results: for hundreds of
 * random queries of every kind, top-k with pruning (the default) equals
 * exhaustive evaluation (exact_total) exactly: the same documents, the same
 * scores bit for bit, in the same order, for several k.  The index has a
 * Zipf-like vocabulary (so some terms span many skip blocks and others are
 * rare), titles, three segments and deleted documents; queries mixing the
 * most common words with rare ones exercise the block-max checks.  Half the
 * comparisons run with the proximity phase on (rescore.h) at several
 * depths, and most with the heading part on (the documents have headings:
 * their first line and a short line in the middle, set off by blank
 * lines): pruning + re-scoring must equal exhaustive evaluation + the same
 * re-scoring, bit for bit.  MaxScore's primed first threshold (from the
 * documents holding rarer query words in their titles, maxscore_prime.h)
 * must change nothing but the work done.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/native/index.h"
#include "engine/engine.h"
#include "engine/writer.h"
#include "query/parse.h"
#include "query/plan.h"
#include "support.h"

#define VOCAB 400
#define DOCS_PER_BATCH 900
#define BATCHES 3

static char words[VOCAB][16];

static void make_words(void)
{
    for (int i = 0; i < VOCAB; i++) /* letters only, so nothing is stemmed together */
        snprintf(words[i], sizeof words[i], "w%c%c%c", 'a' + i % 26, 'a' + i / 26 % 26, 'q');
}

/* Zipf-like pick: low indexes far more often. */
static int pick_word(uint64_t *rng)
{
    double u = (double)(ts_rand(rng) % 1000000) / 1000000.0;
    int w = (int)(VOCAB * u * u * u);
    return w < VOCAB ? w : VOCAB - 1;
}

static void add_batch(const char *dir, int batch, uint64_t *rng)
{
    shelf_writer_opts wo = {.language = "english", .memory_budget = 8 << 20,
                            .backend = "native"};
    shelf_err err = {0};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &wo, &err);
    if (!w)
        fail_msg("open: %s", err.msg);
    char text[8192], path[64];
    for (int d = 0; d < DOCS_PER_BATCH; d++) {
        size_t len = 0, n = 5 + ts_rand(rng) % 300;
        for (size_t i = 0; i < n && len + 20 < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", words[pick_word(rng)],
                                    i == 4 || i == 59 || i == 62 ? "\n\n" : " ");
        /* batch 2 replaces some documents of batch 0: deletions in segment 1 */
        int id = batch == 2 && d % 3 == 0 ? d : batch * DOCS_PER_BATCH + d;
        snprintf(path, sizeof path, "d%05d.txt", id);
        const char *nl = memchr(text, '\n', len);
        shelf_doc_input in = {.path = path, .title = text, .title_len = nl ? (size_t)(nl - text) : len,
                              .text = text, .text_len = len, .size = len, .hash = ts_rand(rng)};
        if (shelf_indexwriter_add(w, &in, NULL, &err) != SHELF_OK)
            fail_msg("add: %s", err.msg);
    }
    if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
}

typedef struct fixture {
    char *tmp, *dir;
    shelf_engine *engine;
    shelf_analyzer *analyzer;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->dir = ts_strf("%s/index", fx->tmp);
    make_words();
    uint64_t rng = 42;
    for (int b = 0; b < BATCHES; b++)
        add_batch(fx->dir, b, &rng);
    shelf_err err = {0};
    if (shelf_engine_open(&fx->engine, fx->dir, 0, &err) != SHELF_OK)
        fail_msg("engine: %s", err.msg);
    assert_int_equal(shelf_index_segment_count(shelf_engine_native(fx->engine)), 3);
    fx->analyzer = shelf_analyzer_new("english", &err);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    shelf_analyzer_free(fx->analyzer);
    shelf_engine_close(fx->engine);
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->dir);
    free(fx);
    return 0;
}

/* The re-scoring phase of the next searches: proximity weight, depth and
 * heading weight. */
typedef struct prox_opts {
    double weight;
    size_t depth;
    double heading;
} prox_opts;

static prox_opts proximity = {0, 0, 0};
/* Priming on every segment (this index's are small), so that every
 * comparison below covers it, unless a test says otherwise. */
static int priming = SHELF_PRIMING_ALWAYS;

/* Search with pruning allowed once exact_upto documents matched. */
static void search_upto(fixture *fx, const char *query, size_t k, bool exact, double title_weight,
                        uint64_t exact_upto, shelf_results *out)
{
    shelf_err err = {0};
    int column;
    shelf_qnode *tree = shelf_query_parse(query, NULL, &err, &column);
    if (!tree)
        fail_msg("parse [%s]: %s", query, err.msg);
    shelf_plan *plan = shelf_plan_for_engine(fx->engine, fx->analyzer, tree, NULL, 0, &err, &column);
    if (!plan)
        fail_msg("plan [%s]: %s", query, err.msg);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = k;
    o.exact_total = exact;
    o.title_weight = title_weight;
    o.total_exact_upto = exact_upto;
    o.proximity_weight = proximity.weight;
    o.rescore_depth = proximity.depth;
    o.heading_weight = proximity.heading;
    o.priming = priming;
    if (shelf_engine_search(fx->engine, plan, &o, out, &err) != SHELF_OK)
        fail_msg("search [%s]: %s", query, err.msg);
    shelf_plan_free(plan);
    shelf_query_free(tree);
}

/* Pruning from the first document on, so that every test below exercises
 * it on this small index. */
static void search(fixture *fx, const char *query, size_t k, bool exact, double title_weight,
                   shelf_results *out)
{
    search_upto(fx, query, k, exact, title_weight, 0, out);
}

static void compare(fixture *fx, const char *query, size_t k, double title_weight)
{
    shelf_results pruned, full;
    search(fx, query, k, false, title_weight, &pruned);
    search(fx, query, k, true, title_weight, &full);
    if (pruned.count != full.count)
        fail_msg("[%s] k=%zu W=%g H=%g: %zu hits pruned, %zu exhaustive", query, k, proximity.weight,
                 proximity.heading, pruned.count, full.count);
    for (size_t i = 0; i < full.count; i++) {
        if (pruned.hits[i].doc != full.hits[i].doc || pruned.hits[i].score != full.hits[i].score)
            fail_msg("[%s] k=%zu W=%g H=%g rank %zu: pruned doc %llu score %.17g, exhaustive doc %llu "
                     "score %.17g", query, k, proximity.weight, proximity.heading, i + 1, (unsigned long long)pruned.hits[i].doc, pruned.hits[i].score,
                     (unsigned long long)full.hits[i].doc, full.hits[i].score);
    }
    assert_true(full.total_exact);
    assert_true(pruned.total <= full.total);
    if (pruned.total_exact)
        assert_int_equal(pruned.total, full.total);
    shelf_results_free(&pruned);
    shelf_results_free(&full);
}

static void random_query(uint64_t *rng, char *out, size_t size)
{
    static const char *const shapes[] = {"", "", "", "+", "-", "\"", "AND", "NEAR", "title:", "*"};
    size_t n = 1 + ts_rand(rng) % 5, len = 0;
    const char *shape = shapes[ts_rand(rng) % (sizeof shapes / sizeof *shapes)];
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *w = words[pick_word(rng)];
        if (strcmp(shape, "\"") == 0 && i == 0)
            len += (size_t)snprintf(out + len, size - len, "\"");
        if (i > 0)
            len += (size_t)snprintf(out + len, size - len, "%s",
                                    strcmp(shape, "AND") == 0 ? " AND " : strcmp(shape, "NEAR") == 0 ? " NEAR/4 " : " ");
        if ((shape[0] == '+' || shape[0] == '-') && i == n - 1 && n > 1)
            len += (size_t)snprintf(out + len, size - len, "%s", shape);
        if (strcmp(shape, "title:") == 0 && i == 0)
            len += (size_t)snprintf(out + len, size - len, "title:");
        len += (size_t)snprintf(out + len, size - len, "%s", w);
        if (strcmp(shape, "*") == 0 && i == 0)
            out[len - 1] = '*';
    }
    if (strcmp(shape, "\"") == 0)
        snprintf(out + len, size - len, "\"");
}

static void test_random_queries(void **state)
{
    fixture *fx = *state;
    uint64_t rng = 7;
    static const size_t ks[] = {1, 3, 10, 100};
    char query[256];
    static const size_t depths[] = {0, 20, 300};
    for (int q = 0; q < 400; q++) {
        random_query(&rng, query, sizeof query);
        proximity = (prox_opts){q % 4 < 2 ? 0.0 : 1.0, depths[q % 3], q % 5 ? 1.0 : 0.0};
        for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
            compare(fx, query, ks[i], q % 2 ? 2.0 : 0.0);
    }
    proximity = (prox_opts){0, 0, 0};
}

/* Plain OR queries, the ones pruning applies to, with many terms. */
static void test_wide_or(void **state)
{
    fixture *fx = *state;
    uint64_t rng = 99;
    char query[1024];
    for (int q = 0; q < 200; q++) {
        size_t n = 2 + ts_rand(&rng) % 12, len = 0;
        for (size_t i = 0; i < n; i++)
            len += (size_t)snprintf(query + len, sizeof query - len, "%s ", words[pick_word(&rng)]);
        proximity = (prox_opts){q % 2 ? 0.5 : 0.0, 50, q % 3 ? 2.0 : 0.0};
        compare(fx, query, 10, 2.0);
        compare(fx, query, 1, 0.0);
    }
    proximity = (prox_opts){0, 0, 0};
}

/* Very common words with rare ones, the shape of typed queries ("the ...
 * of ..."): the rare words fill the top k early, then the common words'
 * blocks are skipped or checked against their block bounds. */
static void test_common_with_rare(void **state)
{
    fixture *fx = *state;
    uint64_t rng = 1234;
    char query[512];
    static const size_t ks[] = {1, 10, 50};
    for (int q = 0; q < 300; q++) {
        size_t common = 1 + ts_rand(&rng) % 3, rare = 1 + ts_rand(&rng) % 3, len = 0;
        for (size_t i = 0; i < common + rare; i++) {
            int w = i < common ? (int)(ts_rand(&rng) % 5) : 250 + (int)(ts_rand(&rng) % 150);
            len += (size_t)snprintf(query + len, sizeof query - len, "%s ", words[w]);
        }
        proximity = (prox_opts){q % 4 < 2 ? 0.0 : 2.0, 100, q % 3 ? 0.5 : 0.0};
        compare(fx, query, ks[q % 3], q % 2 ? 2.0 : 0.0);
    }
    proximity = (prox_opts){0, 0, 0};
}

/* Pruning must actually prune: a frequent OR query scores fewer documents
 * than match (otherwise the test above would prove nothing).  Without
 * priming: on segments this small, scoring its picked documents decodes
 * about as many postings as the walk itself (the reason it is off below
 * SHELF_PRIMING_MIN_DOCS documents by default). */
static void test_pruning_skips_work(void **state)
{
    fixture *fx = *state;
    char query[128];
    snprintf(query, sizeof query, "%s %s %s", words[0], words[1], words[200]);
    shelf_results pruned, full;
    priming = SHELF_PRIMING_NEVER;
    search(fx, query, 10, false, 2.0, &pruned);
    priming = SHELF_PRIMING_ALWAYS;
    search(fx, query, 10, true, 2.0, &full);
    assert_false(pruned.total_exact);
    assert_true(pruned.total < full.total);
    /* and the work counters say so */
    assert_true(pruned.candidates_scored < full.candidates_scored);
    assert_true(pruned.postings_decoded <= full.postings_decoded);
    assert_true(full.postings_decoded >= full.total);
    shelf_results_free(&pruned);
    shelf_results_free(&full);
}

/* A first threshold primed from the titles holding the rarer words gives
 * the same hits and scores with less work: queries of a rare and a
 * mid-frequency word with common ones, typed as a title would be. */
static void test_priming_cuts_candidates(void **state)
{
    fixture *fx = *state;
    uint64_t rng = 555, primed = 0, unprimed = 0;
    char query[512];
    for (int q = 0; q < 200; q++) {
        size_t len = 0;
        int picks[] = {(int)(ts_rand(&rng) % 5), (int)(ts_rand(&rng) % 5), 20 + (int)(ts_rand(&rng) % 30),
                       250 + (int)(ts_rand(&rng) % 150)};
        for (size_t i = 0; i < sizeof picks / sizeof *picks; i++)
            len += (size_t)snprintf(query + len, sizeof query - len, "%s ", words[picks[i]]);
        shelf_results with, without;
        search(fx, query, 10, false, 2.0, &with);
        priming = SHELF_PRIMING_NEVER;
        search(fx, query, 10, false, 2.0, &without);
        priming = SHELF_PRIMING_ALWAYS;
        assert_int_equal(with.count, without.count);
        for (size_t i = 0; i < with.count; i++) {
            assert_int_equal(with.hits[i].doc, without.hits[i].doc);
            assert_true(with.hits[i].score == without.hits[i].score);
        }
        primed += with.candidates_scored;
        unprimed += without.candidates_scored;
        shelf_results_free(&with);
        shelf_results_free(&without);
        compare(fx, query, 10, 2.0);
    }
    if (primed >= unprimed)
        fail_msg("priming scored %llu candidates, %llu without", (unsigned long long)primed,
                 (unsigned long long)unprimed);
}

/* With the default threshold, totals are exact up to SHELF_TOTAL_EXACT_UPTO
 * matches (no document is skipped before that many matched, and the
 * results say so); past it the total is a lower bound of at least the
 * threshold.  Words and pairs of every frequency, so both sides are met. */
static void test_totals_exact_up_to_threshold(void **state)
{
    fixture *fx = *state;
    size_t below = 0, above = 0;
    char query[64];
    for (int w = 0; w < VOCAB; w += 3) {
        for (int pair = 0; pair < 2; pair++) {
            if (pair)
                snprintf(query, sizeof query, "%.15s %.15s", words[w], words[(w * 7 + 11) % VOCAB]);
            else
                snprintf(query, sizeof query, "%.15s", words[w]);
            shelf_results pruned, full;
            search_upto(fx, query, 10, false, 2.0, SHELF_TOTAL_EXACT_UPTO, &pruned);
            search(fx, query, 10, true, 2.0, &full);
            if (full.total <= SHELF_TOTAL_EXACT_UPTO) {
                if (!pruned.total_exact || pruned.total != full.total)
                    fail_msg("[%s]: total %llu (%s), exhaustive %llu", query,
                             (unsigned long long)pruned.total,
                             pruned.total_exact ? "exact" : "lower bound",
                             (unsigned long long)full.total);
                below += full.total > 10;
            } else {
                assert_true(pruned.total >= SHELF_TOTAL_EXACT_UPTO);
                assert_true(pruned.total <= full.total);
                if (pruned.total_exact)
                    assert_int_equal(pruned.total, full.total);
                above += !pruned.total_exact;
            }
            shelf_results_free(&pruned);
            shelf_results_free(&full);
        }
    }
    assert_true(below > 10);
    assert_true(above > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_queries),
        cmocka_unit_test(test_wide_or),
        cmocka_unit_test(test_common_with_rare),
        cmocka_unit_test(test_pruning_skips_work),
        cmocka_unit_test(test_priming_cuts_candidates),
        cmocka_unit_test(test_totals_exact_up_to_threshold),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
