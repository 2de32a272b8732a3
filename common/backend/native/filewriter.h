/*
 * filewriter.h - writes one framed index file (see FORMAT.md, "Framing")
 * safely: buffered writes under "<path>.tmp" with a running CRC-32, then the
 * footer, fsync, and, on commit, an atomic rename to <path>.
 *
 * Invariants: offset counts every byte handed to the writer (header
 * included); crc covers all of them once the buffered bytes are folded in
 * (the CRC is computed over the buffer as it is flushed, one call per
 * buffer rather than one per small write).  After the first failure the writer is
 * "failed": later writes do nothing and return the same error, so callers may
 * check once at the end.  A writer that is not committed must be aborted,
 * which removes the temporary file: no half-written file is ever visible
 * under its final name.
 */
#ifndef SHELF_FILEWRITER_H
#define SHELF_FILEWRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

#define SHELF_FW_BUFFER (256 * 1024)

typedef struct shelf_fwriter {
    char *path;     /* final name */
    char *tmp_path; /* name while writing */
    int fd;
    uint64_t offset;
    uint32_t crc;   /* CRC-32 of the bytes already flushed */
    int status;     /* SHELF_OK until something fails */
    shelf_err err;  /* the first failure */
    size_t buffered;
    uint8_t *buf;
    int scratch;    /* a scratch writer (below): unlinked, no framing */
} shelf_fwriter;

/* Create <path>.tmp and write the header with the given 8-byte magic. */
int shelf_fw_open(shelf_fwriter *w, const char *path, const char *magic, shelf_err *err);

int shelf_fw_write(shelf_fwriter *w, const void *data, size_t n);
int shelf_fw_u32(shelf_fwriter *w, uint32_t v);
int shelf_fw_u64(shelf_fwriter *w, uint64_t v);
int shelf_fw_varint(shelf_fwriter *w, uint64_t v);

/* Write the footer, flush and fsync.  The file stays under its .tmp name. */
int shelf_fw_finish(shelf_fwriter *w, shelf_err *err);

/* Rename <path>.tmp to <path>.  Call after shelf_fw_finish succeeded. */
int shelf_fw_commit(shelf_fwriter *w, shelf_err *err);

/* Close and remove the temporary file; frees the writer's memory.  Safe to
 * call after commit (then it only frees). */
void shelf_fw_abort(shelf_fwriter *w);

/* A scratch writer: the same buffered writes into a temporary file next to
 * near_path, unlinked at once, with no header (offset counts from 0) and
 * no CRC: for bytes that another writer takes over later
 * (shelf_fw_append).  Never finished or committed; abort it when done. */
int shelf_fw_open_scratch(shelf_fwriter *w, const char *near_path, shelf_err *err);

/* Append everything scratch writer src holds to w, as if written to w
 * (counted in its offset and CRC).  src stays open. */
int shelf_fw_append(shelf_fwriter *w, shelf_fwriter *src, shelf_err *err);

/* Read back n bytes of scratch writer src from offset at (after its
 * buffered bytes are flushed); SHELF_OK or an I/O error naming the file. */
int shelf_fw_read_back(shelf_fwriter *src, uint64_t at, void *out, size_t n, shelf_err *err);

/* A temporary file next to near_path ("<near_path>.temp.XXXXXX"), unlinked
 * at once, so nothing is left behind however the process ends: for what a
 * writer spills while it works and reads back at finish.  NULL with err. */
FILE *shelf_unlinked_temp(const char *near_path, shelf_err *err);

/* fsync a directory so that renames inside it are durable. */
int shelf_fsync_dir(const char *dir, shelf_err *err);

#endif
