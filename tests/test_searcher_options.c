/*
 * test_searcher_options.c - the searcher's command line as a script or a
 * person uses it (issue 19), binaries end to end: --version (both
 * programs), options before or after the query words and "--", conflicting
 * options refused naming both, --queries answers labelled with their line
 * (a failing line answered too, exit 2 at the end), --index on a folder
 * that is not an index, and totals exact up to 1,000 matches on a shelf of
 * 1,100 generated documents.
 *
 * The sample shelf (CORPUS_DIR) is indexed once for the group; the
 * generated shelf once, by the test that needs it.
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

#include "backend/native/format.h"
#include "json_reader.h"
#include "support.h"
#include "support_run.h"

static char *g_idx; /* index of CORPUS_DIR, in ts_tmp */

/* searcher --index g_idx ARGS */
static ts_output searcher(const char *args)
{
    return ts_capture("'%s' --index '%s' %s", SEARCHER_BIN, g_idx, args);
}

/* The one JSON object of r's stdout. */
static void parse_one(const ts_output *r, jv *v)
{
    if (!json_parse(r->out, strlen(r->out), v))
        fail_msg("not one JSON object: %s (stderr %s)", r->out, r->err);
    assert_int_equal(v->t, J_OBJ);
}

static double json_total(const char *args)
{
    ts_output r = searcher(args);
    jv v;
    parse_one(&r, &v);
    double total = jget_type(&v, "total", J_NUM)->num;
    jv_free(&v);
    ts_output_free(&r);
    return total;
}

static int setup(void **state)
{
    if (ts_setup_tmp(state) != 0)
        return -1;
    g_idx = ts_strf("%s/idx", ts_tmp);
    char *cmd = ts_strf("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, g_idx, CORPUS_DIR);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 0)
        fprintf(stderr, "indexer failed (%d): %s%s\n", rc, out, err);
    free(cmd);
    free(out);
    free(err);
    return rc == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    free(g_idx);
    return ts_teardown_tmp(state);
}

/* ---------- --version ---------- */

static void test_version(void **state)
{
    char *format = ts_strf("index format %u\n", SHELF_FORMAT_VERSION);
    static const char *const bins[] = {SEARCHER_BIN, INDEXER_BIN};
    static const char *const names[] = {"searcher (shelf) ", "indexer (shelf) "};
    for (int i = 0; i < 2; i++) {
        ts_output r = ts_capture("'%s' --version", bins[i]);
        assert_int_equal(r.rc, 0);
        if (strncmp(r.out, names[i], strlen(names[i])) != 0 || !strstr(r.out, format))
            fail_msg("%s --version printed: %s", bins[i], r.out);
        /* a version number: digits and dots after the name */
        const char *v = r.out + strlen(names[i]);
        const char *dot = strchr(v, '.');
        assert_true(v[0] >= '0' && v[0] <= '9' && dot && dot < strchr(v, '\n'));
        assert_string_equal(r.err, "");
        ts_output_free(&r);
    }
    /* --help names it */
    ts_output r = ts_capture("'%s' --help", SEARCHER_BIN);
    ts_expect_in(r.out, "--version", "searcher --help");
    ts_output_free(&r);
    r = ts_capture("'%s' --help", INDEXER_BIN);
    ts_expect_in(r.out, "--version", "indexer --help");
    ts_output_free(&r);
    free(format);
}

/* ---------- options anywhere ---------- */

static void test_options_after_the_query(void **state)
{
    /* searcher wetland --json: options after the words */
    ts_output r = searcher("nato --json");
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one(&r, &v);
    assert_string_equal(jget_type(&v, "query", J_STR)->s, "nato");
    jv_free(&v);
    ts_output_free(&r);

    /* --count nato -n 3 counts nato, not "nato -n 3" */
    double nato = json_total("--json --count nato");
    assert_true(nato > 3);
    r = searcher("--count nato -n 3");
    assert_int_equal(r.rc, 0);
    assert_int_equal(strtod(r.out, NULL), nato);
    ts_output_free(&r);

    /* -n and --json between and after words: two hits of "nato defence" */
    r = searcher("nato -n 2 defence --json");
    assert_int_equal(r.rc, 0);
    parse_one(&r, &v);
    assert_string_equal(jget_type(&v, "query", J_STR)->s, "nato defence");
    assert_int_equal(jget_type(&v, "hits", J_ARR)->n, 2);
    jv_free(&v);
    ts_output_free(&r);

    /* --name=value and a value that starts with '-' */
    r = searcher("nato --limit=1 --highlight '-,-'");
    assert_int_equal(r.rc, 0);
    ts_expect_in(r.out, "-NATO-", "--highlight -,- output");
    ts_output_free(&r);
}

static void test_double_dash_ends_options(void **state)
{
    /* after --, "-defence" is an excluded word, as one argument with a space is */
    double all = json_total("--json nato");
    double without = json_total("--json nato -- -defence");
    double quoted = json_total("--json 'nato -defence'");
    double spaced = json_total("--json -- '-defence nato'");
    double unquoted_space = json_total("--json '-defence nato'"); /* white space: a query word */
    assert_true(without < all);
    assert_true(without == quoted && quoted == spaced && spaced == unquoted_space);
    /* after --, an option's spelling is a query word */
    ts_output r = searcher("--json -- nato --count");
    jv v;
    parse_one(&r, &v);
    assert_string_equal(jget_type(&v, "query", J_STR)->s, "nato --count");
    jv_free(&v);
    ts_output_free(&r);
}

/* A query word that looks like a short option is refused, naming "--". */
static void test_word_like_an_option(void **state)
{
    static const char *const words[] = {"-defence", "-nato", "-help", "-x", "-n5x"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        char *args = ts_strf("nato %s", words[i]);
        ts_output r = searcher(args);
        char *quoted = ts_strf("'%s'", words[i]);
        if (r.rc != 2 || r.out[0] || !strstr(r.err, quoted) || !strstr(r.err, "'--'"))
            fail_msg("searcher %s: exit %d, stdout %s, stderr %s", args, r.rc, r.out, r.err);
        free(quoted);
        free(args);
        ts_output_free(&r);
    }
    /* -n5 is -n with 5 */
    ts_output r = searcher("nato -n1 --json");
    assert_int_equal(r.rc, 0);
    jv v;
    parse_one(&r, &v);
    assert_int_equal(jget_type(&v, "hits", J_ARR)->n, 1);
    jv_free(&v);
    ts_output_free(&r);
}

/* ---------- conflicting options ---------- */

static void test_conflicts_refused(void **state)
{
    static const struct {
        const char *args, *a, *b;
    } cases[] = {
        {"--json --cite nato", "--json", "--cite"},
        {"nato --cite --json", "--json", "--cite"},
        {"--json --cite-format markdown nato", "--json", "--cite-format"},
        {"--count --cite nato", "--count", "--cite"},
        {"--count nato --explain", "--count", "--explain"},
        {"--cite --context 2 nato", "--cite", "--context"},
        {"--json --highlight '<,>' nato", "--json", "--highlight"},
        {"--verify --no-verify nato", "--verify", "--no-verify"},
        {"--serve --json", "--serve", "--json"},
        {"--serve -n 5", "--serve", "--limit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ts_output r = searcher(cases[i].args);
        if (r.rc != 2 || r.out[0] || !strstr(r.err, cases[i].a) || !strstr(r.err, cases[i].b) ||
            !strstr(r.err, "do not go together"))
            fail_msg("searcher %s: exit %d, stdout %s, stderr %s", cases[i].args, r.rc, r.out,
                     r.err);
        ts_output_free(&r);
    }
    /* what does go together still works */
    static const char *const fine[] = {"--json --count nato", "--cite-format json nato",
                                       "--count -n 3 nato", "--json --explain -n 1 nato"};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
        ts_output r = searcher(fine[i]);
        if (r.rc != 0)
            fail_msg("searcher %s: exit %d, stderr %s", fine[i], r.rc, r.err);
        ts_output_free(&r);
    }
}

/* ---------- --queries ---------- */

static void test_queries_labelled(void **state)
{
    static const char lines[] = "nato\nfoo \"bar\nxyzzyplugh\n";
    char *qf = ts_write_file(ts_tmp, "labelled.txt", lines, strlen(lines));
    char *args = ts_strf("--queries '%s' -n 1", qf);
    ts_output r = searcher(args);
    free(args);
    /* the failing line does not stop the run; exit 2 at the end */
    assert_int_equal(r.rc, 2);
    assert_true(strncmp(r.out, "line 1: nato\n", 13) == 0);
    ts_expect_in(r.out, "\nline 2: foo \"bar\nerror: ", "text --queries output");
    ts_expect_in(r.out, "\nline 3: xyzzyplugh\nno documents match xyzzyplugh\n", "text --queries output");
    ts_expect_in(r.err, "searcher: line 2: query error at column 5", "stderr");
    ts_output_free(&r);

    args = ts_strf("--json --queries '%s'", qf);
    r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 2);
    char *line = r.out;
    for (int i = 1; i <= 3; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        jv v;
        if (!json_parse(line, (size_t)(nl - line), &v))
            fail_msg("line %d is not JSON: %.*s", i, (int)(nl - line), line);
        assert_true(jget_type(&v, "line", J_NUM)->num == i);
        if (i == 2) {
            assert_non_null(jget(&v, "error"));
            assert_true(jget_type(&v, "column", J_NUM)->num == 5);
        } else {
            assert_non_null(jget(&v, "hits"));
        }
        jv_free(&v);
        line = nl + 1;
    }
    assert_string_equal(line, "");
    ts_output_free(&r);

    /* --count: each count under its label */
    args = ts_strf("--count --queries '%s'", qf);
    r = searcher(args);
    free(args);
    assert_int_equal(r.rc, 2);
    char *want = ts_strf("line 1: nato\n%.0f\nline 2: foo \"bar\nerror: ", json_total("--json --count nato"));
    assert_true(strncmp(r.out, want, strlen(want)) == 0);
    ts_expect_in(r.out, "line 3: xyzzyplugh\n0\n", "--count --queries output");
    free(want);
    ts_output_free(&r);

    /* a single query from the command line carries no label */
    r = searcher("--json nato");
    jv v;
    parse_one(&r, &v);
    assert_null(jget(&v, "line"));
    jv_free(&v);
    ts_output_free(&r);
    free(qf);
}

/* ---------- --index on something that is not an index ---------- */

static void test_not_an_index(void **state)
{
    /* the writer's folder of documents: said to be no index, and no
     * suggestion to index into it */
    ts_output r = ts_capture("'%s' --index '%s' nato", SEARCHER_BIN, CORPUS_DIR);
    assert_int_equal(r.rc, 2);
    ts_expect_in(r.err, "is a folder but not an index", "stderr");
    if (strstr(r.err, "indexer --index"))
        fail_msg("suggests indexing into the documents' folder: %s", r.err);
    ts_output_free(&r);
    r = ts_capture("timeout 60 '%s' --serve --index '%s' --listen 127.0.0.1:0", SEARCHER_BIN, CORPUS_DIR);
    assert_int_equal(r.rc, 2);
    ts_expect_in(r.err, "is a folder but not an index", "--serve stderr");
    assert_null(strstr(r.err, "indexer --index"));
    ts_output_free(&r);
    /* a file */
    char *file = ts_write_file(ts_tmp, "plain.txt", "x", 1);
    r = ts_capture("'%s' --index '%s' nato", SEARCHER_BIN, file);
    assert_int_equal(r.rc, 2);
    ts_expect_in(r.err, "is a file, not an index", "stderr");
    assert_null(strstr(r.err, "indexer --index"));
    ts_output_free(&r);
    free(file);
    /* a folder that does not exist yet: how to build one there */
    char *missing = ts_strf("%s/not-yet", ts_tmp);
    r = ts_capture("'%s' --index '%s' nato", SEARCHER_BIN, missing);
    assert_int_equal(r.rc, 2);
    char *want = ts_strf("indexer --index %s PATH", missing);
    ts_expect_in(r.err, want, "stderr");
    free(want);
    free(missing);
    ts_output_free(&r);
}

/* ---------- totals ---------- */

#define MANY_DOCS 1100
#define MIDDLE_DOCS 900

/* A shelf of MANY_DOCS documents: "harbour" in all of them (the first
 * hundred short, so they hold the top and the long rest can be skipped),
 * "estuary" in the first MIDDLE_DOCS, "kelp" in two. */
static char *make_many(void)
{
    char *docs = ts_strf("%s/many", ts_tmp);
    char text[4096];
    for (int i = 0; i < MANY_DOCS; i++) {
        size_t len = (size_t)snprintf(text, sizeof text, "Note %d\n\nharbour %s%s", i,
                                      i < MIDDLE_DOCS ? "estuary " : "",
                                      i == 17 || i == 801 ? "kelp " : "");
        for (int w = 0; w < (i < 100 ? 3 : 40 + i % 50); w++)
            len += (size_t)snprintf(text + len, sizeof text - len, "filler%d ", w % 30);
        char name[32];
        snprintf(name, sizeof name, "n%04d.txt", i);
        free(ts_write_file(docs, name, text, len));
    }
    char *idx = ts_strf("%s/many-idx", ts_tmp);
    free(ts_run_ok("'%s' --quiet --index '%s' '%s'", INDEXER_BIN, idx, docs));
    free(docs);
    return idx;
}

static void expect_total(const char *idx, const char *opts, const char *query, double total,
                         bool exact)
{
    ts_output r = ts_capture("'%s' --index '%s' --json %s '%s'", SEARCHER_BIN, idx, opts, query);
    jv v;
    parse_one(&r, &v);
    double got = jget_type(&v, "total", J_NUM)->num;
    bool got_exact = jget_type(&v, "total_exact", J_BOOL)->boolean;
    if (got != total || got_exact != exact)
        fail_msg("[%s]: total %g (%s), expected %g (%s)", query, got, got_exact ? "exact" : "at least",
                 total, exact ? "exact" : "at least");
    jv_free(&v);
    ts_output_free(&r);
}

static void test_totals(void **state)
{
    char *idx = make_many();
    /* two matches: exact, and the text says so */
    expect_total(idx, "", "kelp", 2, true);
    ts_output r = ts_capture("'%s' --index '%s' kelp", SEARCHER_BIN, idx);
    ts_expect_in(r.out, "1-2 of 2 matching documents", "text output");
    ts_output_free(&r);
    /* 900 matches, and an OR of two words: exact below 1,000 */
    expect_total(idx, "", "estuary", MIDDLE_DOCS, true);
    expect_total(idx, "", "estuary kelp", MIDDLE_DOCS, true);
    r = ts_capture("'%s' --index '%s' estuary", SEARCHER_BIN, idx);
    ts_expect_in(r.out, "1-10 of 900 matching documents", "text output");
    ts_output_free(&r);
    /* 1,100 matches: at least 1,000 counted; "≥ N" only when some were skipped */
    r = ts_capture("'%s' --index '%s' --json harbour", SEARCHER_BIN, idx);
    jv v;
    parse_one(&r, &v);
    double total = jget_type(&v, "total", J_NUM)->num;
    bool exact = jget_type(&v, "total_exact", J_BOOL)->boolean;
    if (total < 1000 || total > MANY_DOCS || (exact && total != MANY_DOCS))
        fail_msg("harbour: total %g (%s)", total, exact ? "exact" : "at least");
    assert_false(exact); /* the long documents' blocks cannot reach the top 10 */
    jv_free(&v);
    ts_output_free(&r);
    r = ts_capture("'%s' --index '%s' harbour", SEARCHER_BIN, idx);
    char *want = ts_strf("1-10 of ≥ %.0f matching documents", total);
    ts_expect_in(r.out, want, "text output");
    free(want);
    ts_output_free(&r);
    /* --exact-total and --count count them all */
    expect_total(idx, "--exact-total", "harbour", MANY_DOCS, true);
    r = ts_capture("'%s' --index '%s' --count harbour", SEARCHER_BIN, idx);
    assert_string_equal(r.out, "1100\n");
    ts_output_free(&r);
    free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_options_after_the_query),
        cmocka_unit_test(test_double_dash_ends_options),
        cmocka_unit_test(test_word_like_an_option),
        cmocka_unit_test(test_conflicts_refused),
        cmocka_unit_test(test_queries_labelled),
        cmocka_unit_test(test_not_an_index),
        cmocka_unit_test(test_totals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
