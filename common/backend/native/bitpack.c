/*
 * bitpack.c - 128-integer block bit packing; see bitpack.h.
 *
 * Values are packed through a 64-bit accumulator; with w <= 32 bits per value
 * and at most 7 pending bits, it never overflows.
 */
#include "backend/native/bitpack.h"

static unsigned bits_needed(const uint32_t in[SHELF_BLOCK_LEN])
{
    uint32_t all = 0;
    for (int i = 0; i < SHELF_BLOCK_LEN; i++)
        all |= in[i];
    unsigned w = 0;
    while (w < 32 && (all >> w) != 0)
        w++;
    return w;
}

size_t shelf_bitpack_encode(const uint32_t in[SHELF_BLOCK_LEN], uint8_t *out)
{
    unsigned w = bits_needed(in);
    size_t n = 0;
    out[n++] = (uint8_t)w;
    if (w == 0)
        return n;
    uint64_t acc = 0;
    unsigned pending = 0;
    for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
        acc |= (uint64_t)in[i] << pending;
        pending += w;
        while (pending >= 8) {
            out[n++] = (uint8_t)acc;
            acc >>= 8;
            pending -= 8;
        }
    }
    return n; /* 128 * w is a multiple of 8, so nothing is left pending */
}

int shelf_bitpack_size(uint8_t width_byte)
{
    if (width_byte > 32)
        return -1;
    return 1 + 16 * width_byte;
}

int shelf_bitpack_decode(const uint8_t **p, const uint8_t *end, uint32_t out[SHELF_BLOCK_LEN])
{
    const uint8_t *q = *p;
    if (q >= end)
        return -1;
    int size = shelf_bitpack_size(*q);
    if (size < 0 || (size_t)(end - q) < (size_t)size)
        return -1;
    unsigned w = *q++;
    uint64_t mask = (w == 32) ? 0xFFFFFFFFu : ((1u << w) - 1u);
    uint64_t acc = 0;
    unsigned have = 0;
    for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
        while (have < w) {
            acc |= (uint64_t)(*q++) << have;
            have += 8;
        }
        out[i] = (uint32_t)(acc & mask);
        acc >>= w;
        have -= w;
    }
    *p += size;
    return 0;
}
