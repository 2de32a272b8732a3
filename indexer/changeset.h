/*
 * changeset.h - the paths `indexer --watch` has heard about since its last
 * batch: files and folders that were created, written, moved or deleted.
 *
 * Invariants: a path is held as the walk spells it (a root as given, then
 * the names below it); holding it says only "look at it again", not what
 * happened to it: the batch finds out (it exists: walk it; it is gone:
 * delete its documents).  changeset_take hands the paths over sorted with
 * '/' first, duplicates and paths under another one dropped, so a folder
 * and its files are looked at once.
 */
#ifndef INDEXER_CHANGESET_H
#define INDEXER_CHANGESET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct changeset {
    char **paths; /* owned */
    size_t count, cap;
    bool rescan;  /* the kernel dropped events: walk every root again */
} changeset;

/* Remember path (copied); 0, or -1 when out of memory. */
int changeset_add(changeset *cs, const char *path);
/* Nothing to do? */
bool changeset_empty(const changeset *cs);
/* Sort and reduce the paths (see above); the set keeps owning them. */
void changeset_reduce(changeset *cs);
/* Forget everything (the rescan flag too). */
void changeset_clear(changeset *cs);
void changeset_free(changeset *cs);

#endif
