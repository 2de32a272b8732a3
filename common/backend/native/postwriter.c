/* postwriter.c - block-encoded postings and positions; see postwriter.h. */
#include "backend/native/postwriter.h"
#include "backend/native/format.h"

#include <string.h>

int shelf_postwriter_open(shelf_postwriter *w, const char *post_path, const char *pos_path,
                          shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->pos.fd = -1;
    int rc = shelf_fw_open(&w->post, post_path, SHELF_MAGIC_POST, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_open(&w->pos, pos_path, SHELF_MAGIC_POS, err);
    if (rc != SHELF_OK)
        shelf_postwriter_close(w);
    return rc;
}

int shelf_postwriter_open_scratch(shelf_postwriter *w, const char *near_path, shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->pos.fd = -1;
    int rc = shelf_fw_open_scratch(&w->post, near_path, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_open_scratch(&w->pos, near_path, err);
    if (rc != SHELF_OK)
        shelf_postwriter_close(w);
    return rc;
}

static void reset_block(shelf_postwriter *w)
{
    w->in_block = 0;
    w->block_max_tf = 0;
    w->block_min_len = UINT32_MAX;
    w->block_pos_start = w->pos.offset - w->term_pos_start;
}

void shelf_postwriter_begin_term(shelf_postwriter *w)
{
    shelf_buf_reset(&w->blocks);
    shelf_buf_reset(&w->skips);
    w->prev_doc = -1;
    w->df = w->cf = 0;
    w->term_pos_start = w->pos.offset;
    w->open_tf = 0;
    reset_block(w);
}

/* One skip entry for the block being closed (full or last); see FORMAT.md. */
static int add_skip_entry(shelf_postwriter *w, uint32_t last_doc)
{
    uint64_t doc_offset = w->blocks.len;
    if (doc_offset > UINT32_MAX)
        return SHELF_ENOMEM;
    if (shelf_buf_put_u32le(&w->skips, last_doc) || shelf_buf_put_u32le(&w->skips, (uint32_t)doc_offset) ||
        shelf_buf_put_u64le(&w->skips, w->block_pos_start) ||
        shelf_buf_put_u32le(&w->skips, w->block_max_tf) || shelf_buf_put_u32le(&w->skips, w->block_min_len))
        return SHELF_ENOMEM;
    return SHELF_OK;
}

static int flush_full_block(shelf_postwriter *w, uint32_t last_doc)
{
    if (add_skip_entry(w, last_doc) != SHELF_OK)
        return SHELF_ENOMEM;
    uint32_t tf_minus_one[SHELF_BLOCK_LEN];
    for (int i = 0; i < SHELF_BLOCK_LEN; i++)
        tf_minus_one[i] = w->tfs[i] - 1;
    if (shelf_buf_reserve(&w->blocks, 2 * SHELF_BITPACK_MAX_BYTES) != SHELF_OK)
        return SHELF_ENOMEM;
    w->blocks.len += shelf_bitpack_encode(w->gaps, w->blocks.data + w->blocks.len);
    w->blocks.len += shelf_bitpack_encode(tf_minus_one, w->blocks.data + w->blocks.len);
    reset_block(w);
    return SHELF_OK;
}

int shelf_postwriter_put_positions(shelf_postwriter *w, const uint32_t *positions, size_t n,
                                   shelf_err *err)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t pos = positions[i];
        if (w->open_tf == UINT32_MAX || (w->open_tf > 0 && pos <= w->open_last_pos))
            return shelf_errf(err, SHELF_EINVAL, "%s: positions out of order", w->pos.path);
        shelf_fw_varint(&w->pos, w->open_tf ? (uint64_t)pos - w->open_last_pos - 1 : pos);
        w->open_last_pos = pos;
        w->open_tf++;
    }
    if (w->pos.status != SHELF_OK && err)
        *err = w->pos.err;
    return w->pos.status;
}

int shelf_postwriter_put_encoded(shelf_postwriter *w, const uint8_t *bytes, size_t n, uint32_t count,
                                 uint32_t last_pos, shelf_err *err)
{
    if (count > UINT32_MAX - w->open_tf)
        return shelf_errf(err, SHELF_EINVAL, "%s: too many positions in one posting", w->pos.path);
    shelf_fw_write(&w->pos, bytes, n);
    w->open_tf += count;
    w->open_last_pos = last_pos;
    if (w->pos.status != SHELF_OK && err)
        *err = w->pos.err;
    return w->pos.status;
}

int shelf_postwriter_end_posting(shelf_postwriter *w, uint32_t doc, uint32_t doc_len, shelf_err *err)
{
    uint32_t tf = w->open_tf;
    w->open_tf = 0;
    if ((int64_t)doc <= w->prev_doc || tf == 0)
        return shelf_errf(err, SHELF_EINVAL, "%s: postings out of order", w->post.path);
    w->gaps[w->in_block] = (uint32_t)((int64_t)doc - w->prev_doc - 1);
    w->tfs[w->in_block] = tf;
    w->in_block++;
    if (tf > w->block_max_tf)
        w->block_max_tf = tf;
    if (doc_len < w->block_min_len)
        w->block_min_len = doc_len;
    w->prev_doc = doc;
    w->df++;
    w->cf += tf;
    if (w->in_block == SHELF_BLOCK_LEN && flush_full_block(w, doc) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->post.path);
    return SHELF_OK;
}

int shelf_postwriter_add(shelf_postwriter *w, uint32_t doc, uint32_t tf, const uint32_t *positions,
                         uint32_t doc_len, shelf_err *err)
{
    if ((int64_t)doc <= w->prev_doc || tf == 0)
        return shelf_errf(err, SHELF_EINVAL, "%s: postings out of order", w->post.path);
    int rc = shelf_postwriter_put_positions(w, positions, tf, err);
    return rc == SHELF_OK ? shelf_postwriter_end_posting(w, doc, doc_len, err) : rc;
}

static int encode_last_block(shelf_postwriter *w)
{
    if (w->in_block == 0)
        return SHELF_OK;
    if (add_skip_entry(w, (uint32_t)w->prev_doc) != SHELF_OK)
        return SHELF_ENOMEM;
    for (unsigned i = 0; i < w->in_block; i++) {
        if (shelf_buf_put_varint(&w->blocks, w->gaps[i]) ||
            shelf_buf_put_varint(&w->blocks, w->tfs[i] - 1))
            return SHELF_ENOMEM;
    }
    return SHELF_OK;
}

int shelf_postwriter_end_term(shelf_postwriter *w, shelf_term_stats *stats, shelf_err *err)
{
    if (encode_last_block(w) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->post.path);
    uint64_t block_count = (w->df + SHELF_BLOCK_LEN - 1) / SHELF_BLOCK_LEN;
    stats->df = w->df;
    stats->cf = w->cf;
    stats->post_offset = w->post.offset;
    if (block_count > 1)
        shelf_fw_write(&w->post, w->skips.data, w->skips.len);
    shelf_fw_write(&w->post, w->blocks.data, w->blocks.len);
    stats->post_len = w->post.offset - stats->post_offset;
    stats->pos_offset = w->term_pos_start;
    stats->pos_len = w->pos.offset - w->term_pos_start;
    if (w->post.status != SHELF_OK && err)
        *err = w->post.err;
    return w->post.status;
}

int shelf_postwriter_finish(shelf_postwriter *w, shelf_err *err)
{
    int rc = shelf_fw_finish(&w->post, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_finish(&w->pos, err);
    return rc;
}

int shelf_postwriter_commit(shelf_postwriter *w, shelf_err *err)
{
    int rc = shelf_fw_commit(&w->post, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w->pos, err);
    return rc;
}

void shelf_postwriter_close(shelf_postwriter *w)
{
    shelf_fw_abort(&w->post);
    shelf_fw_abort(&w->pos);
    shelf_buf_free(&w->blocks);
    shelf_buf_free(&w->skips);
}
