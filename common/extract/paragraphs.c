/* paragraphs.c - one paragraph per line, or blank lines; see paragraphs.h. */
#include "extract/paragraphs.h"
#include "extract/textnav.h"

#include <utf8proc.h>

typedef struct line_stats {
    size_t chars, long_chars; /* characters on non-blank lines, and on long ones */
    size_t long_lines;
    size_t breaks, wraps;     /* line breaks between non-blank lines, hard wraps among them */
} line_stats;

static bool starts_lowercase(const char *s, size_t len)
{
    if (len > 0 && (unsigned char)s[0] < 0x80) /* ASCII: Ll is exactly a-z */
        return s[0] >= 'a' && s[0] <= 'z';
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
    return n > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/* [*a, *b) without the white space at either end. */
static void trim(const char *t, size_t *a, size_t *b)
{
    while (*a < *b && shelf_is_space(t[*a]))
        (*a)++;
    while (*b > *a && shelf_is_space(t[*b - 1]))
        (*b)--;
}

/* Adds the line [a, b) to the counts; prev_end is the end of the previous
 * non-blank line's text when it was right before this one, else 0. */
static void count_line(const char *t, size_t a, size_t b, size_t prev_end, line_stats *s)
{
    size_t chars = shelf_char_count(t, a, b);
    s->chars += chars;
    if (chars > SHELF_LONG_LINE_CHARS) {
        s->long_chars += chars;
        s->long_lines++;
    }
    if (prev_end) {
        s->breaks++;
        if (starts_lowercase(t + a, b - a) && !shelf_ends_sentence(t, prev_end, 0))
            s->wraps++;
    }
}

static void measure(const char *t, size_t len, line_stats *s)
{
    size_t at = 0, prev_end = 0;
    while (at < len) {
        size_t end = shelf_line_end(t, len, at);
        size_t a = at, b = end;
        trim(t, &a, &b);
        if (a < b) {
            count_line(t, a, b, prev_end, s);
            prev_end = b;
        } else {
            prev_end = 0;
        }
        at = end + 1;
    }
}

/* Whether the text has SHELF_LONG_LINES_MIN long lines, the first test of
 * the rule, found cheaply: a line of at most SHELF_LONG_LINE_CHARS bytes
 * cannot hold more characters, so only longer ones are counted (most text
 * has none, and needs no more than this). */
static bool has_enough_long_lines(const char *t, size_t len)
{
    size_t at = 0, long_lines = 0;
    while (at < len && long_lines < SHELF_LONG_LINES_MIN) {
        size_t end = shelf_line_end(t, len, at);
        if (end - at > SHELF_LONG_LINE_CHARS) {
            size_t a = at, b = end;
            trim(t, &a, &b);
            long_lines += shelf_char_count(t, a, b) > SHELF_LONG_LINE_CHARS;
        }
        at = end + 1;
    }
    return long_lines >= SHELF_LONG_LINES_MIN;
}

bool shelf_one_paragraph_per_line(const char *text, size_t len, const shelf_layout *layout)
{
    if (layout && (layout->structured || layout->npages))
        return false;
    size_t sample = len < SHELF_PARAGRAPH_SAMPLE_BYTES ? len : SHELF_PARAGRAPH_SAMPLE_BYTES;
    if (!has_enough_long_lines(text, sample))
        return false;
    line_stats s = {0};
    measure(text, sample, &s);
    return s.long_lines >= SHELF_LONG_LINES_MIN && s.long_chars * 2 >= s.chars &&
           s.wraps * SHELF_WRAP_RATIO < s.breaks + 1;
}
