/*
 * test_watch_units.c - the pieces of `indexer --watch` that need no
 * kernel: the set of changed paths (indexer/changeset.c) and the table of
 * watch descriptors (indexer/watchtable.c).  The binaries' behaviour is
 * test_watch.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "changeset.h"
#include "watchtable.h"

/* A folder and what lies under it are looked at once; "a-c" and "ab" are
 * not under "a", and '/' sorts first so they cannot hide a path under
 * "a" from the reduction. */
static void test_changeset_reduce(void **state)
{
    const char *in[] = {"docs/a-c", "docs/a/b", "docs/ab", "docs/a", "docs/a/b/c.txt", "docs/b.txt",
                        "docs/a", "docs/a/z", "docs/a-c/d"};
    changeset cs = {0};
    assert_true(changeset_empty(&cs));
    for (size_t i = 0; i < sizeof in / sizeof *in; i++)
        assert_int_equal(changeset_add(&cs, in[i]), 0);
    assert_false(changeset_empty(&cs));
    changeset_reduce(&cs);
    assert_int_equal(cs.count, 4);
    assert_string_equal(cs.paths[0], "docs/a");
    assert_string_equal(cs.paths[1], "docs/a-c");
    assert_string_equal(cs.paths[2], "docs/ab");
    assert_string_equal(cs.paths[3], "docs/b.txt");
    changeset_clear(&cs);
    assert_true(changeset_empty(&cs));
    cs.rescan = true;
    assert_false(changeset_empty(&cs));
    changeset_free(&cs);
}

static void count_forget(void *ctx, int wd)
{
    int *sum = ctx;
    *sum += wd;
}

static void test_watchtable(void **state)
{
    watch_table t = {0};
    int wds[] = {7, 3, 100, 1, 50};
    const char *paths[] = {"d/x", "d", "d/x/y", "e", "d-x"};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(watch_table_put(&t, wds[i], paths[i], i != 3), 0);
    assert_int_equal(t.count, 5);
    for (size_t i = 1; i < t.count; i++)
        assert_true(t.entries[i - 1].wd < t.entries[i].wd);
    assert_string_equal(watch_table_find(&t, 100)->path, "d/x/y");
    assert_false(watch_table_find(&t, 1)->whole);
    assert_null(watch_table_find(&t, 2));
    /* the same descriptor again: a new path, and whole if either was */
    assert_int_equal(watch_table_put(&t, 1, "e2", true), 0);
    assert_int_equal(t.count, 5);
    assert_string_equal(watch_table_find(&t, 1)->path, "e2");
    assert_true(watch_table_find(&t, 1)->whole);
    int sum = 0;
    watch_table_drop_under(&t, "d/x", count_forget, &sum);
    assert_int_equal(sum, 107);
    assert_int_equal(t.count, 3);
    assert_non_null(watch_table_find(&t, 50)); /* d-x is not under d/x */
    watch_table_drop(&t, 3);
    watch_table_drop(&t, 3);
    assert_null(watch_table_find(&t, 3));
    assert_int_equal(t.count, 2);
    watch_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changeset_reduce),
        cmocka_unit_test(test_watchtable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
