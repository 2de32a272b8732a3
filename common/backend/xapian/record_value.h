/*
 * record_value.h - our document record (xapdoc.h) as it sits in its value
 * slot (SHELF_XAPIAN_RECORD_SLOT, xapian_terms.h): one Zstandard frame at
 * level 1 with its content size and a checksum.  Xapian compresses
 * document data itself but stores values as they are, and the record holds
 * the document's whole text, so it is packed here.
 *
 * Invariants: a frame unpacks to exactly the size its header states, at
 * most SHELF_RECORD_MAX_BYTES, or it is refused as damaged.
 */
#ifndef SHELF_RECORD_VALUE_H
#define SHELF_RECORD_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "backend/xapian/xapian_c.h"
#include "util/buf.h"
#include "util/error.h"

#define SHELF_RECORD_MAX_BYTES ((uint64_t)1 << 32)

/* Set doc's record value to raw[0..len) packed. */
int shelf_record_value_set(shelf_xdoc *doc, const void *raw, size_t len, shelf_err *err);

/* Document docid's record, unpacked, into out (replacing its contents):
 * SHELF_OK; SHELF_ENOTFOUND when the document has no record value (out
 * then holds its document data, which an older program used for the
 * record); SHELF_ECORRUPT for a damaged frame; the database's errors. */
int shelf_record_value_get(shelf_xdb *db, uint32_t docid, shelf_buf *out, shelf_err *err);

#endif
