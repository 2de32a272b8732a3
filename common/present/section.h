/*
 * section.h - the section a position sits in: the nearest heading at or
 * above its line.  A line is a heading when it is
 *   - a Markdown ATX heading: 1 to 6 '#' then a space (the text after them);
 *   - a setext heading: a non-blank line followed by a line of only '=' or
 *     only '-' (at least two);
 *   - a title-like plain-text line: 2 to 80 characters once trimmed, starting
 *     with a letter or digit, not ending in '.', ',', ';' or ':', not a
 *     table-of-contents entry (toc.h: text, a tab or a dot leader, then
 *     a page number), not a
 *     byline (extract/byline.h: "By ...", "Tom Goffus (United States)")
 *     nor a line with a comma whose nearest non-blank line above is one
 *     (the person's office: "Assistant Secretary General, Operations"),
 *     and standing
 *     between two paragraph breaks: a blank line (or the start of the text)
 *     before it and a blank line (or the end) after - or, in a text with one
 *     paragraph per line (by_lines: present/paragraphs.h), where every line
 *     break is a paragraph break, any such line.
 * The heading's text is returned trimmed; a text with no heading above the
 * position has no section (length 0).
 */
#ifndef SHELF_SECTION_H
#define SHELF_SECTION_H

#include <stdbool.h>
#include <stddef.h>

/* Section of pos: sets *start and *heading_len to the heading text (length 0
 * when none).
 * Looks back at most max_lines lines (0: no limit). */
void shelf_section_of(const char *t, size_t len, size_t pos, size_t max_lines, bool by_lines,
                      size_t *start, size_t *heading_len);

#endif
