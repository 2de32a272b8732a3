/*
 * keys.h - what a query key is: one field byte, then the term's bytes as the
 * analyser made them.  The planner builds keys, the backends look them up;
 * the native format stores them with exactly these field bytes (format.h
 * includes this header), so changing a value here changes the index format.
 *
 * Invariants: a key is 2..SHELF_MAX_KEY_BYTES bytes; its first byte is one
 * of the SHELF_FIELD_* values below; the term after it is never empty.
 */
#ifndef SHELF_QUERY_KEYS_H
#define SHELF_QUERY_KEYS_H

#define SHELF_FIELD_BODY 1     /* the body (the title line is part of it) */
#define SHELF_FIELD_TITLE_ID 2 /* the title alone */

#define SHELF_MAX_KEY_BYTES 65 /* field byte + up to 64 term bytes */

#endif
