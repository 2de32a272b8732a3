/*
 * test_filters.c - the query filters type:, in:, author:, after:, before:
 * and path: end to end (indexer, then searcher --json) on a small shelf of
 * HTML, Markdown and text files made here, with dates from their metadata
 * or, for text, from their modification times:
 *   - each filter alone and combined, and with the other operators, gives
 *     exactly the expected documents;
 *   - a filtered query ranks exactly like the unfiltered one restricted to
 *     the filter: the same documents in the same order with bit-identical
 *     scores (%.17g round-trips), with and without --all;
 *   - path: under the default OR filters instead of adding zero-score hits
 *     (it used to add every document under the path);
 *   - malformed values are query errors (exit 2) with the column.
 * Every test runs twice: on a native index, then on a Xapian one (whose
 * filters come from its filter terms, backend/xapian/filter_terms.h).
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

#include "json_reader.h"
#include "support.h"
#include "support_run.h"

static char *g_tmp, *g_src, *g_idx;
static const char *g_backend; /* of the group running */

static void write_src(const char *name, const char *text)
{
    free(ts_write_file(g_src, name, text, strlen(text)));
}

static void touch(const char *name, const char *when)
{
    free(ts_run_ok("touch -d '%s' '%s/%s'", when, g_src, name));
}

static void make_shelf(void)
{
    write_src("docs/a/one.html", TS_HTML_PAGE("One", "Ada Lovelace", "2021-03-04",
                                      "nato defence budget alliance defence"));
    write_src("docs/ab/two.txt", "Two\n\nnato defence nato readiness\n");
    write_src("docs/a/sub/three.md", "# Three\n\ndefence alliance nato nato nato budget\n");
    write_src("other/four.html", TS_HTML_PAGE("Four", "Grace Hopper", "2023-07",
                                      "nato cyber defence alliance"));
    write_src("other/five.txt", "Five\n\nalliance budget defence cyber\n");
    write_src("other/six.md", "# Six\n\nbudget readiness cyber nato\n");
    touch("docs/ab/two.txt", "2019-06-01 12:00 UTC");
    touch("docs/a/sub/three.md", "2024-01-10 12:00 UTC");
    touch("other/five.txt", "2022-12-31 12:00 UTC");
    touch("other/six.md", "2025-05-05 12:00 UTC");
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_idx = ts_strf("%s/idx", g_tmp);
    make_shelf();
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --quiet --backend %s --index '%s' '%s'", INDEXER_BIN,
                     g_backend, g_idx, g_src);
    if (rc != 0)
        fail_msg("indexer exit %d: %s", rc, err);
    free(err);
    return 0;
}

static int setup_native(void **state)
{
    g_backend = "native";
    return setup(state);
}

static int setup_xapian(void **state)
{
    g_backend = "xapian";
    return setup(state);
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_src);
    free(g_idx);
    return 0;
}

/* One ranked hit: its path below g_src and its exact score. */
typedef struct hit {
    char path[128];
    double score;
} hit;

typedef struct hits {
    hit h[32];
    size_t n;
    double total;
} hits;

/* searcher --json -n 32 [extra] QUERY; fails the test unless it answers. */
static hits search(const char *query, const char *extra)
{
    char *out = NULL, *err = NULL;
    int rc = ts_runf(&out, &err, "'%s' --index '%s' --json -n 32 %s -- '%s'", SEARCHER_BIN, g_idx,
                     extra ? extra : "", query);
    jv v;
    if (rc > 1 || !json_parse(out, strlen(out), &v))
        fail_msg("query %s: exit %d: %s / %s", query, rc, out, err);
    hits r = {0};
    const jv *list = jget_type(&v, "hits", J_ARR);
    r.total = jget_type(&v, "total", J_NUM)->num;
    size_t skip = strlen(g_src) + 1;
    for (size_t i = 0; i < list->n && r.n < 32; i++) {
        const char *path = jget_type(&list->kids[i], "path", J_STR)->s;
        snprintf(r.h[r.n].path, sizeof r.h[r.n].path, "%s", strlen(path) > skip ? path + skip : path);
        r.h[r.n++].score = jget_type(&list->kids[i], "score", J_NUM)->num;
    }
    jv_free(&v);
    free(out);
    free(err);
    return r;
}

/* The sorted paths of a query's hits, joined by ' '. */
static char *path_set(const char *query)
{
    hits r = search(query, NULL);
    for (size_t i = 1; i < r.n; i++) /* insertion sort by path */
        for (size_t j = i; j > 0 && strcmp(r.h[j - 1].path, r.h[j].path) > 0; j--) {
            hit t = r.h[j];
            r.h[j] = r.h[j - 1];
            r.h[j - 1] = t;
        }
    ts_sbuf b = {0};
    for (size_t i = 0; i < r.n; i++) {
        if (i)
            ts_sb_add(&b, " ");
        ts_sb_add(&b, r.h[i].path);
    }
    return ts_sb_take(&b);
}

static void expect_set(const char *query, const char *want)
{
    char *got = path_set(query);
    if (strcmp(got, want) != 0)
        fail_msg("query %s: got [%s], want [%s]", query, got, want);
    free(got);
}

static void test_each_filter(void **state)
{
    (void)state;
    expect_set("nato type:html", "docs/a/one.html other/four.html");
    expect_set("nato type:markdown", "docs/a/sub/three.md other/six.md");
    expect_set("nato type:TEXT", "docs/ab/two.txt");
    expect_set("type:pdf", "");
    expect_set("nato in:docs/a", "docs/a/one.html docs/a/sub/three.md");
    expect_set("nato in:docs/a/", "docs/a/one.html docs/a/sub/three.md");
    expect_set("nato in:docs", "docs/a/one.html docs/a/sub/three.md docs/ab/two.txt");
    expect_set("nato in:docs/ab", "docs/ab/two.txt");
    expect_set("nato in:docs/a/sub", "docs/a/sub/three.md");
    expect_set("nato in:ocs", "");
    char *absolute = ts_strf("nato in:%s/other", g_src);
    expect_set(absolute, "other/four.html other/six.md");
    free(absolute);
    expect_set("nato author:lovelace", "docs/a/one.html");
    expect_set("nato author:\"hopper GRACE\"", "other/four.html");
    expect_set("nato author:love", "");
    expect_set("nato after:2023", "docs/a/sub/three.md other/four.html other/six.md");
    expect_set("nato after:2023-07-02", "docs/a/sub/three.md other/six.md");
    expect_set("nato before:2021-03-04", "docs/ab/two.txt");
    expect_set("nato before:2021-03-05", "docs/a/one.html docs/ab/two.txt");
    expect_set("after:2022-12 before:2023-01", "other/five.txt");
    expect_set("nato after:2023 before:2024", "other/four.html");
}

static void test_filters_with_operators(void **state)
{
    (void)state;
    expect_set("nato type:html in:other", "other/four.html");
    expect_set("(nato type:html) OR readiness", "docs/a/one.html docs/ab/two.txt other/four.html other/six.md");
    expect_set("nato -type:html", "docs/a/sub/three.md docs/ab/two.txt other/six.md");
    expect_set("nato NOT in:docs", "other/four.html other/six.md");
    expect_set("nato AND cyber type:markdown", "other/six.md");
    expect_set("\"nato defence\" in:docs", "docs/a/one.html docs/ab/two.txt");
    expect_set("nato NEAR/2 budget after:2024", "docs/a/sub/three.md");
    expect_set("title:four type:html", "other/four.html");
    expect_set("cyber OR type:text", "docs/ab/two.txt other/five.txt other/four.html other/six.md");
    expect_set("budget type:html OR type:text",
               "docs/a/one.html docs/ab/two.txt other/five.txt");
    expect_set("nato (in:docs/ab OR in:other)", "docs/ab/two.txt other/four.html other/six.md");
}

/* path: under the default OR used to add every document under the path,
 * with score 0, to the hits of the words. */
static void test_path_filters_under_or(void **state)
{
    (void)state;
    expect_set("readiness path:docs", "docs/ab/two.txt");
    expect_set("cyber budget path:other/f", "other/five.txt other/four.html");
    hits r = search("readiness path:docs", NULL);
    assert_int_equal((int)r.total, 1);
    assert_true(r.h[0].score > 0);
}

/* Filtered hits are the unfiltered hits that pass, in the same order, with
 * the very same scores; `only` is the filter alone (its documents). */
static void expect_restriction(const char *words, const hits *unfiltered, const char *filter,
                               const char *members, const char *extra)
{
    char *filtered_query = ts_strf("%s %s", words, filter);
    hits all = *unfiltered, filtered = search(filtered_query, extra);
    size_t at = 0;
    for (size_t i = 0; i < all.n; i++) {
        char *needle = ts_strf(" %s ", all.h[i].path);
        char *padded = ts_strf(" %s ", members);
        bool passes = strstr(padded, needle) != NULL;
        free(needle);
        free(padded);
        if (!passes)
            continue;
        if (at >= filtered.n || strcmp(filtered.h[at].path, all.h[i].path) != 0 ||
            filtered.h[at].score != all.h[i].score)
            fail_msg("%s: hit %zu: filtered %s %.17g, unfiltered %s %.17g", filtered_query, at,
                     at < filtered.n ? filtered.h[at].path : "(none)",
                     at < filtered.n ? filtered.h[at].score : 0.0, all.h[i].path, all.h[i].score);
        at++;
    }
    if (at != filtered.n || (double)at != filtered.total)
        fail_msg("%s: %zu filtered hits (total %g), %zu expected", filtered_query, filtered.n,
                 filtered.total, at);
    free(filtered_query);
}

static void test_filters_do_not_score(void **state)
{
    (void)state;
    static const char *const words[] = {"nato defence", "nato budget cyber", "\"nato defence\"",
                                        "(alliance OR readiness)", "defence -cyber", "nato"};
    static const char *const filters[] = {"type:html", "in:docs", "in:other", "author:hopper",
                                          "after:2022", "before:2023", "path:a/",
                                          "type:markdown after:2020"};
    enum { NF = sizeof filters / sizeof *filters };
    char *members[NF];
    for (size_t f = 0; f < NF; f++)
        members[f] = path_set(filters[f]);
    static const char *const variants[] = {NULL, "--all", "--proximity-weight 0"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        for (size_t v = 0; v < (w < 2 ? 3u : 1u); v++) {
            hits all = search(words[w], variants[v]);
            for (size_t f = 0; f < NF; f++)
                expect_restriction(words[w], &all, filters[f], members[f], variants[v]);
        }
    for (size_t f = 0; f < NF; f++)
        free(members[f]);
}

static void expect_error(const char *query, int column, const char *part)
{
    char *out = NULL, *err = NULL;
    int rc = ts_runf(&out, &err, "'%s' --index '%s' -- '%s'", SEARCHER_BIN, g_idx, query);
    char *where = ts_strf("column %d", column);
    if (rc != 2 || !strstr(err, part) || !strstr(err, where))
        fail_msg("query %s: exit %d, stderr %s (want column %d, %s)", query, rc, err, column, part);
    free(where);
    free(out);
    free(err);
}

static void test_malformed_values(void **state)
{
    (void)state;
    expect_error("nato after:2023-13-45", 12, "after:2023-13-45 is not a date");
    expect_error("nato before:2023-02-30", 13, "is not a date");
    expect_error("nato type:nosuch", 11, "type:nosuch is not a format; the formats are docx, odt, epub, pdf, html");
    expect_error("nato in:", 6, "empty value after 'in:'");
    expect_error("author: nato", 1, "empty value after 'author:'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_filter),
        cmocka_unit_test(test_filters_with_operators),
        cmocka_unit_test(test_path_filters_under_or),
        cmocka_unit_test(test_filters_do_not_score),
        cmocka_unit_test(test_malformed_values),
    };
    int failed = cmocka_run_group_tests_name("native", tests, setup_native, teardown);
    return failed + cmocka_run_group_tests_name("xapian", tests, setup_xapian, teardown);
}
