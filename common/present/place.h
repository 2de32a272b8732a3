/*
 * place.h - where a byte offset of a document's stored text sits, in the
 * terms a citation uses: page (paged formats), line and column, section.
 *
 *   page     1-based page of the offset for a paged layout (PDF), else 0;
 *   line     1-based; when the layout has a source map (HTML, Markdown), the line of
 *            the source file the text came from; else counted from the
 *            start of the page when paged, from the start of the text
 *            otherwise;
 *   column   1-based, in characters: of the source line with a source map
 *            (for text from an entity such as &amp;, the column of its '&'),
 *            else of the text's line;
 *   section  for a structured layout (HTML, Markdown) the text of the last
 *            heading the format marked at or before the offset (none before
 *            the first); otherwise the plain-text rule of section.h, looking
 *            back at most `lookback` lines (0: no limit), with every line a
 *            paragraph when paragraphs.h says the text has one per line;
 *   paragraph for a paragraph-cited layout (layout.h: DOCX, ODT, EPUB),
 *            1-based: the paragraph holding the offset, counted from the
 *            section's heading (not counted itself), or from the start of
 *            the text before the first heading; paragraphs are runs of
 *            non-blank lines.  0 for any other layout.
 *
 * A citation names a page by its printed label where the layout has one
 * ("iv", "12"), else by its physical number (shelf_page_name).
 */
#ifndef SHELF_PLACE_H
#define SHELF_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/layout.h"

typedef struct shelf_place {
    size_t page, line, column;
    size_t section_start, section_len; /* heading text; length 0 when none */
    size_t paragraph;                  /* 0 unless paragraph-cited */
} shelf_place;

/* layout may be NULL (unpaged, unstructured). */
void shelf_place_of(const char *text, size_t len, const shelf_layout *layout, size_t pos,
                    size_t lookback, shelf_place *out);

/* The paragraph number of pos (above); 0 unless the layout is
 * paragraph-cited. */
size_t shelf_paragraph_number(const char *text, size_t len, const shelf_layout *layout, size_t pos);

/* Line and column of pos in the source file through the layout's source
 * map (layout.h); false (nothing written) when there is none. */
bool shelf_source_line_column(const char *text, const shelf_layout *layout, size_t pos,
                              size_t *line, size_t *column);

/* Line and column of pos as cited (above): the source's with a source map,
 * else the text's (not counted within the page). */
void shelf_line_column_of(const char *text, const shelf_layout *layout, size_t pos, size_t *line,
                          size_t *column);

/* The line of pos in the stored text, within its page when paged (what
 * --context numbers), whatever the source map says. */
size_t shelf_text_line_of(const char *text, const shelf_layout *layout, size_t pos);

/* The text line (as shelf_text_line_of) showing what a citation names as
 * source line `line`: the line holding the first text from that source
 * line or a later one (the last line when none is).  Without a source map,
 * line itself. */
size_t shelf_text_line_for_source(const char *text, const shelf_layout *layout, size_t line);

/* Just the page and line of pos (as above). */
void shelf_page_line_of(const char *text, const shelf_layout *layout, size_t pos, size_t *page,
                        size_t *line);

/* Room for a page's name: its longest label, or a decimal number, + NUL. */
#define SHELF_PAGE_NAME_BYTES (SHELF_PAGE_LABEL_MAX_BYTES + 1)

/* The name a citation gives the 1-based page: the layout's printed label
 * for it, or else its physical number; written into buf, which is
 * returned.  layout may be NULL. */
const char *shelf_page_name(const shelf_layout *layout, size_t page,
                            char buf[SHELF_PAGE_NAME_BYTES]);

#endif
