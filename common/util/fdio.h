/*
 * fdio.h - reading a whole range of an open file, however the kernel
 * splits it: pread again after a short read or EINTR until every byte
 * asked for is there.  Callers word their own messages.
 */
#ifndef SHELF_FDIO_H
#define SHELF_FDIO_H

#include <stddef.h>
#include <stdint.h>

/* Read len bytes at offset off of fd into buf.  0 when all were read; -1
 * on an error (errno says which); 1 when the file ended first. */
int shelf_pread_full(int fd, uint64_t off, void *buf, size_t len);

#endif
