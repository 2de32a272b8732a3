/*
 * generation_guard.h - belt and braces behind the writer lock: before a
 * native commit or merge replaces the MANIFEST, the one on disk must still
 * be the generation the writer built on.  If another writer committed
 * meanwhile (the lock was broken), nothing is committed.
 *
 * Invariant: reads only; the answer is SHELF_OK or SHELF_ELOCKED with a
 * message naming both generations.
 */
#ifndef SHELF_GENERATION_GUARD_H
#define SHELF_GENERATION_GUARD_H

#include <stdint.h>

#include "util/error.h"

/* SHELF_ELOCKED: generation `expected` was replaced by `found`. */
int shelf_manifest_generation_moved(const char *dir, uint64_t expected, uint64_t found, shelf_err *err);
/* SHELF_OK when the MANIFEST in dir is still generation `expected` (0: none). */
int shelf_manifest_still_current(const char *dir, uint64_t expected, shelf_err *err);

#endif
