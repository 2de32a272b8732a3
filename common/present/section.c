/* section.c - nearest heading above a position; see section.h for the rule. */
#include "present/section.h"
#include "extract/byline.h"
#include "present/textnav.h"
#include "present/toc.h"

#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>

#define HEADING_MAX_CHARS 80

typedef struct line_span {
    size_t start, end; /* end excludes the '\n' */
} line_span;

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char *t, size_t *a, size_t *b)
{
    while (*a < *b && is_blank_char(t[*a]))
        (*a)++;
    while (*b > *a && is_blank_char(t[*b - 1]))
        (*b)--;
}

static bool is_blank(const char *t, line_span l)
{
    trim(t, &l.start, &l.end);
    return l.start == l.end;
}

static line_span line_at(const char *t, size_t len, size_t pos)
{
    return (line_span){shelf_line_start(t, pos), shelf_line_end(t, len, pos)};
}

static bool prev_line(const char *t, size_t len, line_span cur, line_span *out)
{
    if (cur.start == 0)
        return false;
    *out = line_at(t, len, cur.start - 1);
    return true;
}

static bool next_line(const char *t, size_t len, line_span cur, line_span *out)
{
    if (cur.end >= len)
        return false;
    *out = line_at(t, len, cur.end + 1);
    return true;
}

/* "# Heading": sets the text range and returns true. */
static bool atx_heading(const char *t, line_span l, size_t *a, size_t *b)
{
    size_t i = l.start, hashes = 0;
    while (i < l.end && t[i] == '#')
        i++, hashes++;
    if (hashes == 0 || hashes > 6 || i >= l.end || t[i] != ' ')
        return false;
    *a = i;
    *b = l.end;
    while (*b > *a && t[*b - 1] == '#')
        (*b)--;
    trim(t, a, b);
    return *b > *a;
}

static bool underline(const char *t, line_span l)
{
    size_t a = l.start, b = l.end;
    trim(t, &a, &b);
    if (b - a < 2 || (t[a] != '=' && t[a] != '-'))
        return false;
    for (size_t i = a; i < b; i++)
        if (t[i] != t[a])
            return false;
    return true;
}

/* Is the first character a Unicode letter or number? */
static bool starts_with_letter_or_digit(const char *s, size_t len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
    if (n <= 0)
        return false;
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* The line under a byline that says the person's office ("Assistant
 * Secretary General, Operations Division"): it holds a comma and the
 * nearest non-blank line above it is a byline. */
static bool byline_office(const char *t, size_t len, line_span l, size_t a, size_t b)
{
    if (!memchr(t + a, ',', b - a))
        return false;
    line_span above = l;
    do {
        if (!prev_line(t, len, above, &above))
            return false;
    } while (is_blank(t, above));
    trim(t, &above.start, &above.end);
    return shelf_is_byline(t + above.start, above.end - above.start);
}

static bool plain_heading(const char *t, size_t len, line_span l, bool by_lines, size_t *a,
                          size_t *b)
{
    *a = l.start;
    *b = l.end;
    trim(t, a, b);
    size_t chars = shelf_char_count(t, *a, *b);
    if (chars < 2 || chars > HEADING_MAX_CHARS)
        return false;
    if (!starts_with_letter_or_digit(t + *a, *b - *a))
        return false;
    char last = t[*b - 1];
    if (last == '.' || last == ',' || last == ';' || last == ':' || shelf_toc_entry(t, *a, *b))
        return false;
    if (shelf_is_byline(t + *a, *b - *a) || byline_office(t, len, l, *a, *b))
        return false;
    if (by_lines) /* every line break is a paragraph break */
        return true;
    line_span around;
    if (prev_line(t, len, l, &around) && !is_blank(t, around))
        return false;
    return !next_line(t, len, l, &around) || is_blank(t, around);
}

static bool heading_text(const char *t, size_t len, line_span l, bool by_lines, size_t *a,
                         size_t *b)
{
    if (is_blank(t, l))
        return false;
    if (atx_heading(t, l, a, b))
        return true;
    line_span below;
    if (next_line(t, len, l, &below) && underline(t, below) && !underline(t, l)) {
        *a = l.start;
        *b = l.end;
        trim(t, a, b);
        return true;
    }
    return plain_heading(t, len, l, by_lines, a, b);
}

void shelf_section_of(const char *t, size_t len, size_t pos, size_t max_lines, bool by_lines,
                      size_t *start, size_t *heading_len)
{
    *start = 0;
    *heading_len = 0;
    if (len == 0)
        return;
    line_span l = line_at(t, len, pos < len ? pos : len - 1);
    for (size_t seen = 0; max_lines == 0 || seen < max_lines; seen++) {
        size_t a, b;
        if (heading_text(t, len, l, by_lines, &a, &b)) {
            *start = a;
            *heading_len = b - a;
            return;
        }
        if (!prev_line(t, len, l, &l))
            return;
    }
}
