/*
 * native_check.c - `indexer --check` for a native index: open it verifying
 * every file's CRC, then check the invariants between files (index.h
 * shelf_index_check) and report the figures.
 */
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "backend/native/native_backend.h"

#include <stdio.h>
#include <string.h>

int shelf_native_check(const char *dir, shelf_check_summary *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_index *idx;
    int rc = shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_check_report r;
    rc = shelf_index_check(idx, &r, err);
    if (rc == SHELF_OK) {
        snprintf(out->language, sizeof out->language, "%s", shelf_index_language(idx));
        out->segmented = true;
        out->format_version = SHELF_FORMAT_VERSION;
        out->generation = shelf_index_generation(idx);
        out->segments = r.segments;
        out->documents = r.documents;
        out->deleted = shelf_index_numbered(idx) - r.documents;
        out->tokens = r.tokens;
        out->terms = r.terms;
        out->postings = r.postings;
        out->positions = r.positions;
        out->bytes = r.bytes;
    }
    shelf_index_close(idx);
    return rc;
}
