/*
 * test_codec.c - the two integer codecs of the index format
 * (common/util/varint.h and common/backend/native/bitpack.h).
 *
 * Varints: round-trips of edge values and seeded random values, the exact
 * encoded length, truncated and over-long encodings rejected with the read
 * pointer left unchanged, and the 32-bit variant refusing wider values.
 * Bitpack: round-trips of 10,000 random blocks at every width 0..32
 * (including blocks whose largest value is exactly 2^w - 1), the encoded size
 * 1 + 16 * w, and rejection of bad width bytes and truncated blocks.
 *
 * Every decode reads from a heap block that ends exactly where the encoding
 * ends, so a read past `end` is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/native/bitpack.h"
#include "util/varint.h"
#include "support.h"

#define BITPACK_BLOCKS_PER_WIDTH 10000

/* ---- varint helpers ---- */

/* Bytes LEB128 needs for v. */
static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Encode v, check the length, decode from an exact-size copy. */
static void varint_roundtrip(uint64_t v)
{
    uint8_t enc[SHELF_VARINT_MAX];
    size_t n = shelf_varint_put(enc, v);
    assert_int_equal(n, varint_len(v));
    assert_true(n <= SHELF_VARINT_MAX);
    uint8_t *buf = ts_exact_copy(enc, n);
    const uint8_t *p = buf;
    uint64_t got = ~v;
    assert_int_equal(shelf_varint_get(&p, buf + n, &got), 0);
    assert_true(got == v);
    assert_ptr_equal(p, buf + n);
    free(buf);
}

/* Decoding n bytes of data (placed at the end of an exact-size block) fails
 * and leaves the pointer where it was. */
static void varint_rejects(const uint8_t *data, size_t n)
{
    uint8_t *buf = ts_exact_copy(data, n);
    const uint8_t *p = buf;
    uint64_t v = 12345;
    assert_int_equal(shelf_varint_get(&p, buf + n, &v), -1);
    assert_ptr_equal(p, buf);
    uint32_t v32 = 6789;
    assert_int_equal(shelf_varint_get32(&p, buf + n, &v32), -1);
    assert_ptr_equal(p, buf);
    free(buf);
}

/* ---- varint tests ---- */

static void test_varint_edge_values(void **state)
{
    static const uint64_t values[] = {
        0, 1, 2, 126, 127, 128, 129, 255, 256, 16383, 16384, 16385,
        (1ull << 21) - 1, 1ull << 21, (1ull << 28) - 1, 1ull << 28,
        UINT32_MAX - 1, UINT32_MAX, 1ull << 32, (1ull << 35) - 1,
        (1ull << 56) - 1, 1ull << 56, (1ull << 62), (1ull << 63) - 1,
        1ull << 63, (1ull << 63) + 1, UINT64_MAX - 1, UINT64_MAX,
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        varint_roundtrip(values[i]);
    uint8_t enc[SHELF_VARINT_MAX];
    assert_int_equal(shelf_varint_put(enc, 0), 1);
    assert_int_equal(enc[0], 0);
    assert_int_equal(shelf_varint_put(enc, 127), 1);
    assert_int_equal(enc[0], 0x7F);
    assert_int_equal(shelf_varint_put(enc, 128), 2);
    assert_int_equal(enc[0], 0x80);
    assert_int_equal(enc[1], 0x01);
    assert_int_equal(shelf_varint_put(enc, UINT64_MAX), 10);
    assert_int_equal(enc[9], 0x01);
}

static void test_varint_random_values(void **state)
{
    uint64_t rng = 0x5EED0001;
    for (int i = 0; i < 200000; i++) {
        uint64_t v = ts_rand(&rng) >> ts_rand_below(&rng, 64);
        varint_roundtrip(v);
    }
}

/* Several varints back to back decode in sequence and end exactly at end. */
static void test_varint_sequence(void **state)
{
    uint64_t rng = 0x5EED0002;
    enum { COUNT = 1000 };
    uint64_t values[COUNT];
    uint8_t enc[COUNT * SHELF_VARINT_MAX];
    size_t n = 0;
    for (int i = 0; i < COUNT; i++) {
        values[i] = ts_rand(&rng) >> ts_rand_below(&rng, 64);
        n += shelf_varint_put(enc + n, values[i]);
    }
    uint8_t *buf = ts_exact_copy(enc, n);
    const uint8_t *p = buf;
    for (int i = 0; i < COUNT; i++) {
        uint64_t v;
        assert_int_equal(shelf_varint_get(&p, buf + n, &v), 0);
        assert_true(v == values[i]);
    }
    assert_ptr_equal(p, buf + n);
    uint64_t v;
    assert_int_equal(shelf_varint_get(&p, buf + n, &v), -1);
    assert_ptr_equal(p, buf + n);
    free(buf);
}

static void test_varint_truncated(void **state)
{
    static const uint64_t values[] = {128, 300, 16384, UINT32_MAX, 1ull << 49, 1ull << 63, UINT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        uint8_t enc[SHELF_VARINT_MAX];
        size_t n = shelf_varint_put(enc, values[i]);
        for (size_t k = 0; k < n; k++)
            varint_rejects(enc, k); /* every proper prefix, including empty */
    }
    /* Continuation bits all the way to the end of the buffer. */
    uint8_t cont[SHELF_VARINT_MAX];
    memset(cont, 0x80, sizeof cont);
    for (size_t k = 1; k <= sizeof cont; k++)
        varint_rejects(cont, k);
}

static void test_varint_overlong(void **state)
{
    /* 11 bytes: ten with the continuation bit, then a terminator. */
    uint8_t eleven[11];
    memset(eleven, 0x80, 10);
    eleven[10] = 0x00;
    varint_rejects(eleven, sizeof eleven);
    /* 10 bytes whose last byte carries more than the one bit left (> 64 bits). */
    uint8_t wide[10];
    memset(wide, 0xFF, 9);
    wide[9] = 0x02;
    varint_rejects(wide, sizeof wide);
    wide[9] = 0x7F;
    varint_rejects(wide, sizeof wide);
    /* The tenth byte with a continuation bit: would need an eleventh byte. */
    wide[9] = 0x81;
    uint8_t more[11];
    memcpy(more, wide, 10);
    more[10] = 0x00;
    varint_rejects(more, sizeof more);
    /* The widest valid one is still accepted. */
    wide[9] = 0x01;
    uint8_t *buf = ts_exact_copy(wide, sizeof wide);
    const uint8_t *p = buf;
    uint64_t v;
    assert_int_equal(shelf_varint_get(&p, buf + sizeof wide, &v), 0);
    assert_true(v == UINT64_MAX);
    free(buf);
}

/* Decode a 32-bit varint from an exact-size copy of the encoding of v. */
static int get32_of(uint64_t v, uint32_t *out, int *advanced)
{
    uint8_t enc[SHELF_VARINT_MAX];
    size_t n = shelf_varint_put(enc, v);
    uint8_t *buf = ts_exact_copy(enc, n);
    const uint8_t *p = buf;
    int rc = shelf_varint_get32(&p, buf + n, out);
    *advanced = (int)(p - buf);
    if (rc == 0)
        assert_int_equal(*advanced, (int)n);
    free(buf);
    return rc;
}

static void test_varint_get32(void **state)
{
    static const uint64_t ok[] = {0, 1, 127, 128, 65535, 1u << 31, UINT32_MAX - 1, UINT32_MAX};
    static const uint64_t bad[] = {1ull << 32, (1ull << 32) + 1, 1ull << 35, 1ull << 63, UINT64_MAX};
    uint32_t v;
    int advanced;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(get32_of(ok[i], &v, &advanced), 0);
        assert_true(v == ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 42;
        assert_int_equal(get32_of(bad[i], &v, &advanced), -1);
        assert_int_equal(advanced, 0);
        assert_int_equal(v, 42);
    }
}

/* ---- bitpack helpers ---- */

static unsigned width_of(const uint32_t v[SHELF_BLOCK_LEN])
{
    uint32_t all = 0;
    for (int i = 0; i < SHELF_BLOCK_LEN; i++)
        all |= v[i];
    unsigned w = 0;
    while (w < 32 && (all >> w) != 0)
        w++;
    return w;
}

/* Random values of at most w bits; with force_max one of them is 2^w - 1. */
static void random_block(uint64_t *rng, unsigned w, int force_max, uint32_t out[SHELF_BLOCK_LEN])
{
    uint32_t mask = w == 32 ? UINT32_MAX : (uint32_t)((1ull << w) - 1);
    int shape = (int)ts_rand_below(rng, 4);
    for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
        uint32_t r = (uint32_t)ts_rand(rng);
        if (shape == 1)
            r >>= ts_rand_below(rng, 32); /* mostly small values */
        else if (shape == 2)
            r = ts_rand_below(rng, 8) == 0 ? r : 0; /* sparse */
        out[i] = r & mask;
    }
    if (force_max && w > 0)
        out[ts_rand_below(rng, SHELF_BLOCK_LEN)] = mask;
}

/* Decode the n-byte block enc followed by `slack` bytes of all ones (the
 * decoder may read them, as it reads the next block of a posting list, but
 * must not let their bits into a value) and compare with in. */
static void decode_with_slack(const uint8_t *enc, size_t n, size_t slack, const uint32_t in[SHELF_BLOCK_LEN])
{
    uint8_t padded[SHELF_BITPACK_MAX_BYTES + 64];
    memcpy(padded, enc, n);
    memset(padded + n, 0xFF, slack);
    uint8_t *buf = ts_exact_copy(padded, n + slack);
    const uint8_t *p = buf;
    uint32_t out[SHELF_BLOCK_LEN];
    assert_int_equal(shelf_bitpack_decode(&p, buf + n + slack, out), 0);
    assert_ptr_equal(p, buf + n);
    assert_memory_equal(out, in, sizeof out);
    free(buf);
}

/* Encode, check size and width byte, decode from an exact-size copy and
 * from copies followed by other bytes (read in place, without a copy, when
 * there are enough of them). */
static void bitpack_roundtrip(const uint32_t in[SHELF_BLOCK_LEN])
{
    unsigned w = width_of(in);
    uint8_t enc[SHELF_BITPACK_MAX_BYTES + 8];
    memset(enc, 0xAA, sizeof enc);
    size_t n = shelf_bitpack_encode(in, enc);
    assert_int_equal(n, 1 + 16 * w);
    assert_int_equal(enc[0], w);
    assert_int_equal(enc[n], 0xAA); /* nothing written past the block */
    assert_int_equal(shelf_bitpack_size(enc[0]), (int)n);
    uint8_t *buf = ts_exact_copy(enc, n);
    const uint8_t *p = buf;
    uint32_t out[SHELF_BLOCK_LEN];
    assert_int_equal(shelf_bitpack_decode(&p, buf + n, out), 0);
    assert_ptr_equal(p, buf + n);
    assert_memory_equal(out, in, sizeof out);
    free(buf);
    decode_with_slack(enc, n, 8, in);
    decode_with_slack(enc, n, 16, in);
    decode_with_slack(enc, n, 64, in);
}

/* ---- bitpack tests ---- */

static void test_bitpack_every_width(void **state)
{
    uint64_t rng = 0x5EED0003;
    uint32_t block[SHELF_BLOCK_LEN];
    for (unsigned w = 0; w <= 32; w++) {
        for (int i = 0; i < BITPACK_BLOCKS_PER_WIDTH; i++) {
            int force_max = i % 2 == 0;
            random_block(&rng, w, force_max, block);
            if (force_max)
                assert_int_equal(width_of(block), w);
            bitpack_roundtrip(block);
        }
    }
}

static void test_bitpack_special_blocks(void **state)
{
    uint32_t block[SHELF_BLOCK_LEN];
    memset(block, 0, sizeof block);
    bitpack_roundtrip(block); /* all zeros: one byte */
    for (unsigned w = 1; w <= 32; w++) {
        uint32_t max = w == 32 ? UINT32_MAX : (uint32_t)((1ull << w) - 1);
        for (int i = 0; i < SHELF_BLOCK_LEN; i++)
            block[i] = max; /* every value at the top of the width */
        bitpack_roundtrip(block);
        for (int i = 0; i < SHELF_BLOCK_LEN; i++)
            block[i] = i % 2 ? max : 0; /* alternating */
        bitpack_roundtrip(block);
        memset(block, 0, sizeof block);
        block[SHELF_BLOCK_LEN - 1] = 1u << (w - 1); /* only the last value, top bit */
        bitpack_roundtrip(block);
    }
}

static void test_bitpack_bad_width(void **state)
{
    uint8_t data[SHELF_BITPACK_MAX_BYTES + 64];
    memset(data, 0x55, sizeof data);
    for (unsigned width = 33; width <= 255; width++) {
        data[0] = (uint8_t)width;
        assert_int_equal(shelf_bitpack_size((uint8_t)width), -1);
        uint8_t *buf = ts_exact_copy(data, sizeof data);
        const uint8_t *p = buf;
        uint32_t out[SHELF_BLOCK_LEN];
        assert_int_equal(shelf_bitpack_decode(&p, buf + sizeof data, out), -1);
        assert_ptr_equal(p, buf);
        free(buf);
    }
    for (unsigned width = 0; width <= 32; width++)
        assert_int_equal(shelf_bitpack_size((uint8_t)width), 1 + 16 * (int)width);
}

/* A proper prefix of an encoded block at the end of an exact-size buffer. */
static void bitpack_rejects_prefix(const uint8_t *enc, size_t k)
{
    uint8_t *buf = ts_exact_copy(enc, k);
    const uint8_t *p = buf;
    uint32_t out[SHELF_BLOCK_LEN];
    assert_int_equal(shelf_bitpack_decode(&p, buf + k, out), -1);
    assert_ptr_equal(p, buf);
    free(buf);
}

static void test_bitpack_truncated(void **state)
{
    uint64_t rng = 0x5EED0004;
    uint32_t block[SHELF_BLOCK_LEN];
    for (unsigned w = 0; w <= 32; w++) {
        random_block(&rng, w, 1, block);
        uint8_t enc[SHELF_BITPACK_MAX_BYTES];
        size_t n = shelf_bitpack_encode(block, enc);
        for (size_t k = 0; k < n; k++)
            bitpack_rejects_prefix(enc, k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint_edge_values),
        cmocka_unit_test(test_varint_random_values),
        cmocka_unit_test(test_varint_sequence),
        cmocka_unit_test(test_varint_truncated),
        cmocka_unit_test(test_varint_overlong),
        cmocka_unit_test(test_varint_get32),
        cmocka_unit_test(test_bitpack_every_width),
        cmocka_unit_test(test_bitpack_special_blocks),
        cmocka_unit_test(test_bitpack_bad_width),
        cmocka_unit_test(test_bitpack_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
