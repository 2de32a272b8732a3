/*
 * test_plan_stats.c - the planner takes every number it uses from the
 * statistics interface it is given (query/stats.h), not from an index: a
 * hand-made shelf_stats with a small table of keys drives
 *   - each key's df and idf (BM25 idf of the fake document count),
 *   - the title fallback when a word is absent from the body,
 *   - prefix expansion (the keys the fake lists, nothing else),
 *   - the per-prefix cap keeping the most frequent listed keys,
 *   - errors from the statistics ending planning;
 * and the shared BM25 length norm (query/bm25.h) on its edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analyzer.h"
#include "query/bm25.h"
#include "query/keys.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/stats.h"

typedef struct fake_key {
    char key[SHELF_MAX_KEY_BYTES + 1]; /* field byte + term, NUL-terminated */
    uint64_t df;
} fake_key;

typedef struct fake_index {
    uint64_t doc_count;
    fake_key keys[160];
    size_t count;
    int fail_df;                 /* df answers SHELF_EIO when set */
    char last_prefix[SHELF_MAX_KEY_BYTES + 1];
    int listings;                /* calls of terms */
} fake_index;

static void fake_add(fake_index *f, uint8_t field, const char *term, uint64_t df)
{
    fake_key *k = &f->keys[f->count++];
    k->key[0] = (char)field;
    snprintf(k->key + 1, sizeof k->key - 1, "%s", term);
    k->df = df;
}

static uint64_t fake_doc_count(const void *source)
{
    return ((const fake_index *)source)->doc_count;
}

static int fake_df(const void *source, const uint8_t *key, size_t len, uint64_t *df, shelf_err *err)
{
    const fake_index *f = source;
    if (f->fail_df)
        return shelf_errf(err, SHELF_EIO, "fake df failure");
    *df = 0;
    for (size_t i = 0; i < f->count; i++)
        if (strlen(f->keys[i].key) == len && memcmp(f->keys[i].key, key, len) == 0)
            *df = f->keys[i].df;
    return SHELF_OK;
}

static int fake_terms(const void *source, const uint8_t *prefix, size_t len, shelf_key_fn fn,
                      void *ctx, shelf_err *err)
{
    fake_index *f = (fake_index *)source;
    f->listings++;
    memcpy(f->last_prefix, prefix, len);
    f->last_prefix[len] = '\0';
    for (size_t i = 0; i < f->count; i++) {
        const char *k = f->keys[i].key;
        if (strlen(k) >= len && memcmp(k, prefix, len) == 0 &&
            fn(ctx, (const uint8_t *)k, strlen(k)))
            break;
    }
    return SHELF_OK;
}

typedef struct fixture {
    fake_index fake;
    shelf_stats stats;
    shelf_analyzer *analyzer;
    char notes[256];
} fixture;

static int setup(void **state)
{
    static fixture fx;
    memset(&fx, 0, sizeof fx);
    shelf_err err;
    fx.analyzer = shelf_analyzer_new("english", &err);
    if (!fx.analyzer)
        return -1;
    fx.fake.doc_count = 1000;
    fake_add(&fx.fake, SHELF_FIELD_BODY, "cat", 50);
    fake_add(&fx.fake, SHELF_FIELD_BODY, "nation", 10);
    fake_add(&fx.fake, SHELF_FIELD_BODY, "nationwid", 3);
    fake_add(&fx.fake, SHELF_FIELD_BODY, "nativ", 5);
    fake_add(&fx.fake, SHELF_FIELD_TITLE_ID, "appl", 7);
    fx.stats = (shelf_stats){&fx.fake, fake_doc_count, fake_df, fake_terms};
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    shelf_analyzer_free(fx->analyzer);
    return 0;
}

static shelf_plan *plan(fixture *fx, const char *query, shelf_err *err)
{
    int column;
    shelf_qnode *tree = shelf_query_parse(query, NULL, err, &column);
    assert_non_null(tree);
    shelf_plan *p = shelf_plan_build(&fx->stats, fx->analyzer, tree, fx->notes, sizeof fx->notes,
                                     err, &column);
    shelf_query_free(tree);
    return p;
}

static void assert_key(const shelf_pkey *k, const char *term)
{
    assert_int_equal(k->len, strlen(term) + 1);
    assert_int_equal(k->key[0], SHELF_FIELD_BODY);
    assert_memory_equal(k->key + 1, term, strlen(term));
}

static void test_df_and_idf_come_from_the_stats(void **state)
{
    fixture *fx = *state;
    shelf_err err;
    shelf_plan *p = plan(fx, "cats", &err);
    assert_non_null(p);
    assert_int_equal(p->kind, SHELF_P_TERM);
    assert_key(&p->keys[0], "cat");
    assert_int_equal(p->keys[0].df, 50);
    assert_true(p->keys[0].idf == shelf_bm25_idf(1000, 50));
    assert_true(p->keys[0].idf > 2.9 && p->keys[0].idf < 3.0); /* ln(1 + 950.5 / 50.5) */
    shelf_plan_free(p);

    fx->fake.doc_count = 60; /* the same key, another collection size */
    p = plan(fx, "cats", &err);
    assert_non_null(p);
    assert_true(p->keys[0].idf == shelf_bm25_idf(60, 50));
    shelf_plan_free(p);
    fx->fake.doc_count = 1000;
}

static void test_title_only_word_takes_the_title_df(void **state)
{
    fixture *fx = *state;
    shelf_err err;
    shelf_plan *p = plan(fx, "apples", &err);
    assert_non_null(p);
    assert_key(&p->keys[0], "appl"); /* stored with the body byte all the same */
    assert_int_equal(p->keys[0].df, 7);
    shelf_plan_free(p);

    p = plan(fx, "zebra", &err); /* in no field: still a TERM, df 0 */
    assert_non_null(p);
    assert_int_equal(p->kind, SHELF_P_TERM);
    assert_int_equal(p->keys[0].df, 0);
    assert_true(p->keys[0].idf == shelf_bm25_idf(1000, 0));
    shelf_plan_free(p);
}

static void test_prefix_expands_over_the_listed_keys(void **state)
{
    fixture *fx = *state;
    shelf_err err;
    fx->fake.listings = 0;
    shelf_plan *p = plan(fx, "nations*", &err);
    assert_non_null(p);
    assert_int_equal(fx->fake.listings, 1);
    assert_string_equal(fx->fake.last_prefix, "\x01nation");
    assert_int_equal(p->kind, SHELF_P_BOOL);
    assert_int_equal(p->nchildren, 2); /* "nativ" does not start with the prefix */
    assert_key(&p->children[0]->keys[0], "nation");
    assert_int_equal(p->children[0]->keys[0].df, 10);
    assert_key(&p->children[1]->keys[0], "nationwid");
    assert_int_equal(p->children[1]->keys[0].df, 3);
    assert_true(p->children[1]->keys[0].idf == shelf_bm25_idf(1000, 3));
    shelf_plan_free(p);

    p = plan(fx, "zzz*", &err); /* nothing listed: matches nothing */
    assert_non_null(p);
    assert_int_equal(p->kind, SHELF_P_NONE);
    shelf_plan_free(p);
}

static void test_prefix_cap_keeps_the_most_frequent(void **state)
{
    fixture *fx = *state;
    size_t before = fx->fake.count;
    for (int i = 0; i < SHELF_PREFIX_MAX_TERMS + 2; i++) {
        char term[16];
        snprintf(term, sizeof term, "qux%03d", i);
        fake_add(&fx->fake, SHELF_FIELD_BODY, term, (uint64_t)i + 1); /* qux000 rarest */
    }
    shelf_err err;
    shelf_plan *p = plan(fx, "qux*", &err);
    assert_non_null(p);
    assert_int_equal(p->nchildren, SHELF_PREFIX_MAX_TERMS);
    assert_key(&p->children[0]->keys[0], "qux129"); /* most frequent first */
    for (size_t i = 0; i < p->nchildren; i++)
        assert_true(p->children[i]->keys[0].df >= 3); /* qux000 and qux001 dropped */
    assert_non_null(strstr(fx->notes, "'qux*'"));
    shelf_plan_free(p);
    fx->fake.count = before;
}

static void test_stats_error_ends_planning(void **state)
{
    fixture *fx = *state;
    shelf_err err = {0};
    fx->fake.fail_df = 1;
    shelf_plan *p = plan(fx, "cats", &err);
    fx->fake.fail_df = 0;
    assert_null(p);
    assert_int_equal(err.code, SHELF_EIO);
    assert_non_null(strstr(err.msg, "fake df failure"));
}

static void test_bm25_length_norm(void **state)
{
    (void)state;
    assert_true(shelf_bm25_length_norm(0.75, 10, 5.0) == 1.0 - 0.75 + 0.75 * 10.0 / 5.0);
    assert_true(shelf_bm25_length_norm(0.75, 5, 5.0) == 1.0); /* average length: K = 1 */
    assert_true(shelf_bm25_length_norm(0.0, 99, 5.0) == 1.0); /* b = 0: no normalisation */
    assert_true(shelf_bm25_length_norm(0.75, 10, 0.0) == 1.0); /* empty field */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_df_and_idf_come_from_the_stats),
        cmocka_unit_test(test_title_only_word_takes_the_title_df),
        cmocka_unit_test(test_prefix_expands_over_the_listed_keys),
        cmocka_unit_test(test_prefix_cap_keeps_the_most_frequent),
        cmocka_unit_test(test_stats_error_ends_planning),
        cmocka_unit_test(test_bm25_length_norm),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
