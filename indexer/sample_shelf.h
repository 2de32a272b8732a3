/*
 * sample_shelf.h - where the sample shelf is: the documents a new index
 * made with no PATH gets, so that the README's first command and a
 * freshly installed package both show a working search.
 *
 * Places tried, first found wins:
 *   1. ../share/shelf/corpus beside the running program's folder (from
 *      /proc/self/exe): /usr/bin/shelf-indexer finds /usr/share/shelf/corpus
 *      whatever prefix `cmake --install` or the package used;
 *   2. the source tree's corpus/ (SHELF_SOURCE_CORPUS): build/indexer;
 *   3. the configured install prefix's share/shelf/corpus
 *      (SHELF_INSTALLED_CORPUS), when /proc is not mounted.
 * An installed program thus never reads the source tree it was built from,
 * even on the machine that built it.
 */
#ifndef SHELF_INDEXER_SAMPLE_SHELF_H
#define SHELF_INDEXER_SAMPLE_SHELF_H

#include <stddef.h>

/* The sample shelf's folder into out (size bytes); 0, or -1 when none of
 * the places holds a folder. */
int sample_shelf_find(char *out, size_t size);

#endif
