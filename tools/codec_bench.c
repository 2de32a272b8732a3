/*
 * codec_bench.c - how fast the postings codec decodes: bit-unpacks blocks of
 * 128 integers of every width used in practice and prints integers per
 * second (and varint decoding for comparison) as one JSON line.
 *
 *   codec_bench [MILLION_INTEGERS]   (default 200)
 */
#include "backend/native/bitpack.h"
#include "util/varint.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t millions = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
    size_t blocks = millions * 1000000 / SHELF_BLOCK_LEN;
    enum { DISTINCT = 64 };
    uint8_t *packed = malloc(DISTINCT * SHELF_BITPACK_MAX_BYTES);
    uint8_t *varints = malloc(DISTINCT * SHELF_BLOCK_LEN * SHELF_VARINT_MAX);
    size_t offsets[DISTINCT], voffsets[DISTINCT + 1], at = 0, vat = 0;
    uint64_t seed = 1;
    for (int b = 0; b < DISTINCT; b++) { /* widths 1..16: doc gaps and tfs */
        uint32_t in[SHELF_BLOCK_LEN];
        unsigned width = 1 + b % 16;
        for (int i = 0; i < SHELF_BLOCK_LEN; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            in[i] = (uint32_t)(seed >> 33) & ((1u << width) - 1);
        }
        offsets[b] = at;
        at += shelf_bitpack_encode(in, packed + at);
        voffsets[b] = vat;
        for (int i = 0; i < SHELF_BLOCK_LEN; i++)
            vat += shelf_varint_put(varints + vat, in[i]);
    }
    voffsets[DISTINCT] = vat;
    uint32_t out[SHELF_BLOCK_LEN];
    uint64_t sink = 0;
    double start = now_s();
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *p = packed + offsets[b % DISTINCT];
        shelf_bitpack_decode(&p, packed + at, out);
        sink += out[b % SHELF_BLOCK_LEN];
    }
    double bitpack_s = now_s() - start;
    start = now_s();
    for (size_t b = 0; b < blocks; b++) {
        const uint8_t *p = varints + voffsets[b % DISTINCT], *end = varints + voffsets[b % DISTINCT + 1];
        for (int i = 0; i < SHELF_BLOCK_LEN; i++)
            shelf_varint_get32(&p, end, &out[i]);
        sink += out[b % SHELF_BLOCK_LEN];
    }
    double varint_s = now_s() - start;
    double n = (double)blocks * SHELF_BLOCK_LEN;
    printf("{\"integers\":%.0f,\"bitpack_per_s\":%.3g,\"varint_per_s\":%.3g,\"check\":%llu}\n", n,
           n / bitpack_s, n / varint_s, (unsigned long long)sink);
    free(packed);
    free(varints);
    return 0;
}
