/*
 * pdf_printed.h - the printed page numbers of a PDF that defines no page
 * labels, read off its pages, so a citation names the page as printed
 * ("p. 1" for the third sheet of a report with a cover and a contents
 * page) and the numbers leave the text as running lines.
 *
 * The rule.  It applies only when every page's label is its physical
 * number (poppler's answer when the PDF has no /PageLabels); labels the
 * PDF defines are trusted.  On each page the candidates are the lines on
 * its topmost and on its bottommost baseline (within half a line height),
 * when that baseline stands apart from every other line of the page by at
 * least its line height (a head or footer, not a table row at the foot),
 * that read as a lone number: one arabic number (1 to 9999) or one roman
 * numeral (i to mmmcmxcix, all lower or all upper case, in its canonical
 * spelling), maybe decorated or worded ("- 5 -", "Page 5", "Page 5 of 9",
 * "p. iv").  A candidate votes for its offset, number minus physical page
 * number.  The arabic offset with the most votes wins when it has at least
 * 3 (2 in a document of at most 6 pages) and at least half the pages with
 * an arabic candidate vote for it; an offset of 0 changes nothing.  The
 * first page voting for it, and every page after, is labelled physical +
 * offset; so is an earlier page that would be numbered 1 or more when no
 * roman candidate lies at or after it (an unnumbered chapter opening).
 * Earlier pages take the roman offset with the most votes among them, in
 * the case their numerals were printed in (when the page would be
 * numbered 1 or more).  A page left without a number (a cover) is labelled
 * "[N]", N its physical number: an unnumbered page, cited the way a
 * bibliography cites one.  Nothing is labelled when no arabic offset wins.
 * Work: linear in the lines plus n log n in the candidates.
 */
#ifndef SHELF_PDF_PRINTED_H
#define SHELF_PDF_PRINTED_H

#include "extract/pdf_model.h"

/* Sets m->printed when the rule finds printed numbers; else leaves it
 * NULL.  SHELF_OK or SHELF_ENOMEM. */
int pdf_find_printed_numbers(pdf_model *m);

#endif
