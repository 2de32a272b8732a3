/* section.c - nearest heading above a position; the rule is extract/headings.h. */
#include "present/section.h"
#include "extract/headings.h"
#include "extract/textnav.h"

void shelf_section_of(const char *t, size_t len, size_t pos, size_t max_lines, bool by_lines,
                      size_t *start, size_t *heading_len)
{
    *start = 0;
    *heading_len = 0;
    if (len == 0)
        return;
    size_t line = shelf_line_start(t, pos < len ? pos : len - 1);
    for (size_t seen = 0; max_lines == 0 || seen < max_lines; seen++) {
        size_t a, b;
        if (shelf_plain_heading_line(t, len, line, by_lines, &a, &b)) {
            *start = a;
            *heading_len = b - a;
            return;
        }
        if (line == 0)
            return;
        line = shelf_line_start(t, line - 1);
    }
}
