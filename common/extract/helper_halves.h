/*
 * helper_halves.h - the halves of the sandboxed readers that run in
 * shelf-helper (helper/main.c): each reads a file's bytes with its parser
 * (poppler for PDF, libzip and libxml2 for DOCX, ODT and EPUB) and encodes
 * what the reader's extract, in the indexer, decodes (extract/isolated.h).
 *
 * Why a table of its own: the readers table (readers.h) is linked by every
 * program that names or decodes formats.  Had its rows pointed at these
 * functions, the indexer would link poppler and the fifty libraries it
 * loads, though it never runs them (about 30 ms a start, spent by the
 * dynamic loader).  Only shelf-helper links this table.
 *
 * Invariant: a format has a half here exactly when its row in readers.h is
 * sandboxed (tests/test_sandbox.c checks it).
 */
#ifndef SHELF_HELPER_HALVES_H
#define SHELF_HELPER_HALVES_H

#include <stddef.h>

#include "extract/formats.h"
#include "util/buf.h"

/* Read data[0..len) (the file named path) and encode into *wire what the
 * reader's extract decodes; SHELF_OK when *wire holds an answer. */
typedef int (*shelf_helper_half)(const char *path, const char *data, size_t len, shelf_buf *wire);

/* The half of format f; NULL for a format read in the indexer itself. */
shelf_helper_half shelf_helper_half_of(shelf_format f);

#endif
