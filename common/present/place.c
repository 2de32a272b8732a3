/* place.c - page, line, column and section of an offset; see place.h. */
#include "present/place.h"

#include <stdio.h>
#include <string.h>

#include "present/paragraphs.h"
#include "present/section.h"
#include "present/textnav.h"

void shelf_page_line_of(const char *text, const shelf_layout *layout, size_t pos, size_t *page,
                        size_t *line)
{
    size_t ignored;
    *page = layout ? shelf_layout_page_of(layout, pos) : 0;
    size_t from = *page ? (size_t)shelf_layout_page_start(layout, *page) : 0;
    shelf_line_column(text + from, pos - from, line, &ignored);
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
    shelf_line_column(text, pos, &line_in_text, &out->column);
    shelf_page_line_of(text, layout, pos, &out->page, &out->line);
    if (layout && layout->structured)
        structured_section(text, layout, pos, out);
    else
        shelf_section_of(text, len, pos, lookback, shelf_one_paragraph_per_line(text, len, layout),
                         &out->section_start, &out->section_len);
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
