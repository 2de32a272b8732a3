/* dictwriter.c - front-coded term dictionary writer; see dictwriter.h. */
#include "backend/native/dictwriter.h"

#include <stdlib.h>
#include <string.h>

int shelf_dictwriter_open(shelf_dictwriter *d, const char *path, shelf_err *err)
{
    memset(d, 0, sizeof *d);
    return shelf_fw_open(&d->file, path, SHELF_MAGIC_DICT, err);
}

static int note_block_start(shelf_dictwriter *d)
{
    if (d->block_count == d->block_cap) {
        size_t cap = d->block_cap ? d->block_cap * 2 : 256;
        uint64_t *p = realloc(d->block_offsets, cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        d->block_offsets = p;
        d->block_cap = cap;
    }
    d->block_offsets[d->block_count++] = d->file.offset;
    return SHELF_OK;
}

static size_t shared_prefix(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    size_t n = 0;
    while (n < la && n < lb && a[n] == b[n])
        n++;
    return n;
}

static int key_order_ok(const shelf_dictwriter *d, const uint8_t *key, size_t key_len)
{
    if (d->term_count == 0)
        return 1;
    size_t common = d->prev_len < key_len ? d->prev_len : key_len;
    int c = memcmp(d->prev_key, key, common);
    return c < 0 || (c == 0 && d->prev_len < key_len);
}

int shelf_dictwriter_add(shelf_dictwriter *d, const uint8_t *key, size_t key_len,
                         const shelf_term_stats *s, shelf_err *err)
{
    if (key_len == 0 || key_len > SHELF_MAX_KEY_BYTES || !key_order_ok(d, key, key_len))
        return shelf_errf(err, SHELF_EINVAL, "%s: dictionary keys out of order or too long",
                          d->file.path);
    size_t shared = 0;
    if (d->term_count % SHELF_DICT_BLOCK_ENTRIES == 0) {
        if (note_block_start(d) != SHELF_OK)
            return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", d->file.path);
    } else {
        shared = shared_prefix(d->prev_key, d->prev_len, key, key_len);
    }
    shelf_fwriter *f = &d->file;
    shelf_fw_varint(f, shared);
    shelf_fw_varint(f, key_len - shared);
    shelf_fw_write(f, key + shared, key_len - shared);
    shelf_fw_varint(f, s->df);
    shelf_fw_varint(f, s->cf);
    shelf_fw_varint(f, s->post_offset);
    shelf_fw_varint(f, s->post_len);
    shelf_fw_varint(f, s->pos_offset);
    shelf_fw_varint(f, s->pos_len);
    memcpy(d->prev_key, key, key_len);
    d->prev_len = key_len;
    d->term_count++;
    if (f->status != SHELF_OK && err)
        *err = f->err;
    return f->status;
}

int shelf_dictwriter_finish(shelf_dictwriter *d, shelf_err *err)
{
    shelf_fwriter *f = &d->file;
    uint64_t index_offset = f->offset;
    for (size_t i = 0; i < d->block_count; i++)
        shelf_fw_u64(f, d->block_offsets[i]);
    shelf_fw_u64(f, d->term_count);
    shelf_fw_u64(f, d->block_count);
    shelf_fw_u64(f, index_offset);
    shelf_fw_u32(f, SHELF_DICT_BLOCK_ENTRIES);
    shelf_fw_u32(f, 0);
    return shelf_fw_finish(f, err);
}

void shelf_dictwriter_close(shelf_dictwriter *d)
{
    shelf_fw_abort(&d->file);
    free(d->block_offsets);
    d->block_offsets = NULL;
}
