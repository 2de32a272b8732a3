/*
 * encoding.c - the character-set converters of encoding.h: byte-order
 * marks, UTF-16, Windows-1252 (00-7F as ASCII, 80-9F by the Windows-1252
 * table, A0-FF as U+00A0-U+00FF; the five undefined bytes 81 8D 8F 90 9D
 * become U+FFFD), UTF-8 repair and any charset iconv(3) knows.
 *
 * Invariants: every converter appends only valid UTF-8; on SHELF_ENOMEM the
 * output may hold a prefix (callers free it).  Nothing here prints.
 */
#include "extract/encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"

#define REPLACEMENT_CHAR 0xFFFD


/* Length of a byte-order mark at the start of data (0 when there is none)
 * and the encoding it announces. */
size_t shelf_bom_length(const char *data, size_t len, shelf_encoding *enc)
{
    const unsigned char *b = (const unsigned char *)data;
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        *enc = SHELF_ENC_UTF8;
        return 3;
    }
    if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
        *enc = SHELF_ENC_UTF16LE;
        return 2;
    }
    if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
        *enc = SHELF_ENC_UTF16BE;
        return 2;
    }
    return 0;
}

static int put_code_point(shelf_buf *out, int32_t cp)
{
    uint8_t bytes[SHELF_UTF8_MAX_BYTES];
    return shelf_buf_append(out, bytes, shelf_utf8_encode(cp, bytes));
}

static uint32_t utf16_unit(const unsigned char *p, bool big_endian)
{
    return big_endian ? ((uint32_t)p[0] << 8 | p[1]) : ((uint32_t)p[1] << 8 | p[0]);
}

static bool is_high_surrogate(uint32_t u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static bool is_low_surrogate(uint32_t u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

/* UTF-16 (no BOM) to UTF-8, appended to out.  Unpaired surrogates and a
 * trailing odd byte become U+FFFD. */
int shelf_utf16_to_utf8(const char *data, size_t len, bool big_endian, shelf_buf *out)
{
    const unsigned char *b = (const unsigned char *)data;
    size_t units = len / 2;
    if (shelf_buf_reserve(out, units * 3 + 4) != SHELF_OK)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = utf16_unit(b + 2 * i, big_endian);
        int32_t cp = (int32_t)u;
        if (is_high_surrogate(u) && i + 1 < units &&
            is_low_surrogate(utf16_unit(b + 2 * (i + 1), big_endian))) {
            uint32_t low = utf16_unit(b + 2 * (i + 1), big_endian);
            cp = (int32_t)(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
            i++;
        } else if (is_high_surrogate(u) || is_low_surrogate(u)) {
            cp = REPLACEMENT_CHAR;
        }
        if (put_code_point(out, cp) != SHELF_OK)
            return SHELF_ENOMEM;
    }
    if (len % 2 && put_code_point(out, REPLACEMENT_CHAR) != SHELF_OK)
        return SHELF_ENOMEM;
    return SHELF_OK;
}

/* Windows-1252 80..9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80-87 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      /* 88-8F */
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90-97 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, /* 98-9F */
};

static int32_t cp1252_code_point(unsigned char c)
{
    if (c < 0x80 || c >= 0xA0)
        return c;
    uint16_t cp = cp1252_high[c - 0x80];
    return cp ? cp : REPLACEMENT_CHAR;
}

/* Windows-1252 to UTF-8, appended to out. */
int shelf_cp1252_to_utf8(const char *data, size_t len, shelf_buf *out)
{
    const unsigned char *b = (const unsigned char *)data;
    if (len > SIZE_MAX / 3 || shelf_buf_reserve(out, len * 3) != SHELF_OK)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < len; i++)
        if (put_code_point(out, cp1252_code_point(b[i])) != SHELF_OK)
            return SHELF_ENOMEM;
    return SHELF_OK;
}

/* UTF-8 with every invalid byte replaced by U+FFFD, appended to out. */
int shelf_utf8_repair(const char *data, size_t len, shelf_buf *out)
{
    const uint8_t *b = (const uint8_t *)data;
    if (shelf_buf_reserve(out, len) != SHELF_OK)
        return SHELF_ENOMEM;
    size_t run = 0; /* start of the current run of valid bytes */
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t n = shelf_utf8_decode(b, len, i, &cp);
        if (cp != SHELF_UTF8_INVALID) {
            i += n;
            continue;
        }
        if (shelf_buf_append(out, b + run, i - run) != SHELF_OK ||
            put_code_point(out, REPLACEMENT_CHAR) != SHELF_OK)
            return SHELF_ENOMEM;
        i += n;
        run = i;
    }
    return shelf_buf_append(out, b + run, len - run);
}

#define ICONV_ROOM 4096

/* Any charset iconv(3) knows to UTF-8, appended to out.  A byte iconv
 * cannot convert (or an incomplete sequence at the end) becomes U+FFFD and
 * conversion resumes at the next byte.  SHELF_EINVAL when iconv does not
 * know the charset, SHELF_ENOMEM. */
int shelf_charset_to_utf8(const char *charset, const char *data, size_t len, shelf_buf *out)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return SHELF_EINVAL;
    char *in = (char *)data;
    size_t left = len;
    int rc = SHELF_OK;
    while (left > 0) {
        if (shelf_buf_reserve(out, ICONV_ROOM) != SHELF_OK) {
            rc = SHELF_ENOMEM;
            break;
        }
        char *dst = (char *)out->data + out->len;
        size_t room = out->cap - out->len;
        size_t done = iconv(cd, &in, &left, &dst, &room);
        out->len = (size_t)(dst - (char *)out->data);
        if (done != (size_t)-1 || errno == E2BIG)
            continue;
        if (put_code_point(out, REPLACEMENT_CHAR) != SHELF_OK) {
            rc = SHELF_ENOMEM;
            break;
        }
        in++; /* EILSEQ or EINVAL: skip the byte that stopped it */
        left--;
    }
    iconv_close(cd);
    return rc;
}
