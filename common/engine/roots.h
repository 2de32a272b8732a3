/*
 * roots.h - the folders an index was built from: the file ROOTS beside
 * MANIFEST (or the xapian/ database), the same for every backend.
 *
 * A later indexer run with no PATH re-indexes these; `--forget` drops one.
 * Format (common/backend/native/FORMAT.md, "ROOTS"): text, one line each:
 *   shelf-roots 1
 *   /absolute/canonical/path        (one line per root, in the order added)
 *   crc32 8-hex-digits              (zlib CRC-32 of every byte before it)
 * Written as ROOTS.tmp, fsynced, renamed over ROOTS, folder fsynced.
 *
 * Invariants: roots are canonical paths (util/canonpath.h) holding no
 * newline; no root lies under another (adding a covering root absorbs the
 * roots it covers); the indexer writes it just before the commit it
 * records, so an index with a MANIFEST but no ROOTS is one made before
 * roots were kept.
 */
#ifndef SHELF_ENGINE_ROOTS_H
#define SHELF_ENGINE_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define SHELF_ROOTS_NAME "ROOTS"

typedef struct shelf_roots {
    char **paths; /* owned */
    size_t count;
} shelf_roots;

/* Read dir/ROOTS.  SHELF_ENOTFOUND when there is none; SHELF_ECORRUPT
 * naming the file when it is truncated or fails its checksum. */
int shelf_roots_read(const char *dir, shelf_roots *r, shelf_err *err);

/* Atomically replace dir/ROOTS with r. */
int shelf_roots_write(const char *dir, const shelf_roots *r, shelf_err *err);

/* Add a canonical path: nothing when a root already covers it; roots it
 * covers are dropped.  SHELF_EINVAL for a path with a newline (it cannot
 * be recorded), SHELF_ENOMEM. */
int shelf_roots_add(shelf_roots *r, const char *path);

/* Drop the root equal to path; false when there is none. */
bool shelf_roots_remove(shelf_roots *r, const char *path);

void shelf_roots_free(shelf_roots *r);

/* The command that rebuilds the index in dir from scratch, for messages
 * about a damaged index: "indexer --index DIR --rebuild", with " PATH..."
 * when dir has no readable ROOTS to take the folders from; the indexer as
 * the user calls it (util/progname.h: "shelf-indexer" once installed). */
void shelf_recovery_command(const char *dir, char *out, size_t size);

/* Every "index is damaged" message ends with the command that recovers:
 * when rc is SHELF_ECORRUPT or SHELF_EVERSION, appends "; recover with:
 * COMMAND" to err's message (unless it already names a --rebuild command).
 * Returns rc, so a caller can write `return shelf_recovery_note(...)`. */
int shelf_recovery_note(const char *dir, int rc, shelf_err *err);

#endif
