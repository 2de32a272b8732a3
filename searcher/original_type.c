/* original_type.c - content types and dispositions of originals; see original_type.h. */
#include "original_type.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How an original is served, beyond its MIME type (the readers table's). */
typedef struct type_row {
    const char *reader; /* the readers table row's name */
    bool charset;       /* text: the stored encoding is named */
    bool sandbox;
} type_row;

/* A format without a row here is served as application/octet-stream. */
static const type_row rows[] = {
    {"text", true, true},  {"markdown", true, true}, {"html", true, true}, {"pdf", false, false},
    {"docx", false, true}, {"odt", false, true},     {"epub", false, true},
};

static const type_row *row_of(shelf_format format)
{
    const shelf_format_info *info = shelf_format_info_of(format);
    if (!info)
        return NULL;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        if (strcmp(rows[i].reader, info->name) == 0)
            return &rows[i];
    return NULL;
}

void original_type(shelf_format format, shelf_encoding encoding, char out[ORIGINAL_TYPE_MAX])
{
    const type_row *row = row_of(format);
    const char *mime = row ? shelf_format_info_of(format)->mime : NULL;
    if (!row || !mime) {
        snprintf(out, ORIGINAL_TYPE_MAX, "application/octet-stream");
        return;
    }
    if (!row->charset || encoding == SHELF_ENC_OTHER) {
        snprintf(out, ORIGINAL_TYPE_MAX, "%s", mime);
        return;
    }
    const char *name = shelf_encoding_name(encoding);
    if (strcmp(name, "unknown") == 0)
        name = "utf-8";
    snprintf(out, ORIGINAL_TYPE_MAX, "%s; charset=%s", mime, name);
}

bool original_sandboxed(shelf_format format)
{
    const type_row *row = row_of(format);
    return !row || row->sandbox;
}

/* RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" */
static bool attr_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("!#$&+-.^_`|~", c) != NULL;
}

char *original_disposition(const char *path, size_t len)
{
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    const char *name = path + start;
    size_t n = len - start;
    /* quoted: one byte per byte; starred: up to three */
    char *out = malloc(sizeof "inline; filename=\"\"; filename*=UTF-8''" + 4 * n);
    if (!out)
        return NULL;
    char *w = out + sprintf(out, "inline; filename=\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        *w++ = c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : (char)c;
    }
    w += sprintf(w, "\"; filename*=UTF-8''");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (attr_char(c))
            *w++ = (char)c;
        else
            w += sprintf(w, "%%%02X", c);
    }
    *w = '\0';
    return out;
}
