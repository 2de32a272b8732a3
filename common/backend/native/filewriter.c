/* filewriter.c - framed, checksummed, atomically renamed files; see filewriter.h. */
#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "util/varint.h"
#include "util/bytes.h"
#include "util/crashpoint.h"
#include "util/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

static int fail_errno(shelf_fwriter *w, int e, const char *what)
{
    if (w->status == SHELF_OK)
        w->status = shelf_errno(&w->err, e, "%s: %s", w->tmp_path, what);
    return w->status;
}

/* Fold the buffered bytes into the running CRC (once per buffer: zlib's
 * crc32 has a per-call cost that dominated when every varint was a call). */
static void fold_crc(shelf_fwriter *w)
{
    if (w->buffered > 0)
        w->crc = (uint32_t)crc32_z(w->crc, w->buf, w->buffered);
}

static int flush_buffer(shelf_fwriter *w)
{
    if (!w->scratch)
        fold_crc(w);
    size_t done = 0;
    while (done < w->buffered) {
        ssize_t n = write(w->fd, w->buf + done, w->buffered - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_errno(w, errno, "write failed");
        }
        done += (size_t)n;
    }
    w->buffered = 0;
    return SHELF_OK;
}

int shelf_fw_open(shelf_fwriter *w, const char *path, const char *magic, shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->path = strdup(path);
    w->tmp_path = concat(path, ".tmp");
    w->buf = malloc(SHELF_FW_BUFFER);
    if (!w->path || !w->tmp_path || !w->buf) {
        shelf_fw_abort(w);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    }
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        int rc = shelf_errno(err, errno, "%s: cannot create", w->tmp_path);
        shelf_fw_abort(w);
        return rc;
    }
    w->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    uint8_t header[SHELF_HEADER_BYTES] = {0};
    memcpy(header, magic, 8);
    shelf_store_u32le(header + 8, SHELF_FORMAT_VERSION);
    return shelf_fw_write(w, header, sizeof header);
}

static int report(shelf_fwriter *w, shelf_err *err)
{
    if (w->status != SHELF_OK && err)
        *err = w->err;
    return w->status;
}

int shelf_fw_open_scratch(shelf_fwriter *w, const char *near_path, shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->scratch = 1;
    w->tmp_path = concat(near_path, ".scratch.XXXXXX");
    w->buf = malloc(SHELF_FW_BUFFER);
    if (!w->tmp_path || !w->buf) {
        shelf_fw_abort(w);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", near_path);
    }
    w->fd = mkstemp(w->tmp_path);
    if (w->fd >= 0)
        fcntl(w->fd, F_SETFD, FD_CLOEXEC);
    if (w->fd < 0) {
        int rc = shelf_errno(err, errno, "%s: cannot create", w->tmp_path);
        shelf_fw_abort(w);
        return rc;
    }
    unlink(w->tmp_path); /* the name stays for messages; abort unlinks nothing */
    return SHELF_OK;
}

int shelf_fw_read_back(shelf_fwriter *src, uint64_t at, void *out, size_t n, shelf_err *err)
{
    if (src->status == SHELF_OK && src->buffered > 0)
        flush_buffer(src);
    if (src->status != SHELF_OK)
        return report(src, err);
    int got = shelf_pread_full(src->fd, at, out, n);
    if (got != 0)
        return shelf_errno(err, got < 0 ? errno : EIO, "%s: cannot read back", src->tmp_path);
    return SHELF_OK;
}

int shelf_fw_append(shelf_fwriter *w, shelf_fwriter *src, shelf_err *err)
{
    enum { CHUNK = 1 << 16 };
    uint8_t *chunk = malloc(CHUNK);
    if (!chunk)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->tmp_path);
    int rc = SHELF_OK;
    for (uint64_t at = 0; at < src->offset && rc == SHELF_OK; at += CHUNK) {
        size_t n = src->offset - at < CHUNK ? (size_t)(src->offset - at) : CHUNK;
        rc = shelf_fw_read_back(src, at, chunk, n, err);
        if (rc == SHELF_OK && shelf_fw_write(w, chunk, n) != SHELF_OK)
            rc = report(w, err);
    }
    free(chunk);
    return rc;
}

int shelf_fw_write(shelf_fwriter *w, const void *data, size_t n)
{
    if (w->status != SHELF_OK)
        return w->status;
    if (n == 0)
        return SHELF_OK;
    const uint8_t *p = data;
    w->offset += n;
    if (n < SHELF_FW_BUFFER - w->buffered) { /* the common case: it fits */
        memcpy(w->buf + w->buffered, p, n);
        w->buffered += n;
        return SHELF_OK;
    }
    while (n > 0) {
        size_t room = SHELF_FW_BUFFER - w->buffered;
        size_t take = n < room ? n : room;
        memcpy(w->buf + w->buffered, p, take);
        w->buffered += take;
        p += take;
        n -= take;
        if (w->buffered == SHELF_FW_BUFFER && flush_buffer(w) != SHELF_OK)
            return w->status;
    }
    return SHELF_OK;
}

int shelf_fw_u32(shelf_fwriter *w, uint32_t v)
{
    uint8_t b[4];
    shelf_store_u32le(b, v);
    return shelf_fw_write(w, b, 4);
}

int shelf_fw_u64(shelf_fwriter *w, uint64_t v)
{
    uint8_t b[8];
    shelf_store_u64le(b, v);
    return shelf_fw_write(w, b, 8);
}

int shelf_fw_varint(shelf_fwriter *w, uint64_t v)
{
    if (w->status == SHELF_OK && SHELF_FW_BUFFER - w->buffered > SHELF_VARINT_MAX) {
        size_t n = shelf_varint_put(w->buf + w->buffered, v);
        w->buffered += n;
        w->offset += n;
        return SHELF_OK;
    }
    uint8_t b[SHELF_VARINT_MAX];
    return shelf_fw_write(w, b, shelf_varint_put(b, v));
}

int shelf_fw_finish(shelf_fwriter *w, shelf_err *err)
{
    uint8_t tail[12];
    shelf_store_u64le(tail, w->offset + SHELF_FOOTER_BYTES);
    shelf_store_u32le(tail + 8, SHELF_END_MAGIC);
    shelf_fw_write(w, tail, sizeof tail);
    if (w->status == SHELF_OK)
        flush_buffer(w); /* folds the last bytes into the CRC */
    uint8_t crc[4];
    shelf_store_u32le(crc, w->crc);
    shelf_fw_write(w, crc, sizeof crc);
    if (w->status == SHELF_OK)
        flush_buffer(w);
    shelf_crashpoint();
    if (w->status == SHELF_OK && fsync(w->fd) != 0)
        fail_errno(w, errno, "fsync failed");
    if (w->status == SHELF_OK && close(w->fd) != 0)
        fail_errno(w, errno, "close failed");
    else if (w->status != SHELF_OK)
        close(w->fd);
    w->fd = -1;
    return report(w, err);
}

int shelf_fw_commit(shelf_fwriter *w, shelf_err *err)
{
    if (w->status != SHELF_OK)
        return report(w, err);
    shelf_crashpoint();
    if (rename(w->tmp_path, w->path) != 0)
        return shelf_errno(err, errno, "%s: cannot rename to %s", w->tmp_path, w->path);
    shelf_crashpoint();
    free(w->tmp_path);
    w->tmp_path = NULL;
    return SHELF_OK;
}

void shelf_fw_abort(shelf_fwriter *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    if (w->tmp_path && !w->scratch)
        unlink(w->tmp_path);
    free(w->tmp_path);
    free(w->path);
    free(w->buf);
    w->tmp_path = w->path = NULL;
    w->buf = NULL;
}

int shelf_fsync_dir(const char *dir, shelf_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return shelf_errno(err, errno, "%s: cannot open folder", dir);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL)
        return shelf_errno(err, e, "%s: fsync of folder failed", dir);
    return SHELF_OK;
}

FILE *shelf_unlinked_temp(const char *near_path, shelf_err *err)
{
    size_t n = strlen(near_path);
    char *tmpl = malloc(n + 16);
    if (!tmpl) {
        shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", near_path);
        return NULL;
    }
    memcpy(tmpl, near_path, n);
    memcpy(tmpl + n, ".temp.XXXXXX", 13);
    int fd = mkstemp(tmpl);
    FILE *f = NULL;
    if (fd < 0) {
        shelf_errno(err, errno, "%s: cannot create temporary file", tmpl);
    } else {
        unlink(tmpl);
        f = fdopen(fd, "w+b");
        if (!f) {
            shelf_errno(err, errno, "%s: cannot open temporary file", tmpl);
            close(fd);
        }
    }
    free(tmpl);
    return f;
}
