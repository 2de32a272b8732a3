/*
 * test_xapian_filters.c - the Xapian backend's filters from its filter
 * terms and day value (backend/xapian/filter_terms.h), against the native
 * backend on a shelf made here whose edges are the filters' own:
 *   - folders that are a prefix of another's name (docs/a, docs/ab) and the
 *     same folder name at two depths (docs, other/docs);
 *   - a three-word author with a hyphen, asked by one, two and reversed
 *     words, and by a part of a word (no match);
 *   - dates on the very day of after:/before:, documents dated by their
 *     metadata and documents without a date (their modification day, one
 *     second either side of midnight UTC);
 * each filter alone, with words and combined, gives the same documents on
 * both backends; a relative in: with no indexed roots to resolve it (remote
 * shards) matches at any folder boundary on both; scores inside a filter
 * are the unfiltered scores, bit for bit; the terms are in the database
 * under Omega's prefixes; and a layout-2 database (no filter terms) is
 * still searched, its filters reading the records (a planted document
 * whose terms lie shows which was read).
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

#include "backend/shared_format.h"
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapdoc.h"
#include "backend/xapian/xapian_c.h"
#include "backend/xapian/xapian_terms.h"
#include "engine/engine.h"
#include "extract/readers.h"
#include "query/parse.h"
#include "query/plan.h"
#include "support.h"
#include "support_engine.h"
#include "support_run.h"

static char *g_tmp, *g_src, *g_native, *g_xapian;

static void write_src(const char *name, const char *text)
{
    free(ts_write_file(g_src, name, text, strlen(text)));
}

static void make_shelf(void)
{
    write_src("docs/a/one.html", TS_HTML_PAGE("One", "Ada King-Lovelace", "2021-03-04",
                                      "alpha beta gamma beta"));
    write_src("docs/ab/two.txt", "Two\n\nalpha beta alpha delta\n");
    write_src("docs/a/sub/three.md", "# Three\n\nbeta gamma alpha alpha alpha\n");
    write_src("other/four.html", TS_HTML_PAGE("Four", "Grace Brewster Hopper", "2023-07",
                                      "alpha delta beta gamma"));
    write_src("other/five.txt", "Five\n\ngamma beta delta\n");
    write_src("other/docs/six.md", "# Six\n\nbeta delta alpha gamma gamma\n");
    write_src("seven.txt", "Seven\n\nalpha\n");
    free(ts_run_ok("touch -d '2019-06-01 12:00 UTC' '%s/docs/ab/two.txt'", g_src));
    free(ts_run_ok("touch -d '2024-01-10 12:00 UTC' '%s/docs/a/sub/three.md'", g_src));
    free(ts_run_ok("touch -d '2022-12-31 23:59:59 UTC' '%s/other/five.txt'", g_src));
    free(ts_run_ok("touch -d '2023-01-01 00:00:01 UTC' '%s/other/docs/six.md'", g_src));
    free(ts_run_ok("touch -d '2021-03-04 00:00:00 UTC' '%s/seven.txt'", g_src));
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    g_src = ts_strf("%s/src", g_tmp);
    g_native = ts_strf("%s/native", g_tmp);
    g_xapian = ts_strf("%s/xapian", g_tmp);
    make_shelf();
    free(ts_run_ok("'%s' -q --index '%s' '%s'", INDEXER_BIN, g_native, g_src));
    free(ts_run_ok("'%s' -q --backend xapian --index '%s' '%s'", INDEXER_BIN, g_xapian, g_src));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_src);
    free(g_native);
    free(g_xapian);
    return 0;
}

/* ---- running a query through the engine ---- */

typedef struct hits {
    char path[16][64]; /* below g_src */
    double score[16];
    size_t n;
    uint64_t total;
} hits;

/* Search dir; with roots false, in: folders are resolved with no roots (as
 * over remote shards) instead of the index's. */
static hits search(const char *dir, const char *query, bool roots)
{
    ts_engine_query q;
    ts_engine_query_open(&q, dir, query, roots);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.title_weight = 0;
    o.proximity_weight = 0;
    o.heading_weight = 0;
    o.k = 16;
    shelf_results res;
    ts_engine_query_search(&q, &o, &res);
    hits h = {.n = res.count, .total = res.total};
    size_t skip = strlen(g_src) + 1;
    for (size_t i = 0; i < res.count && i < 16; i++) {
        shelf_docview v;
        ts_engine_query_doc(&q, &res.hits[i], &v);
        snprintf(h.path[i], sizeof h.path[i], "%.*s", (int)(v.path_len - skip), v.path + skip);
        h.score[i] = res.hits[i].score;
    }
    shelf_results_free(&res);
    ts_engine_query_close(&q);
    return h;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The sorted paths of a query's hits, joined by ' '. */
static char *path_set(const char *dir, const char *query, bool roots)
{
    hits h = search(dir, query, roots);
    qsort(h.path, h.n, sizeof h.path[0], by_path);
    ts_sbuf b = {0};
    ts_sb_add(&b, "");
    for (size_t i = 0; i < h.n; i++) {
        if (i)
            ts_sb_add(&b, " ");
        ts_sb_add(&b, h.path[i]);
    }
    return ts_sb_take(&b);
}

/* The same documents on both backends, and (when want is not NULL) the
 * expected ones. */
static void expect_same(const char *query, bool roots, const char *want)
{
    char *n = path_set(g_native, query, roots), *x = path_set(g_xapian, query, roots);
    if (strcmp(n, x) != 0)
        fail_msg("%s: native [%s], xapian [%s]", query, n, x);
    if (want && strcmp(x, want) != 0)
        fail_msg("%s: [%s], want [%s]", query, x, want);
    free(n);
    free(x);
}

/* ---- tests ---- */

static void test_each_filter_as_native(void **state)
{
    (void)state;
    expect_same("type:html", true, "docs/a/one.html other/four.html");
    expect_same("type:markdown", true, "docs/a/sub/three.md other/docs/six.md");
    expect_same("type:text", true, "docs/ab/two.txt other/five.txt seven.txt");
    expect_same("type:pdf", true, "");
    /* folders: whole components, never a substring of a name */
    expect_same("in:docs/a", true, "docs/a/one.html docs/a/sub/three.md");
    expect_same("in:docs/ab", true, "docs/ab/two.txt");
    expect_same("in:docs", true, "docs/a/one.html docs/a/sub/three.md docs/ab/two.txt");
    expect_same("in:other/docs", true, "other/docs/six.md");
    expect_same("in:ocs", true, "");
    expect_same("in:docs/a/sub/three.md", true, "");
    expect_same("in:/", true, NULL);
    char *q = ts_strf("in:%s", g_src);
    expect_same(q, true, NULL);
    free(q);
    q = ts_strf("in:%s/other", g_src);
    expect_same(q, true, "other/docs/six.md other/five.txt other/four.html");
    free(q);
    /* authors: every word, as a word, ASCII case ignored */
    expect_same("author:lovelace", true, "docs/a/one.html");
    expect_same("author:\"LOVELACE ada\"", true, "docs/a/one.html");
    expect_same("author:king-lovelace", true, "docs/a/one.html");
    expect_same("author:\"hopper grace brewster\"", true, "other/four.html");
    expect_same("author:love", true, "");
    expect_same("author:\"ada hopper\"", true, "");
    /* days: on the very day, metadata dates and modification days */
    expect_same("after:2021-03-04", true,
                "docs/a/one.html docs/a/sub/three.md other/docs/six.md other/five.txt "
                "other/four.html seven.txt");
    expect_same("after:2021-03-05", true,
                "docs/a/sub/three.md other/docs/six.md other/five.txt other/four.html");
    expect_same("before:2021-03-04", true, "docs/ab/two.txt");
    expect_same("before:2021-03-05", true, "docs/a/one.html docs/ab/two.txt seven.txt");
    expect_same("after:2022-12-31 before:2023-01-01", true, "other/five.txt");
    expect_same("after:2023-01-01 before:2023-01-02", true, "other/docs/six.md");
    expect_same("after:2023-07 before:2023-08", true, "other/four.html");
    expect_same("after:2023", true, "docs/a/sub/three.md other/docs/six.md other/four.html");
    expect_same("before:1970", true, "");
}

static void test_combinations_as_native(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "alpha type:html in:other", "alpha -type:text", "beta (in:docs/ab OR in:other/docs)",
        "(type:html OR in:docs/ab) -after:2023", "gamma NOT in:docs author:hopper",
        "alpha OR type:text", "\"beta gamma\" in:docs", "alpha NEAR/3 delta after:2019",
        "delta type:text before:2023", "beta -author:lovelace -in:other", "alpha path:docs/a type:markdown",
    };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        expect_same(queries[i], true, NULL);
}

/* Over remote shards there are no roots: a relative folder matches at any
 * folder boundary (filter_match.h), here from the folder terms. */
static void test_relative_folder_without_roots(void **state)
{
    (void)state;
    expect_same("in:docs", false,
                "docs/a/one.html docs/a/sub/three.md docs/ab/two.txt other/docs/six.md");
    expect_same("in:a", false, "docs/a/one.html docs/a/sub/three.md");
    expect_same("in:a/sub", false, "docs/a/sub/three.md");
    expect_same("in:b", false, "");
    expect_same("in:./", false, NULL);
    expect_same("seven in:./", false, "seven.txt");
    expect_same("alpha (in:other OR in:ab)", false, "docs/ab/two.txt other/docs/six.md other/four.html");
}

/* Filtered hits are the unfiltered ones that pass, same order, same bits. */
static void test_scores_inside_filters(void **state)
{
    (void)state;
    static const char *const words[] = {"alpha beta", "gamma delta alpha", "alpha"};
    static const char *const filters[] = {"type:text", "in:docs", "author:hopper", "after:2022",
                                          "before:2023 in:other"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        hits all = search(g_xapian, words[w], true);
        for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
            char *members = path_set(g_xapian, filters[f], true);
            char *padded = ts_strf(" %s ", members);
            char *query = ts_strf("%s %s", words[w], filters[f]);
            hits some = search(g_xapian, query, true);
            size_t at = 0;
            for (size_t i = 0; i < all.n; i++) {
                char *needle = ts_strf(" %s ", all.path[i]);
                bool passes = strstr(padded, needle) != NULL;
                free(needle);
                if (!passes)
                    continue;
                if (at >= some.n || strcmp(some.path[at], all.path[i]) != 0 ||
                    memcmp(&some.score[at], &all.score[i], sizeof(double)) != 0)
                    fail_msg("%s: hit %zu differs from the unfiltered %s %.17g", query, at,
                             all.path[i], all.score[i]);
                at++;
            }
            assert_int_equal(at, some.n);
            assert_int_equal(at, some.total);
            free(query);
            free(padded);
            free(members);
        }
    }
}

static uint64_t termfreq(shelf_xdb *db, const char *term)
{
    shelf_err err = {0};
    uint64_t df = 0;
    if (shelf_xdb_termfreq(db, term, strlen(term), &df, &err) != SHELF_OK)
        fail_msg("termfreq %s: %s", term, err.msg);
    return df;
}

/* The terms are there under Omega's prefixes, and the day value. */
static void test_terms_in_the_database(void **state)
{
    (void)state;
    shelf_err err = {0};
    shelf_xdb *db;
    char *path = ts_strf("%s/xapian", g_xapian);
    assert_int_equal(shelf_xdb_open(&db, path, &err), SHELF_OK);
    assert_int_equal(termfreq(db, "Ttext/html"), 2);
    assert_int_equal(termfreq(db, "Ttext/plain"), 3);
    assert_int_equal(termfreq(db, "Ttext/markdown"), 2);
    assert_int_equal(termfreq(db, "XD/"), 7);
    char *folder = ts_strf("XD%s/docs/a", g_src);
    assert_int_equal(termfreq(db, folder), 2);
    free(folder);
    assert_int_equal(termfreq(db, "Alovelace"), 1);
    assert_int_equal(termfreq(db, "Aking"), 1);
    assert_int_equal(termfreq(db, "Abrewster"), 1);
    uint32_t docid;
    char *one = ts_strf("%s/docs/a/one.html", g_src);
    assert_int_equal(shelf_xdb_find(db, one, strlen(one), &docid, &err), SHELF_OK);
    shelf_buf day = {0};
    assert_int_equal(shelf_xdb_value(db, docid, SHELF_XAPIAN_DAY_SLOT, &day, &err), SHELF_OK);
    assert_int_equal(day.len, 8);
    assert_memory_equal(day.data, "20210304", 8);
    char *layout_value = calloc(1, 16);
    assert_int_equal(shelf_xdb_get_metadata(db, SHELF_XAPIAN_LAYOUT_KEY, layout_value, 16, &err),
                     SHELF_OK);
    assert_string_equal(layout_value, "3");
    free(layout_value);
    shelf_buf_free(&day);
    free(one);
    free(path);
    shelf_xdb_close(db);
}

/* A document whose terms say text but whose record says PDF. */
static void plant_liar(shelf_xdb *db, const char *path)
{
    shelf_err err = {0};
    shelf_xdoc *doc = shelf_xdoc_new();
    shelf_docview meta = {.path = path, .path_len = strlen(path), .title = "Liar", .title_len = 4,
                          .flags = (uint32_t)SHELF_FORMAT_PDF << SHELF_DOC_FORMAT_SHIFT};
    shelf_buf blob = {0};
    assert_int_equal(shelf_xapdoc_encode(&blob, &meta, "", 0, NULL, 0, NULL), SHELF_OK);
    assert_int_equal(shelf_record_value_set(doc, blob.data, blob.len, &err), SHELF_OK);
    assert_int_equal(shelf_xdoc_add_boolean_term(doc, "Ttext/plain", 11, &err), SHELF_OK);
    assert_int_equal(shelf_xdb_replace(db, path, strlen(path), doc, NULL, &err), SHELF_OK);
    shelf_buf_free(&blob);
    shelf_xdoc_free(doc);
}

static void set_layout(const char *dir, const char *layout)
{
    shelf_err err = {0};
    shelf_xdb *db;
    char *path = ts_strf("%s/xapian", dir);
    assert_int_equal(shelf_xdb_open_writable(&db, path, 0, &err), SHELF_OK);
    assert_int_equal(shelf_xdb_set_metadata(db, SHELF_XAPIAN_LAYOUT_KEY, layout, &err), SHELF_OK);
    if (strcmp(layout, "3") == 0)
        plant_liar(db, "/liar.pdf");
    assert_int_equal(shelf_xdb_commit(db, &err), SHELF_OK);
    shelf_xdb_close(db);
    free(path);
}

/* Layout 3 reads the terms (the liar passes type:text); layout 2 has none
 * to read, so its filters read each record (the liar is a PDF), and its
 * other queries work as before. */
static void test_layout_2_walks(void **state)
{
    (void)state;
    char *copy = ts_strf("%s/old", g_tmp);
    free(ts_run_ok("cp -r '%s' '%s'", g_xapian, copy));
    set_layout(copy, "3");
    hits h = search(copy, "type:text", true);
    assert_int_equal(h.total, 4);
    set_layout(copy, "2");
    h = search(copy, "type:text", true);
    assert_int_equal(h.total, 3);
    assert_int_equal(search(copy, "type:pdf", true).total, 1);
    assert_int_equal(search(copy, "alpha after:2023", true).total, 3);
    assert_int_equal(search(copy, "alpha", true).total, 6);
    /* the indexer adds to it only by a rebuild */
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' -q --index '%s' '%s'", INDEXER_BIN, copy, g_src);
    assert_int_not_equal(rc, 0);
    ts_expect_in(err, "--rebuild", "indexer on a layout-2 database");
    free(err);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_filter_as_native),
        cmocka_unit_test(test_combinations_as_native),
        cmocka_unit_test(test_relative_folder_without_roots),
        cmocka_unit_test(test_scores_inside_filters),
        cmocka_unit_test(test_terms_in_the_database),
        cmocka_unit_test(test_layout_2_walks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
