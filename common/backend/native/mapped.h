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
} shelf_mapped;

int shelf_map_open(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                   bool verify_crc, shelf_err *err);

/* Check the CRC-32 of an open file (what verify_crc does at open). */
int shelf_map_verify(const shelf_mapped *m, shelf_err *err);

void shelf_map_close(shelf_mapped *m);

#endif
