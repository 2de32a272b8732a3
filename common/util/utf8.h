/*
 * utf8.h - a small, strict, bounds-checked UTF-8 decoder and encoder, and the
 * one home of the UTF-8 rules: what a continuation byte is and what valid
 * UTF-8 is (the analyzer, the query lexer, the readers and the presenters
 * all ask here).
 *
 * Invariants:
 *   - shelf_utf8_decode never reads text[len] or beyond, whatever the input.
 *   - Only well-formed UTF-8 (Unicode 3.9, table 3-7) decodes: overlong forms,
 *     surrogates (U+D800..U+DFFF), code points above U+10FFFF, stray
 *     continuation bytes, bytes C0, C1, F5..FF and sequences truncated by the
 *     end of the buffer are all invalid.
 *   - On invalid input exactly one byte is consumed, so the caller can count
 *     every byte that is not part of a valid character, one at a time.
 */
#ifndef SHELF_UTF8_H
#define SHELF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Code point reported for a byte that does not start a valid character. */
#define SHELF_UTF8_INVALID (-1)

/* Longest encoding of one code point. */
#define SHELF_UTF8_MAX_BYTES 4

/* Decode the character starting at text[pos] (pos < len).  Sets *cp to the
 * code point, or to SHELF_UTF8_INVALID, and returns the number of bytes
 * consumed (1..4; always 1 when invalid). */
size_t shelf_utf8_decode(const uint8_t *text, size_t len, size_t pos, int32_t *cp);

/* True for a continuation byte (80..BF), the bytes that never start a
 * character. */
static inline bool shelf_utf8_is_continuation(uint8_t byte)
{
    return (byte & 0xC0) == 0x80;
}

/* True when text[0..len) is well-formed UTF-8 throughout (the rules above:
 * no overlongs, surrogates, values above U+10FFFF or truncated sequences). */
bool shelf_utf8_valid(const char *text, size_t len);

/* Number of bytes needed to encode a valid code point (1..4). */
size_t shelf_utf8_length(int32_t cp);

/* Encode a valid code point into out (room for SHELF_UTF8_MAX_BYTES); returns
 * the number of bytes written. */
size_t shelf_utf8_encode(int32_t cp, uint8_t *out);

/* Length of the longest prefix of the valid UTF-8 text[0..len) that ends on a
 * character boundary and is at most limit bytes long. */
size_t shelf_utf8_prefix_within(const uint8_t *text, size_t len, size_t limit);

#endif
