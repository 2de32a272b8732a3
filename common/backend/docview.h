/*
 * docview.h - a document's metadata as every backend hands it out (the
 * engine's shelf_engine_doc, the Xapian document blob, listings).  Plain
 * data: strings are borrowed, not NUL-terminated, and stay valid only as
 * long as whatever they were read from (for the engine: until the next call
 * on the same engine).
 */
#ifndef SHELF_BACKEND_DOCVIEW_H
#define SHELF_BACKEND_DOCVIEW_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_docview {
    const char *path;
    size_t path_len;
    const char *title;
    size_t title_len;
    uint32_t length, title_length;
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    uint32_t flags;
    const char *author; /* the author(s) the source names; length 0: unknown */
    size_t author_len;
    const char *date;   /* ISO 8601 "YYYY", "YYYY-MM" or "YYYY-MM-DD"; length 0: unknown */
    size_t date_len;
} shelf_docview;

#endif
