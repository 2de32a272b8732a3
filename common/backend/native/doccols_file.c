/*
 * doccols_file.c - a segment's stored filter columns (FORMAT.md, ".cols"):
 * mapping the file and checking that its layout fits, and `--check`'s
 * comparison of the file with the document records; see doccols.h.
 */
#include "backend/native/doccols.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/native/format.h"

/* "<dir>/seg_NNNNNN.cols", next to the segment's .docs. */
static void cols_path(const shelf_segment *s, char *out, size_t size)
{
    const char *docs = shelf_segment_file(s, SHELF_EXT_DOCS);
    size_t n = strlen(docs), ext = strlen(SHELF_EXT_DOCS);
    snprintf(out, size, "%.*s%s", (int)(n - ext), docs, SHELF_EXT_COLS);
}

static int damaged(const shelf_doccols *c, shelf_err *err, const char *what)
{
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (%s)", c->file.path, what);
}

/* Every offset lies inside the strings, which end with a NUL. */
static bool strings_fit(const uint8_t *at, uint32_t count, const char *strings, uint32_t bytes)
{
    if (count && (bytes == 0 || strings[bytes - 1] != '\0'))
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (shelf_load_u32le(at + (size_t)i * 4) >= bytes)
            return false;
    return true;
}

static int check_layout(shelf_doccols *c, const shelf_segment *s, shelf_err *err)
{
    const uint8_t *t = c->file.trailer;
    uint32_t count = shelf_load_u32le(t), reserved = shelf_load_u32le(t + 12);
    uint32_t dir_bytes = shelf_load_u32le(t + 16), author_bytes = shelf_load_u32le(t + 20);
    c->ndirs = shelf_load_u32le(t + 4);
    c->nauthors = shelf_load_u32le(t + 8);
    if (count != shelf_segment_doc_count(s) || reserved != 0)
        return damaged(c, err, "its document count is not its segment's");
    shelf_cols_layout lay;
    shelf_cols_layout_of(count, c->ndirs, c->nauthors, dir_bytes, author_bytes, &lay);
    if (lay.end != (uint64_t)(c->file.trailer - c->file.data))
        return damaged(c, err, "its sizes do not add up");
    c->count = count;
    shelf_doccols_point(c, c->file.data, &lay);
    if (!strings_fit(c->dir_at, c->ndirs, c->dir_strings, dir_bytes) ||
        !strings_fit(c->author_at, c->nauthors, c->author_strings, author_bytes))
        return damaged(c, err, "a folder or author lies outside its strings");
    return SHELF_OK;
}

int shelf_doccols_open_stored(shelf_doccols **out, const shelf_segment *s, bool verify_crc,
                              shelf_err *err)
{
    *out = NULL;
    shelf_doccols *c = calloc(1, sizeof *c);
    if (!c)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory for the filters of %s",
                          shelf_segment_file(s, SHELF_EXT_DOCS));
    char path[PATH_MAX];
    cols_path(s, path, sizeof path);
    int rc = shelf_map_open(&c->file, path, SHELF_MAGIC_COLS, SHELF_COLS_TRAILER_BYTES, verify_crc,
                            err);
    if (rc != SHELF_OK) {
        free(c);
        return rc;
    }
    c->stored = true;
    if (!verify_crc && c->file.size <= SHELF_COLS_VERIFY_BYTES)
        rc = shelf_map_verify(&c->file, err);
    if (rc == SHELF_OK)
        rc = check_layout(c, s, err);
    if (rc != SHELF_OK) {
        shelf_doccols_free(c);
        return rc;
    }
    *out = c;
    return SHELF_OK;
}

/* ---- --check: the file against the records ---- */

static const char *first_difference(const shelf_doccols *a, const shelf_doccols *b, uint32_t *doc)
{
    for (uint32_t d = 0; d < a->count; d++) {
        *doc = d;
        if (shelf_doccols_format(a, d) != shelf_doccols_format(b, d))
            return "format";
        if (shelf_doccols_day(a, d) != shelf_doccols_day(b, d))
            return "date";
        if (shelf_doccols_hash(a, d) != shelf_doccols_hash(b, d))
            return "content hash";
        uint32_t ad = shelf_doccols_dir(a, d), bd = shelf_doccols_dir(b, d);
        if (ad >= a->ndirs || strcmp(shelf_doccols_dir_name(a, ad), shelf_doccols_dir_name(b, bd)))
            return "folder";
        uint32_t aa = shelf_doccols_author(a, d), ba = shelf_doccols_author(b, d);
        if (aa >= a->nauthors ||
            strcmp(shelf_doccols_author_name(a, aa), shelf_doccols_author_name(b, ba)))
            return "author";
    }
    return NULL;
}

int shelf_doccols_check(const shelf_segment *s, shelf_err *err)
{
    shelf_doccols *stored = NULL, *built = NULL;
    int rc = shelf_doccols_open_stored(&stored, s, true, err);
    if (rc == SHELF_ENOTFOUND)
        return SHELF_OK;
    if (rc == SHELF_OK)
        rc = shelf_doccols_build(&built, s, err);
    uint32_t doc = 0;
    const char *what = rc == SHELF_OK ? first_difference(stored, built, &doc) : NULL;
    if (what)
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (document %u's %s is not its record's in %s)",
                        stored->file.path, doc, what, shelf_segment_file(s, SHELF_EXT_DOCS));
    shelf_doccols_free(stored);
    shelf_doccols_free(built);
    return rc;
}
