/* linetext.c - a line's trimmed text and words; see linetext.h. */
#include "extract/linetext.h"

#include <string.h>
#include <strings.h>

bool shelf_linetext_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

shelf_linetext shelf_linetext_trim(const char *s, size_t n)
{
    while (n > 0 && shelf_linetext_blank(*s))
        s++, n--;
    while (n > 0 && shelf_linetext_blank(s[n - 1]))
        n--;
    return (shelf_linetext){s, n};
}

bool shelf_linetext_opens(shelf_linetext l, const char *word, shelf_linetext *rest)
{
    size_t n = strlen(word);
    if (l.n < n || strncasecmp(l.s, word, n) != 0)
        return false;
    if (rest)
        *rest = (shelf_linetext){l.s + n, l.n - n};
    return true;
}

bool shelf_linetext_next_word(shelf_linetext l, size_t *at, shelf_linetext *word)
{
    while (*at < l.n && shelf_linetext_blank(l.s[*at]))
        (*at)++;
    if (*at >= l.n)
        return false;
    size_t from = *at;
    while (*at < l.n && !shelf_linetext_blank(l.s[*at]))
        (*at)++;
    *word = (shelf_linetext){l.s + from, *at - from};
    return true;
}

size_t shelf_linetext_words(shelf_linetext l)
{
    size_t at = 0, words = 0;
    shelf_linetext w;
    while (shelf_linetext_next_word(l, &at, &w))
        words++;
    return words;
}
