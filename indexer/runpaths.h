/*
 * runpaths.h - the PATHs of one indexer run, each in two spellings: as
 * walked (the argument tidied: what messages and --include/--exclude globs
 * see) and canonical (util/canonpath.h: what the index stores, prunes under
 * and remembers in ROOTS).
 *
 * Invariant: a file the walk reaches as given[i] + rest is stored as
 * canon[i] + rest, so `shelf`, `./shelf/` and /abs/shelf give one document
 * per file.  Symlinks met inside a folder (with --follow) keep their own
 * name under the root; only the roots themselves are resolved.
 */
#ifndef INDEXER_RUNPATHS_H
#define INDEXER_RUNPATHS_H

#include <stddef.h>

#include "util/error.h"

typedef struct run_paths {
    char **given; /* owned, tidied */
    char **canon; /* owned, parallel to given */
    size_t count;
} run_paths;

/* Tidy a path in place: no leading "./", no doubled or trailing slashes. */
void tidy_path(char *path);

/* Add one PATH (copied). */
int run_paths_add(run_paths *rp, const char *path, shelf_err *err);

/* The stored spelling of walked (a path the walk found under one of the
 * given roots), in buf; walked itself when no root covers it. */
const char *run_paths_stored(const run_paths *rp, const char *walked, char *buf, size_t size);

void run_paths_free(run_paths *rp);

#endif
