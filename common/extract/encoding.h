/*
 * encoding.h - character-set converters shared by the text and HTML readers
 * (encoding.c implements them).  Reader internals: extract.h is the public
 * contract.  Every converter appends valid UTF-8 to out (invalid input
 * becomes U+FFFD) and returns SHELF_OK or SHELF_ENOMEM (shelf_charset_to_utf8
 * also SHELF_EINVAL).
 */
#ifndef SHELF_ENCODING_H
#define SHELF_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/doctext.h"
#include "util/buf.h"

/* Length of a byte-order mark at the start of data (0 when there is none)
 * and the encoding it announces. */
size_t shelf_bom_length(const char *data, size_t len, shelf_encoding *enc);
int shelf_utf16_to_utf8(const char *data, size_t len, bool big_endian, shelf_buf *out);
int shelf_cp1252_to_utf8(const char *data, size_t len, shelf_buf *out);
/* UTF-8 with invalid bytes replaced by U+FFFD. */
int shelf_utf8_repair(const char *data, size_t len, shelf_buf *out);
/* Any charset iconv knows, by label. */
int shelf_charset_to_utf8(const char *charset, const char *data, size_t len, shelf_buf *out);

#endif
