/*
 * test_readbuf.c - reading files through shelf_source_open and
 * shelf_extract_fd with one reused buffer (what the indexer's threads do):
 * each file's text, size and content hash are its own whatever was read
 * before (a larger file, a smaller one), the hash is XXH3-64 of the whole
 * file, a buffer grown past SHELF_READBUF_KEEP is given back, the file is
 * closed, and errors name the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "extract/extract.h"
#include "support.h"

/* A text of n bytes: numbered words and line breaks. */
static char *make_text(size_t n, unsigned seed)
{
    char *t = malloc(n + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        t[i] = i % 61 == 60 ? '\n' : i % 7 == 6 ? ' ' : (char)('a' + (i * 31 + seed) % 26);
    t[n] = '\0';
    return t;
}

static void extract_and_check(const char *path, const char *content, size_t n, shelf_readbuf *buf)
{
    int fd = -1;
    shelf_err err = {0};
    assert_int_equal(shelf_source_open(AT_FDCWD, path, path, false, &fd, &err), SHELF_OK);
    shelf_extracted ex;
    assert_int_equal(shelf_extract_fd(fd, path, buf, &ex, &err), SHELF_OK);
    assert_int_equal(fcntl(fd, F_GETFD), -1); /* closed */
    assert_int_equal(ex.size, n);
    assert_true(ex.hash == XXH3_64bits(content, n));
    assert_int_equal(ex.len, n);
    assert_memory_equal(ex.text, content, n);
    shelf_extracted_free(&ex);
    shelf_extracted whole;
    assert_int_equal(shelf_extract_file(path, &whole, &err), SHELF_OK);
    assert_true(whole.hash == XXH3_64bits(content, n));
    shelf_extracted_free(&whole);
}

static void test_buffer_reused_across_sizes(void **state)
{
    char *tmp = ts_mkdtemp();
    static const size_t sizes[] = {5000, 300, (size_t)2 << 20, 700, 4096, 4095, 65536, 1};
    shelf_readbuf buf = {0};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu.txt", i);
        char *text = make_text(sizes[i], (unsigned)i);
        char *path = ts_write_file(tmp, name, text, sizes[i]);
        extract_and_check(path, text, sizes[i], &buf);
        if (sizes[i] > SHELF_READBUF_KEEP)
            assert_int_equal(buf.cap, 0); /* given back */
        else
            assert_true(buf.cap > sizes[i]);
        free(path);
        free(text);
    }
    shelf_readbuf_free(&buf);
    ts_rmtree(tmp);
    free(tmp);
}

static void test_errors_name_the_file(void **state)
{
    char *tmp = ts_mkdtemp();
    char *target = ts_write_file(tmp, "target.txt", "words here\n", 11);
    char *link = ts_strf("%s/link.txt", tmp);
    assert_int_equal(symlink(target, link), 0);
    int fd = -1;
    shelf_err err = {0};
    /* not following: a symlink is refused, with the path in the message */
    assert_int_not_equal(shelf_source_open(AT_FDCWD, link, "shown/name.txt", false, &fd, &err), SHELF_OK);
    assert_non_null(strstr(err.msg, "shown/name.txt"));
    assert_int_equal(shelf_source_open(AT_FDCWD, link, link, true, &fd, &err), SHELF_OK);
    close(fd);
    /* relative to an open folder */
    int dirfd = open(tmp, O_RDONLY | O_DIRECTORY);
    assert_true(dirfd >= 0);
    assert_int_equal(shelf_source_open(dirfd, "target.txt", target, false, &fd, &err), SHELF_OK);
    shelf_readbuf buf = {0};
    shelf_extracted ex;
    assert_int_equal(shelf_extract_fd(fd, target, &buf, &ex, &err), SHELF_OK);
    assert_int_equal(ex.len, 11);
    shelf_extracted_free(&ex);
    assert_int_not_equal(shelf_source_open(dirfd, "missing.txt", "missing.txt", false, &fd, &err), SHELF_OK);
    assert_non_null(strstr(err.msg, "missing.txt"));
    /* a folder opened as a file is not a regular file */
    assert_int_equal(shelf_source_open(AT_FDCWD, tmp, tmp, true, &fd, &err), SHELF_OK);
    assert_int_equal(shelf_extract_fd(fd, tmp, &buf, &ex, &err), SHELF_ESKIP);
    assert_non_null(strstr(err.msg, "not a regular file"));
    close(dirfd);
    shelf_readbuf_free(&buf);
    free(link);
    free(target);
    ts_rmtree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_reused_across_sizes),
        cmocka_unit_test(test_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
