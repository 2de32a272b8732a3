/*
 * buf.h - a growable byte buffer.
 *
 * Invariant: len <= cap; data is NULL only while cap == 0.  The buffer owns
 * data.  Appending functions return SHELF_OK or SHELF_ENOMEM and leave the
 * buffer unchanged on failure.
 */
#ifndef SHELF_BUF_H
#define SHELF_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct shelf_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} shelf_buf;

#define SHELF_BUF_INIT {NULL, 0, 0}

int shelf_buf_reserve(shelf_buf *b, size_t extra);
int shelf_buf_append(shelf_buf *b, const void *src, size_t n);
int shelf_buf_put_u8(shelf_buf *b, uint8_t v);
int shelf_buf_put_u32le(shelf_buf *b, uint32_t v);
int shelf_buf_put_u64le(shelf_buf *b, uint64_t v);
int shelf_buf_put_varint(shelf_buf *b, uint64_t v);
void shelf_buf_reset(shelf_buf *b); /* len = 0, keeps memory */
void shelf_buf_free(shelf_buf *b);  /* releases memory, back to INIT */

#endif
