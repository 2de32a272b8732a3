/*
 * filter.h - which files and folders a run reads: --include and --exclude
 * globs (fnmatch(3) patterns, repeatable).
 *
 * A pattern without '/' is matched against the entry's name, one with '/'
 * against its whole path as walked (where '*' also matches '/').
 *   - a folder matching an --exclude pattern is not entered;
 *   - a file matching an --exclude pattern is not read;
 *   - with no --include, a file is read when its extension is one the
 *     engine knows or it has none (shelf_extract_supported); with
 *     --include, exactly the files matching an include pattern are read
 *     (whatever their extension; the format is then found from content).
 * Paths named on the command line are filtered like any other.
 */
#ifndef SHELF_FILTER_H
#define SHELF_FILTER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct file_filter {
    const char **include, **exclude;
    size_t include_count, exclude_count;
} file_filter;

/* Add a pattern; 0, or -1 when out of memory. */
int filter_include(file_filter *f, const char *glob);
int filter_exclude(file_filter *f, const char *glob);
void filter_free(file_filter *f);

bool filter_wants_file(const file_filter *f, const char *path);
bool filter_wants_dir(const file_filter *f, const char *path);

#endif
