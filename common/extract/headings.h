/*
 * headings.h - which parts of a document's text are headings: one rule,
 * used both when indexing (the heading boost of the ranking, README
 * "Ranking") and when presenting (the section a passage sits in,
 * present/section.h), so the two always agree.
 *
 * A document with a structured layout (extract/layout.h: HTML and
 * Markdown, whose markup marks headings, and PDF, whose structure rules
 * find them from the outline or type sizes: pdf_headings.h) has exactly the
 * headings its layout lists.  Any other text (plain text) has the headings
 * of the plain-text rule below, merged with any its layout lists.
 *
 * The plain-text rule: a line is a heading when it is
 *   - a Markdown ATX heading: 1 to 6 '#' then a space (the text after them);
 *   - a setext heading: a non-blank line followed by a line of only '=' or
 *     only '-' (at least two);
 *   - a title-like plain-text line: 2 to 80 characters once trimmed, starting
 *     with a letter or digit, not ending in '.', ',', ';' or ':', not a
 *     table-of-contents entry (toc.h: text, a tab or a dot leader, then
 *     a page number), not a
 *     byline (byline.h: "By ...", "Tom Goffus (United States)")
 *     nor a line with a comma whose nearest non-blank line above is one
 *     (the person's office: "Assistant Secretary General, Operations"),
 *     and standing
 *     between two paragraph breaks: a blank line (or the start of the text)
 *     before it and a blank line (or the end) after - or, in a text with one
 *     paragraph per line (by_lines: paragraphs.h), where every line
 *     break is a paragraph break, any such line.
 * A heading's text is the line trimmed (for ATX, without the '#'s).
 */
#ifndef SHELF_HEADINGS_H
#define SHELF_HEADINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/layout.h"

#define SHELF_PLAIN_HEADING_MAX_CHARS 80

/* Is the line of t[0..len) starting at line_start (the first byte after a
 * '\n', or 0) a heading by the plain-text rule?  When it is, sets
 * [*a, *b) to the heading's text. */
bool shelf_plain_heading_line(const char *t, size_t len, size_t line_start, bool by_lines, size_t *a,
                              size_t *b);

/* A document's headings as byte ranges of its text, by start (ascending),
 * each range once (len > 0; level 0 for those of the plain-text rule). */
typedef struct shelf_heading_list {
    shelf_heading *at;
    size_t n, cap;
} shelf_heading_list;

/* Fills out (emptied first, memory kept) with the headings of the text
 * by the rule above; layout may be NULL (plain text).  SHELF_OK or
 * SHELF_ENOMEM. */
int shelf_document_headings(const char *t, size_t len, const shelf_layout *layout,
                            shelf_heading_list *out);
void shelf_heading_list_free(shelf_heading_list *l);

#endif
