/*
 * paragraphs.h - how a document's text marks its paragraphs.
 *
 * PDF, HTML and Markdown text set paragraphs off with blank lines (their
 * readers write it so).  Plain text does so when it is hard-wrapped, but
 * text saved from a web page or a word processor often holds each
 * paragraph on one long line, with no blank line between paragraphs and
 * short title-like lines as headings (the sample shelf's
 * military-diplomacy-in-nato.txt).  In such text every line break is a
 * paragraph break.
 *
 * Rule: a plain text (no layout, or one neither paged nor structured) has
 * one paragraph per line when, over its non-blank lines within the first
 * SHELF_PARAGRAPH_SAMPLE_BYTES,
 *   - at least SHELF_LONG_LINES_MIN lines are longer than
 *     SHELF_LONG_LINE_CHARS characters (one long line proves no habit),
 *   - at least half of the characters sit on such long lines, and
 *   - fewer than one line break in SHELF_WRAP_RATIO looks like a hard wrap
 *     (the next line goes on with a lower-case letter after a line that
 *     did not end a sentence).
 * Measured: the one-paragraph-per-line files of corpus/ have 82-95% of
 * their characters on such lines and no hard wraps; hard-wrapped files
 * (Debian's /usr/share/doc, 300 files: READMEs, manuals, licences) at most
 * 41% (a licence mixing both), nearly all under 15%.
 *
 * Invariant: the answer depends only on the text's first bytes and the
 * layout's kind, so every caller (passages, quotations, sections) agrees.
 */
#ifndef SHELF_PARAGRAPHS_H
#define SHELF_PARAGRAPHS_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/layout.h"

#define SHELF_PARAGRAPH_SAMPLE_BYTES (256 * 1024)
#define SHELF_LONG_LINE_CHARS 150
#define SHELF_LONG_LINES_MIN 3
#define SHELF_WRAP_RATIO 20

/* Is every line of this text a paragraph?  layout may be NULL (plain). */
bool shelf_one_paragraph_per_line(const char *text, size_t len, const shelf_layout *layout);

#endif
