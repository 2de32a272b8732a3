/*
 * test_indexer_daily.c - the indexer in daily use (issue 19), end to end:
 *
 * - an index remembers its folders (ROOTS): a run with no PATH indexes them
 *   again, `--roots` (and `--list --roots`) shows them, `--forget` drops one
 *   and its documents; a damaged ROOTS fails --check; an index without
 *   ROOTS (made before) is refused an update, with the command to rebuild;
 * - one document per file: `shelf`, `./shelf/` and the absolute path give
 *   one copy of each document, listed relative to the current folder;
 * - recovery: a truncated MANIFEST makes the indexer and the searcher say
 *   the command that recovers; `--rebuild` (no PATH: the remembered ones)
 *   rebuilds it and leaves files it did not write alone;
 * - exit status: skipped files give exit 0 with a warning, 1 with --strict;
 * - guard rails: missing parents of a new index are made; a non-empty
 *   folder that is no index is refused; conflicting options are refused
 *   with a message naming both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

typedef struct fixture {
    char *tmp;   /* canonical (realpath) */
    char *shelf; /* tmp/shelf: a.txt, b.txt, sub/c.txt */
    char *index; /* tmp/index */
} fixture;

static void write_text(const char *dir, const char *name, const char *text)
{
    free(ts_write_file(dir, name, text, strlen(text)));
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char *made = ts_mkdtemp();
    fx->tmp = realpath(made, NULL);
    free(made);
    fx->shelf = ts_strf("%s/shelf", fx->tmp);
    fx->index = ts_strf("%s/index", fx->tmp);
    write_text(fx->shelf, "a.txt", "Alpha report\n\nwetland quokka alpha\n");
    write_text(fx->shelf, "b.txt", "Beta report\n\nwetland beta\n");
    write_text(fx->shelf, "sub/c.txt", "Gamma report\n\nwetland gamma\n");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->shelf);
    free(fx->index);
    free(fx);
    return 0;
}

/* Run the indexer in the fixture's folder with args; its exit status. */
static int indexer(const fixture *fx, const char *args, char **out, char **err)
{
    char *cmd = ts_strf("cd '%s' && '%s' %s", fx->tmp, INDEXER_BIN, args);
    int rc = ts_run(cmd, out, err);
    free(cmd);
    return rc;
}

static void indexer_ok(const fixture *fx, const char *args)
{
    char *err = NULL;
    int rc = indexer(fx, args, NULL, &err);
    if (rc != 0)
        fail_msg("indexer %s: exit %d, stderr: %s", args, rc, err);
    free(err);
}

/* `indexer --list` of the fixture's index, run in its folder. */
static char *listing(const fixture *fx)
{
    char *out = NULL, *err = NULL;
    int rc = indexer(fx, "--index index --list", &out, &err);
    if (rc != 0)
        fail_msg("--list: exit %d, stderr: %s", rc, err);
    free(err);
    return out;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_remembers_roots(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index index shelf/sub");
    char *out = NULL;
    assert_int_equal(indexer(fx, "--index index --roots", &out, NULL), 0);
    char *want = ts_strf("%s/shelf/sub\n", fx->tmp);
    assert_string_equal(out, want);
    free(out);
    free(want);
    /* A new file under a remembered folder: a run with no PATH finds it. */
    write_text(fx->shelf, "sub/d.txt", "Delta report\n\nwetland delta\n");
    indexer_ok(fx, "-q --index index");
    char *list = listing(fx);
    assert_int_equal(count_lines(list), 2);
    assert_non_null(strstr(list, "\tshelf/sub/d.txt\t"));
    free(list);
    /* A covering folder absorbs the one under it. */
    indexer_ok(fx, "-q --index index shelf");
    assert_int_equal(indexer(fx, "--index index --list --roots", &out, NULL), 0);
    want = ts_strf("%s/shelf\n", fx->tmp);
    assert_string_equal(out, want);
    free(out);
    free(want);
    list = listing(fx);
    assert_int_equal(count_lines(list), 4);
    free(list);
    /* --forget: the folder and its documents go; a non-root is refused. */
    char *err = NULL;
    assert_int_equal(indexer(fx, "-q --index index --forget shelf/sub", NULL, &err), 2);
    assert_non_null(strstr(err, "not one of the folders"));
    free(err);
    indexer_ok(fx, "-q --index index --forget ./shelf/");
    list = listing(fx);
    assert_int_equal(count_lines(list), 0);
    free(list);
    assert_int_equal(indexer(fx, "--index index --roots", &out, NULL), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(indexer(fx, "-q --index index", NULL, &err), 2);
    assert_non_null(strstr(err, "records no folders"));
    free(err);
}

static void test_damaged_roots(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index index shelf");
    char *roots = ts_strf("%s/ROOTS", fx->index);
    assert_int_equal(truncate(roots, 20), 0);
    char *out = NULL, *err = NULL;
    assert_int_equal(indexer(fx, "--check index", &out, &err), 2);
    assert_non_null(strstr(err, "ROOTS"));
    assert_non_null(strstr(err, "recover with: indexer --index index --rebuild PATH...\n"));
    free(out);
    free(err);
    assert_int_equal(indexer(fx, "-q --index index", NULL, &err), 2);
    assert_non_null(strstr(err, "--rebuild PATH..."));
    free(err);
    indexer_ok(fx, "-q --index index --rebuild shelf");
    assert_int_equal(indexer(fx, "--check index", &out, NULL), 0);
    assert_non_null(strstr(out, "roots      1"));
    free(out);
    free(roots);
}

/* An index made before ROOTS existed stores paths as given: updating it
 * is refused with the command that rebuilds it. */
static void test_old_index_without_roots(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index index shelf");
    char *roots = ts_strf("%s/ROOTS", fx->index);
    assert_int_equal(unlink(roots), 0);
    char *err = NULL;
    assert_int_equal(indexer(fx, "-q --index index shelf", NULL, &err), 2);
    assert_non_null(strstr(err, "rebuild it once with: indexer --index index --rebuild PATH..."));
    free(err);
    assert_int_equal(indexer(fx, "-q --index index", NULL, &err), 2);
    free(err);
    indexer_ok(fx, "-q --index index --rebuild shelf");
    assert_true(file_exists(roots));
    free(roots);
}

static void test_one_document_per_file(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index index shelf");
    indexer_ok(fx, "-q --index index ./shelf/");
    char *abs = ts_strf("-q --index index '%s'", fx->shelf);
    indexer_ok(fx, abs);
    free(abs);
    char *list = listing(fx);
    assert_int_equal(count_lines(list), 3);
    assert_non_null(strstr(list, "\tshelf/a.txt\t"));
    assert_non_null(strstr(list, "\tshelf/sub/c.txt\t"));
    free(list);
    /* Stored absolute: listed from elsewhere, the full path shows. */
    char *cmd = ts_strf("cd / && '%s' --index '%s' --list", INDEXER_BIN, fx->index);
    char *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    char *want = ts_strf("\t%s/a.txt\t", fx->shelf);
    assert_non_null(strstr(out, want));
    free(want);
    free(out);
    free(cmd);
    /* --remove with a relative spelling finds the canonical document. */
    indexer_ok(fx, "-q --index index --remove ./shelf//b.txt");
    list = listing(fx);
    assert_int_equal(count_lines(list), 2);
    free(list);
}

/* The searcher shows a stored (absolute) path relative to the current
 * folder when under it, in text, JSON and citations; from elsewhere, whole. */
static void test_searcher_shows_paths_relative(void **state)
{
    fixture *fx = *state;
    char *abs = ts_strf("-q --index index '%s'", fx->shelf);
    indexer_ok(fx, abs);
    free(abs);
    const char *forms[] = {"", "--json", "--cite"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        char *cmd = ts_strf("cd '%s' && '%s' --index index %s quokka", fx->tmp, SEARCHER_BIN, forms[i]);
        char *out = NULL;
        assert_int_equal(ts_run(cmd, &out, NULL), 0);
        char *whole = ts_strf("%s/a.txt", fx->shelf);
        if (!strstr(out, "shelf/a.txt") || strstr(out, whole))
            fail_msg("searcher %s from the index's folder: wanted shelf/a.txt, got: %s", forms[i], out);
        free(whole);
        free(out);
        free(cmd);
    }
    char *cmd = ts_strf("cd / && '%s' --index '%s' quokka", SEARCHER_BIN, fx->index);
    char *out = NULL;
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    char *whole = ts_strf("%s/a.txt:", fx->shelf);
    if (!strstr(out, whole))
        fail_msg("searcher from /: wanted %s, got: %s", whole, out);
    free(whole);
    free(out);
    free(cmd);
    /* A folder that only shares a prefix with the path is not its parent. */
    cmd = ts_strf("mkdir -p '%s/shel' && cd '%s/shel' && '%s' --index '%s' quokka", fx->tmp, fx->tmp,
                  SEARCHER_BIN, fx->index);
    assert_int_equal(ts_run(cmd, &out, NULL), 0);
    whole = ts_strf("%s/a.txt:", fx->shelf);
    if (!strstr(out, whole))
        fail_msg("searcher from a sibling folder: wanted %s, got: %s", whole, out);
    free(whole);
    free(out);
    free(cmd);
}

/* Ends with the line: the last line of text ends with want. */
static void expect_last_line_ends(const char *text, const char *want)
{
    size_t n = strlen(text), w = strlen(want);
    if (n < w + 1 || text[n - 1] != '\n' || memcmp(text + n - 1 - w, want, w) != 0)
        fail_msg("wanted the message to end with '%s', got: %s", want, text);
}

static void test_rebuild_recovers_damaged_manifest(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index index shelf");
    char *mine = ts_strf("%s/README.mine", fx->index); /* not the indexer's: must survive */
    write_text(fx->index, "README.mine", "my note\n");
    char *manifest = ts_strf("%s/MANIFEST", fx->index);
    struct stat st;
    assert_int_equal(stat(manifest, &st), 0);
    assert_int_equal(truncate(manifest, st.st_size - 5), 0);
    char *err = NULL;
    assert_int_equal(indexer(fx, "-q --index index shelf", NULL, &err), 2);
    expect_last_line_ends(err, "recover with: indexer --index index --rebuild");
    free(err);
    char *cmd = ts_strf("cd '%s' && '%s' --index index wetland", fx->tmp, SEARCHER_BIN);
    assert_int_equal(ts_run(cmd, NULL, &err), 2);
    expect_last_line_ends(err, "recover with: indexer --index index --rebuild");
    free(err);
    free(cmd);
    indexer_ok(fx, "-q --index index --rebuild");
    char *out = NULL;
    assert_int_equal(indexer(fx, "--check index", &out, NULL), 0);
    assert_non_null(strstr(out, "documents  3"));
    free(out);
    assert_true(file_exists(mine));
    free(manifest);
    free(mine);
}

static void test_skipped_files_exit_zero(void **state)
{
    fixture *fx = *state;
    write_text(fx->shelf, "empty.txt", "");
    char *err = NULL;
    assert_int_equal(indexer(fx, "--index index shelf", NULL, &err), 0);
    if (!strstr(err, "empty.txt") || !strstr(err, "skipped 1"))
        fail_msg("no warning or count: %s", err);
    free(err);
    write_text(fx->shelf, "e2.txt", "");
    assert_int_equal(indexer(fx, "-q --strict --index index shelf", NULL, &err), 1);
    assert_non_null(strstr(err, "e2.txt"));
    free(err);
    char *list = listing(fx);
    assert_int_equal(count_lines(list), 3); /* the batch was committed */
    free(list);
}

static void test_guard_rails(void **state)
{
    fixture *fx = *state;
    indexer_ok(fx, "-q --index deep/er/index shelf");
    char *made = ts_strf("%s/deep/er/index/MANIFEST", fx->tmp);
    assert_true(file_exists(made));
    free(made);
    /* A folder of documents is not turned into an index. */
    char *err = NULL;
    assert_int_equal(indexer(fx, "-q --index shelf shelf", NULL, &err), 2);
    assert_non_null(strstr(err, "not an index, and not empty"));
    free(err);
    char *stray = ts_strf("%s/shelf/MANIFEST", fx->tmp);
    assert_false(file_exists(stray));
    free(stray);
    /* Conflicting options, named both. */
    indexer_ok(fx, "-q --index index shelf");
    static const char *const pairs[][3] = {
        {"--list --optimize", "--list", "--optimize"},
        {"--optimize --check", "--optimize", "--check"},
        {"--remove shelf/a.txt --forget", "--remove", "--forget"},
        {"--list --rebuild", "--list", "--rebuild"},
        {"--remove --rebuild shelf/a.txt", "--remove", "--rebuild"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char *args = ts_strf("--index index %s", pairs[i][0]);
        assert_int_equal(indexer(fx, args, NULL, &err), 2);
        char *want = ts_strf("%s and %s cannot be used together", pairs[i][1], pairs[i][2]);
        if (!strstr(err, want))
            fail_msg("%s: wanted '%s', got: %s", args, want, err);
        free(want);
        free(err);
        free(args);
    }
    char *list = listing(fx);
    assert_int_equal(count_lines(list), 3); /* nothing happened */
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_remembers_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_index_without_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_document_per_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_searcher_shows_paths_relative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_recovers_damaged_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skipped_files_exit_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guard_rails, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
