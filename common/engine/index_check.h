/*
 * index_check.h - `indexer --check` for any backend: the row's own check
 * (every checksum and invariant it can verify), then, when the backend's
 * check has no figures of its own (summary not segmented), the documents
 * and tokens counted by reading every live document through the engine.
 *
 * Invariant: reads only; never repairs or rewrites anything.
 */
#ifndef SHELF_INDEX_CHECK_H
#define SHELF_INDEX_CHECK_H

#include "backend/backend.h"

/* SHELF_OK and the figures in *out, or the first problem found (out->report
 * may then hold the backend's account of it). */
int shelf_check_index(const shelf_backend_row *row, const char *dir, shelf_check_summary *out,
                      shelf_err *err);

#endif
