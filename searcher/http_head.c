/* http_head.c - ambiguous request heads; see http_head.h. */
#include "http_head.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* The head as a range of libmicrohttpd's read buffer, walked part by part. */
typedef struct head_walk {
    const char *at;   /* the end of the last part seen */
    const char *end;  /* the end of the head */
    unsigned hosts, lengths, encodings;
    const char *why;  /* the first problem */
} head_walk;

static bool inside(const head_walk *h, const char *p)
{
    return p >= h->at && p <= h->end;
}

/* [from, to) is one line break as libmicrohttpd leaves it: CR LF or LF,
 * each byte turned into a NUL. */
static bool line_break(const char *from, const char *to, size_t breaks)
{
    size_t n = (size_t)(to - from);
    if (n < breaks || n > 2 * breaks)
        return false;
    for (size_t i = 0; i < n; i++)
        if (from[i] != '\0')
            return false;
    return true;
}

static bool token_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!token_char((unsigned char)*s))
            return false;
    return true;
}

static bool clean_value(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return false;
    return true;
}

static void count_special(head_walk *h, const char *key)
{
    if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
        h->hosts++;
    else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        h->lengths++;
    else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
        h->encodings++;
}

/* One header line: the break before it, "name", NUL (the colon), spaces
 * or tabs, "value". */
static const char *check_field(head_walk *h, const char *key, const char *value)
{
    if (!inside(h, key) || !line_break(h->at, key, 1))
        return "a NUL byte or a folded line in the headers";
    if (!is_token(key))
        return "a header name that is not a token";
    const char *p = key + strlen(key) + 1;
    if (!inside(h, value) || value < p)
        return "a NUL byte in the headers";
    for (; p < value; p++)
        if (*p != ' ' && *p != '\t')
            return "a NUL byte in the headers";
    if (!clean_value(value))
        return "a control character in a header value";
    h->at = value + strlen(value);
    count_special(h, key);
    return NULL;
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
    head_walk *h = cls;
    if (kind != MHD_HEADER_KIND || h->why)
        return MHD_YES;
    if (!key || !value)
        h->why = "a malformed header";
    else
        h->why = check_field(h, key, value);
    return h->why ? MHD_NO : MHD_YES;
}

/* "METHOD" NUL (the space), more spaces, the target, NUL, "VERSION". */
static const char *check_request_line(head_walk *h, const char *method, const char *url,
                                      const char *version, size_t raw_target_len)
{
    const char *p = method + strlen(method) + 1;
    if (!inside(h, url) || url < p)
        return "a NUL byte in the method";
    for (; p < url; p++)
        if (*p != ' ')
            return "a NUL byte in the method";
    if (!inside(h, version) || version < url + 1 || (size_t)(version - url - 1) != raw_target_len)
        return "a NUL byte in the request target";
    h->at = version + strlen(version);
    return NULL;
}

const char *head_ambiguity(struct MHD_Connection *c, const char *method, const char *url,
                           const char *version, size_t raw_target_len)
{
    const union MHD_ConnectionInfo *size =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (!size || !method)
        return "a malformed request line";
    head_walk h = {.at = method, .end = method + size->header_size};
    const char *why = check_request_line(&h, method, url, version, raw_target_len);
    if (why)
        return why;
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, on_field, &h);
    if (h.why)
        return h.why;
    if (!line_break(h.at, h.end, 2))
        return "a NUL byte or a folded line in the headers";
    if (h.hosts > 1)
        return "more than one Host header";
    if (h.lengths > 1 || h.encodings > 1 || (h.lengths && h.encodings))
        return "more than one Content-Length or Transfer-Encoding header";
    return NULL;
}
