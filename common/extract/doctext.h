/*
 * doctext.h - what a format reader makes of a file's bytes (the shared
 * type every reader fills and the dispatcher in extract.c consumes), and
 * the source's character encoding it reports.
 *
 * Invariants: text is owned, NUL-terminated (the NUL not counted in len);
 * title, author and date are owned (NUL-terminated) or NULL; a reader that fails leaves the doctext all zero
 * (nothing to free); shelf_doctext_free returns it to all zero.
 */
#ifndef SHELF_DOCTEXT_H
#define SHELF_DOCTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/layout.h"

/* The source's character encoding, before conversion to UTF-8. */
typedef enum shelf_encoding {
    SHELF_ENC_UTF8 = 0,
    SHELF_ENC_UTF16LE = 1,
    SHELF_ENC_UTF16BE = 2,
    SHELF_ENC_CP1252 = 3, /* Windows-1252 (a superset of Latin-1's printables) */
    SHELF_ENC_OTHER = 4   /* another charset an HTML file declared */
} shelf_encoding;

/* What a format reader makes of a file's bytes. */
typedef struct shelf_doctext {
    char *text;        /* owned, NUL-terminated (not counted in len) */
    size_t len;
    char *title;       /* owned; NULL when the format carries none */
    size_t title_len;
    char *author;      /* owned; the author(s) the format names, or NULL */
    char *date;        /* owned; ISO 8601 "YYYY", "YYYY-MM" or "YYYY-MM-DD",
                          or NULL when the format names no date */
    shelf_layout layout;
    shelf_encoding encoding;
    bool invalid_utf8; /* invalid UTF-8 bytes were left in text */
} shelf_doctext;

void shelf_doctext_free(shelf_doctext *d);

/* "utf-8", "utf-16le", "utf-16be", "windows-1252", "declared" (--list,
 * messages); "unknown" for any other value. */
const char *shelf_encoding_name(shelf_encoding e);

#endif
