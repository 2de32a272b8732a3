/* store_codec.c - Zstandard frames for .store blocks; see store_codec.h. */
#include "backend/native/store_codec.h"
#include "backend/native/format.h"
#include "util/error.h"

#include <stdbool.h>

#include <zstd.h>

#define STEP ((size_t)1 << 16)

size_t shelf_store_pack_bound(size_t len)
{
    return ZSTD_compressBound(len);
}

/* The context, made once and reset for every frame: level, checksum and a
 * pledged size (so the frame header holds the content size). */
static ZSTD_CCtx *ready_context(shelf_store_codec *c, uint64_t raw_len)
{
    if (!c->cctx)
        c->cctx = ZSTD_createCCtx();
    ZSTD_CCtx *z = c->cctx;
    if (!z || ZSTD_isError(ZSTD_CCtx_reset(z, ZSTD_reset_session_and_parameters)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, SHELF_STORE_ZSTD_LEVEL)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(z, raw_len)))
        return NULL;
    return z;
}

int shelf_store_pack(shelf_store_codec *c, const void *raw, size_t len, void *out, size_t cap,
                     size_t *packed_len)
{
    ZSTD_CCtx *z = ready_context(c, len);
    if (!z)
        return SHELF_ENOMEM;
    size_t n = ZSTD_compress2(z, out, cap, raw, len);
    if (ZSTD_isError(n))
        return SHELF_ENOMEM;
    *packed_len = n;
    return SHELF_OK;
}

int shelf_store_pack_pieces(shelf_store_codec *c, const void *const *data, const size_t *len,
                            size_t n, shelf_fwriter *out, uint64_t *packed_len)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += len[i];
    ZSTD_CCtx *z = ready_context(c, total);
    if (!z)
        return SHELF_ENOMEM;
    uint8_t chunk[STEP];
    *packed_len = 0;
    for (size_t i = 0; i < n; i++) {
        ZSTD_inBuffer in = {data[i], len[i], 0};
        ZSTD_EndDirective mode = i + 1 == n ? ZSTD_e_end : ZSTD_e_continue;
        size_t left;
        do {
            ZSTD_outBuffer o = {chunk, sizeof chunk, 0};
            left = ZSTD_compressStream2(z, &o, &in, mode);
            if (ZSTD_isError(left))
                return SHELF_ENOMEM;
            if (out)
                shelf_fw_write(out, chunk, o.pos);
            *packed_len += o.pos;
        } while (in.pos < in.size || (mode == ZSTD_e_end && left > 0));
    }
    return SHELF_OK;
}

void shelf_store_codec_free(shelf_store_codec *c)
{
    ZSTD_freeCCtx(c->cctx);
    c->cctx = NULL;
}

/* The frame header's descriptor byte (RFC 8878, 3.1.1.1.1) follows the
 * 4-byte magic number; bit 2 says a content checksum ends the frame. */
#define DESCRIPTOR_AT 4
#define CHECKSUM_BIT 0x04u

bool shelf_store_unpack(const void *packed, size_t packed_len, void *raw, size_t raw_len)
{
    const uint8_t *p = packed;
    if (packed_len <= DESCRIPTOR_AT || !(p[DESCRIPTOR_AT] & CHECKSUM_BIT) ||
        ZSTD_getFrameContentSize(packed, packed_len) != (unsigned long long)raw_len ||
        ZSTD_findFrameCompressedSize(packed, packed_len) != packed_len)
        return false; /* not one whole frame of raw_len bytes with a checksum */
    size_t got = ZSTD_decompress(raw, raw_len, packed, packed_len);
    return !ZSTD_isError(got) && got == raw_len;
}
