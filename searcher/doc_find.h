/*
 * doc_find.h - a document of the server's API by its ID, which is its path
 * as indexed (the "path" of a search hit).  A path is stable across commits
 * and merges, where the numeric "doc" of a hit is not (it is a position in
 * one generation's segment list).
 *
 * The lookup is the query language's own path: filter (a PATH plan node,
 * backend-independent) followed by an exact, case-sensitive byte comparison
 * of each candidate's path, so it costs one pass over the documents'
 * records of the snapshot (as `path:` does).  The index is never asked to
 * touch the file system: an ID that is not exactly an indexed path, such as
 * "../../etc/passwd", is simply not found.
 */
#ifndef SHELF_DOC_FIND_H
#define SHELF_DOC_FIND_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"

#define DOC_FIND_ANY ((size_t)-1)

/* SHELF_OK and *hit; SHELF_ENOTFOUND when no live document has exactly
 * this path (in the engine's part `part`, shelf_engine_part_of, unless it
 * is DOC_FIND_ANY: then the first in the parts' order); another code (err
 * filled) when reading the index failed. */
int doc_find(shelf_engine *e, shelf_analyzer *a, const char *path, size_t len, size_t part,
             shelf_hit *hit, shelf_err *err);

#endif
