/*
 * index_impl.h - the inside of an open native index (index.h), shared by
 * index.c (one index folder) and index_set.c (several opened as one).
 *
 * Invariants: segments, dels, words and bases have manifest.segment_count
 * entries; bases[i] is the sum of the doc_count of the segments before i;
 * the live totals are the sums of the manifest's live figures.  A set
 * (nparts > 0) owns its parts and its arrays, but the segments, deletions
 * and word lists in them belong to the parts: part_of[i] names the part
 * that holds segment i.
 */
#ifndef SHELF_INDEX_IMPL_H
#define SHELF_INDEX_IMPL_H

#include "backend/native/index.h"

struct shelf_index {
    char *dir;
    shelf_manifest manifest;
    shelf_segment **segments;
    shelf_deletions *dels;
    shelf_words *words; /* per segment; a list's file.data is NULL when it has none */
    uint64_t *bases;
    uint64_t numbered;   /* documents in all segment files, deleted ones included */
    uint64_t doc_count, total_tokens, total_title_tokens; /* live */
    /* a set of indexes (index_set.c); 0 and NULL for one index */
    size_t nparts;
    shelf_index **parts;
    uint32_t *part_of;
};

/* Close a set: its parts and its own arrays (index_set.c). */
void shelf_index_set_free(shelf_index *set);

#endif
