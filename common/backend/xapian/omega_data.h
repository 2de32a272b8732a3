/*
 * omega_data.h - a document's data as Omega (Xapian's search front end)
 * and its templates read it: "field=value" lines, one field a line.
 *
 *   url=PATH          the document's path as stored
 *   caption=TITLE     its title (the file's name when it has none)
 *   sample=TEXT       the start of its text, at most SHELF_OMEGA_SAMPLE_BYTES
 *                     bytes, cut at a character boundary, each run of white
 *                     space one space
 *   modtime=SECONDS   modification time, seconds since the epoch
 *   size=BYTES        the source file's size
 *
 * Values hold no newline (a title's are turned into spaces).  Our own
 * record lives in a value slot (xapian_terms.h), never here: this is for
 * Xapian's tools.
 */
#ifndef SHELF_OMEGA_DATA_H
#define SHELF_OMEGA_DATA_H

#include <stddef.h>

#include "backend/docview.h"
#include "util/buf.h"

#define SHELF_OMEGA_SAMPLE_BYTES 300

/* Append the lines for a document to out; SHELF_ENOMEM on failure. */
int shelf_omega_data(shelf_buf *out, const shelf_docview *meta, const char *text, size_t text_len);

#endif
