/*
 * merge_run.h - after a commit, the native writer's merges: segments chosen
 * by the policy (merge_policy.h) are rewritten into one (merge.h) and each
 * merge is committed as a new MANIFEST generation.
 *
 * Invariants: runs under the writer's lock; never merges over a generation
 * other than *generation (SHELF_ELOCKED, nothing committed); verifies every
 * segment it rewrites first, so damage is never given fresh CRCs; a failed
 * merge leaves the index as it was and removes its half-written files.
 * Tiered merges repeat until the policy finds nothing; All merges once.
 */
#ifndef SHELF_MERGE_RUN_H
#define SHELF_MERGE_RUN_H

#include <stdint.h>

#include "backend/writer_types.h"
#include "util/error.h"

/* *generation and *next_segment follow each committed merge; *merges
 * receives how many were done. */
int shelf_native_merge(const char *dir, shelf_merge_policy policy, uint64_t *generation,
                       uint32_t *next_segment, unsigned *merges, shelf_err *err);

#endif
