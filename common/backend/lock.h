/*
 * lock.h - one writer per index folder.
 *
 * The lock is a kernel advisory lock (an open-file-description lock,
 * F_OFD_SETLK) on the file "<dir>/LOCK", held from acquire to release.  The
 * kernel drops it when its holder's file is closed, which includes the
 * holder dying in any way, so there are no stale locks to detect and no
 * window between creating the file and owning the lock.
 *
 * Invariants: the LOCK file is permanent (never unlinked: a process that has
 * opened it and is about to lock it must lock the same file as everyone
 * else); its content is only a hint for messages, the pid of the current or
 * last holder, written after locking and cleared at release; an empty or
 * unwritable LOCK never blocks anyone.  The lock belongs to the open file
 * description, not to a thread: every thread of the holder is covered, and
 * nothing but shelf_lock_release may close the descriptor.
 */
#ifndef SHELF_LOCK_H
#define SHELF_LOCK_H

#include <stdbool.h>

#include "util/error.h"

#define SHELF_LOCK_NAME "LOCK"

typedef struct shelf_lock {
    int fd; /* -1: not held */
} shelf_lock;

/* Take the lock.  Without wait: SHELF_ELOCKED, the message naming the
 * holder's pid when LOCK tells it, if another open file holds it.  With
 * wait: block until the holder lets go (or dies). */
int shelf_lock_acquire(shelf_lock *lock, const char *dir, bool wait, shelf_err *err);
/* Give it up (nothing when not held); lock->fd is -1 afterwards. */
void shelf_lock_release(shelf_lock *lock);

#endif
