/*
 * index_hint.h - what the searcher says when --index names no index: a
 * folder that does not exist (or is empty) gets the indexer command that
 * builds one there; a file, or a folder that holds other things (most
 * likely the writer's documents), is named as not an index, with no
 * suggestion to index into it (that would turn the writer's folder into
 * an index).
 */
#ifndef SHELF_INDEX_HINT_H
#define SHELF_INDEX_HINT_H

#include <stdio.h>

/* Write to out the lines for dir, given the library's "no index here"
 * message. */
void index_hint_not_found(FILE *out, const char *dir, const char *message);

#endif
