/*
 * visible.h - writing names from the outside world (file paths, titles) to
 * a terminal or a line-based listing so that they cannot break it: control
 * characters (a newline or tab in a file name) and bytes that are not valid
 * UTF-8 are written as \xNN; everything else as it is.
 */
#ifndef SHELF_VISIBLE_H
#define SHELF_VISIBLE_H

#include <stddef.h>
#include <stdio.h>

void shelf_put_visible(FILE *out, const char *s, size_t len);

#endif
