/* textnav.c - character, word, sentence and line navigation; see textnav.h. */
#include "extract/textnav.h"

#include <string.h>
#include <utf8proc.h>

#include "util/utf8.h"

bool shelf_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t shelf_chars_forward(const char *t, size_t pos, size_t n, size_t ceil)
{
    while (n > 0 && pos < ceil) {
        pos++;
        while (pos < ceil && shelf_utf8_is_continuation((uint8_t)t[pos]))
            pos++;
        n--;
    }
    return pos;
}

size_t shelf_chars_back(const char *t, size_t pos, size_t n, size_t floor)
{
    while (n > 0 && pos > floor) {
        pos--;
        while (pos > floor && shelf_utf8_is_continuation((uint8_t)t[pos]))
            pos--;
        n--;
    }
    return pos;
}

size_t shelf_char_count(const char *t, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += !shelf_utf8_is_continuation((uint8_t)t[i]);
    return n;
}

size_t shelf_word_start_after(const char *t, size_t pos, size_t ceil)
{
    if (pos == 0 || pos >= ceil || shelf_is_space(t[pos - 1]))
        return pos < ceil ? pos : ceil;
    while (pos < ceil && !shelf_is_space(t[pos]))
        pos++;
    while (pos < ceil && shelf_is_space(t[pos]))
        pos++;
    return pos;
}

size_t shelf_word_end_before(const char *t, size_t pos, size_t floor)
{
    if (pos <= floor || shelf_is_space(t[pos]) || shelf_is_space(t[pos - 1]))
        return pos > floor ? pos : floor;
    while (pos > floor && !shelf_is_space(t[pos - 1]))
        pos--;
    while (pos > floor && shelf_is_space(t[pos - 1]))
        pos--;
    return pos;
}

static bool starts_lowercase(const char *s, size_t len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &cp);
    return n > 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static bool is_closer(char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']';
}

bool shelf_ends_sentence(const char *t, size_t i, size_t floor)
{
    size_t j = i;
    while (j > floor && is_closer(t[j - 1]))
        j--;
    return j > floor && (t[j - 1] == '.' || t[j - 1] == '!' || t[j - 1] == '?');
}

/* Is the line break at t[nl] a hard-wrap inside a sentence?  It is when
 * the next line goes on with a lower-case letter after a line that did not
 * end a sentence (nor was blank). */
static bool wrapped_line_break(const char *t, size_t nl, size_t floor, size_t ceil)
{
    size_t next = nl + 1;
    while (next < ceil && (t[next] == ' ' || t[next] == '\t'))
        next++;
    if (next >= ceil || !starts_lowercase(t + next, ceil - next))
        return false;
    size_t prev = nl;
    while (prev > floor && (t[prev - 1] == ' ' || t[prev - 1] == '\t' || t[prev - 1] == '\r'))
        prev--;
    return prev > floor && t[prev - 1] != '\n' && !shelf_ends_sentence(t, prev, floor);
}

size_t shelf_sentence_start(const char *t, size_t pos, size_t floor)
{
    size_t i = pos;
    while (i > floor) {
        if (t[i - 1] == '\n' && !wrapped_line_break(t, i - 1, floor, pos + 1))
            break;
        if (shelf_is_space(t[i - 1]) && shelf_ends_sentence(t, i - 1, floor))
            break;
        i--;
    }
    while (i < pos && shelf_is_space(t[i]))
        i++;
    return i;
}

size_t shelf_sentence_end(const char *t, size_t pos, size_t ceil)
{
    for (size_t i = pos; i < ceil; i++) {
        if (t[i] == '\n' && !wrapped_line_break(t, i, pos, ceil))
            return i;
        if ((t[i] == '.' || t[i] == '!' || t[i] == '?') && (i + 1 == ceil || shelf_is_space(t[i + 1]) ||
                                                           is_closer(t[i + 1]))) {
            size_t end = i + 1;
            while (end < ceil && is_closer(t[end]))
                end++;
            if (end == ceil || shelf_is_space(t[end]))
                return end;
        }
    }
    return ceil;
}

size_t shelf_line_start(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n')
        pos--;
    return pos;
}

size_t shelf_line_end(const char *t, size_t len, size_t pos)
{
    const char *nl = pos < len ? memchr(t + pos, '\n', len - pos) : NULL;
    return nl ? (size_t)(nl - t) : len;
}

static bool line_is_blank(const char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!shelf_is_space(t[i]))
            return false;
    return true;
}

size_t shelf_paragraph_start(const char *t, size_t pos, bool by_lines)
{
    size_t line = shelf_line_start(t, pos);
    while (line > 0 && !by_lines) {
        size_t prev = shelf_line_start(t, line - 1);
        if (line_is_blank(t, prev, line - 1))
            break;
        line = prev;
    }
    return line;
}

size_t shelf_paragraph_end(const char *t, size_t len, size_t pos, bool by_lines)
{
    size_t end = shelf_line_end(t, len, pos);
    while (end < len && !by_lines) {
        size_t next_end = shelf_line_end(t, len, end + 1);
        if (line_is_blank(t, end + 1, next_end))
            break;
        end = next_end;
    }
    return end;
}

size_t shelf_paragraph_break_within(const char *t, size_t from, size_t to, bool by_lines)
{
    for (size_t i = from; i < to; i++) {
        if (t[i] != '\n')
            continue;
        if (by_lines)
            return i;
        size_t j = i + 1;
        while (j < to && t[j] != '\n' && shelf_is_space(t[j]))
            j++;
        if (j < to && t[j] == '\n')
            return i;
    }
    return to;
}

void shelf_line_column(const char *t, size_t pos, size_t *line, size_t *column)
{
    size_t lines = 1, start = 0;
    const char *p = t, *end = t + pos;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
        start = (size_t)(p - t);
    }
    *line = lines;
    *column = shelf_char_count(t, start, pos) + 1;
}
