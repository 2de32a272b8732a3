/*
 * zipsniff.h - what a file's first bytes say about the zip formats (DOCX,
 * ODT, EPUB), for the readers' sniff functions (readers.h).
 *
 * A zip starts with a local file header, "PK\3\4".  OpenDocument and EPUB
 * files start with a member named "mimetype", stored (not compressed),
 * whose bytes are the format's media type; a DOCX has a member
 * "word/document.xml", whose name appears in its local header (near the
 * start: Word writes it among the first members) and in the central
 * directory at the end.
 */
#ifndef SHELF_ZIPSNIFF_H
#define SHELF_ZIPSNIFF_H

#include <stdbool.h>
#include <stddef.h>

/* Starts with a zip local file header. */
bool shelf_zip_signature(const char *data, size_t len);

/* The first member is "mimetype", stored, holding exactly media_type. */
bool shelf_zip_mimetype_is(const char *data, size_t len, const char *media_type);

/* A zip whose first SHELF_ZIP_SNIFF_BYTES (or, when len is at most that,
 * all of it) name a member `name`. */
#define SHELF_ZIP_SNIFF_BYTES ((size_t)64 << 10)
bool shelf_zip_names_member(const char *data, size_t len, const char *name);

#endif
