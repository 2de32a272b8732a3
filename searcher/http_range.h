/*
 * http_range.h - the one byte range of a `Range` header that GET /api/file
 * honours (RFC 9110 14.2), so that PDF viewers can fetch parts of a file.
 *
 * Only a single range of the bytes unit is served: "bytes=A-B", "bytes=A-"
 * and "bytes=-N" (the last N bytes), with optional spaces around the
 * range.  A header that is absent, malformed, of another unit, or asks for
 * several ranges is ignored (RANGE_WHOLE: the whole file, 200), as the RFC
 * allows; a well-formed range that starts past the end of the file (or a
 * suffix of zero bytes, or any range of an empty file) is RANGE_NONE (416).
 * An end past the file's end is cut to it.
 */
#ifndef SHELF_HTTP_RANGE_H
#define SHELF_HTTP_RANGE_H

#include <stdint.h>

typedef enum range_kind {
    RANGE_WHOLE, /* serve everything (200) */
    RANGE_PART,  /* serve *from, *len (206) */
    RANGE_NONE   /* unsatisfiable (416) */
} range_kind;

/* header may be NULL; size is the file's. */
range_kind range_parse(const char *header, uint64_t size, uint64_t *from, uint64_t *len);

#endif
