/* place.c - page, line, column and section of an offset; see place.h. */
#include "present/place.h"

#include <stdio.h>
#include <string.h>

#include "extract/paragraphs.h"
#include "present/section.h"
#include "extract/textnav.h"

/* Characters (UTF-8 lead bytes) in text[from..to). */
static size_t chars_between(const char *text, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += ((unsigned char)text[i] & 0xC0) != 0x80;
    return n;
}

bool shelf_source_line_column(const char *text, const shelf_layout *layout, size_t pos,
                              size_t *line, size_t *column)
{
    const shelf_source_anchor *a = layout ? shelf_layout_anchor_at(layout, pos) : NULL;
    if (!a)
        return false;
    *line = a->line;
    *column = a->column + (a->pinned ? 0 : chars_between(text, (size_t)a->text_offset, pos));
    return true;
}

void shelf_line_column_of(const char *text, const shelf_layout *layout, size_t pos, size_t *line,
                          size_t *column)
{
    if (!shelf_source_line_column(text, layout, pos, line, column))
        shelf_line_column(text, pos, line, column);
}

size_t shelf_text_line_of(const char *text, const shelf_layout *layout, size_t pos)
{
    size_t page = layout ? shelf_layout_page_of(layout, pos) : 0;
    size_t from = page ? (size_t)shelf_layout_page_start(layout, page) : 0;
    size_t line, ignored;
    shelf_line_column(text + from, pos - from, &line, &ignored);
    return line;
}

size_t shelf_text_line_for_source(const char *text, const shelf_layout *layout, size_t line)
{
    if (!layout || layout->nanchors == 0)
        return line;
    const shelf_source_anchor *last = &layout->anchors[layout->nanchors - 1];
    for (size_t i = 0; i < layout->nanchors; i++)
        if (layout->anchors[i].line >= line) {
            last = &layout->anchors[i];
            break;
        }
    return shelf_text_line_of(text, layout, (size_t)last->text_offset);
}

void shelf_page_line_of(const char *text, const shelf_layout *layout, size_t pos, size_t *page,
                        size_t *line)
{
    size_t ignored;
    *page = layout ? shelf_layout_page_of(layout, pos) : 0;
    if (!shelf_source_line_column(text, layout, pos, line, &ignored))
        *line = shelf_text_line_of(text, layout, pos);
}

/* Is the line starting at i (ending at a '\n' or len) white space only? */
static bool blank_line_at(const char *text, size_t len, size_t i, size_t *next)
{
    bool blank = true;
    for (; i < len && text[i] != '\n'; i++)
        if (!shelf_is_space(text[i]))
            blank = false;
    *next = i < len ? i + 1 : len;
    return blank;
}

size_t shelf_paragraph_number(const char *text, size_t len, const shelf_layout *layout, size_t pos)
{
    if (!layout || !layout->paragraph_cited || len == 0)
        return 0;
    if (pos >= len)
        pos = len - 1;
    const shelf_heading *h = shelf_layout_heading_before(layout, pos);
    size_t from = h ? (size_t)(h->start + h->len) : 0;
    if (h && pos < from)
        return 1; /* inside the heading itself: its section's first */
    size_t count = 0, next;
    bool in_paragraph = false;
    for (size_t i = shelf_line_start(text, from); i <= pos && i < len; i = next) {
        bool blank = blank_line_at(text, len, i, &next);
        bool heading_line = h && i <= (size_t)h->start; /* the heading's own line */
        if (!blank && !in_paragraph && !heading_line)
            count++;
        in_paragraph = !blank;
    }
    return count ? count : 1;
}

static void structured_section(const char *text, const shelf_layout *layout, size_t pos,
                               shelf_place *out)
{
    const shelf_heading *h = shelf_layout_heading_before(layout, pos);
    out->section_start = h ? (size_t)h->start : 0;
    out->section_len = h ? h->len : 0;
}

void shelf_place_of(const char *text, size_t len, const shelf_layout *layout, size_t pos,
                    size_t lookback, shelf_place *out)
{
    size_t line_in_text;
    shelf_line_column_of(text, layout, pos, &line_in_text, &out->column);
    shelf_page_line_of(text, layout, pos, &out->page, &out->line);
    if (layout && layout->structured)
        structured_section(text, layout, pos, out);
    else
        shelf_section_of(text, len, pos, lookback, shelf_one_paragraph_per_line(text, len, layout),
                         &out->section_start, &out->section_len);
    out->paragraph = shelf_paragraph_number(text, len, layout, pos);
}

const char *shelf_page_name(const shelf_layout *layout, size_t page,
                            char buf[SHELF_PAGE_NAME_BYTES])
{
    const char *label = layout ? shelf_layout_page_label(layout, page) : NULL;
    if (label)
        memcpy(buf, label, strlen(label) + 1); /* at most SHELF_PAGE_LABEL_MAX_BYTES + NUL */
    else
        snprintf(buf, SHELF_PAGE_NAME_BYTES, "%zu", page);
    return buf;
}
