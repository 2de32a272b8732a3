/*
 * test_store_codec.c - the .store block codec (store_codec.h): what it packs
 * unpacks to the same bytes; packing in pieces, with or without a file to
 * write, gives exactly the one-shot frame (large records are packed twice
 * and the two must match); and a damaged frame never unpacks to other
 * text: a changed byte, a cut frame, bytes after it, another claimed
 * length and a cleared checksum flag are all refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backend/native/store_codec.h"
#include "support.h"

/* Text-like bytes: words from a small vocabulary, seeded. */
static uint8_t *make_text(size_t len, uint32_t seed)
{
    static const char *words[] = {"deterrence ", "the ", "alliance ", "of ", "report ",
                                  "defence ", "and ", "production ", "plan ", "2023\n"};
    uint8_t *t = malloc(len);
    assert_non_null(t);
    for (size_t i = 0; i < len;) {
        seed = seed * 1103515245u + 12345u;
        const char *w = words[(seed >> 16) % 10];
        for (size_t j = 0; w[j] && i < len; j++)
            t[i++] = (uint8_t)w[j];
    }
    return t;
}

static uint8_t *pack(shelf_store_codec *c, const uint8_t *raw, size_t len, size_t *packed_len)
{
    size_t cap = shelf_store_pack_bound(len);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(shelf_store_pack(c, raw, len, out, cap, packed_len), SHELF_OK);
    return out;
}

static void test_round_trip(void **state)
{
    (void)state;
    shelf_store_codec c = {0};
    const size_t sizes[] = {0, 1, 100, 16384, 300000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        uint8_t *raw = make_text(sizes[i] ? sizes[i] : 1, (uint32_t)i);
        size_t packed_len;
        uint8_t *packed = pack(&c, raw, sizes[i], &packed_len);
        if (sizes[i] >= 16384)
            assert_true(packed_len * 2 < sizes[i]); /* text compresses */
        assert_true(sizes[i] <= (uint64_t)packed_len * SHELF_STORE_MAX_RATIO);
        uint8_t *back = malloc(sizes[i] + 1);
        assert_true(shelf_store_unpack(packed, packed_len, back, sizes[i]));
        assert_memory_equal(back, raw, sizes[i]);
        free(back);
        free(packed);
        free(raw);
    }
    shelf_store_codec_free(&c);
}

static void test_pieces_match_one_shot(void **state)
{
    (void)state;
    shelf_store_codec c = {0};
    size_t len = 200000; /* several 64 KiB steps */
    uint8_t *raw = make_text(len, 7);
    size_t one_len;
    uint8_t *one = pack(&c, raw, len, &one_len);
    const void *pieces[3] = {raw, raw + 3, raw + 150000};
    size_t lens[3] = {3, 150000 - 3, len - 150000};
    uint64_t counted = 0;
    assert_int_equal(shelf_store_pack_pieces(&c, pieces, lens, 3, NULL, &counted), SHELF_OK);
    assert_int_equal(counted, one_len);

    char *dir = ts_mkdtemp();
    char *path = ts_strf("%s/frame", dir);
    shelf_fwriter fw;
    shelf_err err = {0};
    assert_int_equal(shelf_fw_open(&fw, path, "SHLFTEST", &err), SHELF_OK);
    uint64_t written = 0;
    assert_int_equal(shelf_store_pack_pieces(&c, pieces, lens, 3, &fw, &written), SHELF_OK);
    assert_int_equal(written, one_len);
    assert_int_equal(shelf_fw_finish(&fw, &err), SHELF_OK);
    assert_int_equal(shelf_fw_commit(&fw, &err), SHELF_OK);
    shelf_fw_abort(&fw);
    size_t file_len;
    uint8_t *file = (uint8_t *)ts_read_file(path, &file_len);
    assert_non_null(file);
    assert_true(file_len >= one_len + 16);
    assert_memory_equal(file + 16, one, one_len); /* after the 16-byte header */
    free(file);
    ts_rmtree(dir);
    free(path);
    free(dir);
    free(one);
    free(raw);
    shelf_store_codec_free(&c);
}

static void test_damage_refused(void **state)
{
    (void)state;
    shelf_store_codec c = {0};
    size_t len = 20000, packed_len;
    uint8_t *raw = make_text(len, 3);
    uint8_t *packed = pack(&c, raw, len, &packed_len);
    uint8_t *back = malloc(len + 1);
    assert_true(shelf_store_unpack(packed, packed_len, back, len));

    /* every single byte changed, one at a time: refused, or (a header bit
     * the content does not depend on) the very same bytes, never others */
    size_t refused = 0;
    for (size_t i = 0; i < packed_len; i++) {
        packed[i] ^= 0x5A;
        memset(back, 0, len);
        if (!shelf_store_unpack(packed, packed_len, back, len))
            refused++;
        else if (memcmp(back, raw, len) != 0)
            fail_msg("byte %zu changed gave other text, unnoticed", i);
        packed[i] ^= 0x5A;
    }
    assert_true(refused + 2 >= packed_len);

    packed[4] &= (uint8_t)~0x04u; /* the descriptor's checksum flag cleared */
    assert_false(shelf_store_unpack(packed, packed_len, back, len));
    packed[4] |= 0x04u;
    assert_true(shelf_store_unpack(packed, packed_len, back, len));

    assert_false(shelf_store_unpack(packed, packed_len - 1, back, len)); /* cut */
    assert_false(shelf_store_unpack(packed, 3, back, len));
    assert_false(shelf_store_unpack(packed, 0, back, len));
    assert_false(shelf_store_unpack(packed, packed_len, back, len - 1)); /* other length */
    uint8_t *longer = malloc(packed_len + 1);
    memcpy(longer, packed, packed_len);
    longer[packed_len] = 0;
    assert_false(shelf_store_unpack(longer, packed_len + 1, back, len)); /* trailing byte */
    free(longer);
    free(back);
    free(packed);
    free(raw);
    shelf_store_codec_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_pieces_match_one_shot),
        cmocka_unit_test(test_damage_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
