/* mapped.c - mmap'd, frame-checked index files; see mapped.h. */
#include "backend/native/mapped.h"
#include "backend/native/format.h"
#include "util/bytes.h"
#include "util/fdio.h"
#include "util/progname.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define KEEP_FD (-2) /* m->fd while opening: keep the descriptor */

static int map_file(shelf_mapped *m, shelf_err *err)
{
    int fd = open(m->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        shelf_errno(err, errno, "%s: cannot open", m->path);
        return err ? (err->code = SHELF_ENOTFOUND) : SHELF_ENOTFOUND;
    }
    if (fd < 0)
        return shelf_errno(err, errno, "%s: cannot open", m->path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = shelf_errno(err, errno, "%s: cannot stat", m->path);
        close(fd);
        return rc;
    }
    m->size = (size_t)st.st_size;
    if (m->size < SHELF_HEADER_BYTES + SHELF_FOOTER_BYTES) {
        close(fd);
        return shelf_errf(err, SHELF_ECORRUPT, "%s: truncated (%zu bytes, too short for an index file)",
                          m->path, m->size);
    }
    void *p = mmap(NULL, m->size, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    if (p != MAP_FAILED && m->fd == KEEP_FD)
        m->fd = fd;
    else
        close(fd);
    if (p == MAP_FAILED)
        return shelf_errno(err, e, "%s: cannot map", m->path);
    m->data = p;
    return SHELF_OK;
}

/* An index file of another format version: say which, and how to get an
 * index this program reads ("indexer --rebuild --index DIR PATH...", DIR
 * the file's folder, the indexer as the user calls it: util/progname.h). */
static int version_refused(const char *path, uint32_t version, shelf_err *err)
{
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    return shelf_errf(err, SHELF_EVERSION,
                      "%s: index format version %u is %s than this program's %u: rebuild it with "
                      "`%s --rebuild --index %.*s PATH...`",
                      path, version, version < SHELF_FORMAT_VERSION ? "older" : "newer",
                      SHELF_FORMAT_VERSION, shelf_indexer_name(), dir_len, dir);
}

static int check_frame(shelf_mapped *m, const char *magic, size_t trailer_len, shelf_err *err)
{
    if (memcmp(m->data, magic, 8) != 0)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: not a %.8s file (bad magic)", m->path, magic);
    uint32_t version = shelf_load_u32le(m->data + 8);
    if (version != SHELF_FORMAT_VERSION)
        return version_refused(m->path, version, err);
    const uint8_t *footer = m->data + m->size - SHELF_FOOTER_BYTES;
    if (shelf_load_u32le(footer + 8) != SHELF_END_MAGIC)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: truncated or damaged (no end marker)", m->path);
    uint64_t recorded = shelf_load_u64le(footer);
    if (recorded != m->size)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: truncated or damaged (length %zu, expected %llu)",
                          m->path, m->size, (unsigned long long)recorded);
    size_t inner = m->size - SHELF_HEADER_BYTES - SHELF_FOOTER_BYTES;
    if (inner < trailer_len)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (too short for its trailer)", m->path);
    m->body = m->data + SHELF_HEADER_BYTES;
    m->body_len = inner - trailer_len;
    m->trailer = m->body + m->body_len;
    return SHELF_OK;
}

int shelf_map_verify(const shelf_mapped *m, shelf_err *err)
{
    size_t covered = m->size - 4;
    uint32_t crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), m->data, covered);
    if (crc != shelf_load_u32le(m->data + covered))
        return shelf_errf(err, SHELF_ECORRUPT, "%s: checksum mismatch (file is corrupt)", m->path);
    return SHELF_OK;
}

static int open_mapped(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                       bool verify_crc, bool keep_fd, shelf_err *err)
{
    memset(m, 0, sizeof *m);
    m->fd = keep_fd ? KEEP_FD : -1;
    m->path = strdup(path);
    if (!m->path)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    int rc = map_file(m, err);
    if (m->fd == KEEP_FD)
        m->fd = -1;
    if (rc == SHELF_OK)
        rc = check_frame(m, magic, trailer_len, err);
    if (rc == SHELF_OK && verify_crc)
        rc = shelf_map_verify(m, err);
    if (rc != SHELF_OK)
        shelf_map_close(m);
    return rc;
}

int shelf_map_open(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                   bool verify_crc, shelf_err *err)
{
    return open_mapped(m, path, magic, trailer_len, verify_crc, false, err);
}

int shelf_map_open_fd(shelf_mapped *m, const char *path, const char *magic, size_t trailer_len,
                      bool verify_crc, shelf_err *err)
{
    return open_mapped(m, path, magic, trailer_len, verify_crc, true, err);
}

int shelf_map_pread(const shelf_mapped *m, uint64_t off, void *buf, size_t len, shelf_err *err)
{
    if (m->fd < 0) { /* not kept open: the mapping it is */
        memcpy(buf, m->data + off, len);
        return SHELF_OK;
    }
    int got = shelf_pread_full(m->fd, off, buf, len);
    if (got < 0)
        return shelf_errno(err, errno, "%s: cannot read", m->path);
    if (got > 0)
        return shelf_errf(err, SHELF_EIO, "%s: cannot read (file shrank)", m->path);
    return SHELF_OK;
}

void shelf_map_close(shelf_mapped *m)
{
    if (m->data)
        munmap((void *)m->data, m->size);
    if (m->fd >= 0)
        close(m->fd);
    free(m->path);
    memset(m, 0, sizeof *m);
}
