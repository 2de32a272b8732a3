/*
 * merge_policy.h - which segments of a native index to merge next.
 *
 * Tiered: segments fall in size tiers by live documents (1-7, 8-63,
 * 64-511, ...: powers of 8); whenever a tier holds 8 segments they are
 * merged into one, and otherwise a segment with more than half of its
 * documents deleted is rewritten alone.  All: every segment into one,
 * unless the index already is one segment without deletions.  None: never.
 *
 * Invariant: a pure choice over the manifest; it reads and writes nothing.
 */
#ifndef SHELF_MERGE_POLICY_H
#define SHELF_MERGE_POLICY_H

#include <stddef.h>

#include "backend/native/manifest.h"
#include "backend/writer_types.h"

/* Put the positions (ascending) of the segments to merge in pick[] (room
 * for m->segment_count entries) and return how many; 0: nothing to do. */
size_t shelf_merge_choose(const shelf_manifest *m, shelf_merge_policy policy, size_t *pick);

#endif
