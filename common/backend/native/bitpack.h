/*
 * bitpack.h - fixed-width bit packing of blocks of SHELF_BLOCK_LEN (128)
 * unsigned 32-bit integers, the codec of full postings blocks.
 *
 * Encoded block: one byte holding the bit width w (0..32), then
 * ceil(128 * w / 8) = 16 * w bytes of values packed little-endian, value i at
 * bit offset i * w.  A block of all zeros takes one byte.
 */
#ifndef SHELF_BITPACK_H
#define SHELF_BITPACK_H

#include <stddef.h>
#include <stdint.h>

#define SHELF_BLOCK_LEN 128
#define SHELF_BITPACK_MAX_BYTES (1 + 16 * 32)

/* Encode 128 values into out (room for SHELF_BITPACK_MAX_BYTES); returns bytes. */
size_t shelf_bitpack_encode(const uint32_t in[SHELF_BLOCK_LEN], uint8_t *out);

/* Decode one block from *p (< end) into out and advance *p.
 * Returns 0, or -1 on a bad width or truncated input. */
int shelf_bitpack_decode(const uint8_t **p, const uint8_t *end, uint32_t out[SHELF_BLOCK_LEN]);

/* Bytes an encoded block occupies, given its first byte; -1 if invalid. */
int shelf_bitpack_size(uint8_t width_byte);

#endif
