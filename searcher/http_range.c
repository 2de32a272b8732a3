/* http_range.c - a single byte range; see http_range.h. */
#include "http_range.h"

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#define DIGITS_MAX 18 /* below 2^63: no overflow */

/* Digits at *p into *out (at least one, at most DIGITS_MAX). */
static bool number(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (n == DIGITS_MAX)
            return false;
        v = v * 10 + (uint64_t)(s[n] - '0');
        n++;
    }
    if (n == 0)
        return false;
    *p = s + n;
    *out = v;
    return true;
}

static const char *spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

range_kind range_parse(const char *header, uint64_t size, uint64_t *from, uint64_t *len)
{
    if (!header || strncasecmp(header, "bytes=", 6) != 0)
        return RANGE_WHOLE;
    const char *p = spaces(header + 6);
    uint64_t first = 0, last = 0;
    bool has_first = number(&p, &first);
    if (*p++ != '-')
        return RANGE_WHOLE;
    bool has_last = number(&p, &last);
    if (*spaces(p) != '\0' || (!has_first && !has_last) || (has_first && has_last && last < first))
        return RANGE_WHOLE;
    if (!has_first) { /* the last `last` bytes */
        if (last == 0 || size == 0)
            return RANGE_NONE;
        *from = last >= size ? 0 : size - last;
        *len = size - *from;
        return RANGE_PART;
    }
    if (first >= size)
        return RANGE_NONE;
    if (!has_last || last >= size)
        last = size - 1;
    *from = first;
    *len = last - first + 1;
    return RANGE_PART;
}
