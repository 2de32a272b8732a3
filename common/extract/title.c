/* title.c - the title rule of a document's first lines, and a file name
 * made readable; see title.h. */
#include "extract/title.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "extract/byline.h"
#include "util/utf8.h"

#define HEADING_MARKS_MAX 6 /* '#' marks of a Markdown heading */
#define ADORNMENT_MIN 3     /* characters of an over- or underline */
#define FIELD_NAME_MAX 30   /* bytes of a ":Field:" name */

/* One line of the text: [a, b) is its content once trimmed; next is where
 * the following line starts. */
typedef struct line {
    size_t a, b, next;
    bool heading_mark; /* had Markdown '#' marks */
} line;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_lower_ascii(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_alnum_ascii(char c)
{
    return is_lower_ascii(c) || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Leading '#' marks of a Markdown heading: 1 to 6, then white space or the
 * end.  Returns how many, 0 when the line has none. */
static size_t heading_marks(const char *t, size_t a, size_t b)
{
    size_t n = 0;
    while (a + n < b && t[a + n] == '#')
        n++;
    if (n == 0 || n > HEADING_MARKS_MAX || (a + n < b && !is_space(t[a + n])))
        return 0;
    return n;
}

static line line_at(const char *t, size_t len, size_t pos)
{
    size_t end = pos;
    while (end < len && t[end] != '\n')
        end++;
    line l = {pos, end, end < len ? end + 1 : len, false};
    while (l.a < l.b && is_space(t[l.a]))
        l.a++;
    size_t marks = heading_marks(t, l.a, l.b);
    if (marks) {
        l.heading_mark = true;
        l.a += marks;
        while (l.a < l.b && is_space(t[l.a]))
            l.a++;
        while (l.b > l.a && t[l.b - 1] == '#') /* a closing sequence */
            l.b--;
    }
    while (l.b > l.a && is_space(t[l.b - 1]))
        l.b--;
    return l;
}

/* "=====", "-----", "~~~~": one punctuation character repeated. */
static bool is_adornment(const char *t, const line *l)
{
    if (l->b - l->a < ADORNMENT_MIN || l->heading_mark)
        return false;
    char c = t[l->a];
    if (is_alnum_ascii(c) || (unsigned char)c >= 0x80 || is_space(c))
        return false;
    for (size_t i = l->a; i < l->b; i++)
        if (t[i] != c)
            return false;
    return true;
}

static bool starts_with(const char *t, const line *l, const char *prefix)
{
    size_t n = strlen(prefix);
    return l->b - l->a >= n && memcmp(t + l->a, prefix, n) == 0;
}

/* ".. note::", ".. _label:", ".. a comment" */
static bool is_directive(const char *t, const line *l)
{
    return starts_with(t, l, "..") && (l->b - l->a == 2 || is_space(t[l->a + 2]));
}

static bool contains(const char *t, const line *l, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = l->a; i + n <= l->b; i++)
        if (memcmp(t + i, needle, n) == 0)
            return true;
    return false;
}

/* ":Author: ..." - a reStructuredText field - or a line opening with a
 * role (":ref:`...`"). */
static bool is_field(const char *t, const line *l)
{
    if (!starts_with(t, l, ":"))
        return false;
    for (size_t i = l->a + 1; i < l->b && i <= l->a + FIELD_NAME_MAX; i++)
        if (t[i] == ':')
            return i > l->a + 1 && (i + 1 == l->b || is_space(t[i + 1]) || t[i + 1] == '`');
    return false;
}

/* "Written by ...", "By ...", a name with its affiliation ...: byline.h. */
static bool is_byline(const char *t, const line *l)
{
    return shelf_is_byline(t + l->a, l->b - l->a);
}

/* Comments, directives, fields, bylines and licence tags: not text. */
static bool is_markup(const char *t, const line *l)
{
    return is_directive(t, l) || is_field(t, l) || is_byline(t, l) ||
           contains(t, l, "SPDX-License-Identifier:");
}

static size_t char_count(const char *t, const line *l)
{
    size_t n = 0;
    for (size_t i = l->a; i < l->b; i++)
        n += !shelf_utf8_is_continuation((uint8_t)t[i]);
    return n;
}

static size_t word_count(const char *t, const line *l)
{
    size_t n = 0;
    for (size_t i = l->a; i < l->b; i++)
        n += !is_space(t[i]) && (i == l->a || is_space(t[i - 1]));
    return n;
}

static bool has_letter(const char *t, const line *l)
{
    for (size_t i = l->a; i < l->b; i++)
        if ((is_alnum_ascii(t[i]) && !(t[i] >= '0' && t[i] <= '9')) || (unsigned char)t[i] >= 0x80)
            return true;
    return false;
}

/* The line ends in '.', '!', ',', ';' or ':', or their full-width forms. */
static bool ends_sentence(const char *t, const line *l)
{
    static const char *const wide[] = {"\xe3\x80\x82" /* 。 */, "\xef\xbc\x81" /* ！ */,
                                       "\xef\xbc\x8c" /* ， */, "\xef\xbc\x9b" /* ； */,
                                       "\xef\xbc\x9a" /* ： */};
    char c = t[l->b - 1];
    if (c == '.' || c == '!' || c == ',' || c == ';' || c == ':')
        return true;
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        if (l->b - l->a >= 3 && memcmp(t + l->b - 3, wide[i], 3) == 0)
            return true;
    return false;
}

/* A plain line that reads as a title; below is the line right under it. */
static bool reads_as_title(const char *t, const line *l, const line *below)
{
    bool continued = below->b > below->a && is_lower_ascii(t[below->a]);
    return char_count(t, l) <= SHELF_TITLE_LINE_CHARS && word_count(t, l) <= SHELF_TITLE_LINE_WORDS &&
           !ends_sentence(t, l) && has_letter(t, l) && !continued;
}

static bool is_title(const char *t, const line *l, const line *below)
{
    if (l->heading_mark || is_adornment(t, below))
        return char_count(t, l) <= SHELF_TITLE_HEADING_CHARS && has_letter(t, l);
    return reads_as_title(t, l, below);
}

/* An indented line: the body of a directive or field above it. */
static bool is_indented(const char *t, size_t len, size_t pos)
{
    return pos < len && (t[pos] == ' ' || t[pos] == '\t');
}

const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len)
{
    size_t counted = 0;
    bool in_markup = false; /* blank and indented lines after markup belong to it */
    for (size_t pos = 0; pos < len && counted < SHELF_TITLE_SCAN_LINES;) {
        line l = line_at(text, len, pos);
        bool body_of_markup = in_markup && (l.b == l.a || is_indented(text, len, pos));
        pos = l.next;
        if (body_of_markup)
            continue;
        in_markup = l.b > l.a && is_markup(text, &l);
        if (l.b == l.a || in_markup || is_adornment(text, &l))
            continue;
        line below = line_at(text, len, l.next);
        if (is_title(text, &l, &below)) {
            *title_len = shelf_title_cut(text + l.a, l.b - l.a);
            return text + l.a;
        }
        counted++;
    }
    *title_len = fallback ? strlen(fallback) : 0;
    return fallback;
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

/* ".txt" and the like: a second extension dropped along with the last. */
static bool is_text_extension(const char *ext, size_t n)
{
    static const char *const known[] = {".txt", ".text", ".rst", ".md", ".markdown", ".html", ".htm"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strlen(known[i]) == n && memcmp(ext, known[i], n) == 0)
            return true;
    return false;
}

/* End of the name without its extension (a dot at the start is no extension). */
static size_t stem_end(const char *name, size_t n)
{
    for (size_t i = n; i > 1; i--)
        if (name[i - 1] == '.')
            return i - 1;
    return n;
}

/* Bytes of the character at name[i]: its lead byte and the continuation
 * bytes after it (a stray continuation byte counts as one character). */
static size_t char_bytes(const char *name, size_t i, size_t end)
{
    size_t k = 1;
    while (i + k < end && k < 4 && shelf_utf8_is_continuation((uint8_t)name[i + k]))
        k++;
    return k;
}

static bool is_name_gap(char c)
{
    return c == '-' || c == '_' || is_space(c);
}

/* A name made of several words reads as a title: its first letter is
 * written as a capital when the whole first word is in lower case ("iPhone"
 * stays as it is). */
static void capitalise_words(char *s, size_t n)
{
    const char *space = memchr(s, ' ', n);
    if (!space || s[0] < 'a' || s[0] > 'z')
        return;
    for (const char *c = s; c < space; c++)
        if (*c >= 'A' && *c <= 'Z')
            return;
    s[0] = (char)(s[0] - 'a' + 'A');
}

size_t shelf_title_of_name(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t n = strlen(name);
    size_t stem = stem_end(name, n);
    size_t inner = stem_end(name, stem);
    if (inner < stem && is_text_extension(name + inner, stem - inner))
        stem = inner;
    size_t w = 0;
    for (size_t i = 0, k; i < stem; i += k) {
        k = char_bytes(name, i, stem);
        if (is_name_gap(name[i])) {
            if (w > 0 && out[w - 1] != ' ' && w + 1 < cap)
                out[w++] = ' ';
            continue;
        }
        if (w + k >= cap)
            break;
        memcpy(out + w, name + i, k);
        w += k;
    }
    while (w > 0 && out[w - 1] == ' ')
        w--;
    capitalise_words(out, w);
    if (w == 0) /* nothing readable: the name as it is */
        for (size_t i = 0, k; i < n && w + (k = char_bytes(name, i, n)) < cap; i += k, w += k)
            memcpy(out + w, name + i, k);
    out[w] = '\0';
    return w;
}
