/*
 * test_multi_index.c - several indexes searched as one (`searcher --index A
 * --index B ...`, engine.h shelf_engine_open_set).
 *
 * A generated corpus (360 documents of varied lengths over a Zipf-like
 * vocabulary, so idf and average lengths differ between its parts) is
 * split into three folders; each folder is indexed on its own and all of
 * them together, on both backends.  The top 100 of OR, AND, phrase, NEAR
 * and filtered queries over the three must hold the same documents with
 * bit-identical scores as over the one, in the same order except among
 * exactly tied scores (compared with ties ordered by path).  Then: hits
 * name their index; /api/doc, /api/cite and /api/file answer for hits of
 * the second and third index; a path held by two indexes stays two
 * documents, each naming its index; a missing or damaged index, and
 * indexes of two backends, are errors naming the folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "serve_client.h"
#include "support.h"
#include "support_run.h"

#define PARTS 3
#define VOCABULARY 400
static const int part_docs[PARTS] = {100, 120, 140};

static char g_root[PATH_MAX]; /* canonical ts_tmp */

/* A word of the vocabulary: two syllables from its number, so the
 * analyser keeps it as it is. */
static void word_of(unsigned n, char *out)
{
    static const char cons[] = "bdfgklmnprstvz", vow[] = "aiou";
    snprintf(out, 8, "%c%c%c%c%c", cons[n % 14], vow[(n / 14) % 4], cons[(n / 56) % 14],
             vow[(n / 784) % 4], 'x');
}

/* Zipf-like: low numbers are frequent. */
static unsigned pick_word(uint64_t *rng)
{
    double u = (double)ts_rand_below(rng, 1000000) / 1000000.0;
    return (unsigned)(VOCABULARY * u * u * u);
}

static void put_words(ts_sbuf *b, uint64_t *rng, size_t n)
{
    char w[8];
    for (size_t i = 0; i < n; i++) {
        word_of(pick_word(rng), w);
        ts_sb_add(b, w);
        ts_sb_add(b, i % 17 == 16 ? ".\n\n" : " ");
    }
    ts_sb_add(b, "\n");
}

/* Document d of part p: Markdown one time in four (a heading for the
 * title), else text; every fifth under sub/. */
static void write_doc(int p, int d, uint64_t *rng)
{
    ts_sbuf b = {0};
    bool md = d % 4 == 0;
    ts_sb_add(&b, md ? "# " : "");
    put_words(&b, rng, 2 + ts_rand_below(rng, 4));
    ts_sb_add(&b, "\n");
    put_words(&b, rng, 5 + ts_rand_below(rng, d % 7 == 0 ? 1200 : 300));
    char *text = ts_sb_take(&b);
    char *name = ts_strf("docs/p%d/%sdoc%03d.%s", p + 1, d % 5 == 0 ? "sub/" : "", d, md ? "md" : "txt");
    free(ts_write_file(ts_tmp, name, text, strlen(text)));
    free(name);
    free(text);
}

static void build(const char *backend)
{
    char *opt = ts_strf("--backend %s", backend);
    for (int p = 0; p < PARTS; p++)
        free(ts_run_ok("cd '%s' && '%s' --quiet %s --index %s%d docs/p%d", ts_tmp, INDEXER_BIN, opt,
                       backend, p + 1, p + 1));
    free(ts_run_ok("cd '%s' && '%s' --quiet %s --index %s-all docs/p1 docs/p2 docs/p3", ts_tmp,
                   INDEXER_BIN, opt, backend));
    free(opt);
}

static int setup(void **state)
{
    if (ts_setup_tmp(state) != 0 || !realpath(ts_tmp, g_root))
        return -1;
    uint64_t rng = 2112;
    for (int p = 0; p < PARTS; p++)
        for (int d = 0; d < part_docs[p]; d++)
            write_doc(p, d, &rng);
    return 0;
}

/* ---- comparing answers ---- */

typedef struct hit {
    double score;
    char *path, *index;
} hit;

typedef struct answer {
    jv root;
    hit *hits;
    size_t count;
    double total;
} answer;

static void answer_of(const char *json, answer *a)
{
    assert_true(json_parse(json, strlen(json), &a->root));
    a->total = jget_type(&a->root, "total", J_NUM)->num;
    const jv *hits = jget_type(&a->root, "hits", J_ARR);
    a->count = hits->n;
    a->hits = calloc(hits->n + 1, sizeof *a->hits);
    for (size_t i = 0; i < hits->n; i++) {
        const jv *h = &hits->kids[i];
        const jv *index = jget(h, "index");
        a->hits[i] = (hit){jget_type(h, "score", J_NUM)->num, jget_type(h, "path", J_STR)->s,
                           index && index->t == J_STR ? index->s : NULL};
    }
}

static void answer_free(answer *a)
{
    free(a->hits);
    jv_free(&a->root);
}

static int by_score_then_path(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return strcmp(a->path, b->path);
}

static answer search(const char *indexes, const char *query)
{
    char *out = ts_run_ok("cd '%s' && '%s' %s --json -n 100 --no-collapse -- '%s'", ts_tmp,
                          SEARCHER_BIN, indexes, query);
    answer a;
    answer_of(out, &a);
    free(out);
    for (size_t i = 1; i < a.count; i++) /* best first */
        assert_true(a.hits[i].score <= a.hits[i - 1].score);
    qsort(a.hits, a.count, sizeof *a.hits, by_score_then_path);
    return a;
}

/* Which part a path is in: "docs/p2/..." is 1 (shown relative to the
 * current folder). */
static int part_of_path(const char *path)
{
    const char *at = strstr(path, "docs/p");
    assert_non_null(at);
    return at[6] - '1';
}

static void expect_same(const char *backend, const char *query)
{
    char *one = ts_strf("--index %s-all", backend);
    char *three = ts_strf("--index %s1 --index %s2 --index %s3", backend, backend, backend);
    answer a = search(one, query), b = search(three, query);
    assert_true(a.total == b.total);
    assert_int_equal(a.count, b.count);
    assert_true(a.count > 3); /* the query means something */
    /* past a cut at 100, documents tied with the last may differ */
    double floor = a.count == 100 && a.total > 100 ? a.hits[a.count - 1].score : -1;
    for (size_t i = 0; i < a.count && a.hits[i].score > floor; i++) {
        if (strcmp(a.hits[i].path, b.hits[i].path) != 0 ||
            memcmp(&a.hits[i].score, &b.hits[i].score, sizeof(double)) != 0)
            fail_msg("%s, %s, hit %zu: %s %a against %s %a", backend, query, i, a.hits[i].path,
                     a.hits[i].score, b.hits[i].path, b.hits[i].score);
        assert_null(a.hits[i].index); /* one index: no "index" */
        char *want = ts_strf("%s%d", backend, part_of_path(b.hits[i].path) + 1);
        assert_non_null(b.hits[i].index);
        assert_string_equal(b.hits[i].index, want);
        free(want);
    }
    answer_free(&a);
    answer_free(&b);
    free(one);
    free(three);
}

static void expect_all_same(const char *backend)
{
    char w[5][8];
    for (int i = 0; i < 5; i++)
        word_of((unsigned[]){3, 11, 27, 1, 2}[i], w[i]);
    char *q[] = {
        ts_strf("%s %s %s", w[0], w[1], w[2]),
        ts_strf("%s AND %s", w[0], w[1]),
        ts_strf("\"%s %s\"", w[3], w[4]),
        ts_strf("%s NEAR/4 %s", w[1], w[4]),
        ts_strf("%s %s type:markdown", w[0], w[2]),
        ts_strf("%s %s path:sub", w[1], w[2]),
        ts_strf("%s %s in:%s/docs/p2", w[0], w[1], g_root),
        ts_strf("%s -%s", w[2], w[0]),
        ts_strf("%s %s in:sub", w[0], w[2]), /* relative: under the roots of every index */
    };
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        expect_same(backend, q[i]);
        free(q[i]);
    }
}

static void test_native_scores_equal_one_index(void **state)
{
    (void)state;
    build("native");
    expect_all_same("native");
}

static void test_xapian_scores_equal_one_index(void **state)
{
    (void)state;
    build("xapian");
    expect_all_same("xapian");
}

/* Text output names the index only when there are several. */
static void test_text_names_index(void **state)
{
    (void)state;
    char w[8];
    word_of(3, w);
    char *one = ts_run_ok("cd '%s' && '%s' --index native1 -n 3 %s", ts_tmp, SEARCHER_BIN, w);
    assert_null(strstr(one, "index: "));
    char *three = ts_run_ok("cd '%s' && '%s' --index native1 --index native2 --index native3 -n 50 "
                            "--passages 1 %s", ts_tmp, SEARCHER_BIN, w);
    ts_expect_in(three, "    index: native1\n", "text output");
    ts_expect_in(three, "    index: native3\n", "text output");
    free(one);
    free(three);
}

/* ---- the server ---- */

static char *get_ok(const sc_server *s, const char *target)
{
    sc_resp r;
    sc_request(s, "GET", target, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: %d %s", target, r.status, r.body ? r.body : "");
    char *body = r.body;
    r.body = NULL;
    sc_resp_free(&r);
    return body;
}

/* The first hit of the search held by index dir, as a copy of its path. */
static char *hit_in(const answer *a, const char *dir)
{
    for (size_t i = 0; i < a->count; i++)
        if (a->hits[i].index && strcmp(a->hits[i].index, dir) == 0)
            return strdup(a->hits[i].path);
    fail_msg("no hit from %s", dir);
    return NULL;
}

static void test_api_documents_of_every_index(void **state)
{
    (void)state;
    char *dirs[PARTS];
    for (int p = 0; p < PARTS; p++)
        dirs[p] = ts_strf("%s/native%d", g_root, p + 1);
    sc_server s;
    sc_start_many(&s, (const char *const *)dirs, PARTS, ts_tmp);
    char w[8];
    word_of(3, w);
    char *target = ts_strf("/api/search?q=%s&n=100&collapse=0", w);
    char *body = get_ok(&s, target);
    answer a;
    answer_of(body, &a);
    for (int p = 1; p < PARTS; p++) { /* the second and third index */
        char *path = hit_in(&a, dirs[p]);
        char *enc = sc_enc(path), *index = sc_enc(dirs[p]);
        char *doc_target = ts_strf("/api/doc?doc=%s&index=%s&q=%s", enc, index, w);
        char *doc = get_ok(&s, doc_target);
        ts_expect_in(doc, w, "/api/doc");
        char *cite_target = ts_strf("/api/cite?doc=%s&index=%s&start=0&end=3", enc, index);
        free(get_ok(&s, cite_target));
        char *file_target = ts_strf("/api/file?doc=%s&index=%s", enc, index);
        free(get_ok(&s, file_target));
        /* the path in another index than its own: not found there */
        char *other = sc_enc(dirs[0]);
        char *wrong = ts_strf("/api/doc?doc=%s&index=%s", enc, other);
        sc_resp r;
        sc_request(&s, "GET", wrong, NULL, &r);
        assert_int_equal(r.status, 404);
        sc_resp_free(&r);
        free(other);
        free(wrong);
        free(file_target);
        free(cite_target);
        free(doc);
        free(doc_target);
        free(enc);
        free(index);
        free(path);
    }
    sc_resp r;
    sc_request(&s, "GET", "/api/doc?doc=%2Fx&index=nosuch", NULL, &r);
    assert_int_equal(r.status, 404);
    ts_expect_in(r.body, "no index 'nosuch'", "/api/doc, an unknown index");
    sc_resp_free(&r);
    answer_free(&a);
    free(body);
    free(target);
    assert_int_equal(sc_stop(&s), 0);
    free(s.err_path);
    for (int p = 0; p < PARTS; p++)
        free(dirs[p]);
}

/* The total of /api/search for q and the "index" of its first hit. */
static double served_total(const sc_server *s, const char *q, char *index, size_t size)
{
    char *target = ts_strf("/api/search?q=%s", q);
    char *body = get_ok(s, target);
    answer a;
    answer_of(body, &a);
    double total = a.total;
    snprintf(index, size, "%s", a.count && a.hits[0].index ? a.hits[0].index : "");
    answer_free(&a);
    free(body);
    free(target);
    return total;
}

/* A commit to any served index is picked up by the server on its own. */
static void expect_reload(const sc_server *s, const char *dir, const char *folder, const char *word)
{
    char *text = ts_strf("A fresh note\n\nIt says %s once.\n", word);
    char *name = ts_strf("%s/fresh-%s.txt", folder, word);
    free(ts_write_file(ts_tmp, name, text, strlen(text)));
    free(ts_run_ok("cd '%s' && '%s' --quiet --index '%s'", ts_tmp, INDEXER_BIN, dir));
    char index[PATH_MAX] = "";
    double total = 0;
    for (int i = 0; i < 200 && total == 0; i++) { /* the reload does not make requests wait */
        total = served_total(s, word, index, sizeof index);
        if (total == 0)
            free(ts_run_ok("sleep 0.05"));
    }
    assert_true(total == 1);
    assert_string_equal(index, dir);
    free(name);
    free(text);
}

static void test_serve_reloads_each_index(void **state)
{
    (void)state;
    const char *folders[2] = {"live/a", "live/b"};
    char *dirs[2];
    for (int i = 0; i < 2; i++) {
        char *first = ts_strf("%s/first.txt", folders[i]);
        free(ts_write_file(ts_tmp, first, "A first note\n", 13));
        free(first);
        dirs[i] = ts_strf("%s/live%d", g_root, i + 1);
        free(ts_run_ok("cd '%s' && '%s' --quiet --index '%s' %s", ts_tmp, INDEXER_BIN, dirs[i],
                       folders[i]));
    }
    sc_server s;
    sc_start_many(&s, (const char *const *)dirs, 2, ts_tmp);
    char index[PATH_MAX];
    assert_true(served_total(&s, "qqfresh", index, sizeof index) == 0);
    expect_reload(&s, dirs[1], folders[1], "qqfresh"); /* the second index commits */
    expect_reload(&s, dirs[0], folders[0], "wwfresh"); /* then the first */
    assert_true(served_total(&s, "qqfresh", index, sizeof index) == 1);
    assert_int_equal(sc_stop(&s), 0);
    free(s.err_path);
    for (int i = 0; i < 2; i++)
        free(dirs[i]);
}

/* The same folder in two indexes: two documents, each naming its index;
 * collapsed (the same content), one hit listing the other with its index. */
static void test_path_in_two_indexes(void **state)
{
    (void)state;
    free(ts_run_ok("cd '%s' && '%s' --quiet --index again1 docs/p1", ts_tmp, INDEXER_BIN));
    char w[8];
    word_of(3, w);
    char *out = ts_run_ok("cd '%s' && '%s' --index native1 --index again1 --json -n 400 --no-collapse "
                          "%s", ts_tmp, SEARCHER_BIN, w);
    answer a;
    answer_of(out, &a);
    size_t first = 0, second = 0;
    for (size_t i = 0; i < a.count; i++) {
        first += strcmp(a.hits[i].index, "native1") == 0;
        second += strcmp(a.hits[i].index, "again1") == 0;
    }
    assert_true(first > 0);
    assert_int_equal(first, second);
    answer_free(&a);
    free(out);
    out = ts_run_ok("cd '%s' && '%s' --index native1 --index again1 --json -n 5 %s", ts_tmp,
                    SEARCHER_BIN, w);
    ts_expect_in(out, "\"index\":\"native1\"", "collapsed hit");
    ts_expect_in(out, "\"duplicate_indexes\":[\"again1\"]", "collapsed hit");
    free(out);
}

static void expect_failure(const char *args, const char *want)
{
    ts_output o = ts_capture("cd '%s' && '%s' %s anything", ts_tmp, SEARCHER_BIN, args);
    if (o.rc != 2 || !strstr(o.err, want))
        fail_msg("searcher %s: exit %d, stderr %s (wanted 2 and '%s')", args, o.rc, o.err, want);
    ts_output_free(&o);
}

static void test_errors_name_the_index(void **state)
{
    (void)state;
    expect_failure("--index native1 --index nosuch", "nosuch");
    free(ts_run_ok("cd '%s' && cp -r native2 broken && for f in broken/seg_*.post; do "
                   "truncate -s 100 \"$f\"; done", ts_tmp));
    expect_failure("--index native1 --index broken --index native3", "broken/");
    expect_failure("--index native1 --index xapian2", "different backends");
    expect_failure("--index native1 --index ./native1", "same index");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_scores_equal_one_index),
        cmocka_unit_test(test_xapian_scores_equal_one_index),
        cmocka_unit_test(test_text_names_index),
        cmocka_unit_test(test_api_documents_of_every_index),
        cmocka_unit_test(test_serve_reloads_each_index),
        cmocka_unit_test(test_path_in_two_indexes),
        cmocka_unit_test(test_errors_name_the_index),
    };
    return cmocka_run_group_tests(tests, setup, ts_teardown_tmp);
}
