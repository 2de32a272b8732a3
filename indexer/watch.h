/*
 * watch.h - `indexer --watch`: after the catch-up run, stay running and
 * index what changes under the roots, in debounced batches.
 *
 * The watches are set up before the catch-up run (watch_open), so a change
 * made while it runs is in the first batch.  Every folder under the roots (hidden ones, symlinks, the index folder and
 * folders the --exclude globs leave out excepted) is watched with inotify; a file given
 * as a root is watched through its folder.  Events only name paths to look
 * at again (changeset.h); when no event has come for `delay` seconds, or
 * `10 × delay` seconds after the first event of a continuous stream, the
 * batch callback gets the paths that exist (to walk) and those that are
 * gone (to delete).  A new folder is watched the moment its event is read
 * and walked by the batch, so files made in it before its watch existed are
 * found.  A lost-events notice (IN_Q_OVERFLOW) makes the next batch a full
 * rescan of the roots, with every watch set up again.
 *
 * Signals: SIGINT and SIGTERM are blocked from watch_block_signals on and
 * read through a signalfd, so nothing runs in a signal handler; a batch in
 * progress polls watch_stop_requested between files and is then abandoned
 * uncommitted (the index keeps its previous commit), and watch_run returns.
 *
 * Limits: a folder inotify cannot watch because the user's watch limit
 * (/proc/sys/fs/inotify/max_user_watches) is reached is named once with
 * the limit, then the others are counted; the watcher goes on with what it
 * watches.  SHELF_WATCH_LIMIT=N in the environment (tests) makes the
 * (N+1)th watch fail as if that limit were reached.  An unreadable folder
 * is warned about and left out.
 */
#ifndef INDEXER_WATCH_H
#define INDEXER_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "walk.h"

/* What one batch is to do. */
typedef struct watch_batch {
    char *const *present; /* walk these files and folders (they exist) */
    size_t present_count;
    char *const *gone;    /* delete the documents at or under these */
    size_t gone_count;
    bool rescan;          /* walk every root again and prune (after lost events) */
} watch_batch;

typedef enum watch_result { WATCH_OK, WATCH_STOPPED, WATCH_FAILED } watch_result;

typedef struct watch_config {
    char *const *roots;   /* as walked */
    size_t root_count;
    const file_filter *filter;
    walk_links links;
    const char *index_dir; /* never watched, should it lie under a root (its own
                            * commits would be changes, batch after batch) */
    double delay;         /* quiet seconds before a batch */
    bool quiet;
    /* Run one batch: WATCH_OK (committed, or nothing to commit),
     * WATCH_STOPPED (a signal came: abandoned), WATCH_FAILED (said). */
    watch_result (*run_batch)(void *ctx, const watch_batch *b);
    void *ctx;
} watch_config;

/* Block SIGINT and SIGTERM in this thread (and the threads it starts
 * later); 0, or -1. */
int watch_block_signals(void);
/* Has SIGINT or SIGTERM come (pending, blocked)? */
bool watch_stop_requested(void);
typedef struct watcher watcher;

/* Set up the watches over the roots (before the catch-up run, so that what
 * changes during it is heard of); NULL on a failure (said on stderr).  cfg
 * must outlive the watcher. */
watcher *watch_open(const watch_config *cfg);
/* Run batches until SIGINT or SIGTERM (returns 0) or a failure (said on
 * stderr; returns 2). */
int watch_loop(watcher *w);
void watch_close(watcher *w);

#endif
