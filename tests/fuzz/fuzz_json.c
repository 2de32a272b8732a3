/*
 * fuzz_json.c - the JSON string escaper (util/json.h) over arbitrary bytes.
 *
 * The output is read back with a strict JSON string reader written here:
 * it must be one quoted string and nothing else, hold no raw control
 * character, use only the escapes JSON defines, be valid UTF-8, and decode
 * to the input with every byte that is not part of a valid UTF-8 character
 * replaced by U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "fuzz.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

#define TARGET "json"
#define REPLACEMENT 0xFFFD
#define HEX_DIGITS 4

static void put_code_point(shelf_buf *b, int32_t cp)
{
    uint8_t bytes[SHELF_UTF8_MAX_BYTES];
    size_t n = shelf_utf8_encode(cp, bytes);
    fuzz_require(shelf_buf_append(b, bytes, n) == SHELF_OK, TARGET, "out of memory");
}

/* What the escaped string must decode to. */
static void expected_text(const uint8_t *s, size_t len, shelf_buf *out)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = shelf_utf8_decode(s, len, i, &cp);
        put_code_point(out, cp == SHELF_UTF8_INVALID ? REPLACEMENT : cp);
        i += n;
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code point of \uXXXX at s (4 hex digits); aborts when malformed. */
static int32_t read_u_escape(const char *s, size_t left)
{
    fuzz_require(left >= HEX_DIGITS, TARGET, "\\u escape cut short");
    int32_t cp = 0;
    for (int k = 0; k < HEX_DIGITS; k++) {
        int v = hex_value(s[k]);
        fuzz_require(v >= 0, TARGET, "\\u escape with a non-hex digit");
        cp = cp * 16 + v;
    }
    fuzz_require(cp < 0xD800 || cp > 0xDFFF, TARGET, "\\u escape of a lone surrogate");
    return cp;
}

static char short_escape(char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* Decode the JSON string literal s[0..len) into out, checking its syntax. */
static void read_json_string(const char *s, size_t len, shelf_buf *out)
{
    fuzz_require(len >= 2 && s[0] == '"' && s[len - 1] == '"', TARGET, "not a quoted string");
    for (size_t i = 1; i < len - 1;) {
        unsigned char c = (unsigned char)s[i];
        fuzz_require(c >= 0x20, TARGET, "raw control character in the output");
        fuzz_require(c != '"', TARGET, "unescaped quote inside the string");
        if (c != '\\') {
            fuzz_require(shelf_buf_put_u8(out, c) == SHELF_OK, TARGET, "out of memory");
            i++;
            continue;
        }
        fuzz_require(i + 1 < len - 1, TARGET, "backslash at the end of the string");
        char e = s[i + 1];
        if (e == 'u') {
            put_code_point(out, read_u_escape(s + i + 2, len - 1 - (i + 2)));
            i += 2 + HEX_DIGITS;
        } else {
            char v = short_escape(e);
            fuzz_require(v != 0, TARGET, "an escape JSON does not define");
            fuzz_require(shelf_buf_put_u8(out, (uint8_t)v) == SHELF_OK, TARGET, "out of memory");
            i += 2;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = NULL;
    size_t text_len = 0;
    FILE *f = open_memstream(&text, &text_len);
    fuzz_require(f != NULL, TARGET, "open_memstream failed");
    shelf_json_string(f, (const char *)data, size);
    fuzz_require(fclose(f) == 0, TARGET, "writing the JSON failed");
    fuzz_require(fuzz_utf8_valid(text, text_len), TARGET, "output is not valid UTF-8");
    shelf_buf got = SHELF_BUF_INIT, want = SHELF_BUF_INIT;
    read_json_string(text, text_len, &got);
    expected_text(data, size, &want);
    fuzz_require(got.len == want.len && (got.len == 0 || memcmp(got.data, want.data, got.len) == 0),
                 TARGET, "the string does not decode to the input (invalid bytes as U+FFFD)");
    shelf_buf_free(&got);
    shelf_buf_free(&want);
    free(text);
    return 0;
}
