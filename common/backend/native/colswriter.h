/*
 * colswriter.h - writes a segment's filter columns (FORMAT.md, ".cols";
 * read by doccols.h) while its documents are written, by the segment
 * writer and by a merge alike (the document writer owns one).
 *
 * Documents are added in doc id order.  Memory stays small whatever the
 * segment's size: each document's row (24 bytes) goes to an unlinked
 * temporary file and is read back at finish, once per column; only the
 * distinct folders and authors are held (shelf_colswriter_bytes).
 *
 * Life cycle: open -> add ... -> finish (file under .tmp, fsynced) ->
 * commit (rename) -> close (removes an uncommitted file).
 */
#ifndef SHELF_COLSWRITER_H
#define SHELF_COLSWRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backend/native/filewriter.h"
#include "util/error.h"
#include "util/strintern.h"

/* What the columns keep of one document. */
typedef struct shelf_colsrow {
    const char *path; /* NUL-terminated */
    const char *author;
    size_t author_len;
    const char *date;
    size_t date_len;
    int64_t mtime_ns;
    uint64_t hash;
    uint32_t flags;
} shelf_colsrow;

typedef struct shelf_colswriter {
    shelf_fwriter out;
    FILE *rows; /* one fixed row per document, read back at finish */
    uint32_t count;
    shelf_strintern dirs, authors;
} shelf_colswriter;

int shelf_colswriter_open(shelf_colswriter *w, const char *path, shelf_err *err);
int shelf_colswriter_add(shelf_colswriter *w, const shelf_colsrow *row, shelf_err *err);
int shelf_colswriter_finish(shelf_colswriter *w, shelf_err *err);
int shelf_colswriter_commit(shelf_colswriter *w, shelf_err *err);
void shelf_colswriter_close(shelf_colswriter *w);
/* The memory it holds (the distinct folders and authors). */
size_t shelf_colswriter_bytes(const shelf_colswriter *w);

#endif
