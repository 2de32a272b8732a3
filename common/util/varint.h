/*
 * varint.h - LEB128-style variable-byte integers (7 bits a byte, low bits
 * first, high bit set on every byte but the last).
 *
 * Decoding is bounds-checked: it never reads at or past `end`, and rejects
 * encodings longer than SHELF_VARINT_MAX bytes or that overflow 64 bits.
 */
#ifndef SHELF_VARINT_H
#define SHELF_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define SHELF_VARINT_MAX 10

/* Write v at dst (room for SHELF_VARINT_MAX bytes); returns bytes written.
 * Inline: the index writer calls it for every posting and position. */
static inline size_t shelf_varint_put(uint8_t *dst, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        dst[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (uint8_t)v;
    return n;
}

/* Read one varint from *p (< end) into *v and advance *p.
 * Returns 0, or -1 (p unchanged) on truncated or over-long input. */
int shelf_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);

/* Same, but the value must fit in 32 bits. */
int shelf_varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v);

#endif
