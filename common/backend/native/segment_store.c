/*
 * segment_store.c - a segment's stored text (.store, FORMAT.md): Zstandard blocks
 * of document records (text, token checkpoints, page and heading layout),
 * found through a block index; see segment.h.  A block's claimed size is
 * bounded before any buffer is sized by it.  Blocks are read with pread,
 * not through the mapping, so that a searcher fetching a few documents'
 * text does not make the whole file resident (mapped.h).
 */
#include "backend/native/segment_impl.h"
#include "backend/native/store_codec.h"
#include "util/varint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shelf_segment_load_store(shelf_segment *s, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_STORE];
    uint64_t count = shelf_load_u64le(f->trailer);
    uint64_t index_offset = shelf_load_u64le(f->trailer + 8);
    uint64_t body_end = SHELF_HEADER_BYTES + f->body_len;
    if (index_offset < SHELF_HEADER_BYTES || index_offset > body_end ||
        (body_end - index_offset) / 8 != count || (body_end - index_offset) % 8 != 0)
        return shelf_segment_corrupt(s, F_STORE, err, "block index");
    s->store_blocks = count;
    s->store_index = f->data + index_offset;
    return SHELF_OK;
}

static int unpack_block(const shelf_segment *s, uint64_t block, shelf_buf *raw, shelf_err *err)
{
    const shelf_mapped *f = &s->files[F_STORE];
    if (block >= s->store_blocks)
        return shelf_segment_corrupt(s, F_STORE, err, "block number");
    uint64_t offset = shelf_load_u64le(s->store_index + 8 * block);
    uint64_t body_end = (uint64_t)(s->store_index - f->data); /* blocks end where the index starts */
    if (offset < SHELF_HEADER_BYTES || offset > body_end || body_end - offset < 8)
        return shelf_segment_corrupt(s, F_STORE, err, "block offset");
    uint8_t h[8];
    int rc = shelf_map_pread(f, offset, h, sizeof h, err);
    if (rc != SHELF_OK)
        return rc;
    uint32_t raw_len = shelf_load_u32le(h), packed_len = shelf_load_u32le(h + 4);
    if (packed_len > body_end - offset - 8 || raw_len > (uint64_t)packed_len * SHELF_STORE_MAX_RATIO)
        return shelf_segment_corrupt(s, F_STORE, err, "block length");
    uint8_t *packed = malloc(packed_len ? packed_len : 1);
    shelf_buf_reset(raw);
    if (!packed || shelf_buf_reserve(raw, (size_t)raw_len + 1) != SHELF_OK) {
        free(packed);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", f->path);
    }
    rc = shelf_map_pread(f, offset + 8, packed, packed_len, err);
    if (rc == SHELF_OK && !shelf_store_unpack(packed, packed_len, raw->data, raw_len))
        rc = shelf_segment_corrupt(s, F_STORE, err, "compressed block");
    free(packed);
    if (rc == SHELF_OK)
        raw->len = raw_len;
    return rc;
}

static int parse_record(const shelf_segment *s, const shelf_buf *raw, uint32_t inblock,
                        shelf_buf *text, shelf_buf *checkpoints, shelf_layout *layout,
                        shelf_err *err)
{
    if (inblock > raw->len) /* checked before it moves a pointer */
        return shelf_segment_corrupt(s, F_STORE, err, "document record");
    const uint8_t *p = raw->data + inblock, *end = raw->data + raw->len;
    uint64_t text_len, count;
    if (shelf_varint_get(&p, end, &text_len) || text_len > (uint64_t)(end - p))
        return shelf_segment_corrupt(s, F_STORE, err, "document record");
    shelf_buf_reset(text);
    if (shelf_buf_append(text, p, text_len) || shelf_buf_put_u8(text, 0))
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    text->len--; /* the NUL stays after the text but is not counted */
    p += text_len;
    if (!checkpoints && !layout)
        return SHELF_OK;
    if (shelf_varint_get(&p, end, &count) || count > (uint64_t)(end - p))
        return shelf_segment_corrupt(s, F_STORE, err, "checkpoints");
    if (checkpoints)
        shelf_buf_reset(checkpoints);
    uint64_t offset = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t gap;
        if (shelf_varint_get(&p, end, &gap) || (offset += gap) > text_len)
            return shelf_segment_corrupt(s, F_STORE, err, "checkpoints");
        if (checkpoints && shelf_buf_append(checkpoints, &offset, sizeof offset))
            return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    }
    if (layout && shelf_layout_decode(&p, end, text_len, layout) != 0)
        return shelf_segment_corrupt(s, F_STORE, err, "page and heading layout");
    return SHELF_OK;
}

int shelf_segment_text(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                       shelf_buf *checkpoints, shelf_err *err)
{
    return shelf_segment_stored(s, doc, text, checkpoints, NULL, err);
}

int shelf_segment_stored(const shelf_segment *s, uint32_t doc, shelf_buf *text,
                         shelf_buf *checkpoints, shelf_layout *layout, shelf_err *err)
{
    if (doc >= s->doc_count)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no document %u", s->files[F_DOCS].path, doc);
    /* The record says where the text is; read with pread like the text
     * itself, as a query's hits are scattered (segment.h). */
    const shelf_mapped *docs = &s->files[F_DOCS];
    uint8_t r[SHELF_DOC_RECORD_BYTES];
    int rc = shelf_map_pread(docs, (uint64_t)(shelf_segment_record(s, doc) - docs->data), r, sizeof r, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_buf raw = SHELF_BUF_INIT;
    rc = unpack_block(s, shelf_load_u64le(r + 40), &raw, err);
    if (rc == SHELF_OK)
        rc = parse_record(s, &raw, shelf_load_u32le(r + 48), text, checkpoints, layout, err);
    shelf_buf_free(&raw);
    if (rc == SHELF_ECORRUPT && err) /* the block and offset come from the document's record */
        snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
                 " for document %u of %s", doc, s->files[F_DOCS].path);
    return rc;
}
