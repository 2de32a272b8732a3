/*
 * path_under.h - the one rule for "this document lies under that path",
 * used by both writers when removing and pruning.
 *
 * Invariant: a root covers itself and everything below it as a folder:
 * root "a" covers "a" and "a/...", never "ab"; a root ending in '/' covers
 * every path that starts with it.
 */
#ifndef SHELF_PATH_UNDER_H
#define SHELF_PATH_UNDER_H

#include <stdbool.h>

bool shelf_path_under(const char *path, const char *root);

#endif
