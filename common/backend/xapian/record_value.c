/* record_value.c - the packed record value; see record_value.h. */
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapian_terms.h"

#include <zstd.h>

#define LEVEL 1

int shelf_record_value_set(shelf_xdoc *doc, const void *raw, size_t len, shelf_err *err)
{
    shelf_buf packed = SHELF_BUF_INIT;
    size_t bound = ZSTD_compressBound(len);
    if (shelf_buf_reserve(&packed, bound) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "out of memory packing a document record");
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t n = cctx ? ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, LEVEL) : 1;
    if (cctx && !ZSTD_isError(n))
        n = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    if (cctx && !ZSTD_isError(n))
        n = ZSTD_compress2(cctx, packed.data, bound, raw, len);
    ZSTD_freeCCtx(cctx);
    int rc = !cctx || ZSTD_isError(n)
                 ? shelf_errf(err, SHELF_ENOMEM, "packing a document record failed")
                 : shelf_xdoc_set_value(doc, SHELF_XAPIAN_RECORD_SLOT, packed.data, n, err);
    shelf_buf_free(&packed);
    return rc;
}

int shelf_record_value_get(shelf_xdb *db, uint32_t docid, shelf_buf *out, shelf_err *err)
{
    shelf_buf packed = SHELF_BUF_INIT;
    int rc = shelf_xdb_value(db, docid, SHELF_XAPIAN_RECORD_SLOT, &packed, err);
    if (rc == SHELF_OK && packed.len == 0) {
        shelf_buf_free(&packed);
        rc = shelf_xdb_data(db, docid, out, err);
        return rc == SHELF_OK ? SHELF_ENOTFOUND : rc;
    }
    unsigned long long size = rc == SHELF_OK ? ZSTD_getFrameContentSize(packed.data, packed.len) : 0;
    if (rc == SHELF_OK && (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
                           size > SHELF_RECORD_MAX_BYTES))
        rc = SHELF_ECORRUPT;
    shelf_buf_reset(out);
    if (rc == SHELF_OK && shelf_buf_reserve(out, (size_t)size + 1) != SHELF_OK)
        rc = shelf_errf(err, SHELF_ENOMEM, "out of memory unpacking a document record");
    if (rc == SHELF_OK) {
        size_t n = ZSTD_decompress(out->data, (size_t)size + 1, packed.data, packed.len);
        if (ZSTD_isError(n) || n != size)
            rc = SHELF_ECORRUPT;
        else
            out->len = n;
    }
    shelf_buf_free(&packed);
    if (rc == SHELF_ECORRUPT)
        shelf_errf(err, rc, "%s: document %u: damaged record", shelf_xdb_path(db), docid);
    return rc;
}
