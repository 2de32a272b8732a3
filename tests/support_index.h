/*
 * support_index.h - a small native index written through the library
 * (engine/writer.h) from texts made by a test, and the plans to query it:
 * the fixture the ranking tests share.
 *
 * Document i is "doc<i>.txt"; its title is its text's first line, its
 * mtime i and its content hash i.  Documents are committed per_commit at a
 * time (one segment each), and all segments merged into one when asked.
 */
#ifndef SHELF_TEST_SUPPORT_INDEX_H
#define SHELF_TEST_SUPPORT_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analyzer.h"
#include "backend/native/index.h"
#include "query/plan.h"

typedef struct ts_index {
    char *tmp, *dir;
    shelf_index *idx;
    shelf_analyzer *an; /* of the index's language */
} ts_index;

/* Write texts[0..n) (English, 16 MiB budget) and open the index; fails the
 * test on any error.  The caller keeps texts. */
void ts_index_build(ts_index *fx, char *const *texts, size_t n, size_t per_commit, bool merge_all);
void ts_index_free(ts_index *fx);
/* The plan of query q on the index; fails the test when q is refused. */
shelf_plan *ts_index_plan(ts_index *fx, const char *q);

#endif
