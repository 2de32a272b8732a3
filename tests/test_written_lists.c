/*
 * test_written_lists.c - the segments' written-words lists (words.h,
 * wordswriter.h) hold exactly what their documents write.
 *
 * The reference is a recount made here: every document a segment stores
 * (deleted ones too: a list counts them until a merge) is tokenised again
 * with a "none" analyzer, and each listed word (analyzer.h,
 * shelf_word_listed) counts once per document.  The lists must equal it,
 * word for word and count for count:
 *   - written by one thread (the analysis pass's words, its word_met hint);
 *   - written with --threads 2 (words carried in the analysed records);
 *   - after updates and deletions over several segments, then a merge of
 *     them all (inputs' lists added, dropped documents subtracted);
 *   - after a merge whose input lost its list, or had it damaged (that
 *     input's documents are read again).
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

#include "analysis/analyzer.h"
#include "backend/native/index.h"
#include "backend/native/words.h"
#include "engine/engine.h"
#include "extract/layout.h"
#include "support.h"
#include "support_run.h"

/* A word and its count; a table of them, sorted and summed by word. */
typedef struct counted {
    char *word;
    uint64_t df;
} counted;

typedef struct table {
    counted *at;
    size_t n, cap;
} table;

static void add(table *t, const char *word, size_t len, uint64_t df)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->at = realloc(t->at, t->cap * sizeof *t->at);
        assert_non_null(t->at);
    }
    t->at[t->n].word = ts_exact_copy(word, len + 1);
    t->at[t->n].word[len] = '\0';
    t->at[t->n++].df = df;
}

static int by_word(const void *x, const void *y)
{
    return strcmp(((const counted *)x)->word, ((const counted *)y)->word);
}

/* Sort by word and sum the counts of equal words. */
static void settle(table *t)
{
    qsort(t->at, t->n, sizeof *t->at, by_word);
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (k > 0 && strcmp(t->at[k - 1].word, t->at[i].word) == 0) {
            t->at[k - 1].df += t->at[i].df;
            free(t->at[i].word);
        } else {
            t->at[k++] = t->at[i];
        }
    }
    t->n = k;
}

static void drop(table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->at[i].word);
    free(t->at);
    memset(t, 0, sizeof *t);
}

/* One document's listed words, each once, added to t with count 1. */
static void recount_text(table *t, shelf_analyzer *fold, const char *text, size_t len)
{
    table doc = {0};
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, fold, text, len);
    while (shelf_tokens_next(&it, &tok))
        if (shelf_word_listed(tok.word, tok.word_len))
            add(&doc, tok.word, tok.word_len, 1);
    settle(&doc);
    for (size_t i = 0; i < doc.n; i++)
        add(t, doc.at[i].word, strlen(doc.at[i].word), 1);
    drop(&doc);
}

/* The recount of every document every segment of the index stores. */
static void recount(const shelf_index *idx, table *t)
{
    shelf_err err = {0};
    shelf_analyzer *fold = shelf_analyzer_new("none", &err);
    assert_non_null(fold);
    shelf_buf text = SHELF_BUF_INIT, checkpoints = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        for (uint32_t d = 0; d < shelf_segment_doc_count(s); d++) {
            if (shelf_segment_stored(s, d, &text, &checkpoints, &layout, &err) != SHELF_OK)
                fail_msg("stored text of doc %u: %s", d, err.msg);
            recount_text(t, fold, (const char *)text.data, text.len);
        }
    }
    settle(t);
    shelf_layout_free(&layout);
    shelf_buf_free(&text);
    shelf_buf_free(&checkpoints);
    shelf_analyzer_free(fold);
}

/* Every list's entries, summed over the segments; fails when a segment
 * has none. */
static void read_lists(const shelf_index *idx, table *t)
{
    shelf_err err = {0};
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_words *w = shelf_index_words(idx, i);
        if (!w)
            fail_msg("segment %zu has no written-words list", i);
        shelf_words_cursor c;
        int got = shelf_words_first(&c, w, &err);
        for (; got == 1; got = shelf_words_next(&c, &err))
            add(t, c.word, c.len, c.df);
        if (got < 0)
            fail_msg("segment %zu: %s", i, err.msg);
    }
    settle(t);
}

/* The index's lists equal the recount of its documents; returns how many
 * segments it has. */
static size_t expect_lists_exact(const char *dir)
{
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open(&e, dir, 0, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    const shelf_index *idx = shelf_engine_native(e);
    assert_non_null(idx);
    table want = {0}, got = {0};
    recount(idx, &want);
    read_lists(idx, &got);
    assert_true(want.n > 100);
    for (size_t i = 0; i < want.n && i < got.n; i++) {
        if (strcmp(want.at[i].word, got.at[i].word) != 0)
            fail_msg("%s: word %zu is '%s' in the list, '%s' in the recount", dir, i,
                     got.at[i].word, want.at[i].word);
        if (want.at[i].df != got.at[i].df)
            fail_msg("%s: '%s' counted %llu times in the list, %llu in the recount", dir,
                     want.at[i].word, (unsigned long long)got.at[i].df,
                     (unsigned long long)want.at[i].df);
    }
    assert_int_equal(got.n, want.n);
    size_t segments = shelf_index_segment_count(idx);
    drop(&want);
    drop(&got);
    shelf_engine_close(e);
    return segments;
}

static void index_with(const char *dir, const char *source, const char *options)
{
    free(ts_run_ok("'%s' -q %s --index '%s' '%s'", INDEXER_BIN, options, dir, source));
}

/* The sample shelf copied to a folder of the test's, to change it. */
static char *shelf_copy(const char *name)
{
    char *dir = ts_strf("%s/%s", ts_tmp, name);
    free(ts_run_ok("cp -r '%s' '%s'", CORPUS_DIR, dir));
    /* words repeated far apart in one long document: the analyzer's hint
     * forgets them (its cache is direct-mapped), the count must not */
    ts_sbuf long_text = {0};
    ts_sb_add(&long_text, "Repeats\n\n");
    for (int i = 0; i < 3000; i++) {
        char *line = ts_strf("word%c%c%c uniquely zeta%d repeated often; ", 'a' + i % 26,
                             'a' + (i / 26) % 26, 'a' + (i / 676) % 26, i % 7);
        ts_sb_add(&long_text, line);
        free(line);
    }
    char *text = ts_sb_take(&long_text);
    free(ts_write_file(dir, "long.txt", text, strlen(text)));
    free(text);
    return dir;
}

/* A new index of the shelf with the given --threads: one segment, exact. */
static void expect_fresh_index_exact(const char *threads)
{
    char *src = ts_strf("src-%s", threads), *idx = ts_strf("%s/idx-%s", ts_tmp, threads);
    char *copy = shelf_copy(src), *options = ts_strf("--threads %s", threads);
    index_with(idx, copy, options);
    assert_int_equal(expect_lists_exact(idx), 1);
    free(options);
    free(copy);
    free(src);
    free(idx);
}

static void test_one_thread(void **state)
{
    (void)state;
    expect_fresh_index_exact("1");
}

static void test_two_threads(void **state)
{
    (void)state;
    expect_fresh_index_exact("2");
}

/* Several segments with deletions, each list exact; then one merge. */
static void test_updates_and_merge(void **state)
{
    (void)state;
    char *src = shelf_copy("upd-src"), *idx = ts_strf("%s/upd", ts_tmp);
    index_with(idx, src, "");
    const char *note = "Note\n\nA controller note about deterrence and the Alliance.\n";
    free(ts_write_file(src, "note.txt", note, strlen(note)));
    free(ts_run_ok("rm -f '%s'/long.txt", src));
    index_with(idx, src, "");
    free(ts_run_ok("for f in '%s'/*.txt; do echo ' An added line, changed.' >> \"$f\"; break; done",
                   src));
    index_with(idx, src, "--threads 2");
    assert_true(expect_lists_exact(idx) >= 2);
    free(ts_run_ok("'%s' -q --index '%s' --optimize", INDEXER_BIN, idx));
    assert_int_equal(expect_lists_exact(idx), 1);
    free(src);
    free(idx);
}

/* A merge input without its list, or with it damaged: its documents are
 * read again and the merged list is still exact. */
static void test_merge_input_without_list(void **state)
{
    (void)state;
    for (int damaged = 0; damaged <= 1; damaged++) {
        char *src = shelf_copy(damaged ? "dmg-src" : "lost-src");
        char *idx = ts_strf("%s/%s", ts_tmp, damaged ? "dmg" : "lost");
        index_with(idx, src, "");
        const char *more = "More\n\nAnother controller note.\n";
        free(ts_write_file(src, "more.txt", more, strlen(more)));
        free(ts_run_ok("rm -f '%s'/long.txt", src));
        index_with(idx, src, "");
        char *list = ts_strf("%s/seg_000001.words", idx);
        if (damaged) {
            size_t len = 0;
            char *bytes = ts_read_file(list, &len);
            assert_true(len > 64);
            bytes[len / 2] ^= 0x55;
            free(ts_write_file(idx, "seg_000001.words", bytes, len));
            free(bytes);
        } else {
            assert_int_equal(unlink(list), 0);
        }
        free(ts_run_ok("'%s' -q --index '%s' --optimize", INDEXER_BIN, idx));
        assert_int_equal(expect_lists_exact(idx), 1);
        free(list);
        free(src);
        free(idx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_updates_and_merge),
        cmocka_unit_test(test_merge_input_without_list),
    };
    return cmocka_run_group_tests(tests, ts_setup_tmp, ts_teardown_tmp);
}
