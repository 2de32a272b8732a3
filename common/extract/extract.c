/* extract.c - reading one file for indexing: load, detect the format, hand
 * the bytes to its reader (a row of readers.h), settle the title.  Rules:
 * extract.h.  Knows no format: everything format-specific is in the row. */
#include "extract/extract.h"

#include "extract/docauthor.h"
#include "extract/dateline.h"
#include "extract/docdate.h"
#include "extract/encoding.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define SHELF_CUT_SEARCH_BYTES 65536

shelf_format shelf_detect_format(const char *path, const char *data, size_t len)
{
    return shelf_reader_detect(path, data, len)->info->format;
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

/* An open source file and what has been read of it. */
typedef struct source {
    const char *path;
    int fd;
    shelf_readbuf *buf; /* holds the bytes */
    char *bytes;        /* buf->data: the first `have` bytes (NUL after them) */
    size_t have;
} source;

void shelf_readbuf_free(shelf_readbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->cap = 0;
}

int shelf_source_open(int dirfd, const char *name, const char *path, bool follow, int *fd,
                      shelf_err *err)
{
    *fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
    if (*fd < 0)
        return shelf_errno(err, errno, "%s: cannot open", path);
    return SHELF_OK;
}

/* The open file's size and time: from fd_stat when the caller has its
 * fstat, else from one here. */
static int stat_source(source *src, const struct stat *fd_stat, shelf_extracted *out, shelf_err *err)
{
    struct stat own;
    if (!fd_stat && fstat(src->fd, &own) == 0)
        fd_stat = &own;
    if (!fd_stat || !S_ISREG(fd_stat->st_mode))
        return shelf_errf(err, SHELF_ESKIP, "%s: not a regular file", src->path);
    out->size = (uint64_t)fd_stat->st_size;
    out->mtime_ns = (int64_t)fd_stat->st_mtim.tv_sec * 1000000000 + fd_stat->st_mtim.tv_nsec;
    if (out->size == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: empty file", src->path);
    return SHELF_OK;
}

/* Room for want bytes and a NUL in the buffer, keeping what it holds. */
static int reserve(source *src, size_t want, shelf_err *err)
{
    shelf_readbuf *b = src->buf;
    if (want < b->cap)
        return SHELF_OK;
    size_t cap = b->cap * 2 > want + 1 ? b->cap * 2 : want + 1;
    if (cap < 4096)
        cap = 4096;
    char *p = realloc(b->data, cap);
    if (!p)
        return shelf_errf(err, SHELF_ENOMEM, "%s: too large to load (%zu bytes)", src->path, want);
    b->data = p;
    b->cap = cap;
    src->bytes = p;
    return SHELF_OK;
}

/* Read until `have` reaches want (the file's first bytes). */
static int read_upto(source *src, size_t want, shelf_err *err)
{
    if (want <= src->have)
        return SHELF_OK;
    int rc = reserve(src, want, err);
    if (rc != SHELF_OK)
        return rc;
    rc = read_all(src->fd, src->path, src->bytes + src->have, want - src->have, err);
    if (rc != SHELF_OK)
        return rc;
    src->have = want;
    src->bytes[want] = '\0';
    return SHELF_OK;
}

/* The hash of the whole file when only its first `have` bytes are kept:
 * those, then the rest read in chunks and dropped. */
static int hash_with_rest(source *src, uint64_t size, uint64_t *hash, shelf_err *err)
{
    XXH3_state_t *state = XXH3_createState();
    if (!state || XXH3_64bits_reset(state) != XXH_OK) {
        XXH3_freeState(state);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", src->path);
    }
    XXH3_64bits_update(state, src->bytes, src->have);
    char chunk[1 << 16];
    int rc = SHELF_OK;
    for (uint64_t done = src->have; done < size && rc == SHELF_OK;) {
        size_t n = size - done < sizeof chunk ? (size_t)(size - done) : sizeof chunk;
        rc = read_all(src->fd, src->path, chunk, n, err);
        if (rc == SHELF_OK)
            XXH3_64bits_update(state, chunk, n);
        done += n;
    }
    *hash = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    return rc;
}

/* End a cut text at its last line break near the cut, so no line or UTF-8
 * sequence is split (UTF-16 is cut at an even length). */
static size_t text_cut(const char *bytes, size_t have, shelf_encoding bom)
{
    size_t floor = have > SHELF_CUT_SEARCH_BYTES ? have - SHELF_CUT_SEARCH_BYTES : 0;
    for (size_t i = have; i > floor; i--)
        if (bytes[i - 1] == '\n')
            return i;
    if (bom == SHELF_ENC_UTF16LE || bom == SHELF_ENC_UTF16BE)
        return have & ~(size_t)1;
    size_t n = have;
    while (n > 0 && shelf_utf8_is_continuation((uint8_t)bytes[n - 1]))
        n--;
    return n > 0 && (unsigned char)bytes[n - 1] >= 0xC0 ? n - 1 : have;
}

/* Load the bytes the reader needs: all of the file for a sandboxed reader
 * (up to its limit), the first SHELF_MAX_TEXT_BYTES for any other. */
static int load(source *src, shelf_extracted *out, const shelf_reader **reader, shelf_err *err)
{
    size_t head = out->size < SHELF_MAX_TEXT_BYTES ? (size_t)out->size : SHELF_MAX_TEXT_BYTES;
    int rc = read_upto(src, head, err);
    if (rc != SHELF_OK)
        return rc;
    *reader = shelf_reader_detect(src->path, src->bytes, src->have);
    out->format = (*reader)->info->format;
    if (shelf_reader_sandboxed(*reader) && out->size > (*reader)->max_file_bytes)
        return shelf_errf(err, SHELF_ESKIP, "%s: %s larger than %d MiB (skipped)", src->path,
                          (*reader)->info->label, (int)((*reader)->max_file_bytes >> 20));
    if (shelf_reader_sandboxed(*reader))
        rc = read_upto(src, (size_t)out->size, err);
    if (rc == SHELF_OK && out->size <= src->have) {
        out->hash = XXH3_64bits(src->bytes, src->have);
        return SHELF_OK;
    }
    if (rc == SHELF_OK) {
        rc = hash_with_rest(src, out->size, &out->hash, err);
        shelf_encoding bom = SHELF_ENC_UTF8;
        shelf_bom_length(src->bytes, src->have, &bom);
        src->have = text_cut(src->bytes, src->have, bom);
        src->bytes[src->have] = '\0';
        out->truncated = true;
    }
    return rc;
}

static void close_source(source *src)
{
    if (src->fd >= 0)
        close(src->fd);
    if (src->buf->cap > SHELF_READBUF_KEEP)
        shelf_readbuf_free(src->buf);
}

/* No title line: the file name made readable, or as it is when out of
 * memory. */
static void title_from_name(const char *path, shelf_extracted *out)
{
    size_t cap = SHELF_TITLE_MAX_BYTES + 1;
    char *name = malloc(cap);
    if (!name) {
        out->title = base_name(path);
        out->title_len = shelf_title_cut(out->title, strlen(out->title));
        return;
    }
    free(out->title_buf);
    out->title_buf = name;
    out->title_len = shelf_title_of_name(path, name, cap);
    out->title = name;
}

/* A reader's date kept only when it is the ISO form docdate.h makes. */
static char *checked_date(char *date)
{
    char iso[SHELF_DOCDATE_BUF];
    if (date && (shelf_docdate_normalise(date, strlen(date), iso) == 0 || strcmp(iso, date) != 0)) {
        free(date);
        return NULL;
    }
    return date;
}

int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err)
{
    int fd;
    int rc = shelf_source_open(AT_FDCWD, path, path, true, &fd, err);
    if (rc != SHELF_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    shelf_readbuf buf = {0};
    rc = shelf_extract_fd(fd, path, &buf, out, err);
    shelf_readbuf_free(&buf);
    return rc;
}

int shelf_extract_fd(int fd, const char *path, shelf_readbuf *buf, shelf_extracted *out, shelf_err *err)
{
    return shelf_extract_fd_statted(fd, NULL, path, buf, out, err);
}

int shelf_extract_fd_statted(int fd, const struct stat *fd_stat, const char *path,
                             shelf_readbuf *buf, shelf_extracted *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    source src = {.path = path, .fd = fd, .buf = buf, .bytes = buf->data};
    shelf_doctext d = {0};
    const shelf_reader *reader = NULL;
    int rc = stat_source(&src, fd_stat, out, err);
    if (rc == SHELF_OK)
        rc = load(&src, out, &reader, err);
    if (rc == SHELF_OK)
        rc = reader->extract(path, src.bytes, src.have, &d, err);
    close_source(&src);
    if (rc != SHELF_OK) {
        shelf_extracted_free(out);
        return rc;
    }
    out->text = d.text;
    out->len = d.len;
    out->title_buf = d.title;
    out->author = shelf_author_clean(d.author);
    out->date = checked_date(d.date);
    if (!out->date && reader->info->format == SHELF_FORMAT_TEXT)
        out->date = shelf_dateline_of(d.text, d.len);
    out->layout = d.layout;
    out->encoding = d.encoding;
    out->invalid_utf8 = d.invalid_utf8;
    if (d.title && d.title_len > 0) {
        out->title = d.title;
        out->title_len = shelf_title_cut(d.title, d.title_len);
    } else {
        out->title = shelf_title_of(out->text, out->len, NULL, &out->title_len);
        if (!out->title)
            title_from_name(path, out);
    }
    return SHELF_OK;
}

void shelf_extracted_free(shelf_extracted *e)
{
    free(e->text);
    free(e->title_buf);
    free(e->author);
    free(e->date);
    shelf_layout_free(&e->layout);
    memset(e, 0, sizeof *e);
}
