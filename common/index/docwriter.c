/* docwriter.c - document records, string heap and compressed store; see docwriter.h. */
#include "index/docwriter.h"
#include "index/format.h"
#include "index/varint.h"
#include "util/bytes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static FILE *open_unlinked_temp(const char *near_path, shelf_err *err)
{
    size_t n = strlen(near_path);
    char *tmpl = malloc(n + 16);
    if (!tmpl) {
        shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", near_path);
        return NULL;
    }
    memcpy(tmpl, near_path, n);
    memcpy(tmpl + n, ".heap.XXXXXX", 13);
    int fd = mkstemp(tmpl);
    FILE *f = NULL;
    if (fd < 0) {
        shelf_errno(err, errno, "%s: cannot create temporary file", tmpl);
    } else {
        unlink(tmpl);
        f = fdopen(fd, "w+b");
        if (!f) {
            shelf_errno(err, errno, "%s: cannot open temporary file", tmpl);
            close(fd);
        }
    }
    free(tmpl);
    return f;
}

int shelf_docwriter_open(shelf_docwriter *w, const char *docs_path, const char *store_path,
                         shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->store.fd = -1;
    int rc = shelf_fw_open(&w->docs, docs_path, SHELF_MAGIC_DOCS, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_open(&w->store, store_path, SHELF_MAGIC_STORE, err);
    if (rc == SHELF_OK) {
        w->heap = open_unlinked_temp(docs_path, err);
        if (!w->heap)
            rc = err ? err->code : SHELF_EIO;
    }
    if (rc != SHELF_OK)
        shelf_docwriter_close(w);
    return rc;
}

static int flush_store_block(shelf_docwriter *w, shelf_err *err)
{
    if (w->raw.len == 0)
        return SHELF_OK;
    if (w->raw.len > UINT32_MAX)
        return shelf_errf(err, SHELF_EINVAL, "%s: document too large for the store (over 4 GiB)",
                          w->store.path);
    uLongf packed_len = compressBound((uLong)w->raw.len);
    shelf_buf_reset(&w->packed);
    if (shelf_buf_reserve(&w->packed, packed_len) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->store.path);
    if (compress2(w->packed.data, &packed_len, w->raw.data, (uLong)w->raw.len, SHELF_STORE_ZLIB_LEVEL) != Z_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: compression failed", w->store.path);
    shelf_fw_u32(&w->store, (uint32_t)w->raw.len);
    shelf_fw_u32(&w->store, (uint32_t)packed_len);
    shelf_fw_write(&w->store, w->packed.data, packed_len);
    shelf_buf_reset(&w->raw);
    if (w->store.status != SHELF_OK && err)
        *err = w->store.err;
    return w->store.status;
}

static int append_store_record(shelf_docwriter *w, const char *text, size_t text_len,
                               const uint64_t *checkpoints, size_t count)
{
    if (shelf_buf_put_varint(&w->raw, text_len) || shelf_buf_append(&w->raw, text, text_len) ||
        shelf_buf_put_varint(&w->raw, count))
        return SHELF_ENOMEM;
    uint64_t prev = 0;
    for (size_t i = 0; i < count; i++) {
        if (shelf_buf_put_varint(&w->raw, checkpoints[i] - prev))
            return SHELF_ENOMEM;
        prev = checkpoints[i];
    }
    return SHELF_OK;
}

static int append_heap_entry(shelf_docwriter *w, const shelf_docinfo *info)
{
    uint8_t len[SHELF_VARINT_MAX];
    size_t path_bytes = strlen(info->path);
    size_t n = shelf_varint_put(len, path_bytes);
    int ok = fwrite(len, 1, n, w->heap) == n && fwrite(info->path, 1, path_bytes, w->heap) == path_bytes;
    size_t m = shelf_varint_put(len, info->title_bytes);
    ok = ok && fwrite(len, 1, m, w->heap) == m &&
         fwrite(info->title, 1, info->title_bytes, w->heap) == info->title_bytes;
    w->heap_len += n + path_bytes + m + info->title_bytes;
    return ok ? SHELF_OK : SHELF_EIO;
}

static void write_record(shelf_docwriter *w, const shelf_docinfo *info, uint64_t heap_offset,
                         uint64_t store_offset, uint32_t inblock)
{
    uint8_t rec[SHELF_DOC_RECORD_BYTES];
    shelf_store_u32le(rec, info->length);
    shelf_store_u32le(rec + 4, info->title_length);
    shelf_store_u64le(rec + 8, info->size);
    shelf_store_u64le(rec + 16, (uint64_t)info->mtime_ns);
    shelf_store_u64le(rec + 24, info->hash);
    shelf_store_u64le(rec + 32, heap_offset);
    shelf_store_u64le(rec + 40, store_offset);
    shelf_store_u32le(rec + 48, inblock);
    shelf_store_u32le(rec + 52, info->flags);
    shelf_fw_write(&w->docs, rec, sizeof rec);
}

int shelf_docwriter_add(shelf_docwriter *w, const shelf_docinfo *info, const char *text,
                        size_t text_len, const uint64_t *checkpoints, size_t checkpoint_count,
                        shelf_err *err)
{
    size_t record_estimate = text_len + 5 * checkpoint_count + 20;
    if (w->raw.len > 0 && w->raw.len + record_estimate > SHELF_STORE_BLOCK_TARGET &&
        flush_store_block(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    uint64_t store_offset = w->store.offset;
    uint32_t inblock = (uint32_t)w->raw.len;
    if (append_store_record(w, text, text_len, checkpoints, checkpoint_count) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->store.path);
    uint64_t heap_offset = w->heap_len;
    if (append_heap_entry(w, info) != SHELF_OK)
        return shelf_errno(err, errno, "%s: cannot write temporary heap", w->docs.path);
    write_record(w, info, heap_offset, store_offset, inblock);
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

int shelf_docwriter_finish(shelf_docwriter *w, shelf_err *err)
{
    if (flush_store_block(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    uint64_t heap_offset = w->docs.offset;
    if (copy_heap(w, err) != SHELF_OK)
        return err ? err->code : SHELF_EIO;
    shelf_fw_u64(&w->docs, w->doc_count);
    shelf_fw_u64(&w->docs, w->total_tokens);
    shelf_fw_u64(&w->docs, w->total_title_tokens);
    shelf_fw_u64(&w->docs, heap_offset);
    shelf_fw_u64(&w->docs, w->heap_len);
    int rc = shelf_fw_finish(&w->docs, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_finish(&w->store, err);
    return rc;
}

int shelf_docwriter_commit(shelf_docwriter *w, shelf_err *err)
{
    int rc = shelf_fw_commit(&w->docs, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w->store, err);
    return rc;
}

void shelf_docwriter_close(shelf_docwriter *w)
{
    shelf_fw_abort(&w->docs);
    shelf_fw_abort(&w->store);
    if (w->heap)
        fclose(w->heap);
    w->heap = NULL;
    shelf_buf_free(&w->raw);
    shelf_buf_free(&w->packed);
}
