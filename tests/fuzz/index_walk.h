/*
 * index_walk.h - read everything an open, possibly damaged, index offers,
 * the way the searcher and `indexer --check` would: collection figures,
 * every segment's dictionary (walk, seeks, exact lookups, document
 * frequencies), every term's postings (next with positions, advance, the
 * score bound), every document's record, stored text, checkpoints and
 * layout, the full check, and a search with snippets for its hits.
 *
 * Damage may only give errors or wrong data.  What is checked is what the
 * readers promise whatever the bytes (segment.h, index.h, layout.h): the
 * dictionary yields at most its term count, a posting list at most df
 * documents in increasing order, advance never goes back, stored text is
 * NUL-terminated with checkpoints inside it, a decoded layout lies inside
 * its text, and every passage lies inside its document's text.
 */
#ifndef SHELF_FUZZ_INDEX_WALK_H
#define SHELF_FUZZ_INDEX_WALK_H

#include "backend/native/index.h"

/* target names the caller in failure reports. */
void fuzz_walk_index(const char *target, const shelf_index *idx);

#endif
