/*
 * test_merge_policy.c - the native merge policy
 * (common/backend/native/merge_policy.h) as a pure choice over a manifest:
 * none never merges; all merges everything unless the index is already one
 * clean segment; tiered merges the first tier that holds 8 segments, else
 * rewrites the first segment with more than half of its documents deleted.
 * Also the rule both writers use to remove and prune (backend/path_under.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/native/merge_policy.h"
#include "backend/path_under.h"

#define MAX_SEGMENTS 16

typedef struct fake_index {
    shelf_manifest m;
    shelf_manifest_segment segs[MAX_SEGMENTS];
    size_t pick[MAX_SEGMENTS];
} fake_index;

/* A manifest of segments with these (doc_count, live_count) pairs. */
static void make(fake_index *f, size_t n, const uint32_t docs[], const uint32_t live[])
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < n; i++)
        f->segs[i] = (shelf_manifest_segment){.number = (uint32_t)i + 1, .doc_count = docs[i],
                                              .live_count = live[i]};
    f->m.segments = f->segs;
    f->m.segment_count = (uint32_t)n;
}

static void none_never_merges(void **state)
{
    fake_index f;
    uint32_t docs[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    make(&f, 8, docs, docs);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_NONE, f.pick), 0);
}

static void all_merges_everything_once(void **state)
{
    fake_index f;
    uint32_t docs[3] = {10, 20, 30}, live[3] = {10, 5, 30};
    make(&f, 3, docs, live);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_ALL, f.pick), 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(f.pick[i], i);

    uint32_t one[1] = {10}, one_live[1] = {10}, one_deleted[1] = {9};
    make(&f, 1, one, one_live);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_ALL, f.pick), 0); /* already optimal */
    make(&f, 1, one, one_deleted);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_ALL, f.pick), 1); /* drop deletions */
    make(&f, 0, one, one_live);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_ALL, f.pick), 0);
}

static void tiered_merges_a_full_tier(void **state)
{
    fake_index f;
    /* tier 1 (8-63 live): positions 1..8; one tier-0 segment first */
    uint32_t docs[9] = {3, 8, 9, 10, 20, 30, 40, 50, 63};
    make(&f, 9, docs, docs);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_TIERED, f.pick), 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(f.pick[i], i + 1);

    /* seven in a tier are not enough */
    make(&f, 7, docs + 1, docs + 1);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_TIERED, f.pick), 0);
}

static void tiered_rewrites_a_mostly_deleted_segment(void **state)
{
    fake_index f;
    uint32_t docs[3] = {100, 100, 100}, live[3] = {100, 50, 49};
    make(&f, 3, docs, live);
    assert_int_equal(shelf_merge_choose(&f.m, SHELF_MERGE_TIERED, f.pick), 1);
    assert_int_equal(f.pick[0], 2); /* exactly half deleted is kept */
}

static void path_under_covers_folders_not_prefixes(void **state)
{
    assert_true(shelf_path_under("a", "a"));
    assert_true(shelf_path_under("a/b.txt", "a"));
    assert_true(shelf_path_under("a/b/c.txt", "a/"));
    assert_false(shelf_path_under("ab.txt", "a"));
    assert_false(shelf_path_under("b/a", "a"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(none_never_merges),
        cmocka_unit_test(all_merges_everything_once),
        cmocka_unit_test(tiered_merges_a_full_tier),
        cmocka_unit_test(tiered_rewrites_a_mostly_deleted_segment),
        cmocka_unit_test(path_under_covers_folders_not_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
