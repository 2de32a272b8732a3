/*
 * test_damage_late.c - damage the searcher finds after opening the index
 * says how to recover, as damage found on opening does (issue 19): the
 * message names the damaged file and ends with the indexer's command.
 *
 * A shelf of 40 small notes is indexed; then one segment file's body (all
 * of it between the 16-byte header and footer; for .store the start of its
 * first block) is overwritten with 0xFF, leaving its CRC stale:
 *   - .post: `searcher --verify` finds the CRC wrong on opening;
 *     `searcher --no-verify` opens it and finds the damage while decoding
 *     the query's postings, mid-query; `--json` and `--queries` say the same;
 *   - .store: `searcher --no-verify` finds it while reading a hit's text
 *     for its passages;
 *   - the same run through a link named shelf-searcher names shelf-indexer
 *     in the command (the installed names, util/progname.h).
 * Each is exit 2 with the last line of stderr ending with
 * "recover with: indexer --index index --rebuild".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define RECOVERY "recover with: indexer --index index --rebuild"

typedef struct fixture {
    char *tmp; /* the folder commands run in: shelf/ and index/ */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    char *shelf = ts_strf("%s/shelf", fx->tmp);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "note-%02d.txt", i);
        char *text = ts_strf("Field note %d\n\nThe wetland survey %d counted herons and "
                             "reed warblers along the estuary.\n", i, i);
        free(ts_write_file(shelf, name, text, strlen(text)));
        free(text);
    }
    free(shelf);
    char *cmd = ts_strf("cd '%s' && '%s' -q --index index shelf", fx->tmp, INDEXER_BIN);
    char *err = NULL;
    int rc = ts_run(cmd, NULL, &err);
    if (rc != 0)
        fail_msg("indexing the notes: exit %d: %s", rc, err);
    free(err);
    free(cmd);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx);
    return 0;
}

/* The index's one file ending with suffix (malloc'd path). */
static char *index_file(const fixture *fx, const char *suffix)
{
    char *dir = ts_strf("%s/index", fx->tmp);
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *found = NULL;
    struct dirent *e;
    size_t n = strlen(suffix);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > n && strcmp(e->d_name + len - n, suffix) == 0) {
            assert_null(found); /* one segment */
            found = ts_strf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    free(dir);
    if (!found)
        fail_msg("no index file ending with %s", suffix);
    return found;
}

/* The first n bytes after the 16-byte header (at most all of them up to
 * the 16-byte footer) become 0xFF; the footer's CRC is left as it was, so
 * it no longer matches. */
static char *damage_body(const fixture *fx, const char *suffix, size_t n)
{
    char *path = index_file(fx, suffix);
    size_t len;
    char *data = ts_read_file(path, &len);
    assert_true(len > 64);
    memset(data + 16, 0xFF, n < len - 32 ? n : len - 32);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(data);
    return path;
}

/* Ends with the line: the last line of text ends with want. */
static void expect_last_line_ends(const char *text, const char *want, const char *what)
{
    size_t n = strlen(text), w = strlen(want);
    if (n < w + 1 || text[n - 1] != '\n' || memcmp(text + n - 1 - w, want, w) != 0)
        fail_msg("%s: wanted the message to end with '%s', got: %s", what, want, text);
}

/* Runs `PROGRAM ARGS` in the fixture's folder; it must exit 2 with a
 * message naming the file's name and ending with the recovery command. */
static void expect_damage_reported(const fixture *fx, const char *program, const char *args,
                                   const char *file, const char *recovery)
{
    char *cmd = ts_strf("cd '%s' && '%s' %s", fx->tmp, program, args);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 2)
        fail_msg("%s: wanted exit 2, got %d; stdout: %s stderr: %s", cmd, rc, out, err);
    const char *name = strrchr(file, '/') + 1;
    if (!strstr(err, name))
        fail_msg("%s: the message does not name %s: %s", cmd, name, err);
    expect_last_line_ends(err, recovery, cmd);
    free(out);
    free(err);
    free(cmd);
}

static void test_damaged_postings(void **state)
{
    fixture *fx = *state;
    char *post = damage_body(fx, ".post", SIZE_MAX);
    /* Found on opening, by the checksum. */
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --verify wetland", post, RECOVERY);
    /* Found mid-query, decoding the postings of wetland. */
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --no-verify wetland", post, RECOVERY);
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --no-verify --json wetland", post,
                           RECOVERY);
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --no-verify --count wetland", post,
                           RECOVERY);
    /* The indexer's own check says the same. */
    expect_damage_reported(fx, INDEXER_BIN, "--check index", post, RECOVERY);
    free(post);
}

static void test_damaged_store(void **state)
{
    fixture *fx = *state;
    /* The start of the first compressed block (the block index at the end
     * stays sound, so opening finds nothing wrong but the CRC). */
    char *store = damage_body(fx, ".store", 64);
    /* The search itself never reads .store: the passages do. */
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --no-verify -n 1 herons", store,
                           RECOVERY);
    expect_damage_reported(fx, SEARCHER_BIN, "--index index --no-verify --cite -n 1 herons", store,
                           RECOVERY);
    free(store);
}

static void test_installed_name_in_command(void **state)
{
    fixture *fx = *state;
    char *post = damage_body(fx, ".post", SIZE_MAX);
    char *link = ts_strf("%s/shelf-searcher", fx->tmp);
    assert_int_equal(symlink(SEARCHER_BIN, link), 0);
    expect_damage_reported(fx, link, "--index index --no-verify wetland", post,
                           "recover with: shelf-indexer --index index --rebuild");
    free(link);
    free(post);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_damaged_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_installed_name_in_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
