/*
 * test_filewriter.c - the framed file writer (filewriter.h): whatever mix of
 * small writes, varints and writes larger than its buffer it is given, the
 * file holds exactly those bytes after the header, the footer's length, and
 * a CRC-32 over everything before it (the CRC is folded in per buffer, so
 * the boundaries between buffers are where it could go wrong).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "util/bytes.h"
#include "util/varint.h"
#include "support.h"

/* What the test wrote, kept beside the file to compare with. */
typedef struct expect {
    uint8_t *at;
    size_t n, cap;
} expect;

static void expect_add(expect *e, const void *p, size_t n)
{
    if (e->n + n > e->cap) {
        e->cap = (e->n + n) * 2;
        e->at = realloc(e->at, e->cap);
        assert_non_null(e->at);
    }
    memcpy(e->at + e->n, p, n);
    e->n += n;
}

/* Writes a seeded mix: varints, 4-byte values, short runs and, now and
 * then, a run longer than the buffer. */
static void write_mix(shelf_fwriter *w, expect *e, uint64_t seed)
{
    uint8_t *big = malloc(SHELF_FW_BUFFER + 12345);
    assert_non_null(big);
    for (size_t i = 0; i < SHELF_FW_BUFFER + 12345; i++)
        big[i] = (uint8_t)(i * 31 + 7);
    for (int step = 0; step < 200000; step++) {
        uint64_t r = ts_rand(&seed);
        if (r % 1000 == 0) {
            size_t n = (size_t)(r >> 20) % (SHELF_FW_BUFFER + 12345);
            assert_int_equal(shelf_fw_write(w, big, n), SHELF_OK);
            expect_add(e, big, n);
        } else if (r % 3 == 0) {
            uint64_t v = r >> (r % 60);
            uint8_t b[SHELF_VARINT_MAX];
            assert_int_equal(shelf_fw_varint(w, v), SHELF_OK);
            expect_add(e, b, shelf_varint_put(b, v));
        } else if (r % 3 == 1) {
            uint8_t b[4];
            shelf_store_u32le(b, (uint32_t)r);
            assert_int_equal(shelf_fw_u32(w, (uint32_t)r), SHELF_OK);
            expect_add(e, b, 4);
        } else {
            size_t n = (size_t)(r >> 40) % 40;
            assert_int_equal(shelf_fw_write(w, big + 100, n), SHELF_OK);
            expect_add(e, big + 100, n);
        }
    }
    free(big);
}

static void test_bytes_length_and_crc(void **state)
{
    (void)state;
    char *dir = ts_mkdtemp();
    char *path = ts_strf("%s/file.bin", dir);
    shelf_fwriter w;
    shelf_err err;
    assert_int_equal(shelf_fw_open(&w, path, "TESTFILE", &err), SHELF_OK);
    expect e = {0};
    write_mix(&w, &e, 17);
    assert_int_equal(shelf_fw_finish(&w, &err), SHELF_OK);
    assert_int_equal(shelf_fw_commit(&w, &err), SHELF_OK);
    shelf_fw_abort(&w);

    size_t len = 0;
    uint8_t *got = (uint8_t *)ts_read_file(path, &len);
    assert_non_null(got);
    assert_int_equal(len, SHELF_HEADER_BYTES + e.n + SHELF_FOOTER_BYTES);
    assert_memory_equal(got, "TESTFILE", 8);
    assert_memory_equal(got + SHELF_HEADER_BYTES, e.at, e.n);
    assert_int_equal(shelf_load_u64le(got + len - 16), len);
    uint32_t crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), got, len - 4);
    assert_int_equal(shelf_load_u32le(got + len - 4), crc);
    free(got);
    free(e.at);
    free(path);
    ts_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes_length_and_crc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
