/*
 * watchtable.h - which folder each inotify watch descriptor stands for
 * (`indexer --watch`).
 *
 * Invariants: at most one entry per descriptor (adding a descriptor again,
 * as the kernel returns for a folder already watched, replaces its path);
 * entries are kept sorted by descriptor for lookup by binary search; a path
 * is spelled as the walk spells it.  `whole` is false for a folder watched
 * only for a file named as a root inside it: the watcher then looks only at
 * that file's events.
 */
#ifndef INDEXER_WATCHTABLE_H
#define INDEXER_WATCHTABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct watch_entry {
    int wd;
    char *path; /* owned */
    bool whole;
} watch_entry;

typedef struct watch_table {
    watch_entry *entries;
    size_t count, cap;
} watch_table;

/* Record wd for path (copied); a known wd gets the new path and keeps
 * `whole` if either had it.  0, or -1 when out of memory. */
int watch_table_put(watch_table *t, int wd, const char *path, bool whole);
/* The entry of wd, or NULL. */
const watch_entry *watch_table_find(const watch_table *t, int wd);
/* Forget wd (the kernel dropped it). */
void watch_table_drop(watch_table *t, int wd);
/* Forget every entry whose path is path or lies under it, calling
 * forget(ctx, wd) for each first (the caller removes the kernel's watch). */
void watch_table_drop_under(watch_table *t, const char *path, void (*forget)(void *ctx, int wd),
                            void *ctx);
void watch_table_free(watch_table *t);

#endif
