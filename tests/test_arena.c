/*
 * test_arena.c - the bump allocator under the inverter's table: a reset
 * keeps the blocks asked for and no more; a trim gives back kept blocks not
 * in use down to what it is asked to keep, never a block in use, so what
 * was allocated since the reset stays readable; and the counts of blocks in
 * use and held (used, mapped) follow every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/arena.h"

#define BLOCK ((size_t)16 << 10)

/* Fill `blocks` whole blocks with allocations of a known pattern; returns
 * the first allocation of each block in firsts[]. */
static void fill_blocks(shelf_arena *a, size_t blocks, unsigned char **firsts, unsigned char tag)
{
    size_t n = shelf_arena_max_alloc(a);
    for (size_t i = 0; i < blocks; i++) {
        unsigned char *p = shelf_arena_alloc(a, n); /* one allocation takes a whole block */
        assert_non_null(p);
        memset(p, tag + (unsigned char)i, n);
        if (firsts)
            firsts[i] = p;
    }
}

static void test_reset_keeps_what_is_asked(void **state)
{
    (void)state;
    shelf_arena a;
    shelf_arena_init(&a, BLOCK);
    fill_blocks(&a, 10, NULL, 1);
    assert_int_equal(shelf_arena_used(&a), 10 * BLOCK);
    assert_int_equal(shelf_arena_mapped(&a), 10 * BLOCK);
    shelf_arena_reset(&a, 6 * BLOCK);
    assert_int_equal(shelf_arena_used(&a), 0);
    assert_int_equal(shelf_arena_mapped(&a), 6 * BLOCK);
    fill_blocks(&a, 8, NULL, 2); /* six reused, two mapped anew */
    assert_int_equal(shelf_arena_used(&a), 8 * BLOCK);
    assert_int_equal(shelf_arena_mapped(&a), 8 * BLOCK);
    shelf_arena_free(&a);
    assert_int_equal(shelf_arena_mapped(&a), 0);
}

static void test_trim_gives_back_kept_blocks_only(void **state)
{
    (void)state;
    shelf_arena a;
    shelf_arena_init(&a, BLOCK);
    fill_blocks(&a, 12, NULL, 1);
    shelf_arena_reset(&a, 12 * BLOCK); /* all twelve kept */
    unsigned char *firsts[3];
    fill_blocks(&a, 3, firsts, 40);
    assert_int_equal(shelf_arena_mapped(&a), 12 * BLOCK);

    shelf_arena_trim(&a, 12 * BLOCK); /* nothing to give back */
    assert_int_equal(shelf_arena_mapped(&a), 12 * BLOCK);
    shelf_arena_trim(&a, 5 * BLOCK + BLOCK / 2); /* whole blocks only: five kept */
    assert_int_equal(shelf_arena_mapped(&a), 5 * BLOCK);
    assert_int_equal(shelf_arena_used(&a), 3 * BLOCK);
    shelf_arena_trim(&a, 0); /* below what is in use: the blocks in use stay */
    assert_int_equal(shelf_arena_mapped(&a), 3 * BLOCK);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(firsts[i][0], 40 + i);
        assert_int_equal(firsts[i][shelf_arena_max_alloc(&a) - 1], 40 + i);
    }
    fill_blocks(&a, 2, NULL, 60); /* past the trimmed chain: new blocks */
    assert_int_equal(shelf_arena_used(&a), 5 * BLOCK);
    assert_int_equal(shelf_arena_mapped(&a), 5 * BLOCK);
    shelf_arena_free(&a);
}

static void test_trim_after_reset_and_when_empty(void **state)
{
    (void)state;
    shelf_arena a;
    shelf_arena_init(&a, BLOCK);
    shelf_arena_trim(&a, 0); /* nothing mapped yet */
    assert_int_equal(shelf_arena_mapped(&a), 0);
    fill_blocks(&a, 4, NULL, 1);
    shelf_arena_reset(&a, 4 * BLOCK);
    shelf_arena_trim(&a, BLOCK); /* none in use: down to one */
    assert_int_equal(shelf_arena_mapped(&a), BLOCK);
    assert_int_equal(shelf_arena_used(&a), 0);
    unsigned char *p = shelf_arena_alloc(&a, 64); /* the kept block is reused */
    assert_non_null(p);
    assert_int_equal(shelf_arena_mapped(&a), BLOCK);
    shelf_arena_trim(&a, 0);
    assert_int_equal(shelf_arena_mapped(&a), BLOCK);
    shelf_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_keeps_what_is_asked),
        cmocka_unit_test(test_trim_gives_back_kept_blocks_only),
        cmocka_unit_test(test_trim_after_reset_and_when_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
