/* docauthor.c - author strings cleaned and joined; see docauthor.h. */
#include "extract/docauthor.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Copies s[0..len) into out (room for len + 1): valid characters only,
 * control characters and white space runs as one space, ends trimmed.
 * Returns the length written. */
static size_t collapse(const char *s, size_t len, char *out)
{
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t step = shelf_utf8_decode((const uint8_t *)s, len, i, &cp);
        if (cp == SHELF_UTF8_INVALID) {
            i += step;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == ' ' || cp == 0xA0) {
            space = n > 0;
        } else {
            if (space)
                out[n++] = ' ';
            space = false;
            memmove(out + n, s + i, step); /* in place: out + n never passes s + i */
            n += step;
        }
        i += step;
    }
    out[n] = '\0';
    return n;
}

/* Cuts a cleaned string to SHELF_AUTHOR_MAX_BYTES: at a character boundary,
 * then back to the last name separator or space when one is near. */
static size_t cut(char *s, size_t n)
{
    if (n <= SHELF_AUTHOR_MAX_BYTES)
        return n;
    size_t keep = shelf_utf8_prefix_within((const uint8_t *)s, n, SHELF_AUTHOR_MAX_BYTES);
    size_t at = keep;
    while (at > keep / 2 && s[at] != ' ')
        at--;
    if (at > keep / 2)
        keep = at > 0 && s[at - 1] == ';' ? at - 1 : at;
    s[keep] = '\0';
    return keep;
}

char *shelf_author_clean(char *authors)
{
    if (!authors)
        return NULL;
    size_t n = cut(authors, collapse(authors, strlen(authors), authors));
    if (n == 0) {
        free(authors);
        return NULL;
    }
    return authors;
}

/* True when name is one of the "; "-separated names of list. */
static bool listed(const char *list, const char *name, size_t len)
{
    for (const char *p = list; p && *p;) {
        const char *sep = strstr(p, "; ");
        size_t item = sep ? (size_t)(sep - p) : strlen(p);
        if (item == len && memcmp(p, name, len) == 0)
            return true;
        p = sep ? sep + 2 : NULL;
    }
    return false;
}

int shelf_author_append(char **authors, const char *s, size_t len)
{
    char *name = malloc(len + 1);
    if (!name)
        return -1;
    size_t n = cut(name, collapse(s, len, name));
    size_t have = *authors ? strlen(*authors) : 0;
    size_t joined_len = have > 0 ? have + 2 + n : n;
    if (n == 0 || listed(*authors, name, n) || joined_len > SHELF_AUTHOR_MAX_BYTES) {
        free(name);
        return 0;
    }
    char *joined = realloc(*authors, have + 2 + n + 1);
    if (!joined) {
        free(name);
        return -1;
    }
    if (have > 0) {
        memcpy(joined + have, "; ", 2);
        have += 2;
    }
    memcpy(joined + have, name, n + 1);
    free(name);
    *authors = joined;
    return 0;
}
