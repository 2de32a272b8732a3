/* toc.c - table-of-contents lines; see toc.h. */
#include "extract/toc.h"
#include "extract/textnav.h"

#include <string.h>
#include <strings.h>

#define PAGE_DIGITS_MAX 4
#define PAGE_ROMAN_MAX 7

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_roman(char c)
{
    return c == 'i' || c == 'v' || c == 'x' || c == 'l' || c == 'c';
}

static void trim(const char *t, size_t *a, size_t *b)
{
    while (*a < *b && shelf_is_space(t[*a]))
        (*a)++;
    while (*b > *a && shelf_is_space(t[*b - 1]))
        (*b)--;
}

/* Where the page number ending t[a..b) starts; b when there is none. */
static size_t page_number_start(const char *t, size_t a, size_t b)
{
    size_t i = b;
    while (i > a && b - i < PAGE_DIGITS_MAX && is_digit(t[i - 1]))
        i--;
    if (i < b)
        return i > a && is_digit(t[i - 1]) ? b : i;
    while (i > a && b - i < PAGE_ROMAN_MAX && is_roman(t[i - 1]))
        i--;
    return i > a && is_roman(t[i - 1]) ? b : i;
}

/* A tab (when tabs count) or a dot leader of at least min_dots dots ends
 * t[a..end): where it starts, else end. */
static size_t leader_start(const char *t, size_t a, size_t end, bool tab, size_t min_dots)
{
    size_t i = end;
    while (i > a && t[i - 1] == ' ')
        i--;
    if (tab && i > a && t[i - 1] == '\t')
        return i - 1;
    size_t dots = 0;
    while (i > a && (t[i - 1] == '.' || t[i - 1] == ' ')) {
        dots += t[i - 1] == '.';
        i--;
    }
    return dots >= min_dots ? i : end;
}

bool shelf_toc_entry(const char *t, size_t a, size_t b)
{
    trim(t, &a, &b);
    size_t number = page_number_start(t, a, b);
    size_t leader = number == b ? leader_start(t, a, b, false, SHELF_TOC_BARE_LEADER_DOTS)
                                : leader_start(t, a, number, true, SHELF_TOC_LEADER_DOTS);
    if (leader == (number == b ? b : number))
        return false;
    while (leader > a && shelf_is_space(t[leader - 1]))
        leader--;
    return leader > a; /* the entry's title */
}

static bool is_contents_heading(const char *t, size_t a, size_t b)
{
    trim(t, &a, &b);
    size_t n = b - a;
    return (n == 8 && strncasecmp(t + a, "contents", 8) == 0) ||
           (n == 17 && strncasecmp(t + a, "table of contents", 17) == 0);
}

/* The line holding pos when it is at most SHELF_TOC_LINE_MAX bytes long
 * (found without looking further than that either side); false when it is
 * longer. */
static bool short_line_at(const char *t, size_t len, size_t pos, size_t *a, size_t *b)
{
    size_t floor = pos > SHELF_TOC_LINE_MAX ? pos - SHELF_TOC_LINE_MAX : 0;
    size_t ceil = len - pos > SHELF_TOC_LINE_MAX ? pos + SHELF_TOC_LINE_MAX : len;
    const char *nl = memchr(t + pos, '\n', ceil - pos);
    *b = nl ? (size_t)(nl - t) : ceil;
    *a = pos;
    while (*a > floor && t[*a - 1] != '\n')
        (*a)--;
    return (*a == 0 || t[*a - 1] == '\n') && (nl || ceil == len) && *b - *a <= SHELF_TOC_LINE_MAX;
}

/* Is the line holding pos (not a blank line) a short contents entry? */
static bool entry_line_at(const char *t, size_t len, size_t pos)
{
    size_t a, b;
    return pos < len && t[pos] != '\n' && short_line_at(t, len, pos, &a, &b) &&
           shelf_toc_entry(t, a, b);
}

bool shelf_toc_line_at(const char *t, size_t len, size_t pos)
{
    size_t a, b;
    if (!short_line_at(t, len, pos, &a, &b))
        return false;
    if (shelf_toc_entry(t, a, b) || is_contents_heading(t, a, b))
        return true;
    if (a == b || b - a > SHELF_TOC_NEIGHBOUR_MAX)
        return false;
    return (b < len && entry_line_at(t, len, b + 1)) || (a >= 2 && entry_line_at(t, len, a - 2));
}
