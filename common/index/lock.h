/*
 * lock.h - one writer per index folder.  The lock is the file "<dir>/LOCK",
 * created exclusively and holding the owner's pid.  A lock whose pid no longer
 * names a live process is stale: it is removed and taken over.
 */
#ifndef SHELF_LOCK_H
#define SHELF_LOCK_H

#include "util/error.h"

#define SHELF_LOCK_NAME "LOCK"

/* Take the lock; SHELF_ELOCKED (message names the holder's pid) if another
 * live process holds it. */
int shelf_lock_acquire(const char *dir, shelf_err *err);
void shelf_lock_release(const char *dir);

#endif
