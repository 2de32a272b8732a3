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
 *   - the written-words lists (present/written.h): a word is looked up as
 *     typed, not as its stem, so `controler` gets `controller` where
 *     "control" is everywhere, and `deterence` gets `deterrence` where
 *     "deter" is frequent, whatever the number of hits; inflected forms the
 *     corpus writes get nothing; the lists count what was written, digits
 *     left out, and a merge drops deleted documents from them; an index
 *     without lists keeps the stored-text rule;
 *   - the searcher prints it on stderr (text) and as "suggestion" (JSON).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "present/suggest.h"
#include "present/written.h"
#include "query/parse.h"
#include "query/plan.h"
#include "support.h"
#include "support_engine.h"
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
    ts_engine_query q;
    ts_engine_query_open(&q, dir, query, true);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    shelf_results res;
    ts_engine_query_search(&q, &o, &res);
    char *out = NULL;
    shelf_err err = {0};
    if (shelf_suggest(q.engine, q.analyzer, query, false, res.total, 0, &out, &err) != SHELF_OK)
        fail_msg("suggest %s: %s", query, err.msg);
    shelf_results_free(&res);
    ts_engine_query_close(&q);
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
    /* with the written-words lists, a word no document writes is corrected
     * however many documents the query found */
    expect_suggestion(g_native, "alliance deterence", "alliance deterrence");
}

/* Remove the written-words lists of an index, as if written before them. */
static void drop_lists(const char *dir)
{
    free(ts_run_ok("rm -f '%s'/seg_*.words", dir));
}

static void test_without_lists(void **state)
{
    char *old = ts_strf("%s/old", ts_tmp);
    build(old, "native", CORPUS_DIR);
    drop_lists(old);
    expect_suggestion(old, "deterence", "deterrence"); /* from stored text */
    expect_suggestion(old, "Stoltenburg", "Stoltenberg");
    expect_suggestion(old, "Vilnius", NULL);
    /* more than SHELF_SUGGEST_MAX_HITS hits: never, misspelling or not */
    expect_suggestion(old, "alliance deterence", NULL);
    free(old);
}

/* A shelf where "control" (and its forms) and "deter" are everywhere and
 * "controller" and "deterrence" are rare. */
static char *control_shelf(const char *name)
{
    char *dir = ts_strf("%s/%s", ts_tmp, name);
    for (int i = 0; i < 30; i++) {
        char *file = ts_strf("c%02d.txt", i);
        char *text = ts_strf("Panel %d\n\nThe control panel controls the pump; it is controlled "
                             "from the desk, and sanctions deter misuse. Version 2026. Its location "
                             "is fixed.\n", i);
        free(ts_write_file(dir, file, text, strlen(text)));
        free(text);
        free(file);
    }
    for (int i = 0; i < 3; i++) {
        char *file = ts_strf("r%02d.txt", i);
        char *text = ts_strf("Reset %d\n\nThe controller resets; nuclear deterrence holds; the "
                             "allocation grew.\n", i);
        free(ts_write_file(dir, file, text, strlen(text)));
        free(text);
        free(file);
    }
    const char *bird = "Birds\n\nA kestrel hovered over the field; the panels were fine.\n";
    free(ts_write_file(dir, "bird.txt", bird, strlen(bird)));
    return dir;
}

static uint64_t written_df(const char *index, const char *word)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, index, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", index, err.msg);
    shelf_written w;
    bool available = false;
    if (shelf_written_open(&w, e, &available, &err) != SHELF_OK || !available)
        fail_msg("%s: no written-words lists (%s)", index, err.msg);
    uint64_t df = 0;
    if (shelf_written_df(&w, word, strlen(word), &df, &err) != SHELF_OK)
        fail_msg("%s: %s", word, err.msg);
    shelf_written_close(&w);
    shelf_engine_close(e);
    return df;
}

static void test_word_as_typed(void **state)
{
    char *src = control_shelf("control"), *idx = ts_strf("%s/control-index", ts_tmp);
    build(idx, "native", src);
    assert_int_equal(written_df(idx, "controller"), 3);
    assert_int_equal(written_df(idx, "controls"), 30);
    assert_int_equal(written_df(idx, "control"), 30);
    assert_int_equal(written_df(idx, "controler"), 0);
    assert_int_equal(written_df(idx, "kestrel"), 1);
    assert_int_equal(written_df(idx, "2026"), 0); /* words with digits are not listed */
    expect_suggestion(idx, "controler", "controller");
    expect_suggestion(idx, "Controler", "Controller");
    expect_suggestion(idx, "deterence", "deterrence");
    expect_suggestion(idx, "controls deterence", "controls deterrence");
    expect_suggestion(idx, "\"controler resets\"", "\"controller resets\"");
    /* of two neighbours 1 edit away, the one with the typed first letter,
     * though "location" is 10 times as frequent */
    expect_suggestion(idx, "alocation", "allocation");
    /* "panels" is written once, "panel" 30 times and 1 edit away, but both
     * are the term "panel": the search finds both, so "panels" stays */
    assert_int_equal(written_df(idx, "panels"), 1);
    static const char *const good[] = {
        "control", "controls", "controlled", "controller", "deter", "deterrence", "kestrel",
        "control panel", "nuclear deterrence", "panels", "allocation", "location",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        expect_suggestion(idx, good[i], NULL);
    /* without the lists the stem hides both misspellings */
    drop_lists(idx);
    expect_suggestion(idx, "controler", NULL);
    expect_suggestion(idx, "deterence", NULL);
    free(src);
    free(idx);
}

/* Damaged lists: every entry is bounds-checked, so a suggestion on a list
 * with bytes changed is an error or an answer, never a read outside it. */
static void test_damaged_list(void **state)
{
    char *src = control_shelf("damaged"), *idx = ts_strf("%s/damaged-index", ts_tmp);
    build(idx, "native", src);
    char *path = ts_strf("%s/seg_000001.words", idx);
    size_t len = 0;
    char *good = ts_read_file(path, &len);
    assert_true(len > 64);
    uint64_t seed = 18;
    for (int trial = 0; trial < 200; trial++) {
        char *bad = ts_exact_copy(good, len);
        for (int k = 0; k < 4; k++)
            bad[16 + ts_rand_below(&seed, len - 32)] = (char)ts_rand(&seed);
        free(ts_write_file(idx, "seg_000001.words", bad, len));
        free(bad);
        shelf_err err = {0};
        shelf_engine *e;
        if (shelf_engine_open(&e, idx, 0, &err) != SHELF_OK)
            fail_msg("open %s: %s", idx, err.msg);
        shelf_analyzer *a = shelf_analyzer_new(shelf_engine_language(e), &err);
        static const char *const queries[] = {"controler", "deterence", "kestrel", "zzzz"};
        for (size_t q = 0; q < 4; q++) {
            char *out = NULL;
            int rc = shelf_suggest(e, a, queries[q], false, 0, 0, &out, &err);
            if (rc != SHELF_OK && rc != SHELF_ECORRUPT)
                fail_msg("trial %d, %s: %d %s", trial, queries[q], rc, err.msg);
            free(out);
        }
        shelf_analyzer_free(a);
        shelf_engine_close(e);
    }
    free(ts_write_file(idx, "seg_000001.words", good, len));
    expect_suggestion(idx, "controler", "controller");
    free(good);
    free(path);
    free(src);
    free(idx);
}

static void test_lists_after_merge(void **state)
{
    char *src = control_shelf("merged"), *idx = ts_strf("%s/merged-index", ts_tmp);
    build(idx, "native", src);
    /* a second segment, then one controller document gone and everything merged */
    const char *more = "More\n\nAnother controller note.\n";
    free(ts_write_file(src, "zz.txt", more, strlen(more)));
    build(idx, "native", src);
    assert_int_equal(written_df(idx, "controller"), 4);
    char *gone = ts_strf("%s/r00.txt", src);
    assert_int_equal(unlink(gone), 0);
    build(idx, "native", src);
    free(ts_run_ok("'%s' -q --index '%s' --optimize", INDEXER_BIN, idx));
    assert_int_equal(written_df(idx, "controller"), 3);
    assert_int_equal(written_df(idx, "controls"), 30);
    expect_suggestion(idx, "controler", "controller");
    free(gone);
    free(src);
    free(idx);
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

/* The suggestion for query as if it had matched hits documents. */
static char *suggest_as_if(const char *dir, const char *query, uint64_t hits)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, dir, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    shelf_analyzer *a = shelf_analyzer_new(shelf_engine_language(e), &err);
    char *out = NULL;
    if (shelf_suggest(e, a, query, false, hits, 0, &out, &err) != SHELF_OK)
        fail_msg("suggest %s: %s", query, err.msg);
    shelf_analyzer_free(a);
    shelf_engine_close(e);
    return out;
}

static void test_much_rarer(void **state)
{
    char *twenty = spelling_shelf("twenty", 20), *nineteen = spelling_shelf("nineteen", 19);
    char *i20 = ts_strf("%s/i20", ts_tmp), *i19 = ts_strf("%s/i19", ts_tmp);
    build(i20, "native", twenty);
    build(i19, "native", nineteen);
    expect_suggestion(i20, "defense", "defence");
    expect_suggestion(i19, "defense", NULL);
    /* a written word is looked at only in a query with few hits */
    char *got = suggest_as_if(i20, "defense", SHELF_SUGGEST_MAX_HITS + 1);
    if (got)
        fail_msg("defense with many hits: want none, got %s", got);
    got = suggest_as_if(i20, "defense", SHELF_SUGGEST_MAX_HITS);
    assert_non_null(got);
    assert_string_equal(got, "defence");
    free(got);
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
        cmocka_unit_test(test_without_lists),
        cmocka_unit_test(test_word_as_typed),
        cmocka_unit_test(test_lists_after_merge),
        cmocka_unit_test(test_damaged_list),
        cmocka_unit_test(test_xapian_backend),
        cmocka_unit_test(test_much_rarer),
        cmocka_unit_test(test_searcher_shows_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
