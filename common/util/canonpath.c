/* canonpath.c - absolute, symlink-free paths; see canonpath.h. */
#include "util/canonpath.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Append the part [p, p+n) to out (holding an absolute path), applying
 * "." and ".." by text.  Returns -1 when out is full. */
static int append_part(char *out, size_t size, const char *p, size_t n)
{
    size_t len = strlen(out);
    if (n == 0 || (n == 1 && p[0] == '.'))
        return 0;
    if (n == 2 && p[0] == '.' && p[1] == '.') {
        char *slash = strrchr(out, '/');
        if (slash == out)
            out[1] = '\0';
        else if (slash)
            *slash = '\0';
        return 0;
    }
    size_t sep = (len > 0 && out[len - 1] == '/') ? 0 : 1;
    if (len + sep + n + 1 > size)
        return -1;
    if (sep)
        out[len++] = '/';
    memcpy(out + len, p, n);
    out[len + n] = '\0';
    return 0;
}

/* Append every part of rest (a relative path) to out. */
static int append_parts(char *out, size_t size, const char *rest)
{
    while (*rest) {
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        if (append_part(out, size, rest, n) != 0)
            return -1;
        rest += n + (slash ? 1 : 0);
    }
    return 0;
}

/* The longest leading folder of abs (an absolute path) that realpath
 * resolves, into out, and the rest appended by text. */
static int resolve_existing_prefix(const char *abs, char *out, size_t size)
{
    char head[PATH_MAX];
    if (strlen(abs) >= sizeof head)
        return -1;
    strcpy(head, abs);
    for (;;) {
        char *slash = strrchr(head, '/');
        if (!slash)
            return -1;
        if (slash == head) {
            snprintf(out, size, "/");
            return append_parts(out, size, abs + 1);
        }
        *slash = '\0';
        char resolved[PATH_MAX];
        if (realpath(head, resolved)) {
            if (strlen(resolved) >= size)
                return -1;
            strcpy(out, resolved);
            return append_parts(out, size, abs + (slash - head) + 1);
        }
    }
}

int shelf_canonical_path(const char *path, char *out, size_t size, shelf_err *err)
{
    if (!path || !*path)
        return shelf_errf(err, SHELF_EINVAL, "an empty path");
    char resolved[PATH_MAX];
    if (realpath(path, resolved)) {
        if (strlen(resolved) >= size)
            return shelf_errf(err, SHELF_EIO, "%s: path too long", path);
        strcpy(out, resolved);
        return SHELF_OK;
    }
    char abs[PATH_MAX];
    if (path[0] == '/') {
        snprintf(abs, sizeof abs, "%s", path);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return shelf_errno(err, errno, "%s: cannot read the current folder", path);
        if ((size_t)snprintf(abs, sizeof abs, "%s/%s", cwd, path) >= sizeof abs)
            return shelf_errf(err, SHELF_EIO, "%s: path too long", path);
    }
    if (resolve_existing_prefix(abs, out, size) != 0)
        return shelf_errf(err, SHELF_EIO, "%s: path too long", path);
    return SHELF_OK;
}

size_t shelf_path_from(const char *path, size_t len, const char *cwd)
{
    size_t n = strlen(cwd);
    if (n <= 1 || len <= n + 1) /* from "/", absolute reads best */
        return 0;
    return memcmp(path, cwd, n) == 0 && path[n] == '/' ? n + 1 : 0;
}
