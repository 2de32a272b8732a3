/*
 * test_keysort.c - shelf_keysort puts keys in the dictionary's order
 * (bytes as unsigned, then the shorter first) on every kind of input:
 * random keys, keys sharing their first eight bytes and more (so the cached
 * prefixes tie and whole keys decide), keys that are prefixes of others,
 * bytes past 0x7F and NUL bytes, the empty key, equal keys, already sorted
 * and reversed input, and a median-of-three killer sequence, which drives a
 * plain quicksort quadratic and this one into its heapsort fallback.  The
 * order is checked against a comparison written here, not the library's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/keysort.h"

#define MAX_KEYS 60000

static uint8_t g_keys[MAX_KEYS][40]; /* length byte, then up to 39 bytes */
static shelf_keyref g_refs[MAX_KEYS];
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint32_t next_random(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 11);
}

/* The dictionary's order, independently of keysort.c. */
static int reference_compare(const uint8_t *x, const uint8_t *y)
{
    size_t n = x[0] < y[0] ? x[0] : y[0];
    int c = memcmp(x + 1, y + 1, n);
    if (c)
        return c;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
}

static void set_key(size_t i, const uint8_t *bytes, size_t len)
{
    assert_true(len < sizeof g_keys[i]);
    g_keys[i][0] = (uint8_t)len;
    memcpy(g_keys[i] + 1, bytes, len);
}

static void make_refs(size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_refs[i] = (shelf_keyref){shelf_key_prefix(g_keys[i]), g_keys[i]};
}

/* Sorts g_refs[0, n) and checks the order and that every key is still there
 * once (the refs point into g_keys, so each pointer must appear once). */
static void sort_and_check(size_t n)
{
    make_refs(n);
    shelf_keysort(g_refs, n);
    for (size_t i = 1; i < n; i++)
        if (reference_compare(g_refs[i - 1].lkey, g_refs[i].lkey) > 0)
            fail_msg("keys %zu and %zu of %zu out of order", i - 1, i, n);
    static bool seen[MAX_KEYS];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)((const uint8_t(*)[40])g_refs[i].lkey - g_keys);
        assert_true(k < n);
        assert_false(seen[k]);
        seen[k] = true;
        assert_int_equal(g_refs[i].prefix, shelf_key_prefix(g_keys[k]));
    }
}

/* Keys of 0..max_len bytes drawn from alphabet[0, letters). */
static void random_keys(size_t n, size_t max_len, const uint8_t *alphabet, size_t letters)
{
    uint8_t buf[40];
    for (size_t i = 0; i < n; i++) {
        size_t len = next_random() % (max_len + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = alphabet[next_random() % letters];
        set_key(i, buf, len);
    }
}

static void test_random_sizes(void **state)
{
    (void)state;
    static const uint8_t alphabet[] = {0x00, 0x01, 'a', 'b', 'z', 0x7F, 0x80, 0xC3, 0xFF};
    static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 18, 100, 1000, MAX_KEYS};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        random_keys(sizes[s], 20, alphabet, sizeof alphabet);
        sort_and_check(sizes[s]);
        random_keys(sizes[s], 3, alphabet, 3); /* short keys: many equal ones */
        sort_and_check(sizes[s]);
    }
}

/* Every key starts with the same twelve bytes: all prefixes tie. */
static void test_shared_long_prefix(void **state)
{
    (void)state;
    static const uint8_t alphabet[] = {'e', 'f', 0xE2};
    uint8_t buf[40];
    for (size_t i = 0; i < 20000; i++) {
        memcpy(buf, "configuratio", 12);
        size_t tail = next_random() % 10;
        for (size_t j = 0; j < tail; j++)
            buf[12 + j] = alphabet[next_random() % 3];
        set_key(i, buf, 12 + tail);
    }
    sort_and_check(20000);
}

/* Keys that are prefixes of one another around the eight cached bytes,
 * and keys that differ only in a NUL past their shared part. */
static void test_prefix_chains(void **state)
{
    (void)state;
    const uint8_t word[] = "abcdefghijklmnop";
    size_t n = 0;
    for (size_t round = 0; round < 50; round++)
        for (size_t len = 0; len <= 16; len++) {
            set_key(n++, word, len);
            uint8_t buf[20];
            memcpy(buf, word, len);
            buf[len] = 0x00;
            set_key(n++, buf, len + 1);
        }
    for (size_t i = n; i-- > 1;) { /* shuffle */
        size_t j = next_random() % (i + 1);
        uint8_t t[40];
        memcpy(t, g_keys[i], 40);
        memcpy(g_keys[i], g_keys[j], 40);
        memcpy(g_keys[j], t, 40);
    }
    sort_and_check(n);
}

static void number_key(size_t i, uint32_t v)
{
    uint8_t buf[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    set_key(i, buf, 4);
}

static void test_ordered_inputs(void **state)
{
    (void)state;
    size_t n = 50000;
    for (size_t i = 0; i < n; i++)
        number_key(i, (uint32_t)i);
    sort_and_check(n);
    for (size_t i = 0; i < n; i++)
        number_key(i, (uint32_t)(n - i));
    sort_and_check(n);
    for (size_t i = 0; i < n; i++) /* organ pipe */
        number_key(i, (uint32_t)(i < n / 2 ? i : n - i));
    sort_and_check(n);
    for (size_t i = 0; i < n; i++)
        number_key(i, 7);
    sort_and_check(n);
}

/* Musser's median-of-three killer: for k = n/2, values 1, k+1, 3, k+3, ...
 * then 2, 4, ..., 2k. */
static void test_median_of_three_killer(void **state)
{
    (void)state;
    size_t n = 50000, k = n / 2;
    for (size_t i = 0; i < k; i++)
        number_key(i, (uint32_t)(i % 2 == 0 ? i + 1 : k + i));
    for (size_t i = k; i < n; i++)
        number_key(i, (uint32_t)(2 * (i - k + 1)));
    sort_and_check(n);
}

/* A smaller cached prefix means a smaller key, and a larger one larger. */
static void test_prefix_keeps_order(void **state)
{
    (void)state;
    static const uint8_t alphabet[] = {0x00, 'a', 'b', 0xFF};
    random_keys(4000, 11, alphabet, sizeof alphabet);
    for (size_t i = 0; i + 1 < 4000; i++) {
        uint64_t p = shelf_key_prefix(g_keys[i]), q = shelf_key_prefix(g_keys[i + 1]);
        int c = reference_compare(g_keys[i], g_keys[i + 1]);
        if (p < q)
            assert_true(c < 0);
        if (p > q)
            assert_true(c > 0);
        assert_int_equal(shelf_key_compare(g_keys[i], g_keys[i + 1]) < 0, c < 0);
        assert_int_equal(shelf_key_compare(g_keys[i], g_keys[i + 1]) > 0, c > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sizes),
        cmocka_unit_test(test_shared_long_prefix),
        cmocka_unit_test(test_prefix_chains),
        cmocka_unit_test(test_ordered_inputs),
        cmocka_unit_test(test_median_of_three_killer),
        cmocka_unit_test(test_prefix_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
