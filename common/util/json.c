/* json.c - JSON string escaping; see json.h. */
#include "util/json.h"
#include "util/utf8.h"


void shelf_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20) {
            static const char short_forms[] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
                                               ['\r'] = 'r', ['\t'] = 't'};
            if (c < sizeof short_forms && short_forms[c])
                fprintf(out, "\\%c", short_forms[c]);
            else
                fprintf(out, "\\u%04x", c);
            i++;
        } else {
            int32_t cp;
            size_t n = shelf_utf8_decode(p, len, i, &cp);
            if (cp == SHELF_UTF8_INVALID) {
                fputs("\xEF\xBF\xBD", out);
                i++;
            } else {
                fwrite(p + i, 1, n, out);
                i += n;
            }
        }
    }
    fputc('"', out);
}
