/*
 * test_threads.c - `indexer --threads N` builds exactly the index a
 * single-threaded run builds (the writer consumes documents in walk order),
 * reports the same skipped files and exit code, and handles incremental runs
 * (unchanged files are not re-read, changed ones replaced) the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

static const char *const seg_files[] = {"seg_000001.dict", "seg_000001.post", "seg_000001.pos",
                                        "seg_000001.docs", "seg_000001.store"};

static int run_indexer(const char *args, char **err)
{
    char *cmd = ts_strf("'%s' %s", INDEXER_BIN, args);
    int rc = ts_run(cmd, NULL, err);
    free(cmd);
    return rc;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = ts_read_file(a, &la), *y = ts_read_file(b, &lb);
    assert_non_null(x);
    assert_non_null(y);
    if (la != lb || memcmp(x, y, la) != 0)
        fail_msg("%s and %s differ", a, b);
    free(x);
    free(y);
}

/* A folder with many small documents, an empty file and a binary one. */
static char *make_folder(const char *tmp)
{
    char *dir = ts_strf("%s/docs", tmp);
    for (int i = 0; i < 300; i++) {
        char name[32], text[256];
        snprintf(name, sizeof name, "d%03d/f%03d.txt", i % 7, i);
        int n = snprintf(text, sizeof text, "Report %d\n\nThe alliance discussed item %d and deterrence %s.\n",
                         i, i * 7, i % 3 ? "again" : "twice");
        free(ts_write_file(dir, name, text, (size_t)n));
    }
    free(ts_write_file(dir, "empty.txt", "", 0));
    free(ts_write_file(dir, "binary.txt", "\x01\x02\x00\x00\x03\x04\x00\x05", 8));
    return dir;
}

static void test_threads_build_identical_index(void **state)
{
    char *tmp = ts_mkdtemp(), *docs = make_folder(tmp);
    char *results[3];
    static const int threads[] = {1, 2, 4};
    for (int t = 0; t < 3; t++) {
        char *idx = ts_strf("%s/idx%d", tmp, threads[t]);
        char *args = ts_strf("-q --threads %d --index '%s' '%s'", threads[t], idx, docs);
        char *err = NULL;
        assert_int_equal(run_indexer(args, &err), 1); /* empty and binary files skipped */
        assert_non_null(strstr(err, "empty.txt"));
        assert_non_null(strstr(err, "binary.txt"));
        results[t] = idx;
        free(err);
        free(args);
    }
    for (int t = 1; t < 3; t++)
        for (size_t f = 0; f < sizeof seg_files / sizeof *seg_files; f++) {
            char *a = ts_strf("%s/%s", results[0], seg_files[f]);
            char *b = ts_strf("%s/%s", results[t], seg_files[f]);
            assert_same_file(a, b);
            free(a);
            free(b);
        }
    for (int t = 0; t < 3; t++)
        free(results[t]);
    ts_rmtree(tmp);
    free(docs);
    free(tmp);
}

static void test_threads_incremental(void **state)
{
    char *tmp = ts_mkdtemp(), *docs = make_folder(tmp), *idx = ts_strf("%s/idx", tmp);
    char *args = ts_strf("--threads 3 --index '%s' '%s'", idx, docs);
    char *err = NULL;
    assert_int_equal(run_indexer(args, &err), 1);
    assert_non_null(strstr(err, "added 300,"));
    free(err);
    free(ts_write_file(docs, "d000/f000.txt", "Report zero\n\nRewritten entirely: quokka.\n", 40));
    free(ts_write_file(docs, "new/extra.txt", "Extra report\n\nA quokka again.\n", 30));
    assert_int_equal(run_indexer(args, &err), 1);
    assert_non_null(strstr(err, "added 1, updated 1, unchanged 299, removed 0"));
    free(err);
    char *check = ts_strf("'%s' --check '%s'", INDEXER_BIN, idx), *out = NULL;
    assert_int_equal(ts_run(check, &out, NULL), 0);
    assert_non_null(strstr(out, "documents  301"));
    free(out);
    free(check);
    free(args);
    free(idx);
    ts_rmtree(tmp);
    free(docs);
    free(tmp);
}

static void test_threads_bad_value(void **state)
{
    char *err = NULL;
    assert_int_equal(run_indexer("--threads 0 --index /nonexistent/x .", &err), 2);
    assert_non_null(strstr(err, "--threads"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_build_identical_index),
        cmocka_unit_test(test_threads_incremental),
        cmocka_unit_test(test_threads_bad_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
