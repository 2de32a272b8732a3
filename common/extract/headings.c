/* headings.c - a document's headings: the markup's, or the plain-text rule;
 * see headings.h for the rule. */
#include "extract/headings.h"
#include "extract/byline.h"
#include "extract/paragraphs.h"
#include "extract/textnav.h"
#include "extract/toc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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

/* Does the line before cur hold anything but blanks?  (Scans back from its
 * end and stops at its last non-blank character, so a line of text costs
 * one step, not a walk back to its start.) */
static bool prev_line_has_text(const char *t, line_span cur)
{
    if (cur.start == 0)
        return false;
    for (size_t i = cur.start - 1; i > 0 && t[i - 1] != '\n'; i--)
        if (!is_blank_char(t[i - 1]))
            return true;
    return false;
}

/* Does the line after cur hold anything but blanks?  (The same, forwards.) */
static bool next_line_has_text(const char *t, size_t len, line_span cur)
{
    if (cur.end >= len)
        return false;
    for (size_t i = cur.end + 1; i < len && t[i] != '\n'; i++)
        if (!is_blank_char(t[i]))
            return true;
    return false;
}

/* Could the line after cur be an underline?  Its first non-blank character
 * must be '=' or '-' (the cheap test before underline()). */
static bool next_line_may_underline(const char *t, size_t len, line_span cur)
{
    if (cur.end >= len)
        return false;
    size_t i = cur.end + 1;
    while (i < len && is_blank_char(t[i]))
        i++;
    return i < len && (t[i] == '=' || t[i] == '-');
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

/* A title-like line between paragraph breaks (the cheap tests first). */
static bool title_like(const char *t, size_t len, line_span l, bool by_lines, size_t *a, size_t *b)
{
    *a = l.start;
    *b = l.end;
    trim(t, a, b);
    if (!by_lines && (prev_line_has_text(t, l) || next_line_has_text(t, len, l)))
        return false;
    size_t chars = shelf_char_count(t, *a, *b);
    if (chars < 2 || chars > SHELF_PLAIN_HEADING_MAX_CHARS)
        return false;
    if (!starts_with_letter_or_digit(t + *a, *b - *a))
        return false;
    char last = t[*b - 1];
    if (last == '.' || last == ',' || last == ';' || last == ':' || shelf_toc_entry(t, *a, *b))
        return false;
    return !shelf_is_byline(t + *a, *b - *a) && !byline_office(t, len, l, *a, *b);
}

/* shelf_plain_heading_line for the line l, whose end is known. */
static bool plain_heading(const char *t, size_t len, line_span l, bool by_lines, size_t *a, size_t *b)
{
    if (is_blank(t, l))
        return false;
    if (atx_heading(t, l, a, b))
        return true;
    line_span below;
    if (next_line_may_underline(t, len, l) && next_line(t, len, l, &below) && underline(t, below) &&
        !underline(t, l)) {
        *a = l.start;
        *b = l.end;
        trim(t, a, b);
        return true;
    }
    return title_like(t, len, l, by_lines, a, b);
}

bool shelf_plain_heading_line(const char *t, size_t len, size_t line_start, bool by_lines, size_t *a,
                              size_t *b)
{
    line_span l = {line_start, shelf_line_end(t, len, line_start)};
    return plain_heading(t, len, l, by_lines, a, b);
}

static int add(shelf_heading_list *l, shelf_heading h)
{
    if (l->n && l->at[l->n - 1].start == h.start && l->at[l->n - 1].len == h.len)
        return SHELF_OK; /* found by both the rule and the PDF reader */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        shelf_heading *p = realloc(l->at, cap * sizeof *p);
        if (!p)
            return SHELF_ENOMEM;
        l->at = p;
        l->cap = cap;
    }
    l->at[l->n++] = h;
    return SHELF_OK;
}

/* Plain-text headings, merged in start order with any the layout lists. */
static int plain_headings(const char *t, size_t len, const shelf_layout *layout, shelf_heading_list *out)
{
    bool by_lines = shelf_one_paragraph_per_line(t, len, layout);
    size_t next = 0, nlayout = layout ? layout->nheadings : 0;
    for (size_t at = 0; at < len;) {
        size_t a, b, end = shelf_line_end(t, len, at);
        if (plain_heading(t, len, (line_span){at, end}, by_lines, &a, &b)) {
            for (; next < nlayout && layout->headings[next].start <= a; next++)
                if (layout->headings[next].len && add(out, layout->headings[next]) != SHELF_OK)
                    return SHELF_ENOMEM;
            if (add(out, (shelf_heading){a, (uint32_t)(b - a), 0}) != SHELF_OK)
                return SHELF_ENOMEM;
        }
        at = end + 1;
    }
    for (; next < nlayout; next++)
        if (layout->headings[next].len && add(out, layout->headings[next]) != SHELF_OK)
            return SHELF_ENOMEM;
    return SHELF_OK;
}

int shelf_document_headings(const char *t, size_t len, const shelf_layout *layout,
                            shelf_heading_list *out)
{
    out->n = 0;
    if (!layout || !layout->structured)
        return plain_headings(t, len, layout, out);
    for (size_t i = 0; i < layout->nheadings; i++)
        if (layout->headings[i].len && add(out, layout->headings[i]) != SHELF_OK)
            return SHELF_ENOMEM;
    return SHELF_OK;
}

void shelf_heading_list_free(shelf_heading_list *l)
{
    free(l->at);
    *l = (shelf_heading_list){0};
}
