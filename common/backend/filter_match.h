/*
 * filter_match.h - the one meaning of each query filter (query/filter.h)
 * against a document's stored fields, shared by both backends so that they
 * agree: the native one applies it once per distinct folder or author and
 * per document to small arrays (native/doccols.h), the Xapian one to each
 * document's data.
 *
 * Invariants: a folder is compared component-wise ("/a/docs" holds
 * "/a/docs" and "/a/docs/x", never "/a/docsx"); a relative folder (in: with
 * no indexed roots to resolve it) holds the folders where it starts at a
 * component boundary; ASCII case is ignored for authors and path
 * fragments, never for folders.
 */
#ifndef SHELF_FILTER_MATCH_H
#define SHELF_FILTER_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query/plan.h"

/* The fields of one document the filters read. */
typedef struct shelf_filter_doc {
    int format;          /* shelf_format, from the document flags */
    int32_t day;         /* shelf_doc_day */
    const char *path;    /* the whole path (path: reads it) */
    size_t path_len;
    const char *dir;     /* the path up to its last '/' (exclusive; "/" for a file at the top) */
    size_t dir_len;
    const char *author;  /* length 0: unknown */
    size_t author_len;
} shelf_filter_doc;

/* The folder part of a path: its length up to the last '/' ("/" -> 1). */
size_t shelf_path_dir_len(const char *path, size_t len);
/* The day filters compare: the document's own date, else its file's. */
int32_t shelf_doc_day(const char *date, size_t date_len, int64_t mtime_ns);
/* The format in a document's flags (shared_format.h). */
int shelf_doc_format(uint32_t flags);

/* A folder of the in: filter holds dir. */
bool shelf_folder_holds(const char *folder, const char *dir, size_t dir_len);
/* The next word of text[0..len) at or after *pos, the words author:
 * compares (runs of ASCII letters and digits and of bytes >= 0x80): sets
 * *start and *word_len and moves *pos past it; false when none is left. */
bool shelf_next_word(const char *text, size_t len, size_t *pos, size_t *start, size_t *word_len);
/* Every word of value is a word of author (ASCII case ignored). */
bool shelf_author_matches(const char *author, size_t author_len, const char *value);
/* path contains fragment, ASCII case ignored. */
bool shelf_path_contains(const char *path, size_t path_len, const char *fragment);

/* The document passes the filter node f (PATH or FILTER). */
bool shelf_filter_accepts(const shelf_plan *f, const shelf_filter_doc *doc);

#endif
