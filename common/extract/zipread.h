/*
 * zipread.h - the members of a zip file (DOCX, ODT, EPUB are zips of XML)
 * read whole into memory under limits that make a zip bomb harmless, with
 * libzip.  Used only inside the zip readers' sandboxed child (zipdoc.h).
 *
 * Limits (README "Formats", "Zip bombs"):
 *   - at most SHELF_ZIP_MAX_ENTRIES members in the central directory;
 *   - what is unpacked, over all members read from one file, at most
 *     SHELF_ZIP_UNPACK_FACTOR x the file's size + SHELF_ZIP_UNPACK_SLACK,
 *     and never more than SHELF_ZIP_MAX_UNPACKED;
 *   - a member larger than SHELF_ZIP_RATIO_FLOOR unpacked may be at most
 *     SHELF_ZIP_MAX_RATIO x its packed size.
 * The sizes the central directory declares are checked before a member is
 * unpacked; the bytes that really come out are counted too, so a member
 * that lies about its size is refused as soon as it passes what it said.
 *
 * Refused, each SHELF_ESKIP with a message "PATH: LABEL ...": not a zip,
 * a damaged zip (libzip's reason), an inconsistent one (local headers that
 * disagree with the central directory: libzip's consistency check), a
 * split archive, an encrypted member ("encrypted (needs a password)"), a
 * compression method libzip cannot unpack, and the limits above ("zip bomb?
 * MEMBER would unpack to N bytes, more than ..."). A member that is not
 * there is SHELF_ENOTFOUND (its message names it).
 *
 * Invariant: a member read is NUL-terminated (the NUL not counted).
 */
#ifndef SHELF_ZIPREAD_H
#define SHELF_ZIPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define SHELF_ZIP_MAX_ENTRIES 65536
#define SHELF_ZIP_UNPACK_FACTOR 100
#define SHELF_ZIP_UNPACK_SLACK ((uint64_t)16 << 20)
#define SHELF_ZIP_MAX_UNPACKED ((uint64_t)256 << 20)
#define SHELF_ZIP_MAX_RATIO 200
#define SHELF_ZIP_RATIO_FLOOR ((uint64_t)1 << 20)

typedef struct shelf_zip shelf_zip;

/* The most a file of file_size bytes may unpack to (the limits above). */
uint64_t shelf_zip_unpack_budget(uint64_t file_size);

/* Opens data[0..len) (kept, not copied) as a zip; label names the format
 * in messages ("DOCX").  SHELF_OK, SHELF_ESKIP or SHELF_ENOMEM. */
int shelf_zip_open(const char *path, const char *label, const char *data, size_t len,
                   shelf_zip **out, shelf_err *err);

/* Is there a member of this exact name? */
bool shelf_zip_has(shelf_zip *z, const char *name);

/* Reads member `name` whole into *bytes (malloc'd, NUL-terminated) and
 * *len.  SHELF_OK, SHELF_ENOTFOUND, SHELF_ESKIP (the refusals above) or
 * SHELF_ENOMEM; on error *bytes is NULL. */
int shelf_zip_read(shelf_zip *z, const char *name, char **bytes, size_t *len, shelf_err *err);

/* Bytes unpacked so far from this file. */
uint64_t shelf_zip_unpacked(const shelf_zip *z);

void shelf_zip_close(shelf_zip *z);

#endif
