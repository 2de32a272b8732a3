/*
 * mapped.h - opens one framed index file read-only through mmap and checks
 * its frame (FORMAT.md, "Framing"): magic, version, footer magic, that the
 * recorded length equals the file's size, and, when asked, the CRC-32.
 *
 * After a successful open, [body, body + body_len) is the file's body and
 * trailer points at its fixed-size trailer (trailer_len bytes); both lie
 * inside the mapping.  Errors name the file: SHELF_ENOTFOUND (no such file),
 * SHELF_EIO (cannot open/map),
 * SHELF_EVERSION (other format version), SHELF_ECORRUPT (anything else).
 */
#ifndef SHELF_MAPPED_H
#define SHELF_MAPPED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef struct shelf_mapped {
    char *path;
    const uint8_t *data; /* whole file */
    size_t size;
    const uint8_t *body;
    size_t body_len;
    const uint8_t *trailer;
    int fd; /* kept open for shelf_map_pread when asked (keep_fd), else -1 */
} shelf_mapped;

int shelf_map_open(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                   bool verify_crc, shelf_err *err);
/* The same, keeping the file open so that scattered reads can go through
 * shelf_map_pread instead of the mapping: the kernel maps pages around
 * every touched page of a mapping (fault-around), so reading a few hundred
 * bytes here and there through it soon makes the whole file resident. */
int shelf_map_open_fd(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                      bool verify_crc, shelf_err *err);
/* Read len bytes at offset off (inside the file) into buf: SHELF_OK, or
 * SHELF_EIO with err set. */
int shelf_map_pread(const shelf_mapped *m, uint64_t off, void *buf, size_t len, shelf_err *err);

/* Check the CRC-32 of an open file (what verify_crc does at open). */
int shelf_map_verify(const shelf_mapped *m, shelf_err *err);

void shelf_map_close(shelf_mapped *m);

#endif
