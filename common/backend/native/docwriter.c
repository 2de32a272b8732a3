/* docwriter.c - document records, string heap and compressed store; see docwriter.h. */
#include "backend/native/docwriter.h"
#include "backend/native/format.h"
#include "util/varint.h"
#include "util/bytes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writing blocks (on the caller's thread or the compressor's) ---- */

/* Compress raw and append it to the store; records its offset. */
static int write_block(shelf_docwriter *w, const shelf_buf *raw, shelf_buf *packed)
{
    if (raw->len > UINT32_MAX)
        return SHELF_EINVAL;
    size_t bound = shelf_store_pack_bound(raw->len), packed_len;
    shelf_buf_reset(packed);
    if (shelf_buf_reserve(packed, bound) != SHELF_OK ||
        shelf_store_pack(&w->codec, raw->data, raw->len, packed->data, bound, &packed_len) != SHELF_OK)
        return SHELF_ENOMEM;
    uint64_t offset = w->store.offset;
    if (shelf_buf_append(&w->block_offsets, &offset, sizeof offset) != SHELF_OK)
        return SHELF_ENOMEM;
    shelf_fw_u32(&w->store, (uint32_t)raw->len);
    shelf_fw_u32(&w->store, (uint32_t)packed_len);
    shelf_fw_write(&w->store, packed->data, packed_len);
    return w->store.status;
}

static void *compressor_main(void *arg)
{
    shelf_docwriter *w = arg;
    shelf_block_queue *q = w->queue;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->count == 0 && !q->closing)
            pthread_cond_wait(&q->changed, &q->mu);
        if (q->count == 0)
            break;
        shelf_buf *block = &q->blocks[q->head];
        pthread_mutex_unlock(&q->mu);
        int rc = write_block(w, block, &w->packed);
        pthread_mutex_lock(&q->mu);
        if (rc != SHELF_OK && w->store.status == SHELF_OK) {
            w->store.status = rc; /* reported at finish */
            shelf_errf(&w->store.err, rc, "%s: cannot compress a block", w->store.tmp_path);
        }
        shelf_buf_reset(block);
        q->head = (q->head + 1) % SHELF_STORE_QUEUE;
        q->count--;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static int start_compressor(shelf_docwriter *w)
{
    w->queue = calloc(1, sizeof *w->queue);
    if (!w->queue)
        return SHELF_ENOMEM;
    pthread_mutex_init(&w->queue->mu, NULL);
    pthread_cond_init(&w->queue->changed, NULL);
    if (pthread_create(&w->queue->thread, NULL, compressor_main, w) != 0) {
        pthread_mutex_destroy(&w->queue->mu);
        pthread_cond_destroy(&w->queue->changed);
        free(w->queue);
        w->queue = NULL; /* compress inline instead */
    }
    return SHELF_OK;
}

/* Wait until the compressor has written everything queued, then stop it. */
static void stop_compressor(shelf_docwriter *w)
{
    shelf_block_queue *q = w->queue;
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->closing = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    for (size_t i = 0; i < SHELF_STORE_QUEUE; i++)
        shelf_buf_free(&q->blocks[i]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->changed);
    free(q);
    w->queue = NULL;
}

/* Hand the filled block to the compressor (swapping buffers), or write it. */
static int flush_store_block(shelf_docwriter *w, shelf_err *err)
{
    if (w->raw.len == 0)
        return SHELF_OK;
    if (w->raw.len > UINT32_MAX)
        return shelf_errf(err, SHELF_EINVAL, "%s: document too large for the store (over 4 GiB)",
                          w->store.path);
    w->block_count++;
    shelf_block_queue *q = w->queue;
    if (!q) {
        int rc = write_block(w, &w->raw, &w->packed);
        shelf_buf_reset(&w->raw);
        if (rc != SHELF_OK && w->store.status == SHELF_OK)
            return shelf_errf(err, rc, "%s: cannot compress a block", w->store.path);
        if (w->store.status != SHELF_OK && err)
            *err = w->store.err;
        return w->store.status;
    }
    pthread_mutex_lock(&q->mu);
    while (q->count == SHELF_STORE_QUEUE)
        pthread_cond_wait(&q->changed, &q->mu);
    shelf_buf *slot = &q->blocks[(q->head + q->count) % SHELF_STORE_QUEUE];
    shelf_buf spare = *slot;
    *slot = w->raw;
    w->raw = spare;
    shelf_buf_reset(&w->raw);
    q->count++;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
    return SHELF_OK;
}

int shelf_docwriter_open(shelf_docwriter *w, const char *docs_path, const char *store_path,
                         const char *cols_path, bool async, shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->store.fd = -1;
    w->cols.out.fd = -1;
    int rc = shelf_fw_open(&w->docs, docs_path, SHELF_MAGIC_DOCS, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_open(&w->store, store_path, SHELF_MAGIC_STORE, err);
    if (rc == SHELF_OK)
        rc = shelf_colswriter_open(&w->cols, cols_path, err);
    if (rc == SHELF_OK) {
        w->heap = shelf_unlinked_temp(docs_path, err);
        if (!w->heap)
            rc = err ? err->code : SHELF_EIO;
    }
    if (rc == SHELF_OK && async && start_compressor(w) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", store_path);
    if (rc != SHELF_OK)
        shelf_docwriter_close(w);
    return rc;
}

static int append_store_record(shelf_docwriter *w, const char *text, size_t text_len,
                               const uint64_t *checkpoints, size_t count, const shelf_layout *layout)
{
    static const shelf_layout none = SHELF_LAYOUT_INIT;
    if (shelf_buf_put_varint(&w->raw, text_len) || shelf_buf_append(&w->raw, text, text_len) ||
        shelf_buf_put_varint(&w->raw, count))
        return SHELF_ENOMEM;
    uint64_t prev = 0;
    for (size_t i = 0; i < count; i++) {
        if (shelf_buf_put_varint(&w->raw, checkpoints[i] - prev))
            return SHELF_ENOMEM;
        prev = checkpoints[i];
    }
    return shelf_layout_encode(&w->raw, layout ? layout : &none);
}

/* One heap string: its length as a varint, then its bytes. */
static bool append_heap_string(shelf_docwriter *w, const char *s, size_t bytes)
{
    uint8_t len[SHELF_VARINT_MAX];
    size_t n = shelf_varint_put(len, bytes);
    bool ok = fwrite(len, 1, n, w->heap) == n && (bytes == 0 || fwrite(s, 1, bytes, w->heap) == bytes);
    w->heap_len += n + bytes;
    return ok;
}

/* path, title, author, date, heading spans (FORMAT.md, "heap entry"). */
static int append_heap_entry(shelf_docwriter *w, const shelf_docinfo *info)
{
    bool ok = append_heap_string(w, info->path, strlen(info->path)) &&
              append_heap_string(w, info->title, info->title_bytes) &&
              append_heap_string(w, info->author, info->author_bytes) &&
              append_heap_string(w, info->date, info->date_bytes) &&
              append_heap_string(w, (const char *)info->headings, info->headings_bytes);
    return ok ? SHELF_OK : SHELF_EIO;
}

static void write_record(shelf_docwriter *w, const shelf_docinfo *info, uint64_t heap_offset,
                         uint64_t store_block, uint32_t inblock)
{
    uint8_t rec[SHELF_DOC_RECORD_BYTES];
    shelf_store_u32le(rec, info->length);
    shelf_store_u32le(rec + 4, info->title_length);
    shelf_store_u64le(rec + 8, info->size);
    shelf_store_u64le(rec + 16, (uint64_t)info->mtime_ns);
    shelf_store_u64le(rec + 24, info->hash);
    shelf_store_u64le(rec + 32, heap_offset);
    shelf_store_u64le(rec + 40, store_block);
    shelf_store_u32le(rec + 48, inblock);
    shelf_store_u32le(rec + 52, info->flags);
    shelf_fw_write(&w->docs, rec, sizeof rec);
}

/* ---- a large record: a block of its own, compressed as it streams ----
 *
 * A record of SHELF_STORE_STREAM_MIN text bytes or more is never copied into
 * a block buffer: its pieces (length, text, checkpoints and layout) are
 * packed twice in 64 KiB steps, first only to learn the compressed length
 * the block header needs, then into the file.  Packing is deterministic, so
 * both passes give the same bytes (store_codec.h). */

/* With a compressor thread: wait until it has written every queued block,
 * so that the codec and the store file are the caller's. */
static void wait_for_compressor(shelf_docwriter *w)
{
    shelf_block_queue *q = w->queue;
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    while (q->count > 0)
        pthread_cond_wait(&q->changed, &q->mu);
    pthread_mutex_unlock(&q->mu);
}

static int write_large_block(shelf_docwriter *w, const char *text, size_t text_len,
                             const uint64_t *checkpoints, size_t count, const shelf_layout *layout,
                             shelf_err *err)
{
    shelf_buf head = SHELF_BUF_INIT, tail = SHELF_BUF_INIT;
    static const shelf_layout none = SHELF_LAYOUT_INIT;
    int rc = shelf_buf_put_varint(&head, text_len) || shelf_buf_put_varint(&tail, count) ? SHELF_ENOMEM
                                                                                          : SHELF_OK;
    for (size_t i = 0, prev = 0; rc == SHELF_OK && i < count; prev = checkpoints[i++])
        rc = shelf_buf_put_varint(&tail, checkpoints[i] - prev);
    if (rc == SHELF_OK)
        rc = shelf_layout_encode(&tail, layout ? layout : &none);
    const void *pieces[3] = {head.data, text, tail.data};
    size_t lens[3] = {head.len, text_len, tail.len};
    uint64_t raw_len = (uint64_t)head.len + text_len + tail.len;
    uint64_t offset = w->store.offset;
    uint64_t packed_len = 0;
    if (rc == SHELF_OK && raw_len > UINT32_MAX)
        rc = SHELF_EINVAL;
    if (rc == SHELF_OK)
        rc = shelf_store_pack_pieces(&w->codec, pieces, lens, 3, NULL, &packed_len);
    if (rc == SHELF_OK && packed_len > UINT32_MAX)
        rc = SHELF_EINVAL;
    if (rc == SHELF_OK && shelf_buf_append(&w->block_offsets, &offset, sizeof offset) != SHELF_OK)
        rc = SHELF_ENOMEM;
    if (rc == SHELF_OK) {
        shelf_fw_u32(&w->store, (uint32_t)raw_len);
        shelf_fw_u32(&w->store, (uint32_t)packed_len);
        rc = shelf_store_pack_pieces(&w->codec, pieces, lens, 3, &w->store, &packed_len);
    }
    shelf_buf_free(&head);
    shelf_buf_free(&tail);
    if (rc == SHELF_EINVAL)
        return shelf_errf(err, rc, "%s: document too large for the store (over 4 GiB)", w->store.path);
    if (rc != SHELF_OK)
        return shelf_errf(err, rc, "%s: out of memory compressing a document", w->store.path);
    w->block_count++;
    if (w->store.status != SHELF_OK && err)
        *err = w->store.err;
    return w->store.status;
}

/* Put the record in the store: appended to the block being filled, or in a
 * block of its own when large.  *store_block and *inblock say where. */
static int store_record(shelf_docwriter *w, const char *text, size_t text_len,
                        const uint64_t *checkpoints, size_t checkpoint_count,
                        const shelf_layout *layout, uint64_t *store_block, uint32_t *inblock,
                        shelf_err *err)
{
    size_t record_estimate = text_len + 5 * checkpoint_count + 20;
    bool large = text_len >= SHELF_STORE_STREAM_MIN;
    if (w->raw.len > 0 && (large || w->raw.len + record_estimate > SHELF_STORE_BLOCK_TARGET) &&
        flush_store_block(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    *store_block = w->block_count; /* the block being filled */
    *inblock = (uint32_t)w->raw.len;
    if (large) {
        wait_for_compressor(w);
        return write_large_block(w, text, text_len, checkpoints, checkpoint_count, layout, err);
    }
    if (append_store_record(w, text, text_len, checkpoints, checkpoint_count, layout) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->store.path);
    return SHELF_OK;
}

int shelf_docwriter_add(shelf_docwriter *w, const shelf_docinfo *info, const char *text,
                        size_t text_len, const uint64_t *checkpoints, size_t checkpoint_count,
                        const shelf_layout *layout, shelf_err *err)
{
    uint64_t store_block = 0;
    uint32_t inblock = 0;
    int rc = store_record(w, text, text_len, checkpoints, checkpoint_count, layout, &store_block,
                          &inblock, err);
    if (rc != SHELF_OK)
        return rc;
    uint64_t heap_offset = w->heap_len;
    if (append_heap_entry(w, info) != SHELF_OK)
        return shelf_errno(err, errno, "%s: cannot write temporary heap", w->docs.path);
    if (shelf_norms_add(&w->norms, info->length, info->title_length) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->docs.path);
    shelf_colsrow row = {info->path, info->author, info->author_bytes, info->date, info->date_bytes,
                         info->mtime_ns, info->hash, info->flags};
    if (shelf_colswriter_add(&w->cols, &row, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    write_record(w, info, heap_offset, store_block, inblock);
    w->doc_count++;
    w->total_tokens += info->length;
    w->total_title_tokens += info->title_length;
    if (w->raw.len >= SHELF_STORE_BLOCK_TARGET && flush_store_block(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    if (w->docs.status != SHELF_OK && err)
        *err = w->docs.err;
    return w->docs.status;
}

static int copy_heap(shelf_docwriter *w, shelf_err *err)
{
    if (fflush(w->heap) != 0 || fseek(w->heap, 0, SEEK_SET) != 0)
        return shelf_errno(err, errno, "%s: cannot read back temporary heap", w->docs.path);
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, w->heap)) > 0)
        shelf_fw_write(&w->docs, chunk, n);
    if (ferror(w->heap))
        return shelf_errno(err, errno, "%s: cannot read back temporary heap", w->docs.path);
    return SHELF_OK;
}

static int finish_store(shelf_docwriter *w, shelf_err *err)
{
    if (flush_store_block(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    stop_compressor(w);
    uint64_t index_offset = w->store.offset;
    shelf_fw_write(&w->store, w->block_offsets.data, w->block_offsets.len);
    shelf_fw_u64(&w->store, w->block_count);
    shelf_fw_u64(&w->store, index_offset);
    return shelf_fw_finish(&w->store, err);
}

/* The norms section (norms.h): dense body and title lengths, then the
 * exceptions. */
static void write_norms(shelf_docwriter *w)
{
    const shelf_norms_builder *n = &w->norms;
    shelf_fw_write(&w->docs, n->body.data, n->body.len);
    shelf_fw_write(&w->docs, n->title.data, n->title.len);
    shelf_fw_write(&w->docs, n->body_exc.data, n->body_exc.len);
    shelf_fw_write(&w->docs, n->title_exc.data, n->title_exc.len);
}

int shelf_docwriter_finish(shelf_docwriter *w, shelf_err *err)
{
    int rc = finish_store(w, err);
    if (rc == SHELF_OK)
        rc = shelf_colswriter_finish(&w->cols, err);
    if (rc != SHELF_OK)
        return rc;
    uint64_t heap_offset = w->docs.offset;
    if (copy_heap(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    uint64_t norms_offset = w->docs.offset;
    write_norms(w);
    shelf_fw_u64(&w->docs, w->doc_count);
    shelf_fw_u64(&w->docs, w->total_tokens);
    shelf_fw_u64(&w->docs, w->total_title_tokens);
    shelf_fw_u64(&w->docs, heap_offset);
    shelf_fw_u64(&w->docs, w->heap_len);
    shelf_fw_u64(&w->docs, norms_offset);
    shelf_fw_u64(&w->docs, shelf_norms_body_exceptions(&w->norms));
    shelf_fw_u64(&w->docs, shelf_norms_title_exceptions(&w->norms));
    return shelf_fw_finish(&w->docs, err);
}

int shelf_docwriter_commit(shelf_docwriter *w, shelf_err *err)
{
    int rc = shelf_fw_commit(&w->docs, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w->store, err);
    if (rc == SHELF_OK)
        rc = shelf_colswriter_commit(&w->cols, err);
    return rc;
}

void shelf_docwriter_close(shelf_docwriter *w)
{
    stop_compressor(w);
    shelf_store_codec_free(&w->codec);
    shelf_fw_abort(&w->docs);
    shelf_fw_abort(&w->store);
    if (w->heap)
        fclose(w->heap);
    w->heap = NULL;
    shelf_buf_free(&w->raw);
    shelf_buf_free(&w->packed);
    shelf_buf_free(&w->block_offsets);
    shelf_norms_builder_free(&w->norms);
    shelf_colswriter_close(&w->cols);
}
