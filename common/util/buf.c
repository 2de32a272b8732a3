/* buf.c - growable byte buffer; see buf.h. */
#include "util/buf.h"
#include "util/error.h"
#include "util/varint.h"

#include <stdlib.h>
#include <string.h>

int shelf_buf_reserve(shelf_buf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return SHELF_OK;
    if (extra > SIZE_MAX / 2 - b->len)
        return SHELF_ENOMEM;
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return SHELF_ENOMEM;
    b->data = p;
    b->cap = cap;
    return SHELF_OK;
}

int shelf_buf_append(shelf_buf *b, const void *src, size_t n)
{
    if (n == 0)
        return SHELF_OK;
    if (shelf_buf_reserve(b, n) != SHELF_OK)
        return SHELF_ENOMEM;
    memcpy(b->data + b->len, src, n);
    b->len += n;
    return SHELF_OK;
}

int shelf_buf_put_u8(shelf_buf *b, uint8_t v)
{
    return shelf_buf_append(b, &v, 1);
}

int shelf_buf_put_u32le(shelf_buf *b, uint32_t v)
{
    uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return shelf_buf_append(b, le, 4);
}

int shelf_buf_put_u64le(shelf_buf *b, uint64_t v)
{
    if (shelf_buf_put_u32le(b, (uint32_t)v) != SHELF_OK)
        return SHELF_ENOMEM;
    return shelf_buf_put_u32le(b, (uint32_t)(v >> 32));
}

int shelf_buf_put_varint(shelf_buf *b, uint64_t v)
{
    if (shelf_buf_reserve(b, SHELF_VARINT_MAX) != SHELF_OK)
        return SHELF_ENOMEM;
    b->len += shelf_varint_put(b->data + b->len, v);
    return SHELF_OK;
}

void shelf_buf_reset(shelf_buf *b)
{
    b->len = 0;
}

void shelf_buf_free(shelf_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
