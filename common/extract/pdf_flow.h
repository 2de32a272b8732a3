/*
 * pdf_flow.h - how each line of a PDF joins the next one in our text:
 * paragraphs from the layout, end-of-line hyphens, headings on their own,
 * paragraphs running across page breaks.
 *
 * For each line that is not a running line, the join to the next such line
 * (skipping running lines and empty pages) is:
 *   - PDF_JOIN_SPACE between the lines of one wrapped heading, and between
 *     pieces of one line (the next starts on the same baseline, to the
 *     right: table cells, a number set apart);
 *   - PDF_JOIN_PARAGRAPH ("\n\n") before and after a heading;
 *   - within a page, PDF_JOIN_PARAGRAPH when the next line starts a
 *     paragraph: its baseline is more than 1.25 x the page's median line
 *     pitch below (the median over consecutive body lines of one size), or
 *     it is indented (its left edge 0.6 to 8 ems right of the page's usual
 *     left margin while the line before starts at the margin), or its size
 *     differs by more than 10%, or it goes back up the page (a new column)
 *     after a line that ends a sentence;
 *   - across a page break (to the very next page only), the paragraph
 *     continues when the line does not end a sentence (no final . ! ? :,
 *     also before closing quotes or brackets), the next page's first line
 *     is not indented, and it starts in lower case or the line reaches the
 *     right margin (within 1.5 ems of the page's 80th-percentile right
 *     edge, the document's on a page of few lines; an edge counts as a
 *     margin only when it lies within 10% of the page width of where the
 *     left margin mirrored would put it); else PDF_JOIN_PARAGRAPH;
 *   - in a continuing paragraph, a line ending in letter + '-' (or a soft
 *     hyphen) whose next line starts with a lower-case letter is rejoined
 *     without a break: PDF_JOIN_WORD_DROP (hyphen removed) unless the
 *     hyphenated word ("long-term") occurs inside a line elsewhere in the
 *     document, then PDF_JOIN_WORD_KEEP; across a page break only when the
 *     next line holds more than the rest of the word (so each page keeps
 *     text of its own); otherwise PDF_JOIN_LINE ("\n");
 *   - PDF_JOIN_END after the last line.
 * Work: n log n in the lines.
 */
#ifndef SHELF_PDF_FLOW_H
#define SHELF_PDF_FLOW_H

#include "extract/pdf_model.h"

typedef enum pdf_join {
    PDF_JOIN_END = 0,
    PDF_JOIN_LINE,      /* "\n" */
    PDF_JOIN_PARAGRAPH, /* "\n\n" */
    PDF_JOIN_SPACE,     /* " " (a wrapped heading, pieces of one line) */
    PDF_JOIN_WORD_DROP, /* nothing; the line's final hyphen is dropped */
    PDF_JOIN_WORD_KEEP  /* nothing; the line's final hyphen is kept */
} pdf_join;

/* joins[i] for every line i (m->nlines entries; running lines get
 * PDF_JOIN_END and are skipped).  SHELF_OK or SHELF_ENOMEM. */
int pdf_plan_joins(const pdf_model *m, pdf_join *joins);

/* The length of the letter run that starts s[0..n) (the first part of a
 * word rejoined across a break). */
size_t pdf_leading_word(const char *s, size_t n);

/* Whether the line ends a sentence (see above). */
bool pdf_ends_sentence(const char *s, size_t n);

#endif
