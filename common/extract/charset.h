/*
 * charset.h - the character encoding of an HTML file and its bytes as valid
 * UTF-8, ready for the parser (html.c).
 *
 * The encoding, first match wins:
 *   1. a BOM: UTF-8 (stripped), UTF-16LE or UTF-16BE (converted by
 *      encoding.c); encoding UTF8 / UTF16LE / UTF16BE;
 *   2. a charset declared in the first 4 KiB: an XML declaration at the very
 *      start (<?xml ... encoding="X"?>), else the first <meta charset="X">
 *      or <meta http-equiv="Content-Type" content="...; charset=X"> outside
 *      comments.  Labels (letters, digits, - _ . : only; anything else is
 *      ignored) are matched case-insensitively:
 *        - utf-8 / utf8 (and, as in browsers, utf-16 labels, which cannot be
 *          declared by ASCII bytes): UTF8;
 *        - windows-1252, cp1252, iso-8859-1, latin1, l1, us-ascii, ascii and
 *          the other WHATWG aliases of windows-1252: CP1252;
 *        - any other label: OTHER, converted with iconv(3) when iconv
 *          knows it, else ignored (as if undeclared);
 *   3. nothing declared: UTF8 when the bytes are valid UTF-8, else CP1252.
 * All conversion happens here (encoding.c's converters), before libxml2
 * (html.c), which always gets valid UTF-8 declared as "UTF-8": a byte that
 * cannot be converted, an invalid byte in UTF-8 input and the five bytes Windows-1252
 * leaves undefined become U+FFFD.  (libxml2 2.9 itself drops the rest of
 * the document at the first conversion error, and switches to Latin-1 for
 * the rest of the file at the first invalid UTF-8 byte.)  Passing the
 * encoding also makes libxml2 ignore the document's own <meta>
 * declarations, so the decision above is the only one.
 *
 * Invariants: in->bytes is valid UTF-8 after SHELF_OK; it points into the
 * caller's data or into in->converted, which the input owns (free it with
 * shelf_html_input_free, also after an error).  Nothing here prints.
 */
#ifndef SHELF_CHARSET_H
#define SHELF_CHARSET_H

#include <stddef.h>

#include "extract/doctext.h"
#include "util/buf.h"

typedef struct shelf_html_input {
    const char *bytes;       /* valid UTF-8 */
    size_t len;
    shelf_encoding encoding; /* of the source */
    shelf_buf converted;     /* owns bytes when they are not the source's */
} shelf_html_input;

/* Decides the encoding (rules above) and fills *in (zeroed by the caller).
 * SHELF_OK or SHELF_ENOMEM. */
int shelf_html_input_prepare(const char *data, size_t len, shelf_html_input *in);
void shelf_html_input_free(shelf_html_input *in);

#endif
