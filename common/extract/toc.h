/*
 * toc.h - table-of-contents lines: entries a writer cannot quote ("3.3.1
 * Lexical scoping . . . . . 22") and the "Contents" line over them.
 * Passages (present/passage.h) are not cut from them while the same words match
 * elsewhere in the document, and an entry is never a section heading
 * (headings.h).
 *
 * A line (trimmed of white space) is a table-of-contents entry when it
 * ends in a page number - 1 to 4 digits, or 1 to 7 lower-case Roman
 * numerals (i v x l c) - before which, after optional spaces, stands a tab
 * or a dot leader: SHELF_TOC_LEADER_DOTS or more '.' with nothing but
 * spaces between them ("....", ". . ."); and something other than the
 * leader comes first (the entry's title).  It is one too when it ends in a
 * dot leader of SHELF_TOC_BARE_LEADER_DOTS or more with no number after
 * it: poppler often reads a contents page's numbers (hyperlinks, set
 * flush right) as a column of their own, away from their entries (the
 * PDFs that Sphinx makes through LaTeX).
 * A line is a contents heading when it is "Contents" or "Table of
 * Contents" (any case).  Both are table-of-contents lines, and so is a
 * line of at most SHELF_TOC_NEIGHBOUR_MAX bytes right above or below an
 * entry (no blank line between): a chapter's entry, which LaTeX sets with
 * no leader ("11 Customized programs 103", "Beyond Packaging").  A line longer
 * than SHELF_TOC_LINE_MAX bytes is neither, and is not read to its ends:
 * asking costs O(SHELF_TOC_LINE_MAX) whatever the text (a passage asks once
 * per match).
 */
#ifndef SHELF_TOC_H
#define SHELF_TOC_H

#include <stdbool.h>
#include <stddef.h>

#define SHELF_TOC_LEADER_DOTS 3
#define SHELF_TOC_BARE_LEADER_DOTS 6 /* a leader with no page number after it */
#define SHELF_TOC_NEIGHBOUR_MAX 120  /* bytes; a leaderless line beside an entry */
#define SHELF_TOC_LINE_MAX 400 /* bytes; a longer line is never a contents line */

/* Is t[a..b) (one line, no '\n') a table-of-contents entry? */
bool shelf_toc_entry(const char *t, size_t a, size_t b);

/* Is the line of t[0..len) holding pos a table-of-contents line (an entry
 * or a contents heading)? */
bool shelf_toc_line_at(const char *t, size_t len, size_t pos);

#endif
