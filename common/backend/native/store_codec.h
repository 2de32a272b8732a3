/*
 * store_codec.h - the compression of .store blocks (FORMAT.md, ".store"):
 * each block is one Zstandard frame at level 1, with its content size in
 * the frame header and a content checksum, so a damaged block is caught
 * when it is read.  Zstandard replaced zlib in format 8: it packs these
 * text blocks about five times faster at a slightly better ratio, and
 * unpacks them about twice as fast.
 *
 * Packing is deterministic: the same bytes in give the same frame, whether
 * packed in one call or streamed in pieces; a large record relies on that
 * (it is packed once to learn its length, then again into the file).
 * A codec is used by one thread at a time.
 */
#ifndef SHELF_STORE_CODEC_H
#define SHELF_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/filewriter.h"

/* No frame unpacks to more than this many bytes per packed byte (a 3-byte
 * block header and 1 byte of run-length data stand for at most 128 KiB), so
 * a block's raw length is bounded by its packed length before a buffer is
 * sized by it. */
#define SHELF_STORE_MAX_RATIO 32768u

typedef struct shelf_store_codec {
    void *cctx; /* ZSTD_CCtx, made on first use */
} shelf_store_codec;

/* Bytes that packing len bytes may take at most. */
size_t shelf_store_pack_bound(size_t len);

/* Packs raw[0..len) into out (cap >= shelf_store_pack_bound(len));
 * *packed_len is set.  SHELF_OK or SHELF_ENOMEM. */
int shelf_store_pack(shelf_store_codec *c, const void *raw, size_t len, void *out, size_t cap,
                     size_t *packed_len);

/* Packs the concatenation of n pieces as one frame, in 64 KiB steps,
 * writing it to out when out is not NULL; *packed_len is its length either
 * way.  SHELF_OK or SHELF_ENOMEM (out's own errors stay in out). */
int shelf_store_pack_pieces(shelf_store_codec *c, const void *const *data, const size_t *len,
                            size_t n, shelf_fwriter *out, uint64_t *packed_len);

void shelf_store_codec_free(shelf_store_codec *c);

/* Unpacks a frame that must give exactly raw_len bytes into raw; false when
 * the frame is damaged (bad header, no checksum, checksum mismatch, another
 * length). */
bool shelf_store_unpack(const void *packed, size_t packed_len, void *raw, size_t raw_len);

#endif
