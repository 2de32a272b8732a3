/*
 * test_sort_collapse.c - `searcher --sort` and duplicates, end to end on a
 * shelf made here:
 *   - --sort -date / date return the k newest / oldest matches (by the
 *     document's date, else its file's), not the best k by score re-sorted;
 *     equal days by score; path orders by path;
 *   - two identical files in different folders are one hit listing both
 *     paths (JSON "duplicates", text "also:"), and two hits with
 *     --no-collapse; totals still count documents;
 *   - a bad --sort is a usage error (exit 2).
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

#define DOCS 24

static char *g_tmp, *g_src, *g_idx;

/* File i says "walrus" i + 1 times in DOCS words (more: a higher score) and was last
 * changed on day 2000-01-(DOCS - i) (more: older), so the best by score are
 * the oldest.  Files 0 and 1 share a day. */
static void make_shelf(void)
{
    for (int i = 0; i < DOCS; i++) {
        ts_sbuf b = {0};
        char *head = ts_strf("Note %d\n\n", i);
        ts_sb_add(&b, head);
        free(head);
        for (int j = 0; j < DOCS; j++) /* the same length in every file */
            ts_sb_add(&b, j <= i ? "walrus " : "tusk ");
        ts_sb_add(&b, "\n");
        char *text = ts_sb_take(&b), *name = ts_strf("notes/n%02d.txt", i);
        free(ts_write_file(g_src, name, text, strlen(text)));
        int day = i == 0 ? DOCS - 1 : DOCS - i;
        free(ts_run_ok("touch -d '2000-01-%02d 12:00 UTC' '%s/%s'", day, g_src, name));
        free(text);
        free(name);
    }
    static const char same[] = "Twin\n\nthe narwhal report, word for word\n";
    free(ts_write_file(g_src, "a/twin.txt", same, sizeof same - 1));
    free(ts_write_file(g_src, "b/copy/twin.txt", same, sizeof same - 1));
    static const char other[] = "Single\n\na narwhal alone\n";
    free(ts_write_file(g_src, "c/single.txt", other, sizeof other - 1));
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_idx = ts_strf("%s/idx", g_tmp);
    make_shelf();
    free(ts_run_ok("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, g_idx, g_src));
    return 0;
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

static jv search(const char *args)
{
    char *out = ts_run_ok("'%s' --index '%s' --json --passages 1 %s", SEARCHER_BIN, g_idx, args);
    jv v;
    if (!json_parse(out, strlen(out), &v))
        fail_msg("not JSON: %s", out);
    free(out);
    return v;
}

/* The hits' file names (after the last '/'), joined by ' '. */
static char *names(const jv *v)
{
    const jv *hits = jget_type(v, "hits", J_ARR);
    ts_sbuf b = {0};
    for (size_t i = 0; i < hits->n; i++) {
        const char *path = jget_type(&hits->kids[i], "path", J_STR)->s;
        const char *slash = strrchr(path, '/');
        if (i)
            ts_sb_add(&b, " ");
        ts_sb_add(&b, slash ? slash + 1 : path);
    }
    return ts_sb_take(&b);
}

static void expect_names(const char *args, const char *want)
{
    jv v = search(args);
    char *got = names(&v);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got [%s], want [%s]", args, got, want);
    free(got);
    jv_free(&v);
}

static void test_relevance_is_by_score(void **state)
{
    (void)state;
    expect_names("-n 3 walrus", "n23.txt n22.txt n21.txt");
    expect_names("-n 3 --sort relevance walrus", "n23.txt n22.txt n21.txt");
}

/* The newest k are not among the best k by score: a re-sort of the best k
 * would give n21-n23 back. */
static void test_sort_by_date_takes_the_right_k(void **state)
{
    (void)state;
    expect_names("-n 3 --sort -date walrus", "n01.txt n00.txt n02.txt");
    /* n00 and n01 share the newest day: the better score (n01) first */
    expect_names("-n 4 --sort -date walrus", "n01.txt n00.txt n02.txt n03.txt");
    expect_names("-n 3 --sort date walrus", "n23.txt n22.txt n21.txt");
    expect_names("-n 2 --offset 1 --sort date walrus", "n22.txt n21.txt");
    expect_names("-n 3 --sort date walrus after:2000-01-05", "n19.txt n18.txt n17.txt");
    jv v = search("-n 3 --sort -date walrus");
    assert_int_equal((int)jget_type(&v, "total", J_NUM)->num, DOCS);
    jv_free(&v);
}

static void test_sort_by_path(void **state)
{
    (void)state;
    expect_names("-n 3 --sort path walrus", "n00.txt n01.txt n02.txt");
    expect_names("--sort path --no-collapse narwhal", "twin.txt twin.txt single.txt");
}

static void test_duplicates_are_one_hit(void **state)
{
    (void)state;
    jv v = search("narwhal");
    const jv *hits = jget_type(&v, "hits", J_ARR);
    assert_int_equal(hits->n, 2);
    assert_int_equal((int)jget_type(&v, "total", J_NUM)->num, 3);
    size_t twin = strstr(jget_type(&hits->kids[0], "path", J_STR)->s, "twin") ? 0 : 1;
    const char *path = jget_type(&hits->kids[twin], "path", J_STR)->s;
    const jv *dups = jget_type(&hits->kids[twin], "duplicates", J_ARR);
    assert_int_equal(dups->n, 1);
    const char *other = dups->kids[0].s;
    assert_true((strstr(path, "/a/twin.txt") && strstr(other, "/b/copy/twin.txt")) ||
                (strstr(path, "/b/copy/twin.txt") && strstr(other, "/a/twin.txt")));
    assert_int_equal(jget_type(&hits->kids[1 - twin], "duplicates", J_ARR)->n, 0);
    jv_free(&v);

    v = search("--no-collapse narwhal");
    hits = jget_type(&v, "hits", J_ARR);
    assert_int_equal(hits->n, 3);
    for (size_t i = 0; i < hits->n; i++)
        assert_int_equal(jget_type(&hits->kids[i], "duplicates", J_ARR)->n, 0);
    jv_free(&v);

    char *text = ts_run_ok("'%s' --index '%s' --color never narwhal", SEARCHER_BIN, g_idx);
    if (!ts_line_with(text, "also:", "twin.txt"))
        fail_msg("no 'also:' line naming the other copy:\n%s", text);
    free(text);
    /* -n 1 still gives one whole content with both paths */
    v = search("-n 1 --sort path narwhal");
    hits = jget_type(&v, "hits", J_ARR);
    assert_int_equal(hits->n, 1);
    assert_int_equal(jget_type(&hits->kids[0], "duplicates", J_ARR)->n, 1);
    jv_free(&v);
}

static void test_bad_sort(void **state)
{
    (void)state;
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --index '%s' --sort newest walrus", SEARCHER_BIN, g_idx);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "--sort takes relevance, date, -date or path"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relevance_is_by_score),
        cmocka_unit_test(test_sort_by_date_takes_the_right_k),
        cmocka_unit_test(test_sort_by_path),
        cmocka_unit_test(test_duplicates_are_one_hit),
        cmocka_unit_test(test_bad_sort),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
