/*
 * test_memory_budget.c - one document, however many distinct words it has,
 * keeps the indexer within `--memory` plus the fixed overhead the README
 * documents ("Limits and guarantees"), and spilling in the middle of a
 * document loses nothing.
 *
 * The document: WORDS distinct words (six letters from 16 consonants, which
 * no stemmer changes), with the pair "zzzzzzz xxxxxxx" before every
 * MARK_EVERY-th word, so both marker terms occur all through the document and
 * their postings are cut at every spill.  Word i is at position
 * i + 2 * (i / MARK_EVERY + 1); marker pair k at positions k * (MARK_EVERY + 2)
 * and one more.
 *
 *   - a small budget through the library: more runs than are ever kept (so
 *     they are also compacted into one), and the markers come back as one
 *     posting each with every position, in order;
 *   - the binary under --memory 64, with 1 and 2 threads: peak RSS (wait4's
 *     ru_maxrss; not under AddressSanitizer, whose shadow memory dominates)
 *     within 64 MiB + 2 x the text + 32 MiB; `--check` clean; words at the
 *     start, middle and end found at their positions; the marker phrase
 *     found; both thread counts build the same files;
 *   - the binary under --memory 64 on MANY_DOCS small documents with long
 *     paths, whose path table and per-document arrays grow with every
 *     document: peak RSS within 64 MiB + 24 MiB for the whole process (the
 *     writer counts what grows by the document against the budget, and the
 *     inverter gives back what that leaves it no room for), and
 *     the first and last documents' words found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/native/format.h"
#include "backend/native/index.h"
#include "engine/writer.h"
#include "backend/native/inverter.h"
#include "backend/native/segment.h"
#include "support.h"
#include "support_run.h"

#if defined(__SANITIZE_ADDRESS__)
#define MEASURE_RSS 0
#else
#define MEASURE_RSS 1
#endif

#define WORDS 3000000u
#define SMALL_WORDS 200000u
#define MARK_EVERY 1000u
#define BUDGET_MB 64
#define FIXED_OVERHEAD_KB (32 * 1024) /* README: --memory + 2 x the text + 32 MiB */
/* Many small documents: tighter than the README's 32 MiB, so that memory
 * the writer holds uncounted shows.  The program's own pages are about 14
 * MiB of it; 93 MiB were measured before the inverter gave back the blocks
 * it kept for a budget that had since shrunk, 80 MiB after. */
#define MANY_DOCS_OVERHEAD_MB 24

static const char LETTERS[] = "bcdfghjkmnpqrtvz"; /* 16 consonants */

static char *g_src, *g_text;
static size_t g_text_len;

/* ---- the document ---- */

static void word_of(uint32_t i, char out[7])
{
    for (int k = 5; k >= 0; k--, i /= 16)
        out[k] = LETTERS[i % 16];
    out[6] = '\0';
}

static uint32_t word_position(uint32_t i)
{
    return i + 2 * (i / MARK_EVERY + 1);
}

/* The text of a document of `words` distinct words and the markers. */
static char *make_text(uint32_t words, size_t *len)
{
    size_t cap = (size_t)words * 7 + (words / MARK_EVERY + 1) * 16 + 16;
    char *text = malloc(cap), *p = text;
    assert_non_null(text);
    for (uint32_t i = 0; i < words; i++) {
        if (i % MARK_EVERY == 0) {
            memcpy(p, "zzzzzzz xxxxxxx ", 16);
            p += 16;
        }
        word_of(i, p);
        p[6] = i % 12 == 11 ? '\n' : ' ';
        p += 7;
    }
    *p++ = '\n';
    *len = (size_t)(p - text);
    return text;
}

/* ---- checking an index ---- */

static void lookup(const shelf_segment *s, const char *term, shelf_postings *p)
{
    uint8_t key[SHELF_MAX_KEY_BYTES];
    size_t n = strlen(term);
    key[0] = SHELF_FIELD_BODY;
    memcpy(key + 1, term, n);
    shelf_term_stats st;
    shelf_err err = {0};
    if (shelf_segment_lookup(s, key, n + 1, &st, &err) != SHELF_OK)
        fail_msg("term %s not in the index: %s", term, err.msg);
    assert_int_equal(st.df, 1);
    if (shelf_postings_open(p, s, &st, &err) != SHELF_OK)
        fail_msg("postings of %s: %s", term, err.msg);
    assert_int_equal(p->doc, 0);
}

/* The marker `term` is one posting with a position in every pair. */
static void check_marker(const shelf_segment *s, const char *term, uint32_t offset, uint32_t words)
{
    shelf_postings p;
    lookup(s, term, &p);
    uint32_t pairs = (words + MARK_EVERY - 1) / MARK_EVERY;
    assert_int_equal(shelf_postings_tf(&p), pairs);
    uint32_t *pos = malloc(pairs * sizeof *pos);
    shelf_err err = {0};
    if (shelf_postings_positions(&p, pos, &err) != SHELF_OK)
        fail_msg("positions of %s: %s", term, err.msg);
    for (uint32_t k = 0; k < pairs; k++)
        if (pos[k] != k * (MARK_EVERY + 2) + offset)
            fail_msg("%s: position %u is %u, not %u", term, k, pos[k], k * (MARK_EVERY + 2) + offset);
    free(pos);
    assert_int_equal(shelf_postings_next(&p), SHELF_DOC_END);
}

static void check_word(const shelf_segment *s, uint32_t i)
{
    char word[7];
    word_of(i, word);
    shelf_postings p;
    lookup(s, word, &p);
    assert_int_equal(shelf_postings_tf(&p), 1);
    uint32_t pos;
    shelf_err err = {0};
    assert_int_equal(shelf_postings_positions(&p, &pos, &err), SHELF_OK);
    assert_int_equal(pos, word_position(i));
}

static void check_postings(const char *dir, uint32_t words)
{
    shelf_index *idx;
    shelf_err err = {0};
    if (shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("open %s: %s", dir, err.msg);
    assert_int_equal(shelf_index_segment_count(idx), 1);
    const shelf_segment *s = shelf_index_segment(idx, 0);
    assert_int_equal(shelf_segment_doc_count(s), 1);
    assert_int_equal(shelf_segment_doc_length(s, 0), words + 2 * ((words + MARK_EVERY - 1) / MARK_EVERY));
    check_marker(s, "zzzzzzz", 0, words);
    check_marker(s, "xxxxxxx", 1, words);
    check_word(s, 0);
    check_word(s, words / 2);
    check_word(s, words - 1);
    shelf_index_close(idx);
}

/* ---- the library with a small budget: a document spills many times ---- */

static void test_split_postings_merge(void **state)
{
    (void)state;
    size_t len;
    char *text = make_text(SMALL_WORDS, &len);
    char *dir = ts_strf("%s/small", ts_tmp);
    shelf_writer_opts wo = {.language = "english", .memory_budget = (size_t)512 << 10};
    shelf_err err = {0};
    shelf_indexwriter *w = shelf_indexwriter_open(dir, &wo, &err);
    if (!w)
        fail_msg("open: %s", err.msg);
    shelf_doc_input in = {.path = "small.txt", .title = "small", .title_len = 5, .text = text,
                          .text_len = len, .size = len};
    shelf_doc_report rep;
    if (shelf_indexwriter_add(w, &in, &rep, &err) != SHELF_OK)
        fail_msg("add: %s", err.msg);
    shelf_commit_summary sum;
    if (shelf_indexwriter_commit(w, &sum, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
    print_message("%u words in 512 KiB: %u runs\n", SMALL_WORDS, sum.segment.runs);
    /* so many that the runs were also merged into one on the way */
    assert_true(sum.segment.runs > SHELF_INVERTER_MAX_RUNS);
    check_postings(dir, SMALL_WORDS);
    free(dir);
    free(text);
}

/* ---- the binary under --memory 64 ---- */

/* Index the folder src into dir; returns the child's peak RSS in KiB. */
static long run_indexer_on(const char *src, const char *dir, const char *threads)
{
    char *errfile = ts_strf("%s/indexer-%s.err", ts_tmp, threads);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        alarm(600);
        execl(INDEXER_BIN, INDEXER_BIN, "--quiet", "--memory", "64", "--threads", threads, "--index",
              dir, src, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    size_t n;
    char *err = ts_read_file(errfile, &n);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("indexer --threads %s failed (status %d): %s", threads, status, err ? err : "");
    free(err);
    free(errfile);
    return ru.ru_maxrss;
}

static long run_indexer(const char *dir, const char *threads)
{
    return run_indexer_on(g_src, dir, threads);
}

static void check_rss(long maxrss_kb, const char *threads)
{
    long limit_kb = BUDGET_MB * 1024 + 2 * (long)(g_text_len >> 10) + FIXED_OVERHEAD_KB;
    print_message("--threads %s: peak RSS %ld MiB (bound %ld MiB)\n", threads, maxrss_kb >> 10,
                  limit_kb >> 10);
    if (MEASURE_RSS && maxrss_kb > limit_kb)
        fail_msg("indexer --memory %d --threads %s: peak RSS %ld MiB over the bound of %ld MiB",
                 BUDGET_MB, threads, maxrss_kb >> 10, limit_kb >> 10);
}

static void check_cli(const char *dir)
{
    char *out = NULL;
    char *cmd = ts_strf("'%s' --check '%s'", INDEXER_BIN, dir);
    if (ts_run(cmd, &out, NULL) != 0)
        fail_msg("--check: %s", out ? out : "");
    free(out);
    free(cmd);
    char last[7];
    word_of(WORDS - 1, last);
    cmd = ts_strf("'%s' --index '%s' --all --count '\"zzzzzzz xxxxxxx\"' bbbbbb bcdfgh %s",
                  SEARCHER_BIN, dir, last);
    out = NULL;
    if (ts_run(cmd, &out, NULL) != 0 || strcmp(out, "1\n") != 0)
        fail_msg("%s: %s", cmd, out ? out : "");
    free(out);
    free(cmd);
    cmd = ts_strf("'%s' --index '%s' --count '\"xxxxxxx zzzzzzz\"'", SEARCHER_BIN, dir);
    out = NULL;
    ts_run(cmd, &out, NULL);
    if (!out || strcmp(out, "0\n") != 0)
        fail_msg("%s: %s", cmd, out ? out : "");
    free(out);
    free(cmd);
}

static void index_and_check(const char *threads, const char *name)
{
    char *dir = ts_strf("%s/%s", ts_tmp, name);
    check_rss(run_indexer(dir, threads), threads);
    check_cli(dir);
    check_postings(dir, WORDS);
    free(dir);
}

static void test_one_thread(void **state)
{
    (void)state;
    index_and_check("1", "idx1");
}

static void test_two_threads_same_index(void **state)
{
    (void)state;
    index_and_check("2", "idx2");
    static const char *const exts[] = {"dict", "post", "pos", "store"};
    for (int i = 0; i < 4; i++) {
        char *cmd = ts_strf("cmp -s '%s/idx1/seg_000001.%s' '%s/idx2/seg_000001.%s'", ts_tmp, exts[i],
                            ts_tmp, exts[i]);
        if (ts_run(cmd, NULL, NULL) != 0)
            fail_msg("seg_000001.%s differs between 1 and 2 threads", exts[i]);
        free(cmd);
    }
}

/* ---- many small documents: what grows by the document is counted ---- */

#define MANY_DOCS 80000u
#define DOCS_PER_FOLDER 1000u
#define UNIQUE_PER_DOC 16u

/* Document i: UNIQUE_PER_DOC words of its own and a few shared ones. */
static size_t many_doc_text(uint32_t i, char *out)
{
    char *p = out;
    p += sprintf(p, "the report of ");
    for (uint32_t k = 0; k < UNIQUE_PER_DOC; k++) {
        word_of(i * UNIQUE_PER_DOC + k, p);
        p[6] = ' ';
        p += 7;
    }
    p += sprintf(p, "in the shelf\n");
    return (size_t)(p - out);
}

/* Folders and files with long names (about 240 bytes a path), so that the
 * writer's path table is tens of MiB. */
static char *make_many_docs(void)
{
    char *src = ts_strf("%s/many", ts_tmp);
    char pad[101];
    memset(pad, 'p', 100);
    pad[100] = '\0';
    char text[256];
    for (uint32_t i = 0; i < MANY_DOCS; i++) {
        char *name = ts_strf("folder-%s-%05u/document-%s-%06u.txt", pad, i / DOCS_PER_FOLDER, pad, i);
        free(ts_write_file(src, name, text, many_doc_text(i, text)));
        free(name);
    }
    return src;
}

static void expect_count(const char *dir, const char *word, const char *count)
{
    char *out = NULL;
    char *cmd = ts_strf("'%s' --index '%s' --all --count %s", SEARCHER_BIN, dir, word);
    if (ts_run(cmd, &out, NULL) != 0 || strcmp(out, count) != 0)
        fail_msg("%s: %s (expected %s)", cmd, out ? out : "", count);
    free(out);
    free(cmd);
}

static void test_many_documents(void **state)
{
    (void)state;
    char *src = make_many_docs();
    char *dir = ts_strf("%s/idx-many", ts_tmp);
    long maxrss_kb = run_indexer_on(src, dir, "1");
    long limit_kb = (BUDGET_MB + MANY_DOCS_OVERHEAD_MB) * 1024L;
    print_message("%u documents: peak RSS %ld MiB (bound %ld MiB)\n", MANY_DOCS, maxrss_kb >> 10,
                  limit_kb >> 10);
    if (MEASURE_RSS && maxrss_kb > limit_kb)
        fail_msg("indexer --memory %d on %u documents: peak RSS %ld MiB over the bound of %ld MiB",
                 BUDGET_MB, MANY_DOCS, maxrss_kb >> 10, limit_kb >> 10);
    char first[7], last[7];
    word_of(0, first);
    word_of(MANY_DOCS * UNIQUE_PER_DOC - 1, last);
    expect_count(dir, first, "1\n");
    expect_count(dir, last, "1\n");
    char *count = ts_strf("%u\n", MANY_DOCS);
    expect_count(dir, "shelf", count);
    free(count);
    free(dir);
    free(src);
}

static int setup(void **state)
{
    (void)state;
    ts_setup_tmp(state);
    g_src = ts_strf("%s/src", ts_tmp);
    g_text = make_text(WORDS, &g_text_len);
    free(ts_write_file(g_src, "words.txt", g_text, g_text_len));
    free(g_text);
    g_text = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_teardown_tmp(state);
    free(g_src);
    free(g_text);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_postings_merge),
        cmocka_unit_test(test_one_thread),
        cmocka_unit_test(test_two_threads_same_index),
        cmocka_unit_test(test_many_documents),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
