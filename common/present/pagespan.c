/* pagespan.c - sentences across page starts; see pagespan.h. */
#include "present/pagespan.h"
#include "extract/textnav.h"

#include <stdbool.h>

static bool is_page_start(const shelf_layout *layout, size_t pos)
{
    size_t page = layout ? shelf_layout_page_of(layout, pos) : 0;
    return page && shelf_layout_page_start(layout, page) == pos;
}

/* Is t[nl] a line break just before a page start, after a non-blank line
 * that does not end a sentence? */
static bool runs_on_at(const char *t, const shelf_layout *layout, size_t nl)
{
    if (t[nl] != '\n' || !is_page_start(layout, nl + 1))
        return false;
    size_t prev = nl;
    while (prev > 0 && (t[prev - 1] == ' ' || t[prev - 1] == '\t' || t[prev - 1] == '\r'))
        prev--;
    return prev > 0 && t[prev - 1] != '\n' && !shelf_ends_sentence(t, prev, 0);
}

#define NO_BREAK ((size_t)-1)

/* The line break before the line holding start, when only white space lies
 * between it and start and the text runs on across it; else NO_BREAK. */
static size_t run_on_break_before(const char *t, const shelf_layout *layout, size_t start,
                                  size_t floor)
{
    size_t line = shelf_line_start(t, start);
    for (size_t i = line; i < start; i++)
        if (!shelf_is_space(t[i]))
            return NO_BREAK;
    if (line <= floor || !runs_on_at(t, layout, line - 1))
        return NO_BREAK;
    return line - 1;
}

size_t shelf_sentence_start_paged(const char *t, const shelf_layout *layout, size_t pos,
                                  size_t floor)
{
    size_t start = shelf_sentence_start(t, pos, floor);
    if (!layout || !layout->npages)
        return start;
    for (size_t nl; (nl = run_on_break_before(t, layout, start, floor)) != NO_BREAK;)
        start = shelf_sentence_start(t, nl, floor);
    return start;
}

size_t shelf_sentence_end_paged(const char *t, const shelf_layout *layout, size_t pos, size_t ceil)
{
    size_t end = shelf_sentence_end(t, pos, ceil);
    while (layout && layout->npages && end + 1 < ceil && runs_on_at(t, layout, end))
        end = shelf_sentence_end(t, end + 1, ceil);
    return end;
}

size_t shelf_last_page_of(const shelf_layout *layout, size_t start, size_t end)
{
    if (!layout || !layout->npages)
        return 0;
    return shelf_layout_page_of(layout, end > start ? end - 1 : start);
}
