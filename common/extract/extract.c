/* extract.c - reading one file for indexing: load, detect the format, hand
 * the bytes to its reader, settle the title.  Rules: extract.h. */
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
#define PDF_SNIFF_BYTES 1024

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

static int load(const char *path, shelf_extracted *out, char **bytes, shelf_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
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
    *bytes = malloc((size_t)out->size + 1);
    if (!*bytes) {
        close(fd);
        return shelf_errf(err, SHELF_ENOMEM, "%s: too large to load (%llu bytes)", path,
                          (unsigned long long)out->size);
    }
    int rc = read_all(fd, path, *bytes, (size_t)out->size, err);
    close(fd);
    if (rc == SHELF_OK)
        (*bytes)[out->size] = '\0';
    return rc;
}

int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    char *bytes = NULL;
    int rc = load(path, out, &bytes, err);
    shelf_doctext d = {0};
    if (rc == SHELF_OK) {
        out->hash = XXH3_64bits(bytes, (size_t)out->size);
        out->format = shelf_detect_format(path, bytes, (size_t)out->size);
        rc = read_format(path, out->format, bytes, (size_t)out->size, &d, err);
    }
    free(bytes);
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
