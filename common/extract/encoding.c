/*
 * encoding.c - plain-text bytes to UTF-8 (shelf_decode_text), plus the
 * byte-order-mark, UTF-16, Windows-1252, iconv and UTF-8 repair converters
 * the HTML reader (html.c) shares.
 *
 * The rules, in the order they are tried:
 *   1. UTF-16LE BOM (FF FE) or UTF-16BE BOM (FE FF): the rest is converted
 *      from UTF-16 to UTF-8; a surrogate pair becomes one character, an
 *      unpaired surrogate and a trailing odd byte become U+FFFD.  Encoding
 *      UTF16LE / UTF16BE.  (Tried before the binary rule: UTF-16 text is
 *      full of NUL bytes.)  The binary rule is then applied to the converted
 *      text, so a binary file that happens to start with FF FE is still
 *      skipped.
 *   2. UTF-8 BOM (EF BB BF): stripped; the rest is UTF-8 by declaration:
 *      the binary rule applies, invalid bytes are kept (invalid_utf8).
 *   3. The binary rule (shelf_looks_binary, extract.c): SHELF_ESKIP
 *      "PATH: binary file (not text)".
 *   4. Valid UTF-8 (strict: no overlongs, surrogates or values above
 *      U+10FFFF): copied as is, encoding UTF8.
 *   5. Otherwise the Windows-1252 heuristic.  Count V, the valid multi-byte
 *      UTF-8 sequences (2 to 4 bytes), and I, the bytes that do not belong
 *      to any valid sequence (each counted once, decoding resumes at the
 *      next byte).  When V >= 1 and V >= 4 * I the file is taken as UTF-8
 *      with a few bad bytes: the bytes are kept as they are, invalid_utf8 =
 *      true, encoding UTF8 (the analyzer treats invalid bytes as
 *      separators).  Otherwise every byte is decoded as Windows-1252 (00-7F
 *      as ASCII, 80-9F by the Windows-1252 table, A0-FF as U+00A0-U+00FF;
 *      the five undefined bytes 81 8D 8F 90 9D become U+FFFD), encoding
 *      CP1252.
 *
 * Invariants: out->text is NUL-terminated (the NUL not counted in len), out
 * is all zero on error, title NULL, layout empty and unstructured.  The only
 * invalid UTF-8 that can reach out->text is the bytes of rules 2 and 5 when
 * invalid_utf8 is set.  Nothing here prints.
 */
#include "extract/extract.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "extract/convert.h"
#include "util/buf.h"

#define REPLACEMENT_CHAR 0xFFFD
#define UTF8_OVER_INVALID_RATIO 4


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

/* What a scan of the bytes as UTF-8 finds. */
typedef struct utf8_census {
    size_t multibyte; /* valid sequences of 2..4 bytes */
    size_t invalid;   /* bytes outside any valid sequence */
} utf8_census;

static utf8_census count_utf8(const char *data, size_t len)
{
    const uint8_t *b = (const uint8_t *)data;
    utf8_census c = {0, 0};
    size_t i = 0;
    while (i < len) {
        if (b[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t n = shelf_utf8_decode(b, len, i, &cp);
        if (cp == SHELF_UTF8_INVALID)
            c.invalid++;
        else
            c.multibyte++;
        i += n;
    }
    return c;
}

/* The rule-5 decision: UTF-8 with a few bad bytes rather than Windows-1252. */
static bool mostly_utf8(utf8_census c)
{
    /* invalid <= floor(V / 4) is V >= 4 * invalid without overflow */
    return c.multibyte >= 1 && c.invalid <= c.multibyte / UTF8_OVER_INVALID_RATIO;
}

/* Hands buf (NUL-terminated here) to out as its text. */
static int take_text(shelf_buf *buf, shelf_doctext *out, const char *path, shelf_err *err)
{
    if (shelf_buf_put_u8(buf, 0) != SHELF_OK) {
        shelf_buf_free(buf);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    }
    out->text = (char *)buf->data;
    out->len = buf->len - 1;
    return SHELF_OK;
}

static int fail(shelf_buf *buf, shelf_doctext *out, int rc, const char *path, shelf_err *err)
{
    shelf_buf_free(buf);
    memset(out, 0, sizeof *out);
    if (rc == SHELF_ENOMEM)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    return shelf_errf(err, SHELF_ESKIP, "%s: binary file (not text)", path);
}

static int decode_utf16(const char *path, const char *data, size_t len, bool big_endian,
                        shelf_doctext *out, shelf_err *err)
{
    shelf_buf buf = SHELF_BUF_INIT;
    if (shelf_utf16_to_utf8(data, len, big_endian, &buf) != SHELF_OK)
        return fail(&buf, out, SHELF_ENOMEM, path, err);
    if (shelf_looks_binary((const char *)buf.data, buf.len))
        return fail(&buf, out, SHELF_ESKIP, path, err);
    out->encoding = big_endian ? SHELF_ENC_UTF16BE : SHELF_ENC_UTF16LE;
    return take_text(&buf, out, path, err);
}

/* Rules 2 to 5 over data (any UTF-8 BOM already stripped). */
static int decode_bytes(const char *path, const char *data, size_t len, bool had_utf8_bom,
                        shelf_doctext *out, shelf_err *err)
{
    shelf_buf buf = SHELF_BUF_INIT;
    if (shelf_looks_binary(data, len))
        return fail(&buf, out, SHELF_ESKIP, path, err);
    utf8_census census = count_utf8(data, len);
    int rc;
    if (census.invalid == 0 || had_utf8_bom || mostly_utf8(census)) {
        out->encoding = SHELF_ENC_UTF8;
        out->invalid_utf8 = census.invalid > 0;
        rc = shelf_buf_append(&buf, data, len);
    } else {
        out->encoding = SHELF_ENC_CP1252;
        rc = shelf_cp1252_to_utf8(data, len, &buf);
    }
    if (rc != SHELF_OK)
        return fail(&buf, out, SHELF_ENOMEM, path, err);
    return take_text(&buf, out, path, err);
}

int shelf_decode_text(const char *path, const char *data, size_t len, shelf_doctext *out,
                      shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_encoding bom_enc = SHELF_ENC_UTF8;
    size_t bom = shelf_bom_length(data, len, &bom_enc);
    if (bom && bom_enc != SHELF_ENC_UTF8)
        return decode_utf16(path, data + bom, len - bom, bom_enc == SHELF_ENC_UTF16BE, out, err);
    return decode_bytes(path, data + bom, len - bom, bom > 0, out, err);
}
