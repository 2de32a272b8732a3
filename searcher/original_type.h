/*
 * original_type.h - how GET /api/file describes an indexed document's
 * original file to a browser: its Content-Type, its Content-Disposition and
 * whether it is sandboxed by its Content-Security-Policy.
 *
 * The type comes from the format the indexer recorded for the document (the
 * name of its row in the formats table, extract/formats.h), never from the
 * file name alone, so a PDF indexed from "report.txt" is served as a PDF.
 * Text formats get the charset their reader found (the stored encoding);
 * an HTML file whose own declaration named another charset gets none, so
 * the browser reads the declaration as the indexer did.
 *
 * Invariants: the type and disposition hold printable ASCII only (no CR,
 * LF or quote can reach a header from a file name); every format but PDF
 * is sandboxed (see README "Security": browsers refuse to show a PDF under
 * a CSP sandbox, and a PDF's scripts run in the viewer, not the page).
 */
#ifndef SHELF_ORIGINAL_TYPE_H
#define SHELF_ORIGINAL_TYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/doctext.h"
#include "extract/formats.h"

#define ORIGINAL_TYPE_MAX 128

/* The Content-Type of a document of this format and stored encoding, into
 * out (ORIGINAL_TYPE_MAX bytes); application/octet-stream for a format
 * without a known type. */
void original_type(shelf_format format, shelf_encoding encoding, char out[ORIGINAL_TYPE_MAX]);

/* True when the original is served with `Content-Security-Policy: sandbox`. */
bool original_sandboxed(shelf_format format);

/* `inline; filename="NAME"; filename*=UTF-8''NAME` for the last component
 * of path (len bytes): in the quoted form every byte that is not printable
 * ASCII, and '"' and '\\', become '_'; the starred form percent-encodes the
 * exact bytes (RFC 6266, 8187).  Malloc'd; NULL when memory ran out. */
char *original_disposition(const char *path, size_t len);

#endif
