/*
 * pdf_running.h - running heads, running footers and page numbers of a PDF
 * (the lines a reader skips): found and marked so they stay out of the
 * text, titles, headings, passages and quotations.
 *
 * The rule (pdf_running.c).  The zones: the document's usual text block
 * runs from the median over pages of their topmost line's top to the
 * median of their bottommost line's bottom; the top and bottom zones are
 * its first and last 20%.  On each page the candidates are the top block
 * (the lines by y before the first gap of at least one line height, when
 * they are at most 6 pieces and in the top zone; else the lines on the
 * topmost baseline, when in the zone) and likewise the bottom block.  A
 * candidate is a running line when
 *   - its "mask" (lower case, digit runs and roman numerals as '#', white
 *     space runs as one space) has a letter and recurs among the
 *     candidates of other pages (on 2 pages when the document has at most
 *     6 pages with text, else 3);
 *   - or, on the page's topmost (bottommost) baseline, it is a lone page
 *     number (pdf_pagenum.h): the page's own label or physical number,
 *     maybe decorated or worded ("- 5 -", "Page 3 of 9"); other numbers
 *     there (a list's "97") stay;
 *   - or, on that baseline, it starts or ends with the page's label or
 *     physical number as a word, or sits beside a lone page number, and at
 *     least half the pages with text (and 2 or more) have such a line in
 *     the same zone (book-style alternating heads, whose text changes).
 *   - or, set apart (its block found by the gap), on that baseline, it
 *     lies within 1 pt of the baseline and within 5% of the type size of
 *     running lines set apart that recur (first test) on at least 3 pages
 *     (2 in a small document) and on a third of the pages with text: the
 *     running head of a chapter too short for it to recur (the FHS's
 *     "Appendix"); the share keeps out the foot of a full text block;
 *   - a line in heading type (pdf_headings.h, pdf_heading_sized, against
 *     the type of all lines) is spared the two page-number tests: "2
 *     Results" opening printed page 2, its "2" maybe a piece of its own,
 *     is a heading that happens to hold its page's number.
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
