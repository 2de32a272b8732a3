/*
 * bitpack.c - 128-integer block bit packing; see bitpack.h.
 *
 * Values are packed through a 64-bit accumulator; with w <= 32 bits per value
 * and at most 7 pending bits, it never overflows.  Decoding reads each value
 * with one 8-byte load (w + 7 <= 39 bits) from a zero-padded copy of the
 * block, with a copy of the loop per common width so shifts are constants.
 */
#include "backend/native/bitpack.h"

#include <string.h>

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

/* Value i of a block packed w bits wide, from a copy padded with 8 zero
 * bytes (so the 8-byte load never reads past it). */
static inline __attribute__((always_inline)) void unpack(const uint8_t *padded, uint32_t out[SHELF_BLOCK_LEN],
                                                         const unsigned w)
{
    const uint64_t mask = w == 32 ? 0xFFFFFFFFu : ((1u << w) - 1u);
    for (unsigned i = 0; i < SHELF_BLOCK_LEN; i++) {
        unsigned bit = i * w;
        uint64_t v;
        memcpy(&v, padded + bit / 8, sizeof v);
        out[i] = (uint32_t)((v >> (bit % 8)) & mask);
    }
}

/* One copy of unpack per width, each with its shifts known at compile time. */
static void unpack_width(const uint8_t *padded, uint32_t out[SHELF_BLOCK_LEN], unsigned w)
{
    switch (w) {
    case 1: unpack(padded, out, 1); break;
    case 2: unpack(padded, out, 2); break;
    case 3: unpack(padded, out, 3); break;
    case 4: unpack(padded, out, 4); break;
    case 5: unpack(padded, out, 5); break;
    case 6: unpack(padded, out, 6); break;
    case 7: unpack(padded, out, 7); break;
    case 8: unpack(padded, out, 8); break;
    case 9: unpack(padded, out, 9); break;
    case 10: unpack(padded, out, 10); break;
    case 11: unpack(padded, out, 11); break;
    case 12: unpack(padded, out, 12); break;
    case 13: unpack(padded, out, 13); break;
    case 14: unpack(padded, out, 14); break;
    case 15: unpack(padded, out, 15); break;
    case 16: unpack(padded, out, 16); break;
    default: unpack(padded, out, w); break; /* wider: rare in postings */
    }
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
    if (w == 0) {
        memset(out, 0, SHELF_BLOCK_LEN * sizeof *out);
    } else {
        uint8_t padded[16 * 32 + 8];
        memcpy(padded, q, 16 * (size_t)w);
        memset(padded + 16 * (size_t)w, 0, 8);
        unpack_width(padded, out, w);
    }
    *p += size;
    return 0;
}
