/*
 * test_encoding.c - plain-text bytes to UTF-8 (shelf_decode_text,
 * common/extract/encoding.c): BOMs, UTF-16 with surrogates, the
 * Windows-1252 heuristic, kept invalid bytes and the binary rule.
 *
 * Every input is copied into a heap block of exactly its length, so a read
 * past the end shows up under AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract/extract.h"
#include "support.h"

#define PATH "notes.txt"

/* Decodes n bytes of src, asserting success. */
static shelf_doctext decode_ok(const char *src, size_t n)
{
    char *copy = ts_exact_copy(src, n);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_decode_text(PATH, copy, n, &d, &err);
    free(copy);
    if (rc != SHELF_OK)
        fail_msg("decode failed: %s", err.msg);
    assert_non_null(d.text);
    assert_int_equal(d.text[d.len], '\0');
    assert_null(d.title);
    assert_false(d.layout.structured);
    assert_int_equal(d.layout.nheadings, 0);
    assert_int_equal(d.layout.npages, 0);
    return d;
}

static void assert_text(const shelf_doctext *d, const char *expected)
{
    assert_int_equal(d->len, strlen(expected));
    assert_memory_equal(d->text, expected, d->len);
}

static void utf8_plain_copied(void **state)
{
    (void)state;
    const char *s = "caf\xc3\xa9 na\xc3\xafve \xe2\x80\x94 ok\n";
    shelf_doctext d = decode_ok(s, strlen(s));
    assert_text(&d, s);
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
}

static void utf8_bom_stripped(void **state)
{
    (void)state;
    const char s[] = "\xef\xbb\xbfHello \xc3\xa9t\xc3\xa9\n";
    shelf_doctext d = decode_ok(s, sizeof s - 1);
    assert_text(&d, "Hello \xc3\xa9t\xc3\xa9\n");
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
}

/* "Hi é😀" then an unpaired high surrogate, then "!" - as UTF-16 units. */
static const uint16_t utf16_units[] = {0x0048, 0x0069, 0x0020, 0x00E9, 0xD83D,
                                       0xDE00, 0xD800, 0x0021, 0xDC00, 0x000A};
#define UTF16_EXPECTED "Hi \xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd!\xef\xbf\xbd\n"

static size_t utf16_bytes(bool big_endian, unsigned char *out)
{
    size_t n = 0;
    out[n++] = big_endian ? 0xFE : 0xFF;
    out[n++] = big_endian ? 0xFF : 0xFE;
    for (size_t i = 0; i < sizeof utf16_units / sizeof *utf16_units; i++) {
        unsigned hi = utf16_units[i] >> 8, lo = utf16_units[i] & 0xFF;
        out[n++] = (unsigned char)(big_endian ? hi : lo);
        out[n++] = (unsigned char)(big_endian ? lo : hi);
    }
    return n;
}

static void utf16le_bom_decoded(void **state)
{
    (void)state;
    unsigned char bytes[64];
    size_t n = utf16_bytes(false, bytes);
    shelf_doctext d = decode_ok((const char *)bytes, n);
    assert_text(&d, UTF16_EXPECTED);
    assert_int_equal(d.encoding, SHELF_ENC_UTF16LE);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
}

static void utf16be_bom_decoded(void **state)
{
    (void)state;
    unsigned char bytes[64];
    size_t n = utf16_bytes(true, bytes);
    shelf_doctext d = decode_ok((const char *)bytes, n);
    assert_text(&d, UTF16_EXPECTED);
    assert_int_equal(d.encoding, SHELF_ENC_UTF16BE);
    shelf_doctext_free(&d);
}

static void utf16_odd_trailing_byte_replaced(void **state)
{
    (void)state;
    const char s[] = "\xff\xfe"
                     "A\0B\0"
                     "C";
    shelf_doctext d = decode_ok(s, sizeof s - 1);
    assert_text(&d, "AB\xef\xbf\xbd");
    shelf_doctext_free(&d);
}

static void windows1252_decoded(void **state)
{
    (void)state;
    const char *s = "caf\xe9 \x93quoted\x94 \x80";
    shelf_doctext d = decode_ok(s, strlen(s));
    assert_text(&d, "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
}

static void windows1252_undefined_bytes_replaced(void **state)
{
    (void)state;
    const char *s = "a\x81"
                    "b\x8d"
                    "c\x8f"
                    "d\x90"
                    "e\x9d"
                    "f\xff";
    shelf_doctext d = decode_ok(s, strlen(s));
    assert_text(&d, "a\xef\xbf\xbd"
                    "b\xef\xbf\xbd"
                    "c\xef\xbf\xbd"
                    "d\xef\xbf\xbd"
                    "e\xef\xbf\xbd"
                    "f\xc3\xbf");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    shelf_doctext_free(&d);
}

static void mostly_utf8_stray_byte_kept(void **state)
{
    (void)state;
    /* four valid multi-byte sequences, one stray byte: 4:1 keeps UTF-8 */
    const char *s = "\xc3\xa9t\xc3\xa9, \xe2\x80\x94 na\xc3\xafve \xff end";
    shelf_doctext d = decode_ok(s, strlen(s));
    assert_text(&d, s);
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    assert_true(d.invalid_utf8);
    shelf_doctext_free(&d);
}

static void below_ratio_becomes_windows1252(void **state)
{
    (void)state;
    /* three valid multi-byte sequences ("é" three times), one bad byte: 3 < 4 */
    const char *s = "\xc3\xa9\xc3\xa9\xc3\xa9 \xff";
    shelf_doctext d = decode_ok(s, strlen(s));
    assert_text(&d, "\xc3\x83\xc2\xa9\xc3\x83\xc2\xa9\xc3\x83\xc2\xa9 \xc3\xbf");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    assert_false(d.invalid_utf8);
    shelf_doctext_free(&d);
}

static void binary_rejected(void **state)
{
    (void)state;
    const char s[] = "\x7f"
                     "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0";
    char *copy = ts_exact_copy(s, sizeof s - 1);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_decode_text("bin/tool", copy, sizeof s - 1, &d, &err);
    free(copy);
    assert_int_equal(rc, SHELF_ESKIP);
    assert_string_equal(err.msg, "bin/tool: binary file (not text)");
    assert_null(d.text);
}

static void utf16_binary_rejected(void **state)
{
    (void)state;
    /* FF FE followed by control-character code units */
    const char s[] = "\xff\xfe\x01\x00\x02\x00\x03\x00\x04\x00";
    char *copy = ts_exact_copy(s, sizeof s - 1);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_decode_text(PATH, copy, sizeof s - 1, &d, &err);
    free(copy);
    assert_int_equal(rc, SHELF_ESKIP);
    assert_string_equal(err.msg, PATH ": binary file (not text)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_plain_copied),
        cmocka_unit_test(utf8_bom_stripped),
        cmocka_unit_test(utf16le_bom_decoded),
        cmocka_unit_test(utf16be_bom_decoded),
        cmocka_unit_test(utf16_odd_trailing_byte_replaced),
        cmocka_unit_test(windows1252_decoded),
        cmocka_unit_test(windows1252_undefined_bytes_replaced),
        cmocka_unit_test(mostly_utf8_stray_byte_kept),
        cmocka_unit_test(below_ratio_becomes_windows1252),
        cmocka_unit_test(binary_rejected),
        cmocka_unit_test(utf16_binary_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
