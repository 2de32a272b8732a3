/*
 * bytes.h - little-endian loads and stores of fixed-width integers.
 * Callers check bounds first; these only move bytes.
 */
#ifndef SHELF_BYTES_H
#define SHELF_BYTES_H

#include <stdint.h>

static inline uint32_t shelf_load_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t shelf_load_u64le(const uint8_t *p)
{
    return (uint64_t)shelf_load_u32le(p) | (uint64_t)shelf_load_u32le(p + 4) << 32;
}

static inline void shelf_store_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void shelf_store_u64le(uint8_t *p, uint64_t v)
{
    shelf_store_u32le(p, (uint32_t)v);
    shelf_store_u32le(p + 4, (uint32_t)(v >> 32));
}

#endif
