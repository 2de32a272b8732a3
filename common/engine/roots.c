/* roots.c - the ROOTS file of an index folder; see roots.h. */
#include "engine/roots.h"
#include "backend/path_under.h"
#include "util/progname.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ROOTS_HEADER "shelf-roots 1\n"
#define ROOTS_MAX_BYTES (1u << 20)

static uint32_t crc_of(const char *data, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data, (uInt)n);
}

void shelf_roots_free(shelf_roots *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->paths[i]);
    free(r->paths);
    r->paths = NULL;
    r->count = 0;
}

static int push(shelf_roots *r, const char *p, size_t n)
{
    char **grown = realloc(r->paths, (r->count + 1) * sizeof *grown);
    if (!grown)
        return SHELF_ENOMEM;
    r->paths = grown;
    char *copy = strndup(p, n);
    if (!copy)
        return SHELF_ENOMEM;
    r->paths[r->count++] = copy;
    return SHELF_OK;
}

static char *slurp(const char *path, size_t *len, int *errno_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *errno_out = errno;
        return NULL;
    }
    char *buf = malloc(ROOTS_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, ROOTS_MAX_BYTES + 1, f) : 0;
    *errno_out = buf ? (ferror(f) ? EIO : 0) : ENOMEM;
    fclose(f);
    if (!buf || *errno_out) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Check the header and the crc line of text; the root lines lie between. */
static int check_frame(const char *path, const char *text, size_t len, const char **body,
                       size_t *body_len, shelf_err *err)
{
    size_t head = strlen(ROOTS_HEADER);
    if (len > ROOTS_MAX_BYTES || len < head || memcmp(text, ROOTS_HEADER, head) != 0)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (no shelf-roots header)", path);
    if (text[len - 1] != '\n' || memchr(text, '\0', len))
        return shelf_errf(err, SHELF_ECORRUPT, "%s: truncated or damaged (no end line)", path);
    const char *last = text + len - 1;
    while (last > text && last[-1] != '\n')
        last--;
    unsigned crc;
    char tail;
    if (last < text + head || sscanf(last, "crc32 %8x%c", &crc, &tail) != 2 || tail != '\n')
        return shelf_errf(err, SHELF_ECORRUPT, "%s: truncated or damaged (no crc32 line)", path);
    if (crc_of(text, (size_t)(last - text)) != crc)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (checksum mismatch)", path);
    *body = text + head;
    *body_len = (size_t)(last - *body);
    return SHELF_OK;
}

int shelf_roots_read(const char *dir, shelf_roots *r, shelf_err *err)
{
    memset(r, 0, sizeof *r);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_ROOTS_NAME);
    size_t len = 0;
    int e = 0;
    char *text = slurp(path, &len, &e);
    if (!text && e == ENOENT)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: no %s (the index records no folders)", dir,
                          SHELF_ROOTS_NAME);
    if (!text)
        return shelf_errno(err, e, "%s: cannot read", path);
    const char *body = NULL;
    size_t body_len = 0;
    int rc = check_frame(path, text, len, &body, &body_len, err);
    while (rc == SHELF_OK && body_len > 0) {
        const char *nl = memchr(body, '\n', body_len);
        size_t n = (size_t)(nl - body);
        if (n == 0 || body[0] != '/')
            rc = shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (a root that is not absolute)", path);
        else if (push(r, body, n) != SHELF_OK)
            rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
        body_len -= n + 1;
        body = nl + 1;
    }
    free(text);
    if (rc != SHELF_OK)
        shelf_roots_free(r);
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_folder(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* The file's whole text (malloc'd). */
static char *render(const shelf_roots *r, size_t *len)
{
    size_t cap = strlen(ROOTS_HEADER) + 32;
    for (size_t i = 0; i < r->count; i++)
        cap += strlen(r->paths[i]) + 1;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    size_t n = (size_t)sprintf(text, "%s", ROOTS_HEADER);
    for (size_t i = 0; i < r->count; i++)
        n += (size_t)sprintf(text + n, "%s\n", r->paths[i]);
    n += (size_t)sprintf(text + n, "crc32 %08x\n", (unsigned)crc_of(text, n));
    *len = n;
    return text;
}

int shelf_roots_write(const char *dir, const shelf_roots *r, shelf_err *err)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_ROOTS_NAME);
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", dir, SHELF_ROOTS_NAME);
    size_t len;
    char *text = render(r, &len);
    if (!text)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = SHELF_OK;
    if (fd < 0)
        rc = shelf_errno(err, errno, "%s: cannot create", tmp);
    else if (write_all(fd, text, len) != 0 || fsync(fd) != 0)
        rc = shelf_errno(err, errno, "%s: cannot write", tmp);
    if (fd >= 0 && close(fd) != 0 && rc == SHELF_OK)
        rc = shelf_errno(err, errno, "%s: cannot write", tmp);
    if (rc == SHELF_OK && rename(tmp, path) != 0)
        rc = shelf_errno(err, errno, "%s: cannot rename to %s", tmp, SHELF_ROOTS_NAME);
    if (rc != SHELF_OK)
        unlink(tmp);
    else if (fsync_folder(dir) != 0)
        rc = shelf_errno(err, errno, "%s: cannot fsync", dir);
    free(text);
    return rc;
}

int shelf_roots_add(shelf_roots *r, const char *path)
{
    if (strchr(path, '\n') || path[0] != '/')
        return SHELF_EINVAL;
    for (size_t i = 0; i < r->count; i++)
        if (shelf_path_under(path, r->paths[i]))
            return SHELF_OK;
    size_t kept = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (shelf_path_under(r->paths[i], path))
            free(r->paths[i]);
        else
            r->paths[kept++] = r->paths[i];
    }
    r->count = kept;
    return push(r, path, strlen(path));
}

bool shelf_roots_remove(shelf_roots *r, const char *path)
{
    for (size_t i = 0; i < r->count; i++) {
        if (strcmp(r->paths[i], path) == 0) {
            free(r->paths[i]);
            memmove(r->paths + i, r->paths + i + 1, (r->count - i - 1) * sizeof *r->paths);
            r->count--;
            return true;
        }
    }
    return false;
}

void shelf_recovery_command(const char *dir, char *out, size_t size)
{
    shelf_roots r;
    bool known = shelf_roots_read(dir, &r, NULL) == SHELF_OK && r.count > 0;
    if (known)
        shelf_roots_free(&r);
    snprintf(out, size, "%s --index %s --rebuild%s", shelf_indexer_name(), dir,
             known ? "" : " PATH...");
}

int shelf_recovery_note(const char *dir, int rc, shelf_err *err)
{
    if ((rc != SHELF_ECORRUPT && rc != SHELF_EVERSION) || !err || strstr(err->msg, "--rebuild"))
        return rc;
    char command[SHELF_ERR_MAX];
    shelf_recovery_command(dir, command, sizeof command);
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, "; recover with: %s", command);
    return rc;
}
