/*
 * pagespan.h - text that runs on across a page start.
 *
 * The PDF rules join two pages with a single line break (not a blank line)
 * when the last paragraph of a page goes on at the top of the next: the
 * next page's start (layout.pages) then falls inside that paragraph.  A
 * passage or quotation may cross such a page start, never a blank line,
 * and is cited by both pages ("pp. 12-13").
 *
 * Sentences: textnav.h lets a sentence run on across a line break only when
 * the next line goes on with a lower-case letter.  A paged text (PDF) says
 * more: its rules end every paragraph with a blank line, so a single line
 * break is the typesetter's wrap.  There a sentence also runs on across a
 * single line break whatever the next line starts with ("...given this" /
 * "MIME type", "...value is" / "50, and"), as long as the line before
 * does not end a sentence and runs nearly as wide as its paragraph's
 * widest line (at least 7/10 of it in characters: a short line, such as a
 * line of code, was ended by its writer), and the next line does not open
 * a list item (a bullet or dash, or "3." "b)" "(iv)" then a space); and
 * likewise across a
 * page start that the PDF rules joined with a single line break ("...held
 * by the" / "NATO Council.").  A page start that falls inside a line (a
 * word rejoined across the page break) needs no rule: it is no line break.
 *
 * Invariants: with no layout or an unpaged one these are textnav.h's
 * sentence bounds; the results stay within the paragraph [start, end).
 * The paragraph's widest line is measured once, when the view is made, so
 * a search across many wrapped lines costs time in proportion to the
 * lines it crosses, not to their number times the paragraph's length (a
 * PDF table or listing can be one paragraph of thousands of lines).
 */
#ifndef SHELF_PAGESPAN_H
#define SHELF_PAGESPAN_H

#include <stddef.h>

#include "extract/layout.h"

/* The paragraph a sentence is looked for in: text[start, end), with the
 * layout that says whether the text is paged. */
typedef struct shelf_paged_paragraph {
    const char *text;
    const shelf_layout *layout; /* NULL, or no pages: not paged */
    size_t start, end;
    size_t widest; /* characters in the widest line of [start, end), when paged */
} shelf_paged_paragraph;

/* Make the view of text[start, end) (start <= end); reads only that range. */
void shelf_paged_paragraph_init(shelf_paged_paragraph *p, const char *text,
                                const shelf_layout *layout, size_t start, size_t end);

/* Start of the sentence holding pos (start <= pos < end), across wraps and
 * page starts; reads no text outside the paragraph. */
size_t shelf_sentence_start_paged(const shelf_paged_paragraph *p, size_t pos);
/* End of the sentence holding pos (<= end), across wraps and page starts. */
size_t shelf_sentence_end_paged(const shelf_paged_paragraph *p, size_t pos);

/* The 1-based page holding the last byte of [start, end) (start's when the
 * range is empty); 0 when unpaged. */
size_t shelf_last_page_of(const shelf_layout *layout, size_t start, size_t end);

#endif
