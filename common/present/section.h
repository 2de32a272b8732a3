/*
 * section.h - the section a position sits in: the nearest heading at or
 * above its line, a heading being a line of the plain-text rule of
 * extract/headings.h (the rule indexing uses too).  The heading's text is
 * returned trimmed; a text with no heading above the position has no
 * section (length 0).
 */
#ifndef SHELF_SECTION_H
#define SHELF_SECTION_H

#include <stdbool.h>
#include <stddef.h>

/* Section of pos: sets *start and *heading_len to the heading text (length 0
 * when none).  by_lines: every line break is a paragraph break
 * (extract/paragraphs.h).  Looks back at most max_lines lines (0: no limit). */
void shelf_section_of(const char *t, size_t len, size_t pos, size_t max_lines, bool by_lines,
                      size_t *start, size_t *heading_len);

#endif
