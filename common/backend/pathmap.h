/*
 * pathmap.h - the writer's table of live documents by path: where each one
 * is (segment position and doc id) and whether this run has seen its file.
 *
 * Built to stay small at millions of documents, since it counts against the
 * indexer's memory budget (about 30 bytes a document plus its path, against
 * about 120 for a table of malloc'd strings in 32-byte slots):
 *   - entries live in fixed chunks, numbered in insertion order and never
 *     moved, so a shelf_pathentry pointer stays valid until
 *     shelf_pathmap_free;
 *   - the hash table is an array of 32-bit entry numbers (0: empty slot),
 *     at most half full; it alone is rebuilt when it doubles;
 *   - paths are copied, NUL-terminated, into an arena (common/util/arena.h).
 * An entry is never removed: a deleted document keeps its entry with
 * live = 0, and putting its path again revives it. A zeroed shelf_pathmap
 * is an empty map.
 */
#ifndef SHELF_PATHMAP_H
#define SHELF_PATHMAP_H

#include "util/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_pathentry {
    const char *path; /* in the map's arena, NUL-terminated */
    uint32_t hash;    /* low 32 bits of the path's XXH3-64 */
    uint32_t segment; /* position in the writer's segment list */
    uint32_t doc;
    uint8_t seen;     /* the file was visited by this run */
    uint8_t live;     /* 0 once deleted */
} shelf_pathentry;

typedef struct shelf_pathmap {
    uint32_t *slots;          /* entry number + 1, or 0 */
    size_t slot_count;        /* power of two, or 0 */
    shelf_pathentry **chunks; /* SHELF_PATHMAP_CHUNK entries each */
    size_t chunk_count;
    size_t used;              /* entries */
    shelf_arena paths;
} shelf_pathmap;

/* Find the entry for path; NULL when absent. */
shelf_pathentry *shelf_pathmap_find(shelf_pathmap *m, const char *path);
/* Find or insert; the entry is then live with this segment and doc (seen is
 * kept, 0 for a new entry). NULL on ENOMEM or a path longer than 1 MiB. */
shelf_pathentry *shelf_pathmap_put(shelf_pathmap *m, const char *path, uint32_t segment, uint32_t doc);
/* Entries in insertion order, deleted ones included: i < shelf_pathmap_count. */
size_t shelf_pathmap_count(const shelf_pathmap *m);
shelf_pathentry *shelf_pathmap_entry(shelf_pathmap *m, size_t i);
void shelf_pathmap_free(shelf_pathmap *m);
/* Bytes the map holds (entries, paths, the hash table twice over since the
 * old and new table are both held while it doubles), which the writer counts
 * against its memory budget. */
size_t shelf_pathmap_memory(const shelf_pathmap *m);

#endif
