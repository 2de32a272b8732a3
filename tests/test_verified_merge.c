/*
 * test_verified_merge.c - a damaged index file is never laundered: for each
 * of .docs, .pos, .dict, .post and .store of the first segment of a
 * two-segment index, one byte in the middle is flipped (its CRC left
 * stale), then
 *   - `indexer --optimize` exits 2, names the damaged file, says the index
 *     was left as it was and how to recover (--rebuild), and every file of
 *     the folder is byte-identical afterwards;
 *   - an incremental run adding a file does the same;
 *   - `indexer --rebuild` recovers: exit 0, `--check` clean, every document
 *     present.
 *
 * KEEP_TMP=1 keeps the temporary folders.
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
#include <fcntl.h>
#include <unistd.h>

#include "support.h"

typedef struct fixture {
    char *tmp, *docs, *index;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->docs = ts_strf("%s/docs", fx->tmp);
    fx->index = ts_strf("%s/idx", fx->tmp);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!getenv("KEEP_TMP"))
        ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->docs);
    free(fx->index);
    free(fx);
    return 0;
}

static int indexer(const fixture *fx, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = ts_spawn_va(INDEXER_BIN, fx->tmp, NULL, err, ap);
    va_end(ap);
    return rc;
}

/* Folders a and b of four files each; the index holds a, then b: two
 * segments. */
static void build_two_segments(const fixture *fx)
{
    ts_rmtree(fx->docs);
    ts_rmtree(fx->index);
    for (int f = 0; f < 2; f++) {
        for (int j = 0; j < 4; j++) {
            char *name = ts_strf("%c/note%d.txt", 'a' + f, j);
            char *text = ts_strf("Note %d of %c\n\nverifyword%c%d stands beside several other words "
                                 "so that every file of the segment has some body.\n",
                                 j, 'a' + f, 'a' + f, j);
            free(ts_write_file(fx->docs, name, text, strlen(text)));
            free(text);
            free(name);
        }
        char *dir = ts_strf("%s/%c", fx->docs, 'a' + f);
        char *err = NULL;
        int rc = indexer(fx, &err, "-q", "--index", fx->index, "--no-prune", dir, NULL);
        if (rc != 0)
            fail_msg("indexing %s: exit %d: %s", dir, rc, err);
        free(err);
        free(dir);
    }
    char *err = NULL;
    assert_int_equal(indexer(fx, &err, "--check", fx->index, NULL), 0);
    free(err);
}

static void flip_middle_byte(const char *path)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    off_t size = lseek(fd, 0, SEEK_END);
    assert_true(size > 16);
    off_t at = size / 2;
    unsigned char c;
    assert_int_equal(pread(fd, &c, 1, at), 1);
    c ^= 0x5a;
    assert_int_equal(pwrite(fd, &c, 1, at), 1);
    close(fd);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of the folder, sorted by name, with its full contents. */
static char *snapshot(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && n < 256)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    ts_sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        char *path = ts_strf("%s/%s", dir, names[i]);
        size_t len = 0;
        char *data = ts_read_file(path, &len);
        char *head = ts_strf("== %s %zu\n", names[i], len);
        ts_sb_add(&b, head);
        for (size_t k = 0; data && k < len; k++) { /* bytes as hex: NULs survive */
            char hex[3];
            snprintf(hex, sizeof hex, "%02x", (unsigned char)data[k]);
            ts_sb_addn(&b, hex, 2);
        }
        ts_sb_add(&b, "\n");
        free(head);
        free(data);
        free(path);
        free(names[i]);
    }
    return ts_sb_take(&b);
}

/* The refusal every writing run must give on the damaged file. */
static void expect_refused(const char *what, int rc, const char *err, const char *file,
                           const char *index)
{
    if (rc != 2 || !strstr(err, file) || !strstr(err, "--rebuild") ||
        !strstr(err, "left as it was") || !strstr(err, index))
        fail_msg("%s with %s damaged: exit %d: %s", what, file, rc, err);
}

static void test_damaged_file_never_merged_or_built_on(void **state)
{
    fixture *fx = *state;
    static const char *const exts[] = {"docs", "pos", "dict", "post", "store"};
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        build_two_segments(fx);
        char *file = ts_strf("seg_000001.%s", exts[i]);
        char *path = ts_strf("%s/%s", fx->index, file);
        flip_middle_byte(path);
        char *before = snapshot(fx->index);

        char *err = NULL;
        int rc = indexer(fx, &err, "--index", fx->index, "--optimize", NULL);
        expect_refused("--optimize", rc, err, file, fx->index);
        free(err);
        char *after = snapshot(fx->index);
        if (strcmp(before, after) != 0)
            fail_msg("--optimize with %s damaged changed the index folder", file);
        free(after);

        char *late = ts_strf("Late note\n\nlatecomer%zu arrives after the damage.\n", i);
        free(ts_write_file(fx->docs, "b/late.txt", late, strlen(late)));
        char *b = ts_strf("%s/b", fx->docs);
        err = NULL;
        rc = indexer(fx, &err, "--index", fx->index, "--no-prune", b, NULL);
        expect_refused("an incremental run", rc, err, file, fx->index);
        free(err);
        after = snapshot(fx->index);
        if (strcmp(before, after) != 0)
            fail_msg("an incremental run with %s damaged changed the index folder", file);
        free(after);

        err = NULL;
        rc = indexer(fx, &err, "-q", "--index", fx->index, "--rebuild", fx->docs, NULL);
        if (rc != 0)
            fail_msg("--rebuild after %s was damaged: exit %d: %s", file, rc, err);
        free(err);
        char *out = NULL;
        err = NULL;
        rc = indexer(fx, &err, "--check", fx->index, NULL);
        if (rc != 0)
            fail_msg("--check after --rebuild: exit %d: %s", rc, err);
        free(err);
        err = NULL;
        const char *list_argv[] = {INDEXER_BIN, "--index", fx->index, "--list", NULL};
        assert_int_equal(ts_spawn(list_argv, fx->tmp, NULL, &out, &err, NULL), 0);
        unsigned lines = 0;
        for (const char *p = out; (p = strstr(p, ".txt")) != NULL; p++)
            lines++;
        if (lines != 9)
            fail_msg("after --rebuild, --list shows %u documents, expected 9: %s", lines, out);
        free(out);
        free(err);
        free(b);
        free(late);
        free(before);
        free(path);
        free(file);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_damaged_file_never_merged_or_built_on, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
