/* varint.c - variable-byte integers; see varint.h. */
#include "util/varint.h"

int shelf_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    const uint8_t *q = *p;
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (q >= end)
            return -1;
        uint8_t byte = *q++;
        uint64_t bits = byte & 0x7F;
        if (shift == 63 && bits > 1)
            return -1;
        value |= bits << shift;
        if (!(byte & 0x80)) {
            *p = q;
            *v = value;
            return 0;
        }
    }
    return -1;
}

int shelf_varint_get32(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    const uint8_t *start = *p;
    uint64_t wide;
    if (shelf_varint_get(p, end, &wide) != 0)
        return -1;
    if (wide > UINT32_MAX) {
        *p = start;
        return -1;
    }
    *v = (uint32_t)wide;
    return 0;
}
