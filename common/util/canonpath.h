/*
 * canonpath.h - the one spelling of a file's path that the index stores:
 * absolute, with every symlink and every "." and ".." resolved (realpath),
 * so that `shelf`, `./shelf/` and `/home/me/shelf` name one folder and a
 * file is one document however it was reached.
 *
 * A path that does not exist (a file removed since it was indexed) is
 * resolved as far as it exists: its longest existing leading folder goes
 * through realpath and the rest is appended tidied (no empty, "." or ".."
 * parts, a ".." dropping the part before it), so `--remove gone.txt` still
 * names the document indexed as /home/me/shelf/gone.txt.
 */
#ifndef SHELF_CANONPATH_H
#define SHELF_CANONPATH_H

#include <stddef.h>

#include "util/error.h"

/* Write the canonical form of path into out (size bytes, PATH_MAX is
 * enough).  SHELF_EINVAL for an empty path, SHELF_EIO when the current
 * folder cannot be read or the result does not fit. */
int shelf_canonical_path(const char *path, char *out, size_t size, shelf_err *err);

/* The path's len bytes (need not be NUL-terminated) as shown to someone in
 * the folder cwd (absolute, canonical): the part after "cwd/" when the path
 * lies under cwd, else the whole path.  Returns how many leading bytes to
 * skip.  From "/" every path stays absolute. */
size_t shelf_path_from(const char *path, size_t len, const char *cwd);

#endif
