/* omega_data.c - Omega's "field=value" document data; see omega_data.h. */
#include "backend/xapian/omega_data.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Append s with each run of white space as one space (none leading or
 * trailing), at most max bytes, never cutting a UTF-8 character. */
static int put_line_value(shelf_buf *out, const char *s, size_t len, size_t max)
{
    size_t written = 0;
    bool gap = false;
    for (size_t i = 0; i < len; i++) {
        if (is_space(s[i])) {
            gap = written > 0;
            continue;
        }
        size_t n = 1; /* the character's bytes: a lead byte and its continuations */
        while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
            n++;
        if (written + gap + n > max)
            break;
        if ((gap && shelf_buf_put_u8(out, ' ')) || shelf_buf_append(out, s + i, n))
            return -1;
        written += gap + n;
        gap = false;
        i += n - 1;
    }
    return 0;
}

static int put_field(shelf_buf *out, const char *name, const char *value, size_t len, size_t max)
{
    return shelf_buf_append(out, name, strlen(name)) || put_line_value(out, value, len, max) ||
           shelf_buf_put_u8(out, '\n');
}

/* The file's name: what follows the path's last '/'. */
static const char *base_name(const char *path, size_t len, size_t *out_len)
{
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *out_len = len - start;
    return path + start;
}

int shelf_omega_data(shelf_buf *out, const shelf_docview *m, const char *text, size_t text_len)
{
    size_t caption_len = m->title_len;
    const char *caption = caption_len ? m->title : base_name(m->path, m->path_len, &caption_len);
    char numbers[96];
    long long seconds = (long long)(m->mtime_ns / 1000000000);
    snprintf(numbers, sizeof numbers, "modtime=%lld\nsize=%" PRIu64 "\n", seconds, m->size);
    int bad = put_field(out, "url=", m->path, m->path_len, SIZE_MAX) ||
              put_field(out, "caption=", caption, caption_len, SIZE_MAX) ||
              put_field(out, "sample=", text, text_len, SHELF_OMEGA_SAMPLE_BYTES) ||
              shelf_buf_append(out, numbers, strlen(numbers));
    return bad ? SHELF_ENOMEM : SHELF_OK;
}
