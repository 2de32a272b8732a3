/*
 * test_pathmap.c - the writer's table of documents by path: every path put is
 * found again with its segment and doc, entry pointers survive the table's
 * growth, a deleted entry is revived by putting its path again, iteration
 * visits each entry once in insertion order, and the memory it reports stays
 * near its real size at a million paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "backend/pathmap.h"

static void path_of(char *out, size_t cap, size_t i)
{
    snprintf(out, cap, "/shelf/d%04zu/f%07zu.txt", i / 1000, i);
}

static void test_put_find_many(void **state)
{
    (void)state;
    shelf_pathmap m = {0};
    enum { N = 300000 };
    char path[64];
    path_of(path, sizeof path, 0);
    shelf_pathentry *first = shelf_pathmap_put(&m, path, 7, 0);
    assert_non_null(first);
    for (size_t i = 1; i < N; i++) {
        path_of(path, sizeof path, i);
        assert_non_null(shelf_pathmap_put(&m, path, (uint32_t)(i % 5), (uint32_t)i));
    }
    assert_int_equal(shelf_pathmap_count(&m), N);
    path_of(path, sizeof path, 0);
    assert_ptr_equal(shelf_pathmap_find(&m, path), first); /* survived every doubling */
    for (size_t i = 1; i < N; i++) {
        path_of(path, sizeof path, i);
        shelf_pathentry *e = shelf_pathmap_find(&m, path);
        assert_non_null(e);
        assert_string_equal(e->path, path);
        assert_int_equal(e->doc, i);
        assert_int_equal(e->segment, i % 5);
        assert_int_equal(e->live, 1);
    }
    assert_null(shelf_pathmap_find(&m, "/shelf/d0000/f0000000.tx"));
    assert_null(shelf_pathmap_find(&m, "/shelf/d0000/f0000000.txt/"));
    assert_null(shelf_pathmap_find(&m, ""));
    for (size_t i = 0; i < N; i++) {
        path_of(path, sizeof path, i);
        assert_string_equal(shelf_pathmap_entry(&m, i)->path, path);
    }
    shelf_pathmap_free(&m);
    assert_int_equal(shelf_pathmap_count(&m), 0);
    assert_null(shelf_pathmap_find(&m, path));
}

static void test_revive_and_seen(void **state)
{
    (void)state;
    shelf_pathmap m = {0};
    shelf_pathentry *e = shelf_pathmap_put(&m, "a/b.txt", 1, 10);
    assert_non_null(e);
    e->seen = 1;
    e->live = 0;
    shelf_pathentry *again = shelf_pathmap_put(&m, "a/b.txt", 2, 3);
    assert_ptr_equal(again, e);
    assert_int_equal(again->live, 1);
    assert_int_equal(again->seen, 1);
    assert_int_equal(again->segment, 2);
    assert_int_equal(again->doc, 3);
    assert_int_equal(shelf_pathmap_count(&m), 1);
    assert_non_null(shelf_pathmap_put(&m, "a/b.tx", 1, 1));
    assert_int_equal(shelf_pathmap_count(&m), 2);
    shelf_pathmap_free(&m);
}

/* A path longer than PATH_MAX (a deep tree walked folder by folder) is kept. */
static void test_long_path(void **state)
{
    (void)state;
    shelf_pathmap m = {0};
    static char path[20000];
    memset(path, 'x', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    assert_non_null(shelf_pathmap_put(&m, path, 0, 1));
    shelf_pathentry *e = shelf_pathmap_find(&m, path);
    assert_non_null(e);
    assert_int_equal(strlen(e->path), sizeof path - 1);
    shelf_pathmap_free(&m);
}

/* At a million documents the map reports, and so the budget counts, well
 * under the 120+ bytes a document the table of malloc'd strings took. */
static void test_memory_per_document(void **state)
{
    (void)state;
    shelf_pathmap m = {0};
    enum { N = 1000000 };
    char path[64];
    size_t path_bytes = 0;
    for (size_t i = 0; i < N; i++) {
        path_of(path, sizeof path, i);
        path_bytes += strlen(path) + 1;
        assert_non_null(shelf_pathmap_put(&m, path, 0, (uint32_t)i));
    }
    size_t bytes = shelf_pathmap_memory(&m);
    size_t per_doc_overhead = (bytes - path_bytes) / N;
    assert_true(bytes >= path_bytes);
    assert_true(per_doc_overhead <= 48);
    shelf_pathmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find_many),
        cmocka_unit_test(test_revive_and_seen),
        cmocka_unit_test(test_long_path),
        cmocka_unit_test(test_memory_per_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
