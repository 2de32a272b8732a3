/*
 * extract.h - from a file on disk to the text, title and metadata that get
 * indexed.  Version 1 reads plain text and Markdown (.txt, .text, .md,
 * .markdown) as UTF-8; invalid bytes stay in the text and the analyzer
 * treats them as separators.
 *
 * Rules (README, "What gets indexed"):
 *   - an empty file is skipped (SHELF_ESKIP, "empty file");
 *   - a binary file is skipped: among its first 8 KiB, more than 1 in 10
 *     bytes are NUL or control characters other than tab, newline, carriage
 *     return and form feed (SHELF_ESKIP, "binary file");
 *   - the title is the first non-empty line, with a Markdown heading's '#'
 *     marks and surrounding white space removed, cut to at most 200 bytes at a
 *     character boundary; a file with no such line is titled by its name.
 */
#ifndef SHELF_EXTRACT_H
#define SHELF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define SHELF_TITLE_MAX_BYTES 200

typedef struct shelf_extracted {
    char *text;   /* owned; the whole file */
    size_t len;
    const char *title; /* points into text, or at the file name in path */
    size_t title_len;
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash; /* XXH3-64 of the file's bytes */
} shelf_extracted;

/* True when the file name has an extension version 1 indexes. */
bool shelf_extract_supported(const char *path);

/* Read and describe one file.  SHELF_EIO (unreadable, names the file and the
 * reason), SHELF_ESKIP (empty or binary; message says which). */
int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err);
void shelf_extracted_free(shelf_extracted *e);

/* The title rule above, over a buffer; fallback is used when there is no
 * non-empty line.  Returns the title's start and sets *len. */
const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len);

/* True when the first 8 KiB look binary (the rule above). */
bool shelf_looks_binary(const char *data, size_t len);

#endif
