/*
 * test_suggest.c - "did you mean" (present/suggest.h) on the sample shelf
 * (CORPUS_DIR) indexed with INDEXER_BIN, on both backends, and through
 * SEARCHER_BIN:
 *   - the edit distance it rests on (util/editdist.h);
 *   - misspellings of corpus words are corrected (`deterence` ->
 *     `deterrence`, whose stem "deter" the index holds from other words,
 *     `Stoltenburg` -> `Stoltenberg`), in the typed word's case;
 *   - well-spelled words, rare ones included, get no suggestion, nor does a
 *     query with more than SHELF_SUGGEST_MAX_HITS hits;
 *   - phrases, fields, operators, NEAR, prefixes and excluded words keep
 *     their place and bytes in the corrected query;
 *   - "much rarer": a known word gives way to a neighbour in 20 times as
 *     many documents, not to one in 19 times as many;
 *   - the searcher prints it on stderr (text) and as "suggestion" (JSON).
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
#include "present/suggest.h"
#include "query/parse.h"
#include "query/plan.h"
#include "support.h"
#include "support_run.h"
#include "util/editdist.h"

static char *g_native, *g_xapian;

static void build(const char *dir, const char *backend, const char *source)
{
    free(ts_run_ok("'%s' -q --backend %s --index '%s' '%s'", INDEXER_BIN, backend, dir, source));
}

static int setup(void **state)
{
    ts_setup_tmp(state);
    g_native = ts_strf("%s/native", ts_tmp);
    g_xapian = ts_strf("%s/xapian", ts_tmp);
    return 0;
}

static int teardown(void **state)
{
    free(g_native);
    free(g_xapian);
    return ts_teardown_tmp(state);
}

/* The suggestion for query on the index in dir, after searching it as the
 * searcher does; NULL when none. */
static char *suggest_on(const char *dir, const char *query)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, dir, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    shelf_analyzer *a = shelf_analyzer_new(shelf_engine_language(e), &err);
    int column = 0;
    shelf_qnode *tree = shelf_query_parse(query, NULL, &err, &column);
    if (!tree)
        fail_msg("parse %s: %s", query, err.msg);
    shelf_plan *plan = shelf_plan_for_engine(e, a, tree, NULL, 0, &err, &column);
    if (!plan)
        fail_msg("plan %s: %s", query, err.msg);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    shelf_results res;
    if (shelf_engine_search(e, plan, &o, &res, &err) != SHELF_OK)
        fail_msg("search %s: %s", query, err.msg);
    char *out = NULL;
    if (shelf_suggest(e, a, query, false, res.total, 0, &out, &err) != SHELF_OK)
        fail_msg("suggest %s: %s", query, err.msg);
    shelf_results_free(&res);
    shelf_plan_free(plan);
    shelf_query_free(tree);
    shelf_analyzer_free(a);
    shelf_engine_close(e);
    return out;
}

static void expect_suggestion(const char *dir, const char *query, const char *want)
{
    char *got = suggest_on(dir, query);
    if (!want && got)
        fail_msg("%s: want no suggestion, got \"%s\"", query, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("%s: want \"%s\", got %s%s%s", query, want, got ? "\"" : "", got ? got : "none",
                 got ? "\"" : "");
    free(got);
}

static void test_edit_distance(void **state)
{
    assert_int_equal(shelf_edit_distance("deterence", 9, "deterrence", 10, 2), 1);
    assert_int_equal(shelf_edit_distance("stoltenburg", 11, "stoltenberg", 11, 2), 1);
    assert_int_equal(shelf_edit_distance("ntao", 4, "nato", 4, 2), 1); /* a transposition */
    assert_int_equal(shelf_edit_distance("nato", 4, "nato", 4, 2), 0);
    assert_int_equal(shelf_edit_distance("kitten", 6, "sitting", 7, 3), 3);
    assert_int_equal(shelf_edit_distance("kitten", 6, "sitting", 7, 2), 3); /* over: max + 1 */
    assert_int_equal(shelf_edit_distance("ab", 2, "abcdef", 6, 2), 3);      /* lengths alone */
    assert_int_equal(shelf_edit_distance("", 0, "ab", 2, 2), 2);
    assert_int_equal(shelf_edit_distance("ca", 2, "abc", 3, 3), 3); /* OSA, not full Damerau */
}

static void test_corrects_misspellings(void **state)
{
    build(g_native, "native", CORPUS_DIR);
    expect_suggestion(g_native, "deterence", "deterrence");
    expect_suggestion(g_native, "Stoltenburg", "Stoltenberg");
    expect_suggestion(g_native, "STOLTENBURG", "STOLTENBERG");
    expect_suggestion(g_native, "Stoltenburg deterence", "Stoltenberg deterrence");
    expect_suggestion(g_native, "stoltenberh", "stoltenberg");
    expect_suggestion(g_native, "vilnuis", "vilnius");          /* a transposition */
    expect_suggestion(g_native, "toltenberg", "stoltenberg");   /* long: first letter left out */
    expect_suggestion(g_native, "xtoltenberg", "stoltenberg");  /* long: first letter wrong */
}

static void test_none_for_well_spelled_words(void **state)
{
    static const char *const good[] = {
        "deterrence", "Stoltenberg", "Vilnius", "nuclear", "Ukraine", "pledge",
        "Ukraine pledge", "nuclear Vilnius", "\"Cyber Defence Pledge\"", "deter",
        "alliance AND Vilnius", "zq", /* too short to correct */
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        expect_suggestion(g_native, good[i], NULL);
    /* more than SHELF_SUGGEST_MAX_HITS hits: never, misspelling or not */
    expect_suggestion(g_native, "alliance deterence", NULL);
}

static void test_keeps_query_structure(void **state)
{
    expect_suggestion(g_native, "\"Stoltenburg said\"", "\"Stoltenberg said\"");
    expect_suggestion(g_native, "title:deterence", "title:deterrence");
    expect_suggestion(g_native, "+deterence -ukraine", "+deterrence -ukraine");
    expect_suggestion(g_native, "deterence AND (Stoltenburg OR vilnius)",
                      "deterrence AND (Stoltenberg OR vilnius)");
    expect_suggestion(g_native, "deterence NEAR/3 nuclear", "deterrence NEAR/3 nuclear");
    expect_suggestion(g_native, "  deterence   AND path:nato  ", "  deterrence   AND path:nato  ");
    /* excluded words and prefixes are what they are */
    expect_suggestion(g_native, "deterence -Stoltenburg", "deterrence -Stoltenburg");
    expect_suggestion(g_native, "Stoltenburg stoltenbur*", "Stoltenberg stoltenbur*");
}

static void test_xapian_backend(void **state)
{
    build(g_xapian, "xapian", CORPUS_DIR);
    expect_suggestion(g_xapian, "deterence", "deterrence");
    expect_suggestion(g_xapian, "Stoltenburg", "Stoltenberg");
    expect_suggestion(g_xapian, "Vilnius", NULL);
}

/* A folder of n documents saying "defence" and one saying "defense". */
static char *spelling_shelf(const char *name, int n)
{
    char *dir = ts_strf("%s/%s", ts_tmp, name);
    for (int i = 0; i < n; i++) {
        char *file = ts_strf("d%02d.txt", i);
        char *text = ts_strf("Note %d\n\nThe budget for defence grew.\n", i);
        free(ts_write_file(dir, file, text, strlen(text)));
        free(text);
        free(file);
    }
    const char *odd = "Odd one\n\nThe defense review.\n";
    free(ts_write_file(dir, "odd.txt", odd, strlen(odd)));
    return dir;
}

static void test_much_rarer(void **state)
{
    char *twenty = spelling_shelf("twenty", 20), *nineteen = spelling_shelf("nineteen", 19);
    char *i20 = ts_strf("%s/i20", ts_tmp), *i19 = ts_strf("%s/i19", ts_tmp);
    build(i20, "native", twenty);
    build(i19, "native", nineteen);
    expect_suggestion(i20, "defense", "defence");
    expect_suggestion(i19, "defense", NULL);
    free(twenty);
    free(nineteen);
    free(i20);
    free(i19);
}

static void test_searcher_shows_it(void **state)
{
    char *out = NULL, *err = NULL;
    char *cmd = ts_strf("'%s' --index '%s' deterence", SEARCHER_BIN, g_native);
    ts_run(cmd, &out, &err);
    ts_expect_in(err, "did you mean: deterrence\n", "stderr of a misspelled query");
    if (strstr(out, "did you mean"))
        fail_msg("the suggestion belongs on stderr, not stdout: %s", out);
    free(out);
    free(err);
    free(cmd);

    cmd = ts_strf("'%s' --index '%s' --json Stoltenburg", SEARCHER_BIN, g_native);
    ts_run(cmd, &out, NULL);
    ts_expect_in(out, "\"total\":0,", "JSON of a misspelled query");
    ts_expect_in(out, ",\"suggestion\":\"Stoltenberg\",\"hits\":[]", "JSON of a misspelled query");
    free(out);
    free(cmd);

    cmd = ts_strf("'%s' --index '%s' --json Stoltenberg", SEARCHER_BIN, g_native);
    ts_run(cmd, &out, &err);
    if (strstr(out, "suggestion") || strstr(err, "did you mean"))
        fail_msg("a well-spelled query got a suggestion: %s %s", out, err);
    free(out);
    free(err);
    free(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_corrects_misspellings),
        cmocka_unit_test(test_none_for_well_spelled_words),
        cmocka_unit_test(test_keeps_query_structure),
        cmocka_unit_test(test_xapian_backend),
        cmocka_unit_test(test_much_rarer),
        cmocka_unit_test(test_searcher_shows_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
