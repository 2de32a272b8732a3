/*
 * pathmap.h - the writer's table of live documents by path: where each one
 * is (segment position and doc id) and whether this run has seen its file.
 * An open-addressing hash table keyed by the path bytes; paths are copied.
 */
#ifndef SHELF_PATHMAP_H
#define SHELF_PATHMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_pathentry {
    char *path;       /* owned, NUL-terminated; NULL marks an empty slot */
    uint64_t hash;
    uint32_t segment; /* position in the writer's segment list */
    uint32_t doc;
    uint8_t seen;     /* the file was visited by this run */
    uint8_t live;     /* 0 once deleted (the slot stays, a tombstone) */
} shelf_pathentry;

typedef struct shelf_pathmap {
    shelf_pathentry *slots;
    size_t slot_count; /* power of two */
    size_t used;       /* slots with a path */
    size_t path_bytes; /* heap taken by the copied paths */
} shelf_pathmap;

/* Find the entry for path; NULL when absent. */
shelf_pathentry *shelf_pathmap_find(shelf_pathmap *m, const char *path);
/* Find or insert (live, unseen); NULL on ENOMEM. */
shelf_pathentry *shelf_pathmap_put(shelf_pathmap *m, const char *path, uint32_t segment, uint32_t doc);
void shelf_pathmap_free(shelf_pathmap *m);
/* Bytes the map holds (slots and paths, with malloc's overhead) or will
 * hold while its slot array doubles, which the writer counts against its
 * memory budget. */
size_t shelf_pathmap_memory(const shelf_pathmap *m);

#endif
