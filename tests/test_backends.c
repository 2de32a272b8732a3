/*
 * test_backends.c - the native and the Xapian backends, differentially, over
 * the sample shelf: the same queries must match exactly the same documents
 * (boolean, phrase, NEAR, prefix, field and path queries: matching depends on
 * the index alone, and both are fed the same tokens and positions), and the
 * top 10 of ranked queries must overlap by at least 90% on average.
 *
 * Why rankings may differ at all (README, "Xapian backend"): Xapian's
 * BM25Weight computes idf as ln(t) with t = (N - n + 0.5) / (n + 0.5), raised
 * to t / 2 + 1 when t < 2, where ours is ln(1 + t); and Xapian's title terms
 * carry no weight (they are stored with wdf 0 so titles do not change its
 * document lengths), while ours count titles twice by default.  The length
 * normalisation is the same (min_normlen 0, k2 0, k3 1).  With one query
 * term, both idf functions are constant, so single-word rankings agree
 * exactly up to the title bonus; this test runs the ranked comparison with
 * --title-weight 0 semantics on our side.
 *
 * Also: the Xapian database opens with Xapian's own tool (xapian-delve) and
 * holds our documents and terms; --check and --list work on it; an
 * incremental run updates it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "query/parse.h"
#include "query/plan.h"
#include "support.h"
#include "support_engine.h"

typedef struct fixture {
    char *tmp, *native, *xapian;
} fixture;

static void build(const char *dir, const char *backend)
{
    char *cmd = ts_strf("'%s' -q --backend %s --index '%s' '%s'", INDEXER_BIN, backend, dir, CORPUS_DIR);
    char *err = NULL;
    int rc = ts_run(cmd, NULL, &err);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", cmd, rc, err);
    free(err);
    free(cmd);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->native = ts_strf("%s/native", fx->tmp);
    fx->xapian = ts_strf("%s/xapian", fx->tmp);
    build(fx->native, "native");
    build(fx->xapian, "xapian");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->native);
    free(fx->xapian);
    free(fx);
    return 0;
}

/* Run a query; returns the hits (paths joined by '\n', in rank order). */
static char *run(const char *dir, const char *query, size_t k, uint64_t *total)
{
    ts_engine_query q;
    ts_engine_query_open(&q, dir, query, true);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.title_weight = 0;
    o.proximity_weight = 0; /* proximity and headings are native-only (README, "Xapian backend") */
    o.heading_weight = 0;
    o.k = k;
    shelf_results res;
    ts_engine_query_search(&q, &o, &res);
    size_t cap = 1, len = 0;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < res.count; i++) {
        shelf_docview v;
        ts_engine_query_doc(&q, &res.hits[i], &v);
        out = realloc(out, cap += v.path_len + 1);
        memcpy(out + len, v.path, v.path_len);
        len += v.path_len;
        out[len++] = '\n';
        out[len] = '\0';
    }
    *total = res.total;
    shelf_results_free(&res);
    ts_engine_query_close(&q);
    return out;
}

/* Paths sorted, one per line, for set comparison. */
static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *as_set(const char *lines)
{
    char *copy = strdup(lines), *parts[64];
    size_t n = 0;
    for (char *s = strtok(copy, "\n"); s && n < 64; s = strtok(NULL, "\n"))
        parts[n++] = s;
    qsort(parts, n, sizeof *parts, by_string);
    char *out = calloc(1, strlen(lines) + 2);
    for (size_t i = 0; i < n; i++) {
        strcat(out, parts[i]);
        strcat(out, "\n");
    }
    free(copy);
    return out;
}

static const char *const matching_queries[] = {
    "nato AND defence", "nato AND cyber AND deterrence", "\"collective defence\"",
    "\"Defence Production Action Plan\"", "\"the alliance\"", "deterrence NEAR/5 defence",
    "nato NEAR/2 summit", "defen*", "deter* AND resil*", "nato -cyber", "nato NOT ukraine",
    "(cyber OR hybrid) AND threats", "+nato +sweden -finland", "title:annual", "title:nato",
    "path:overview", "path:nato AND deterrence", "cyber-attacks", "Türkiye", "\"Nausėda\"",
    "zzzznotaword", "nato AND zzzznotaword", "\"deterrence and defence\" -vilnius",
    "nato", "the", "alliance AND partners AND security",
    /* filters (query/filter.h): the same documents on both backends */
    "nato type:text", "nato type:pdf", "defence type:markdown OR cyber", "nato after:1990",
    "nato before:1990", "nato -type:text", "deterrence in:corpus", "deterrence in:/nowhere",
    "nato author:nobody", "nato path:overview", "(nato in:/) OR title:annual"};

static void test_same_matching_sets(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof matching_queries / sizeof *matching_queries; i++) {
        uint64_t tn, tx;
        char *n = run(fx->native, matching_queries[i], 100, &tn);
        char *x = run(fx->xapian, matching_queries[i], 100, &tx);
        char *sn = as_set(n), *sx = as_set(x);
        if (tn != tx || strcmp(sn, sx) != 0)
            fail_msg("query %s: native %llu [%s] vs xapian %llu [%s]", matching_queries[i],
                     (unsigned long long)tn, sn, (unsigned long long)tx, sx);
        free(n);
        free(x);
        free(sn);
        free(sx);
    }
}

/* Fraction of a's lines that are also in b. */
static double overlap(const char *a, const char *b)
{
    size_t in_a = 0, shared = 0;
    char *copy = strdup(a);
    for (char *s = strtok(copy, "\n"); s; s = strtok(NULL, "\n")) {
        in_a++;
        char *needle = ts_strf("%s\n", s);
        shared += strstr(b, needle) != NULL;
        free(needle);
    }
    free(copy);
    return in_a ? (double)shared / (double)in_a : 1.0;
}

static const char *const ranked_queries[] = {
    "nato defence", "cyber deterrence", "ukraine support", "alliance partners security",
    "military diplomacy", "nuclear deterrence", "resilience infrastructure", "summit vilnius",
    "innovation technology", "women peace security", "sweden finland", "climate change security"};

static void test_ranked_top10_overlap(void **state)
{
    fixture *fx = *state;
    double sum = 0;
    size_t n = sizeof ranked_queries / sizeof *ranked_queries;
    for (size_t i = 0; i < n; i++) {
        uint64_t tn, tx;
        char *a = run(fx->native, ranked_queries[i], 10, &tn);
        char *b = run(fx->xapian, ranked_queries[i], 10, &tx);
        assert_int_equal(tn, tx); /* OR matches the same documents */
        sum += overlap(a, b);
        free(a);
        free(b);
    }
    double mean = sum / (double)n;
    if (mean < 0.9)
        fail_msg("top-10 overlap %.3f < 0.9", mean);
}

/* A single word: both idf functions are constant across documents and the
 * length normalisation is the same, so the order must be identical. */
static void test_single_word_order_identical(void **state)
{
    fixture *fx = *state;
    static const char *const words[] = {"deterrence", "nato", "cyber", "defence", "alliance"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        uint64_t tn, tx;
        char *a = run(fx->native, words[i], 10, &tn);
        char *b = run(fx->xapian, words[i], 10, &tx);
        if (strcmp(a, b) != 0)
            fail_msg("%s: native order [%s] vs xapian [%s]", words[i], a, b);
        free(a);
        free(b);
    }
}

static void test_xapian_delve_sees_documents(void **state)
{
    fixture *fx = *state;
    char *cmd = ts_strf("xapian-delve '%s/xapian'", fx->xapian);
    char *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "number of documents = 5"));
    free(out);
    free(cmd);
    /* A stemmed body term and a title term, with their frequencies. */
    cmd = ts_strf("xapian-delve -t Zdeterr '%s/xapian'", fx->xapian);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "termfreq"));
    free(out);
    free(cmd);
    cmd = ts_strf("xapian-delve -t Sannual '%s/xapian'", fx->xapian);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "termfreq 1"));
    free(out);
    free(cmd);
}

static void test_xapian_check_list_and_update(void **state)
{
    fixture *fx = *state;
    char *copy = ts_strf("%s/shelf", fx->tmp), *idx = ts_strf("%s/xinc", fx->tmp);
    char *cmd = ts_strf("cp -r '%s' '%s'", CORPUS_DIR, copy);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    free(cmd);
    cmd = ts_strf("'%s' -q --backend xapian --index '%s' '%s'", INDEXER_BIN, idx, copy);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    free(ts_write_file(copy, "new.txt", "Quokka report\n\nA quokka crossed the Baltic.\n", 44));
    char *doomed = ts_strf("rm '%s/nato-overview.txt'", copy);
    assert_int_equal(ts_run(doomed, NULL, NULL), 0);
    char *err = NULL;
    char *run_again = ts_strf("'%s' --index '%s' '%s'", INDEXER_BIN, idx, copy);
    assert_int_equal(ts_run(run_again, NULL, &err), 0);
    assert_non_null(strstr(err, "added 1, updated 0, unchanged 4, removed 1"));
    free(err);
    char *check = ts_strf("'%s' --check '%s'", INDEXER_BIN, idx), *out = NULL;
    assert_int_equal(ts_run(check, &out, NULL), 0);
    assert_non_null(strstr(out, "documents  5"));
    free(out);
    char *list = ts_strf("'%s' --list --index '%s'", INDEXER_BIN, idx);
    assert_int_equal(ts_run(list, &out, NULL), 0);
    assert_non_null(strstr(out, "new.txt"));
    assert_null(strstr(out, "nato-overview.txt"));
    free(out);
    uint64_t total;
    char *hits = run(idx, "quokka", 10, &total);
    assert_int_equal(total, 1);
    free(hits);
    free(check);
    free(list);
    free(run_again);
    free(doomed);
    free(cmd);
    free(copy);
    free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_matching_sets),
        cmocka_unit_test(test_ranked_top10_overlap),
        cmocka_unit_test(test_single_word_order_identical),
        cmocka_unit_test(test_xapian_delve_sees_documents),
        cmocka_unit_test(test_xapian_check_list_and_update),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
