/*
 * bitpack.c - 128-integer block bit packing; see bitpack.h.
 *
 * Values are packed through a 64-bit accumulator; with w <= 32 bits per value
 * and at most 7 pending bits, it never overflows.  Decoding reads each value
 * with one 8-byte load (w + 7 <= 39 bits) from a zero-padded copy of the
 * block, with a copy of the loop per common width so shifts are constants.
 * On x86-64 processors with AVX2, widths up to UNPACK8_MAX_WIDTH are
 * decoded eight values at a time instead (unpack8 below); both paths give
 * the same values, and the copy is skipped when the input itself has
 * PAD_BYTES readable bytes past the block.
 */
#include "backend/native/bitpack.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_UNPACK8 1
#include <immintrin.h>
#endif

/* Zero bytes after a block's copy: the widest load past a value's first
 * byte (16 bytes, unpack8). */
#define PAD_BYTES 16

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

/* Value i of a block packed w bits wide, from a copy padded with zero
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

#ifdef HAVE_UNPACK8
/* Widths unpack8 handles: a value's 4-byte window must hold its w bits
 * after a shift of up to 7 (w + 7 <= 32), and the four values of a 16-byte
 * half must lie in it. */
#define UNPACK8_MAX_WIDTH 24

/* Eight values at a time with AVX2.  Values 8g .. 8g + 7 start at byte
 * g * w (8 values of w bits are w bytes), so the same shuffle and shifts
 * serve every group: the low half of a 256-bit register takes the bytes of
 * values 0..3 of the group, the high half those of values 4..7 (from byte
 * 4w / 8); each 32-bit lane gets the 4 bytes from its value's first byte,
 * is shifted right by the value's bit offset in that byte and masked. */
__attribute__((target("avx2"), always_inline)) static inline void unpack8(const uint8_t *padded,
                                                                          uint32_t out[SHELF_BLOCK_LEN],
                                                                          const unsigned w)
{
    uint8_t shuffle[32];
    uint32_t shifts[8];
    for (unsigned v = 0; v < 8; v++) {
        unsigned half = v / 4, bit = v * w - half * (4 * w / 8) * 8; /* from its half's first byte */
        for (unsigned b = 0; b < 4; b++)
            shuffle[v * 4 + b] = (uint8_t)(bit / 8 + b);
        shifts[v] = bit % 8;
    }
    const __m256i shuf = _mm256_loadu_si256((const __m256i *)shuffle);
    const __m256i shift = _mm256_loadu_si256((const __m256i *)shifts);
    const __m256i mask = _mm256_set1_epi32((int)((1u << w) - 1u));
    const unsigned high = 4 * w / 8;
    for (unsigned g = 0; g < SHELF_BLOCK_LEN / 8; g++) {
        const uint8_t *at = padded + g * w;
        __m256i bytes = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)at)),
                                                _mm_loadu_si128((const __m128i *)(at + high)), 1);
        __m256i v = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(bytes, shuf), shift), mask);
        _mm256_storeu_si256((__m256i *)(out + 8 * g), v);
    }
}

/* One copy of unpack8 per width, so that its shuffle, shifts and mask are
 * constants. */
__attribute__((target("avx2"))) static void unpack8_width(const uint8_t *padded, uint32_t out[SHELF_BLOCK_LEN],
                                                          unsigned w)
{
    switch (w) {
    case 1: unpack8(padded, out, 1); break;
    case 2: unpack8(padded, out, 2); break;
    case 3: unpack8(padded, out, 3); break;
    case 4: unpack8(padded, out, 4); break;
    case 5: unpack8(padded, out, 5); break;
    case 6: unpack8(padded, out, 6); break;
    case 7: unpack8(padded, out, 7); break;
    case 8: unpack8(padded, out, 8); break;
    case 9: unpack8(padded, out, 9); break;
    case 10: unpack8(padded, out, 10); break;
    case 11: unpack8(padded, out, 11); break;
    case 12: unpack8(padded, out, 12); break;
    case 13: unpack8(padded, out, 13); break;
    case 14: unpack8(padded, out, 14); break;
    case 15: unpack8(padded, out, 15); break;
    case 16: unpack8(padded, out, 16); break;
    default: unpack8(padded, out, w); break; /* 17 .. UNPACK8_MAX_WIDTH: rare */
    }
}

static int use_unpack8(unsigned w)
{
    return w <= UNPACK8_MAX_WIDTH && __builtin_cpu_supports("avx2");
}
#endif

static void unpack_any(const uint8_t *padded, uint32_t out[SHELF_BLOCK_LEN], unsigned w)
{
#ifdef HAVE_UNPACK8
    if (use_unpack8(w)) {
        unpack8_width(padded, out, w);
        return;
    }
#endif
    unpack_width(padded, out, w);
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
    } else if ((size_t)(end - q) >= 16 * (size_t)w + PAD_BYTES) {
        unpack_any(q, out, w); /* bytes past the block are read, their bits masked off */
    } else {
        uint8_t padded[16 * 32 + PAD_BYTES];
        memcpy(padded, q, 16 * (size_t)w);
        memset(padded + 16 * (size_t)w, 0, PAD_BYTES);
        unpack_any(padded, out, w);
    }
    *p += size;
    return 0;
}
