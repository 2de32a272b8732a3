/*
 * shared_format.h - constants both backends store the same way, so that
 * the indexer, the snippet code and either writer agree on them without
 * knowing which backend holds an index.
 *
 * Invariants: the values are part of both on-disk formats (the native
 * layout, FORMAT.md, and the Xapian document data, xapdoc.h); changing one
 * changes the bytes of every index.
 */
#ifndef SHELF_SHARED_FORMAT_H
#define SHELF_SHARED_FORMAT_H

#include "query/keys.h" /* the key layout: field bytes, SHELF_MAX_KEY_BYTES */

/* A checkpoint (the byte offset of a body token) every this many tokens. */
#define SHELF_CHECKPOINT_EVERY 128

/* Document flags: bit 0 invalid UTF-8 left in the text; bits 4-7 the
 * source format (extract.h shelf_format); bits 8-11 its encoding
 * (shelf_encoding). */
#define SHELF_DOC_FLAG_INVALID_UTF8 1u
#define SHELF_DOC_FORMAT_SHIFT 4
#define SHELF_DOC_ENCODING_SHIFT 8
#define SHELF_DOC_FIELD_MASK 0xFu


#endif
