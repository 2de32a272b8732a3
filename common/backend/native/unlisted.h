/*
 * unlisted.h - the clean-up after every native commit and at a writer's
 * open: remove the segment and deletions files a manifest does not name
 * (replaced, merged away, or written by a run that crashed before its
 * commit) and the temporary files a crashed run left behind.
 *
 * Invariant: only files the manifest does not name are ever removed, and
 * only after that manifest is committed (or is the committed one), so a
 * reader of it, or of an older one that still maps its files, never misses
 * a file.  Failures to remove are ignored: the next commit tries again.
 */
#ifndef SHELF_UNLISTED_H
#define SHELF_UNLISTED_H

#include "backend/native/manifest.h"

void shelf_remove_unlisted(const char *dir, const shelf_manifest *m);

#endif
