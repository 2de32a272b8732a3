/* extract.c - reading one file for indexing: load, detect the format, hand
 * the bytes to its reader, settle the title.  Rules: extract.h. */
#include "extract/extract.h"
#include "extract/convert.h"
#include "util/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define BINARY_SNIFF_BYTES 8192
#define PDF_SNIFF_BYTES 1024
#define SHELF_CUT_SEARCH_BYTES 65536

bool shelf_extract_supported(const char *path)
{
    static const char *const exts[] = {".txt", ".text", ".md",  ".markdown", ".html",
                                       ".htm", ".xhtml", ".pdf"};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return true; /* no extension: README, NOTES, ... */
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

static bool has_extension(const char *path, const char *const *exts, size_t n)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < n; i++) {
        size_t e = strlen(exts[i]);
        if (len > e && strcasecmp(path + len - e, exts[i]) == 0)
            return true;
    }
    return false;
}

static bool is_pdf(const char *data, size_t len)
{
    size_t n = len < PDF_SNIFF_BYTES ? len : PDF_SNIFF_BYTES;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return true;
    return false;
}

shelf_format shelf_detect_format(const char *path, const char *data, size_t len)
{
    static const char *const md[] = {".md", ".markdown"};
    static const char *const html[] = {".html", ".htm", ".xhtml"};
    if (is_pdf(data, len))
        return SHELF_FORMAT_PDF;
    if (shelf_sniff_html(data, len))
        return SHELF_FORMAT_HTML;
    if (has_extension(path, md, 2))
        return SHELF_FORMAT_MARKDOWN;
    if (has_extension(path, html, 3) && !shelf_looks_binary(data, len))
        return SHELF_FORMAT_HTML;
    return SHELF_FORMAT_TEXT;
}

const char *shelf_format_name(shelf_format f)
{
    static const char *const names[] = {"text", "markdown", "html", "pdf"};
    return (unsigned)f < 4 ? names[f] : "unknown";
}

const char *shelf_encoding_name(shelf_encoding e)
{
    static const char *const names[] = {"utf-8", "utf-16le", "utf-16be", "windows-1252", "declared"};
    return (unsigned)e < 5 ? names[e] : "unknown";
}

void shelf_doctext_free(shelf_doctext *d)
{
    free(d->text);
    free(d->title);
    shelf_layout_free(&d->layout);
    memset(d, 0, sizeof *d);
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

/* Cut to at most max bytes without splitting a UTF-8 sequence.  A sequence
 * has at most three continuation bytes, so no more are stepped back over
 * (a run of stray ones must not cut the title down to nothing). */
static size_t cut_at_char(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && max - n < 3 && shelf_utf8_is_continuation((uint8_t)s[n]))
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

/* Markdown is rendered from the decoded text. */
static int read_markdown(const char *path, const char *data, size_t len, shelf_doctext *d,
                         shelf_err *err)
{
    shelf_doctext plain;
    int rc = shelf_decode_text(path, data, len, &plain, err);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_extract_markdown(path, plain.text, plain.len, d, err);
    if (rc == SHELF_OK) {
        d->encoding = plain.encoding;
        d->invalid_utf8 = plain.invalid_utf8;
    }
    shelf_doctext_free(&plain);
    return rc;
}

static int read_format(const char *path, shelf_format f, const char *data, size_t len,
                       shelf_doctext *d, shelf_err *err)
{
    switch (f) {
    case SHELF_FORMAT_PDF:
        return shelf_extract_pdf(path, data, len, SHELF_PDF_BUDGET_MS, d, err);
    case SHELF_FORMAT_HTML:
        return shelf_extract_html(path, data, len, d, err);
    case SHELF_FORMAT_MARKDOWN:
        return read_markdown(path, data, len, d, err);
    default:
        return shelf_decode_text(path, data, len, d, err);
    }
}

/* An open source file and what has been read of it. */
typedef struct source {
    const char *path;
    int fd;
    char *bytes;  /* the first `have` bytes (NUL after them) */
    size_t have;
    XXH3_state_t *hash;
} source;

static int open_source(source *src, shelf_extracted *out, shelf_err *err)
{
    src->fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (src->fd < 0)
        return shelf_errno(err, errno, "%s: cannot open", src->path);
    struct stat st;
    if (fstat(src->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return shelf_errf(err, SHELF_ESKIP, "%s: not a regular file", src->path);
    out->size = (uint64_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (out->size == 0)
        return shelf_errf(err, SHELF_ESKIP, "%s: empty file", src->path);
    src->hash = XXH3_createState();
    if (!src->hash || XXH3_64bits_reset(src->hash) != XXH_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", src->path);
    return SHELF_OK;
}

/* Read until `have` reaches want (the file's first bytes), hashing them. */
static int read_upto(source *src, size_t want, shelf_err *err)
{
    if (want <= src->have)
        return SHELF_OK;
    char *p = realloc(src->bytes, want + 1);
    if (!p)
        return shelf_errf(err, SHELF_ENOMEM, "%s: too large to load (%zu bytes)", src->path, want);
    src->bytes = p;
    int rc = read_all(src->fd, src->path, p + src->have, want - src->have, err);
    if (rc != SHELF_OK)
        return rc;
    XXH3_64bits_update(src->hash, p + src->have, want - src->have);
    src->have = want;
    p[want] = '\0';
    return SHELF_OK;
}

/* Hash the rest of the file without keeping it. */
static int hash_rest(source *src, uint64_t size, shelf_err *err)
{
    char chunk[1 << 16];
    for (uint64_t done = src->have; done < size;) {
        size_t n = size - done < sizeof chunk ? (size_t)(size - done) : sizeof chunk;
        int rc = read_all(src->fd, src->path, chunk, n, err);
        if (rc != SHELF_OK)
            return rc;
        XXH3_64bits_update(src->hash, chunk, n);
        done += n;
    }
    return SHELF_OK;
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

/* Load the bytes the format needs: all of a PDF (up to its limit), the
 * first SHELF_MAX_TEXT_BYTES of anything else. */
static int load(source *src, shelf_extracted *out, shelf_err *err)
{
    size_t head = out->size < SHELF_MAX_TEXT_BYTES ? (size_t)out->size : SHELF_MAX_TEXT_BYTES;
    int rc = read_upto(src, head, err);
    if (rc != SHELF_OK)
        return rc;
    out->format = shelf_detect_format(src->path, src->bytes, src->have);
    if (out->format == SHELF_FORMAT_PDF && out->size > SHELF_MAX_PDF_BYTES)
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF larger than %d MiB (skipped)", src->path,
                          (int)(SHELF_MAX_PDF_BYTES >> 20));
    if (out->format == SHELF_FORMAT_PDF)
        return read_upto(src, (size_t)out->size, err);
    if (out->size > src->have) {
        rc = hash_rest(src, out->size, err);
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
    free(src->bytes);
    XXH3_freeState(src->hash);
}

int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    source src = {.path = path, .fd = -1};
    shelf_doctext d = {0};
    int rc = open_source(&src, out, err);
    if (rc == SHELF_OK)
        rc = load(&src, out, err);
    if (rc == SHELF_OK) {
        out->hash = XXH3_64bits_digest(src.hash);
        rc = read_format(path, out->format, src.bytes, src.have, &d, err);
    }
    close_source(&src);
    if (rc != SHELF_OK) {
        shelf_extracted_free(out);
        return rc;
    }
    out->text = d.text;
    out->len = d.len;
    out->title_buf = d.title;
    out->layout = d.layout;
    out->encoding = d.encoding;
    out->invalid_utf8 = d.invalid_utf8;
    if (d.title && d.title_len > 0) {
        out->title = d.title;
        out->title_len = cut_at_char(d.title, d.title_len, SHELF_TITLE_MAX_BYTES);
    } else {
        out->title = shelf_title_of(out->text, out->len, base_name(path), &out->title_len);
    }
    return SHELF_OK;
}

void shelf_extracted_free(shelf_extracted *e)
{
    free(e->text);
    free(e->title_buf);
    shelf_layout_free(&e->layout);
    memset(e, 0, sizeof *e);
}
