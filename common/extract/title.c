/* title.c - the first-line title rule; see title.h. */
#include "extract/title.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

size_t shelf_title_cut(const char *title, size_t len)
{
    const size_t max = SHELF_TITLE_MAX_BYTES;
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && max - n < 3 && shelf_utf8_is_continuation((uint8_t)title[n]))
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
            *title_len = shelf_title_cut(text + a, b - a);
            return text + a;
        }
        i = end + 1;
    }
    *title_len = strlen(fallback);
    return fallback;
}
