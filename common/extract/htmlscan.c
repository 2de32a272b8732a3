/* htmlscan.c - byte-level scanning of raw HTML; see htmlscan.h. */
#include "extract/htmlscan.h"

#include <string.h>
#include <strings.h>

bool shelf_html_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool shelf_html_starts_with(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    return n >= wl && strncasecmp(s, w, wl) == 0;
}

size_t shelf_html_find(const char *s, size_t n, size_t from, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = from; i + wl <= n; i++)
        if (memcmp(s + i, w, wl) == 0)
            return i;
    return n;
}
