/*
 * segfilter.h - a query's filters compiled against one segment's columns
 * (doccols.h): an in: or author: filter is worked out once per distinct
 * folder or author, after which each document costs an array lookup per
 * filter.  A path: fragment still reads the record of each document it is
 * asked about (it needs the whole path).
 *
 * A folder or author id out of range (a damaged .cols file) fails the
 * document and leaves SHELF_ECORRUPT naming the file in the status, as a
 * damaged record does for path:.
 */
#ifndef SHELF_NATIVE_SEGFILTER_H
#define SHELF_NATIVE_SEGFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/segment.h"
#include "query/plan.h"
#include "util/error.h"

typedef struct shelf_segfilter shelf_segfilter;

/* Compile the filter nodes filters[0..n) (PATH or FILTER; all must pass)
 * against segment s.  NULL with err set. */
shelf_segfilter *shelf_segfilter_new(const shelf_segment *s, const shelf_plan *const *filters,
                                     size_t n, shelf_err *err);
/* Document d passes every filter.  Damage met (a record for path:, an id
 * out of range) fails it and leaves the error in the status. */
bool shelf_segfilter_accepts(shelf_segfilter *f, uint32_t d);
/* The first document at or after d that passes (SHELF_DOC_END: none), so
 * a search can skip the postings of documents a selective filter rejects;
 * d itself when a path: filter makes each look read a record (the caller
 * then asks shelf_segfilter_accepts as before).  Costs one column look per
 * document passed over. */
uint32_t shelf_segfilter_next(shelf_segfilter *f, uint32_t d);
/* SHELF_OK, or the first error met (then copied into err). */
int shelf_segfilter_status(const shelf_segfilter *f, shelf_err *err);
void shelf_segfilter_free(shelf_segfilter *f);

#endif
