/*
 * pdf_running.h - running heads, running footers and page numbers of a PDF
 * (the lines a reader skips): found and marked so they stay out of the
 * text, titles, headings, passages and quotations.
 *
 * The rule (pdf_running.c): on each page, the first and last few lines by
 * y that lie in the top or bottom zone of the page (12% of its height) are
 * candidates.  A candidate is a running line when
 *   - its "mask" (lower case, digit runs and roman numerals as '#', white
 *     space runs as one space) recurs among the candidates of other pages
 *     (on 2 pages when the document has at most 6 pages with text, else 3);
 *   - or it is a lone page number: the page's label or physical number, or
 *     a mask without letters other than "page"/"of" ("- 5 -", "Page 3 of 9");
 *   - or it starts or ends with the page's label or physical number as a
 *     word, and most pages (at least half the pages with text, and at least
 *     2) have such a line in the same zone (book-style alternating heads).
 * Body lines never qualify by looking alike alone: a line outside the
 * zones is never a candidate, and a candidate needs recurrence or the page
 * number test.  Work: n log n in the number of candidate lines.
 */
#ifndef SHELF_PDF_RUNNING_H
#define SHELF_PDF_RUNNING_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/pdf_model.h"

/* Sets `running` on the lines the rule finds.  SHELF_OK or SHELF_ENOMEM. */
int pdf_mark_running(pdf_model *m);

/* Whether s[0..n) reads as one of the document's running lines (same mask);
 * for metadata titles, which some producers fill with the running head. */
bool pdf_is_running_text(const pdf_model *m, const char *s, size_t n);

#endif
