/*
 * text.c - the plain-text reader: bytes to UTF-8 (shelf_decode_text), the
 * binary rule (shelf_looks_binary) and the text row of the readers table
 * (.txt, .text, and every file no other row claims).
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
 *   3. The binary rule (shelf_looks_binary, below): SHELF_ESKIP
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
 *      the five undefined bytes 81 8D 8F 90 9D become U+FFFD; encoding.c),
 *      encoding CP1252.
 *
 * Invariants: out->text is NUL-terminated (the NUL not counted in len), out
 * is all zero on error, title NULL, layout empty and unstructured.  The only
 * invalid UTF-8 that can reach out->text is the bytes of rules 2 and 5 when
 * invalid_utf8 is set.  Nothing here prints.
 */
#include "extract/readers.h"

#include <stdlib.h>
#include <string.h>

#include "extract/encoding.h"
#include "util/buf.h"
#include "util/utf8.h"

#define UTF8_OVER_INVALID_RATIO 4
#define BINARY_SNIFF_BYTES 8192

bool shelf_looks_binary(const char *data, size_t len)
{
    size_t n = len < BINARY_SNIFF_BYTES ? len : BINARY_SNIFF_BYTES, odd = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        /* & rather than &&: no branches, so the loop vectorises */
        odd += (size_t)((c < 0x20) & (c != '\t') & (c != '\n') & (c != '\r') & (c != '\f'));
    }
    return odd * 10 > n;
}

static uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
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
            while (i + 8 <= len && !(load_u64(b + i) & 0x8080808080808080u))
                i += 8; /* eight ASCII bytes at a time */
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

/* Text is also what readers.c falls back to for a file no row claims. */
const shelf_reader shelf_reader_text = {
    .info = &shelf_text_format,
    .sniff = shelf_sniff_by_name_only,
    .extract = shelf_decode_text,
};
