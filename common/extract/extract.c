/* extract.c - reading text files for indexing; see extract.h for the rules. */
#include "extract/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define BINARY_SNIFF_BYTES 8192

bool shelf_extract_supported(const char *path)
{
    static const char *const exts[] = {".txt", ".text", ".md", ".markdown"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcasecmp(path + n - e, exts[i]) == 0)
            return true;
    }
    return false;
}

bool shelf_looks_binary(const char *data, size_t len)
{
    size_t n = len < BINARY_SNIFF_BYTES ? len : BINARY_SNIFF_BYTES, odd = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            odd++;
    }
    return odd * 10 > n;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t cut_at_char(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t a = i, b = end;
        while (a < b && (is_space(text[a]) || text[a] == '#'))
            a++;
        while (b > a && (is_space(text[b - 1]) || text[b - 1] == '#'))
            b--;
        if (b > a) {
            *title_len = cut_at_char(text + a, b - a, SHELF_TITLE_MAX_BYTES);
            return text + a;
        }
        i = end + 1;
    }
    *title_len = strlen(fallback);
    return fallback;
}

static int read_all(int fd, const char *path, char *buf, size_t size, shelf_err *err)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return shelf_errno(err, errno, "%s: cannot read", path);
        if (n == 0)
            return shelf_errf(err, SHELF_EIO, "%s: file shrank while being read", path);
        done += (size_t)n;
    }
    return SHELF_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return shelf_errno(err, errno, "%s: cannot open", path);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return shelf_errf(err, SHELF_ESKIP, "%s: not a regular file", path);
    }
    out->size = (uint64_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (out->size == 0) {
        close(fd);
        return shelf_errf(err, SHELF_ESKIP, "%s: empty file", path);
    }
    out->text = malloc((size_t)out->size + 1);
    if (!out->text) {
        close(fd);
        return shelf_errf(err, SHELF_ENOMEM, "%s: too large to load (%llu bytes)", path,
                          (unsigned long long)out->size);
    }
    int rc = read_all(fd, path, out->text, (size_t)out->size, err);
    close(fd);
    if (rc == SHELF_OK && shelf_looks_binary(out->text, (size_t)out->size))
        rc = shelf_errf(err, SHELF_ESKIP, "%s: binary file (not text)", path);
    if (rc != SHELF_OK) {
        shelf_extracted_free(out);
        return rc;
    }
    out->len = (size_t)out->size;
    out->text[out->len] = '\0';
    out->hash = XXH3_64bits(out->text, out->len);
    out->title = shelf_title_of(out->text, out->len, base_name(path), &out->title_len);
    return SHELF_OK;
}

void shelf_extracted_free(shelf_extracted *e)
{
    free(e->text);
    memset(e, 0, sizeof *e);
}
