/*
 * doccols.h - what the query filters read of every document of a segment,
 * as small arrays, so that filtering a candidate reads no document record:
 * per document its format (one byte), its day (filter_match.h, four bytes),
 * the ids of its folder and its author (four bytes each) and its content
 * hash (eight bytes, for sorting and collapsing duplicates without a record
 * read), the distinct folders and authors kept once.  For a 1.9 M-document
 * segment that is about 40 MiB plus the shared strings.
 *
 * They are built from the document records at a segment's first filtered
 * query (one pass over .docs) and kept with the segment until it closes;
 * nothing is stored on disk, so every index, old or new, can be filtered.
 * Building is safe from several threads: the first built is kept, the
 * others freed.
 *
 * A shelf_segfilter is a query's filters compiled against one segment's
 * columns: an in: or author: filter is worked out once per distinct folder
 * or author, after which each document costs an array lookup per filter.
 * A path: fragment still reads the record of each document it is asked
 * about (it needs the whole path).
 */
#ifndef SHELF_NATIVE_DOCCOLS_H
#define SHELF_NATIVE_DOCCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/segment.h"
#include "query/plan.h"
#include "util/error.h"

typedef struct shelf_doccols {
    uint32_t count;    /* documents */
    uint8_t *format;   /* per document */
    int32_t *day;      /* per document */
    uint64_t *hash;    /* per document: its content hash (duplicates, engine/arrange.h) */
    uint32_t *dir;     /* per document: index into dirs */
    uint32_t *author;  /* per document: index into authors (0: unknown, "") */
    char *strings;     /* the distinct folders and authors, NUL-terminated */
    size_t strings_len, strings_cap;
    uint32_t *dir_at, *author_at; /* offsets into strings */
    uint32_t ndirs, nauthors, dirs_cap, authors_cap;
} shelf_doccols;

/* The segment's columns, built at the first call; NULL with err set. */
const shelf_doccols *shelf_segment_doccols(const shelf_segment *s, shelf_err *err);
/* The columns if a query built them already, else NULL (nothing built). */
const shelf_doccols *shelf_segment_doccols_built(const shelf_segment *s);
void shelf_doccols_free(shelf_doccols *c);

typedef struct shelf_segfilter shelf_segfilter;

/* Compile the filter nodes filters[0..n) (PATH or FILTER; all must pass)
 * against segment s.  NULL with err set. */
shelf_segfilter *shelf_segfilter_new(const shelf_segment *s, const shelf_plan *const *filters,
                                     size_t n, shelf_err *err);
/* Document d passes every filter.  A damaged record (path:) fails it and
 * leaves the error in *status/err when they are OK. */
bool shelf_segfilter_accepts(shelf_segfilter *f, uint32_t d);
/* SHELF_OK, or the error a path: lookup met (then copied into err). */
int shelf_segfilter_status(const shelf_segfilter *f, shelf_err *err);
void shelf_segfilter_free(shelf_segfilter *f);

#endif
