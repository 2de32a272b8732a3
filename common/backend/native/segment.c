/*
 * segment.c - opening one segment: maps its five files, has each reader check
 * its trailer, and answers for the segment as a whole (CRCs, counts, file
 * names); see segment.h, segment_impl.h and FORMAT.md.
 */
#include "backend/native/segment_impl.h"
#include "backend/native/doccols.h"
#include "backend/native/segpath.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const file_ext[F_COUNT] = {SHELF_EXT_DICT, SHELF_EXT_POST, SHELF_EXT_POS,
                                              SHELF_EXT_DOCS, SHELF_EXT_STORE};
static const char *const file_magic[F_COUNT] = {SHELF_MAGIC_DICT, SHELF_MAGIC_POST, SHELF_MAGIC_POS,
                                                SHELF_MAGIC_DOCS, SHELF_MAGIC_STORE};
static const size_t file_trailer[F_COUNT] = {SHELF_DICT_TRAILER_BYTES, 0, 0, SHELF_DOCS_TRAILER_BYTES,
                                             SHELF_STORE_TRAILER_BYTES};

/* The files read with pread where a query reads a few scattered pieces of
 * them (its hits' text, records and positions), so that they are not mapped
 * into the process page by page (mapped.h). */
static bool read_scattered(int file)
{
    return file == F_STORE || file == F_DOCS || file == F_POS;
}

int shelf_segment_corrupt(const shelf_segment *s, int file, shelf_err *err, const char *what)
{
    return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (%s)", s->files[file].path, what);
}

int shelf_segment_open(shelf_segment **out, const char *dir, uint32_t number, bool verify,
                       shelf_err *err)
{
    *out = NULL;
    shelf_segment *s = calloc(1, sizeof *s);
    if (!s)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory opening segment %u", number);
    s->number = number;
    int rc = SHELF_OK;
    for (int i = 0; i < F_COUNT && rc == SHELF_OK; i++) {
        char path[PATH_MAX];
        shelf_segment_path(path, sizeof path, dir, number, file_ext[i]);
        rc = read_scattered(i) ? shelf_map_open_fd(&s->files[i], path, file_magic[i], file_trailer[i], verify, err)
                               : shelf_map_open(&s->files[i], path, file_magic[i], file_trailer[i], verify, err);
    }
    if (rc == SHELF_OK)
        rc = shelf_segment_load_dict(s, err);
    if (rc == SHELF_OK)
        rc = shelf_segment_load_docs(s, err);
    if (rc == SHELF_OK)
        rc = shelf_segment_load_store(s, err);
    if (rc != SHELF_OK) {
        shelf_segment_close(s);
        return rc;
    }
    *out = s;
    return SHELF_OK;
}

void shelf_segment_close(shelf_segment *s)
{
    if (!s)
        return;
    for (int i = 0; i < F_COUNT; i++)
        if (s->files[i].data)
            shelf_map_close(&s->files[i]);
    shelf_doccols_free(atomic_load(&s->doccols));
    free(s);
}

int shelf_segment_verify(const shelf_segment *s, shelf_err *err)
{
    for (int i = 0; i < F_COUNT; i++) {
        int rc = shelf_map_verify(&s->files[i], err);
        if (rc != SHELF_OK)
            return rc;
    }
    return SHELF_OK;
}

int shelf_segment_verify_file(const shelf_segment *s, const char *ext, shelf_err *err)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(ext, file_ext[i]) == 0)
            return shelf_map_verify(&s->files[i], err);
    return shelf_errf(err, SHELF_EINVAL, "segment %u has no .%s file", s->number, ext);
}

uint32_t shelf_segment_number(const shelf_segment *s) { return s->number; }
uint32_t shelf_segment_doc_count(const shelf_segment *s) { return s->doc_count; }
uint64_t shelf_segment_total_tokens(const shelf_segment *s) { return s->total_tokens; }
uint64_t shelf_segment_total_title_tokens(const shelf_segment *s) { return s->total_title_tokens; }
uint64_t shelf_segment_term_count(const shelf_segment *s) { return s->term_count; }

uint64_t shelf_segment_bytes(const shelf_segment *s)
{
    uint64_t total = 0;
    for (int i = 0; i < F_COUNT; i++)
        total += s->files[i].size;
    return total;
}

const char *shelf_segment_file(const shelf_segment *s, const char *ext)
{
    for (int i = 0; i < F_COUNT; i++)
        if (strcmp(ext, file_ext[i]) == 0)
            return s->files[i].path;
    return "?";
}
