/*
 * test_inverter_batch.c - shelf_inverter_add_batch gives exactly the
 * dictionary and postings that adding the same occurrences one by one
 * with distinct hashes gives, byte for byte: with a term several times in one batch, with two
 * terms sharing a 64-bit hash, with terms sharing the slot tag (the top half
 * of the hash) or the home slot (the bottom half), with the table growing
 * mid-batch, and with a budget so small that runs spill after almost every
 * batch (run boundaries then differ, the merged result must not).  Also:
 * finishing straight from the table when nothing was spilled gives what
 * merging spilled runs gives (two documents repeat one word thousands of
 * times, so one posting's positions outgrow the chunks they are copied in),
 * and finishing with the second half of the terms written on a thread
 * gives what one thread gives.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/analyzer.h"
#include "backend/native/inverter.h"
#include "query/keys.h"
#include "support.h"

#define DOCS 400
#define TOKENS_PER_DOC 37 /* not a multiple of the batch */
#define VOCABULARY 12000 /* about 4,600 of them used: past the split finish's threshold */
#define LONG_DOC_TOKENS 5000 /* documents 7 and 300: one word repeated after the usual tokens */

typedef struct word {
    char text[24];
    uint64_t hash;
} word;

static word g_words[VOCABULARY];

/* The vocabulary: words with their real hash and, when clash, a few pairs
 * whose hashes are made to clash (what is written never depends on the
 * hashes, only on the terms). */
static void make_words(bool clash)
{
    for (int i = 0; i < VOCABULARY; i++) {
        snprintf(g_words[i].text, sizeof g_words[i].text, "w%dx%d", i, i * 7919 % 1000);
        g_words[i].hash = shelf_term_hash(g_words[i].text, strlen(g_words[i].text));
    }
    if (!clash)
        return;
    g_words[1].hash = g_words[0].hash; /* the same 64-bit hash */
    g_words[3].hash = (g_words[2].hash & 0xFFFFFFFF00000000ull) | 0x1234u; /* the same tag */
    g_words[5].hash = (g_words[4].hash & 0xFFFFFFFFull) | 0xABCD00000000ull; /* the same home slot */
    g_words[7].hash = g_words[6].hash;
}

static uint32_t tokens_in(uint32_t d)
{
    return d == 7 || d == 300 ? LONG_DOC_TOKENS : TOKENS_PER_DOC;
}

/* Token k of document d: a skewed choice, so some words recur often and
 * within one batch; past TOKENS_PER_DOC, word 9 again and again. */
static const word *token(uint32_t d, uint32_t k)
{
    if (k >= TOKENS_PER_DOC)
        return &g_words[9];
    uint32_t x = (d * 2654435761u) ^ (k * 40503u);
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    uint32_t r = x % 100;
    if (r < 30)
        return &g_words[x % 8]; /* the clashing words, often */
    if (r < 60)
        return &g_words[8 + x % 40];
    return &g_words[(x >> 7) % VOCABULARY];
}

typedef struct output {
    char *dict, *post, *pos; /* the files' bytes */
    size_t dict_len, post_len, pos_len;
} output;

static char *read_tmp(const char *dir, const char *name, size_t *len)
{
    char *path = ts_strf("%s/%s.tmp", dir, name);
    char *data = ts_read_file(path, len);
    if (!data)
        fail_msg("cannot read %s", path);
    free(path);
    return data;
}

/* Inverts every document, in batches of batch_size (0: one by one through
 * shelf_inverter_add_term), within budget bytes, finishing with the second
 * half of the terms on a thread when split, and returns the files. */
static output invert_all(const char *dir, const char *name, size_t batch_size, size_t budget,
                         bool split)
{
    char *prefix = ts_strf("%s/%s.", dir, name);
    char *dict_name = ts_strf("%s.dict", name), *post_name = ts_strf("%s.post", name),
         *pos_name = ts_strf("%s.pos", name);
    char *dict_path = ts_strf("%s/%s", dir, dict_name), *post_path = ts_strf("%s/%s", dir, post_name),
         *pos_path = ts_strf("%s/%s", dir, pos_name);
    shelf_err err = {0};
    shelf_inverter *inv = shelf_inverter_new(prefix, budget, &err);
    assert_non_null(inv);
    static uint32_t lengths[DOCS];
    for (uint32_t d = 0; d < DOCS; d++) {
        lengths[d] = tokens_in(d);
        shelf_occurrence occ[SHELF_INVERTER_BATCH];
        size_t n = 0;
        for (uint32_t k = 0; k < lengths[d]; k++) {
            const word *w = token(d, k);
            if (batch_size == 0) {
                assert_int_equal(shelf_inverter_add_term(inv, SHELF_FIELD_BODY, (const uint8_t *)w->text,
                                                         strlen(w->text), w->hash, d, k, &err),
                                 SHELF_OK);
                continue;
            }
            occ[n++] = (shelf_occurrence){(const uint8_t *)w->text, (uint8_t)strlen(w->text), w->hash, k};
            if (n == batch_size || k + 1 == lengths[d]) {
                assert_int_equal(shelf_inverter_add_batch(inv, SHELF_FIELD_BODY, occ, n, d, &err),
                                 SHELF_OK);
                n = 0;
            }
        }
        assert_int_equal(shelf_inverter_end_doc(inv, &err), SHELF_OK);
    }
    if (budget < 100000)
        assert_true(shelf_inverter_runs(inv) > 10);
    else
        assert_int_equal(shelf_inverter_runs(inv), 0);
    shelf_dictwriter dict;
    shelf_postwriter post;
    assert_int_equal(shelf_dictwriter_open(&dict, dict_path, &err), SHELF_OK);
    assert_int_equal(shelf_postwriter_open(&post, post_path, pos_path, &err), SHELF_OK);
    const uint32_t *doc_lengths[3] = {NULL, lengths, lengths};
    uint64_t terms = 0;
    shelf_inverter_allow_split_finish(inv, split);
    if (shelf_inverter_finish(inv, &dict, &post, doc_lengths, DOCS, &terms, &err) != SHELF_OK)
        fail_msg("finish: %s", err.msg);
    assert_true(terms > 4096);
    shelf_inverter_stats stats;
    shelf_inverter_get_stats(inv, &stats);
    /* split only when asked and nothing was spilled */
    assert_int_equal(stats.split_finishes, split && shelf_inverter_runs(inv) == 0);
    assert_int_equal(shelf_dictwriter_finish(&dict, &err), SHELF_OK);
    assert_int_equal(shelf_postwriter_finish(&post, &err), SHELF_OK);
    output o;
    o.dict = read_tmp(dir, dict_name, &o.dict_len);
    o.post = read_tmp(dir, post_name, &o.post_len);
    o.pos = read_tmp(dir, pos_name, &o.pos_len);
    shelf_dictwriter_close(&dict);
    shelf_postwriter_close(&post);
    shelf_inverter_free(inv);
    free(prefix);
    free(dict_name), free(post_name), free(pos_name);
    free(dict_path), free(post_path), free(pos_path);
    return o;
}

static void expect_same(const output *a, const output *b)
{
    assert_int_equal(a->dict_len, b->dict_len);
    assert_memory_equal(a->dict, b->dict, a->dict_len);
    assert_int_equal(a->post_len, b->post_len);
    assert_memory_equal(a->post, b->post, a->post_len);
    assert_int_equal(a->pos_len, b->pos_len);
    assert_memory_equal(a->pos, b->pos, a->pos_len);
}

static void output_free(output *o)
{
    free(o->dict);
    free(o->post);
    free(o->pos);
}

/* The reference: one by one, no clashing hashes; against it, with clashing
 * hashes, one by one and in batches of several sizes. */
static void compare(size_t budget)
{
    make_words(false);
    char *dir = ts_mkdtemp();
    output one = invert_all(dir, "one", 0, budget, false);
    make_words(true);
    const size_t sizes[] = {0, 1, 5, SHELF_INVERTER_BATCH};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char name[16];
        snprintf(name, sizeof name, "batch%zu", sizes[i]);
        output batched = invert_all(dir, name, sizes[i], budget, false);
        expect_same(&one, &batched);
        output_free(&batched);
    }
    output_free(&one);
    ts_rmtree(dir);
    free(dir);
}

static void test_batch_equals_one_by_one(void **state)
{
    (void)state;
    compare((size_t)64 << 20);
}

static void test_batch_equals_one_by_one_spilling(void **state)
{
    (void)state;
    compare((size_t)48 << 10);
}

/* Nothing spilled (the table is written straight) against runs merged. */
static void test_table_finish_equals_merged_runs(void **state)
{
    (void)state;
    make_words(false);
    char *dir = ts_mkdtemp();
    output table = invert_all(dir, "table", SHELF_INVERTER_BATCH, (size_t)64 << 20, false);
    output merged = invert_all(dir, "merged", SHELF_INVERTER_BATCH, (size_t)48 << 10, true);
    expect_same(&table, &merged);
    output_free(&table);
    output_free(&merged);
    ts_rmtree(dir);
    free(dir);
}

/* The table written with the second half of its terms on a thread (scratch
 * files appended, dictionary offsets shifted) against one thread, with and
 * without clashing hashes. */
static void test_split_finish_equals_one_thread(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    for (int clash = 0; clash <= 1; clash++) {
        make_words(clash);
        output one = invert_all(dir, "whole", SHELF_INVERTER_BATCH, (size_t)64 << 20, false);
        output split = invert_all(dir, "split", SHELF_INVERTER_BATCH, (size_t)64 << 20, true);
        expect_same(&one, &split);
        output_free(&one);
        output_free(&split);
    }
    ts_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_equals_one_by_one),
        cmocka_unit_test(test_batch_equals_one_by_one_spilling),
        cmocka_unit_test(test_table_finish_equals_merged_runs),
        cmocka_unit_test(test_split_finish_equals_one_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
