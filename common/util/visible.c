/* visible.c - escaping control characters and invalid UTF-8; see visible.h. */
#include "util/visible.h"

#include <stdint.h>

#include "util/utf8.h"

void shelf_put_visible(FILE *out, const char *s, size_t len)
{
    const uint8_t *t = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        size_t n = shelf_utf8_decode(t, len, i, &cp);
        if (cp < 0 || cp < 0x20 || cp == 0x7F) {
            fprintf(out, "\\x%02X", t[i]);
            i++;
            continue;
        }
        fwrite(t + i, 1, n, out);
        i += n;
    }
}
