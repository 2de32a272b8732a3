/* mdsource.c - source columns for rendered Markdown; see mdsource.h. */
#include "extract/mdsource.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/error.h"

#define SEARCH_WINDOW 1024 /* source bytes searched past the cursor, per word */

/* One source line being matched: bytes [start, end), the cursor in it and
 * the cursor's 1-based column in characters. */
typedef struct source_line {
    const char *s;
    size_t start, end, cursor;
    uint32_t number, column;
} source_line;

/* The rendered text: the last anchor and where it predicts columns. */
typedef struct mapper {
    const char *text;
    shelf_layout *layout;
    size_t anchor_at;       /* text offset of the last anchor */
    uint32_t anchor_column; /* its column */
    bool anchor_pinned;
    int rc;
} mapper;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static uint32_t chars_in(const char *s, size_t from, size_t to)
{
    uint32_t n = 0;
    for (size_t i = from; i < to; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static void anchor(mapper *m, size_t at, uint32_t line, uint32_t column, bool pinned)
{
    shelf_source_anchor a = {at, line, column, pinned};
    if (m->rc == SHELF_OK && shelf_layout_add_anchor(m->layout, a) == SHELF_ENOMEM)
        m->rc = SHELF_ENOMEM;
    m->anchor_at = at;
    m->anchor_column = column;
    m->anchor_pinned = pinned;
}

/* Source line ending length at p (0: none). */
static size_t ending_at(const char *s, size_t i, size_t n)
{
    if (i >= n)
        return 0;
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    return 0;
}

/* Moves the cursor to byte to (>= cursor), counting columns. */
static void advance(source_line *src, size_t to)
{
    src->column += chars_in(src->s, src->cursor, to);
    src->cursor = to;
}

/* The word text[w..w+n) in the source line from its cursor, or SIZE_MAX. */
static size_t find_word(const source_line *src, const char *word, size_t n)
{
    size_t limit = src->end - src->cursor;
    if (limit > SEARCH_WINDOW + n)
        limit = SEARCH_WINDOW + n;
    const char *from = src->s + src->cursor;
    for (size_t i = 0; i + n <= limit; i++)
        if (from[i] == word[0] && memcmp(from + i, word, n) == 0)
            return src->cursor + i;
    return SIZE_MAX;
}

static size_t first_char_length(const char *s, size_t n)
{
    size_t k = 1;
    while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

/* A word the source spells otherwise (markup inside it, an entity): pinned
 * to its first character where found, else to the cursor. */
static void pin_word(mapper *m, source_line *src, size_t at, size_t n)
{
    size_t k = first_char_length(m->text + at, n);
    size_t found = find_word(src, m->text + at, k);
    if (found != SIZE_MAX)
        advance(src, found);
    anchor(m, at, src->number, src->column, true);
    if (found != SIZE_MAX)
        advance(src, found + k);
}

static void map_word(mapper *m, source_line *src, size_t at, size_t n)
{
    size_t found = find_word(src, m->text + at, n);
    if (found == SIZE_MAX) {
        pin_word(m, src, at, n);
        return;
    }
    advance(src, found);
    uint32_t predicted = m->anchor_column + chars_in(m->text, m->anchor_at, at);
    if (m->anchor_pinned || predicted != src->column)
        anchor(m, at, src->number, src->column, false);
    advance(src, found + n);
}

/* Text line [from, to) against source line src. */
static void map_line(mapper *m, source_line *src, size_t from, size_t to)
{
    if (from < to && !is_blank(m->text[from]))
        anchor(m, from, src->number, 1, false); /* a word at the start: corrected below */
    else
        anchor(m, from, src->number, 1, true);
    size_t i = from;
    while (i < to) {
        while (i < to && is_blank(m->text[i]))
            i++;
        size_t w = i;
        while (i < to && !is_blank(m->text[i]))
            i++;
        if (i > w)
            map_word(m, src, w, i - w);
    }
}

int shelf_markdown_map_columns(const char *src, size_t src_len, const char *text, size_t text_len,
                               shelf_layout *l)
{
    mapper m = {text, l, 0, 1, true, SHELF_OK};
    size_t t = 0, s = 0;
    uint32_t number = 1;
    while (t < text_len && m.rc == SHELF_OK) {
        size_t t_end = t;
        while (t_end < text_len && text[t_end] != '\n')
            t_end++;
        size_t s_end = s;
        while (s_end < src_len && !ending_at(src, s_end, src_len))
            s_end++;
        source_line line = {src, s, s_end, s, number, 1};
        if (t_end > t || t_end < text_len)
            map_line(&m, &line, t, t_end);
        t = t_end + 1;
        s = s_end + ending_at(src, s_end, src_len);
        if (number < UINT32_MAX)
            number++;
    }
    return m.rc;
}
