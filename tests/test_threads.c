/*
 * test_threads.c - `indexer --threads N` builds exactly the index a
 * single-threaded run builds (the writer consumes documents in walk order),
 * reports the same skipped files and exit code, and handles incremental runs
 * (unchanged files are not re-read, changed ones replaced) the same way.
 * A tree of nested folders with symlinks (inside, outside, dangling, to a
 * folder), hidden entries, a FIFO, an unreadable file, a folder of more
 * files than the pipeline's window and a file larger than its byte window
 * gives the same documents, in the walk's order, with any thread count.
 * Enough distinct words that the final write is split over two threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* A folder with many small documents, an empty file and a binary one.
 * Each document also has 20 words of its own, so the segment has more than
 * 6,000 terms: with threads, the final write puts half of them on a thread
 * of its own (inverter.c, split_finish), and the files must not change. */
static char *make_folder(const char *tmp)
{
    char *dir = ts_strf("%s/docs", tmp);
    for (int i = 0; i < 300; i++) {
        char name[32], text[1024];
        snprintf(name, sizeof name, "d%03d/f%03d.txt", i % 7, i);
        int n = snprintf(text, sizeof text, "Report %d\n\nThe alliance discussed item %d and deterrence %s.\n",
                         i, i * 7, i % 3 ? "again" : "twice");
        for (int k = 0; k < 20; k++)
            n += snprintf(text + n, sizeof text - (size_t)n, " w%dq%c", i * 20 + k, 'a' + k);
        text[n++] = '\n';
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
        assert_int_equal(run_indexer(args, &err), 0); /* empty and binary files skipped: warnings */
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
    assert_int_equal(run_indexer(args, &err), 0); /* skips are warnings */
    assert_non_null(strstr(err, "added 300,"));
    free(err);
    free(ts_write_file(docs, "d000/f000.txt", "Report zero\n\nRewritten entirely: quokka.\n", 40));
    free(ts_write_file(docs, "new/extra.txt", "Extra report\n\nA quokka again.\n", 30));
    assert_int_equal(run_indexer(args, &err), 0);
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

/* The tree: nested folders (4 levels), every kind of entry the walk treats
 * specially, a folder of 600 files (more than a window or a batch) and a
 * file of 5 MB (more than the byte window). */
static char *make_tree(const char *tmp)
{
    char *dir = ts_strf("%s/tree", tmp);
    free(ts_write_file(dir, "a.txt", "Alpha report\n\nThe first words.\n", 31));
    free(ts_write_file(dir, "b/b1.md", "# Bee\n\nMarkdown words.\n", 23));
    free(ts_write_file(dir, "b/c/c1.txt", "Cee report\n\nMiddle words.\n", 26));
    free(ts_write_file(dir, "b/c/d/deep.txt", "Deep report\n\nBottom words.\n", 27));
    free(ts_write_file(dir, "b/.hidden.txt", "Hidden\n", 7));
    free(ts_write_file(dir, ".hid/h.txt", "Hidden too\n", 11));
    free(ts_write_file(dir, "empty.txt", "", 0));
    char *locked = ts_write_file(dir, "locked.txt", "Locked words\n", 13);
    chmod(locked, 0);
    free(locked);
    free(ts_write_file(tmp, "outside/o.txt", "Outside words\n", 14));
    char *links[][2] = {{"../a.txt", "b/link_in.txt"}, {"c", "b/link_dir"},
                        {"nowhere.txt", "b/dangling.txt"}, {"../../outside/o.txt", "b/out.txt"}};
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        char *at = ts_strf("%s/%s", dir, links[i][1]);
        assert_int_equal(symlink(links[i][0], at), 0);
        free(at);
    }
    char *fifo = ts_strf("%s/fifo.txt", dir);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    free(fifo);
    for (int i = 0; i < 600; i++) {
        char name[32], text[96];
        snprintf(name, sizeof name, "many/m%03d.txt", i);
        int n = snprintf(text, sizeof text, "Note %d\n\nShort note number %d about item%d.\n", i, i, i % 17);
        free(ts_write_file(dir, name, text, (size_t)n));
    }
    size_t big_n = (size_t)5 << 20;
    char *big = malloc(big_n);
    assert_non_null(big);
    for (size_t i = 0; i < big_n; i++)
        big[i] = i % 50 == 49 ? '\n' : i % 6 == 5 ? ' ' : (char)('a' + i % 23);
    free(ts_write_file(dir, "many/zbig.txt", big, big_n));
    free(big);
    return dir;
}

/* Lines of text, sorted (threads report walk problems and read problems
 * in an order of their own). */
static char *sorted_lines(const char *text)
{
    char *cmd = ts_strf("printf '%%s' '%s' | LC_ALL=C sort", text), *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    free(cmd);
    return out;
}

static char *list_of(const char *idx)
{
    char *cmd = ts_strf("'%s' --list --index '%s' | cut -f1,2,4-", INDEXER_BIN, idx), *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    free(cmd);
    return out;
}

static void test_threads_tree_same_documents(void **state)
{
    char *tmp = ts_mkdtemp(), *tree = make_tree(tmp);
    static const char *const modes[] = {"", "--follow", "--follow-outside"};
    static const int threads[] = {1, 2, 4};
    for (size_t m = 0; m < 3; m++) {
        char *first_err = NULL, *first_list = NULL, *first_idx = NULL;
        int first_rc = -1;
        for (int t = 0; t < 3; t++) {
            char *idx = ts_strf("%s/idx%zu-%d", tmp, m, threads[t]);
            char *args = ts_strf("-q %s --threads %d --index '%s' '%s'", modes[m], threads[t], idx, tree);
            char *err = NULL;
            int rc = run_indexer(args, &err);
            assert_int_equal(rc, 0); /* empty, FIFO and dangling link skipped: warnings */
            assert_non_null(strstr(err, "fifo.txt: not a regular file"));
            assert_non_null(strstr(err, "empty.txt: empty file"));
            assert_null(strstr(err, "hidden"));
            char *errs = sorted_lines(err), *list = list_of(idx);
            /* the walk's order: byte order of names, depth first */
            const char *order[] = {"tree/a.txt", "tree/b/b1.md", "tree/b/c/c1.txt", "tree/b/c/d/deep.txt",
                                   m ? "tree/b/link_in.txt" : "tree/locked.txt"};
            const char *at = list;
            for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
                const char *hit = strstr(at, order[i]);
                if (!hit)
                    fail_msg("%s missing or out of order in:\n%s", order[i], list);
                at = hit;
            }
            assert_non_null(strstr(list, "tree/many/m599.txt"));
            assert_non_null(strstr(list, "tree/many/zbig.txt"));
            assert_true((strstr(list, "tree/b/out.txt") != NULL) == (m == 2));
            assert_null(strstr(list, ".hid"));
            if (t == 0) {
                first_err = errs;
                first_list = list;
                first_idx = idx;
                first_rc = rc;
            } else {
                assert_int_equal(rc, first_rc);
                assert_string_equal(errs, first_err);
                assert_string_equal(list, first_list);
                for (size_t f = 0; f < sizeof seg_files / sizeof *seg_files; f++) {
                    char *a = ts_strf("%s/%s", first_idx, seg_files[f]);
                    char *b = ts_strf("%s/%s", idx, seg_files[f]);
                    assert_same_file(a, b);
                    free(a);
                    free(b);
                }
                free(errs);
                free(list);
                free(idx);
            }
            free(err);
            free(args);
        }
        free(first_err);
        free(first_list);
        free(first_idx);
    }
    ts_rmtree(tmp);
    free(tree);
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
        cmocka_unit_test(test_threads_tree_same_documents),
        cmocka_unit_test(test_threads_bad_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
