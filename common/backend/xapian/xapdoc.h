/*
 * xapdoc.h - what the Xapian backend keeps in each document's record (the
 * value in slot SHELF_XAPIAN_RECORD_SLOT, xapian_terms.h; the document data
 * holds Omega's lines, omega_data.h), so that results, snippets and
 * citations need nothing but the database:
 *
 *   magic "SXD5"   ("SXD4", the same record kept in the document data before
 *                  the Xapian conventions, "SXD3", before author and date,
 *                  and "SXD2", before page labels, are refused as older
 *                  versions)
 *   path_len:varint path   title_len:varint title
 *   author_len:varint author   date_len:varint date   (length 0: unknown;
 *                  the date an ISO 8601 prefix "YYYY", "YYYY-MM", "YYYY-MM-DD")
 *   size:u64  mtime_ns:i64  hash:u64  flags:u32  length:u32  title_length:u32
 *   text_len:varint text
 *   checkpoint_count:varint  checkpoint gaps:varint...   (as in the native store)
 *   layout                                               (as in the native store)
 *
 * Integers little-endian.  Decoding checks every length against the blob.
 */
#ifndef SHELF_XAPDOC_H
#define SHELF_XAPDOC_H

#include <stddef.h>
#include <stdint.h>

#include "backend/docview.h"
#include "extract/layout.h"
#include "util/buf.h"

/* Append the blob for a document to out. */
int shelf_xapdoc_encode(shelf_buf *out, const shelf_docview *meta, const char *text, size_t text_len,
                        const uint64_t *checkpoints, size_t checkpoint_count,
                        const shelf_layout *layout);

/* Decode: meta strings point into blob; text, checkpoints and layout (each
 * may be NULL) receive copies.  SHELF_ECORRUPT on a damaged blob,
 * SHELF_EVERSION on a blob of an older version (rebuild the index). */
int shelf_xapdoc_decode(const uint8_t *blob, size_t len, shelf_docview *meta, shelf_buf *text,
                        shelf_buf *checkpoints, shelf_layout *layout);

#endif
