/* deletions.c - per-segment deletion bitmaps and their files; see deletions.h. */
#include "backend/native/deletions.h"
#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "backend/native/mapped.h"
#include "util/bytes.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t bitmap_bytes(uint32_t doc_count)
{
    return ((size_t)doc_count + 7) / 8;
}

void shelf_deletions_path(char *out, size_t size, const char *dir, uint32_t segment, uint32_t gen)
{
    snprintf(out, size, "%s/seg_%06u.%06u.del", dir, segment, gen);
}

void shelf_deletions_init(shelf_deletions *d, uint32_t doc_count)
{
    d->bits = NULL;
    d->doc_count = doc_count;
    d->deleted = 0;
}

int shelf_deletions_add(shelf_deletions *d, uint32_t doc)
{
    if (doc >= d->doc_count)
        return 0;
    if (!d->bits && !(d->bits = calloc(bitmap_bytes(d->doc_count) + 1, 1)))
        return SHELF_ENOMEM;
    uint8_t mask = (uint8_t)(1u << (doc & 7));
    if (d->bits[doc >> 3] & mask)
        return 0;
    d->bits[doc >> 3] |= mask;
    d->deleted++;
    return 1;
}

static uint32_t count_bits(const uint8_t *bits, uint32_t doc_count)
{
    uint32_t n = 0;
    for (uint32_t d = 0; d < doc_count; d++)
        n += bits[d >> 3] >> (d & 7) & 1;
    return n;
}

int shelf_deletions_read(shelf_deletions *d, const char *dir, uint32_t segment, uint32_t gen,
                         uint32_t doc_count, shelf_err *err)
{
    char path[PATH_MAX];
    shelf_deletions_path(path, sizeof path, dir, segment, gen);
    shelf_deletions_init(d, doc_count);
    shelf_mapped f;
    int rc = shelf_map_open(&f, path, SHELF_MAGIC_DELS, 0, true, err);
    if (rc != SHELF_OK)
        return rc;
    size_t bytes = bitmap_bytes(doc_count);
    if (f.body_len != 8 + bytes || shelf_load_u32le(f.body) != doc_count)
        rc = shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (size does not match the %u documents "
                        "MANIFEST gives the segment)", path, doc_count);
    else if (!(d->bits = calloc(bytes + 1, 1)))
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    if (rc == SHELF_OK) {
        memcpy(d->bits, f.body + 8, bytes);
        d->deleted = count_bits(d->bits, doc_count);
    }
    shelf_map_close(&f);
    return rc;
}

int shelf_deletions_write(const shelf_deletions *d, const char *dir, uint32_t segment, uint32_t gen,
                          shelf_err *err)
{
    char path[PATH_MAX];
    shelf_deletions_path(path, sizeof path, dir, segment, gen);
    shelf_fwriter w;
    int rc = shelf_fw_open(&w, path, SHELF_MAGIC_DELS, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_fw_u32(&w, d->doc_count);
    shelf_fw_u32(&w, 0);
    size_t bytes = bitmap_bytes(d->doc_count);
    if (d->bits)
        shelf_fw_write(&w, d->bits, bytes);
    else
        for (size_t i = 0; i < bytes; i++)
            shelf_fw_write(&w, "", 1);
    rc = shelf_fw_finish(&w, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w, err);
    shelf_fw_abort(&w);
    return rc;
}

int shelf_deletions_copy(shelf_deletions *dst, const shelf_deletions *src)
{
    *dst = *src;
    if (!src->bits)
        return SHELF_OK;
    size_t bytes = bitmap_bytes(src->doc_count) + 1;
    dst->bits = malloc(bytes);
    if (!dst->bits)
        return SHELF_ENOMEM;
    memcpy(dst->bits, src->bits, bytes);
    return SHELF_OK;
}

void shelf_deletions_free(shelf_deletions *d)
{
    free(d->bits);
    d->bits = NULL;
    d->deleted = 0;
}
