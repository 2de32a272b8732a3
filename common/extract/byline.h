/*
 * byline.h - is a line a byline: a line that names who wrote a text (or
 * who holds its rights) rather than saying what the text is about?  Shared
 * by the title rule (title.h: a byline is never a title) and the section
 * rule (extract/headings.h: a byline is never a heading).
 *
 * A line (trimmed of white space) is a byline when it
 *   - opens with "Written by", "By ", "Author:", "Authors:", "Copyright",
 *     "(c)" or "©" (any case);
 *   - holds an e-mail address (a '@' between two ASCII letters or digits);
 *   - or is a person's name followed by an affiliation or country in
 *     parentheses, and nothing else: "Tom Goffus (United States)",
 *     "Dr Svitlana Kobzar (Belgium)", "Jan van Eyck (Ghent University)".
 *     The name is an optional title (Dr, Mr, Mrs, Ms, Prof, Sir, with or
 *     without a '.'), then 2 to 4 words that each start with a capital
 *     letter (an initial like "J." counts), a lower-case particle (van,
 *     von, de, der, den, da, di, du, la, le, del, bin, al) allowed between
 *     them; the parentheses hold 1 to 6 words of letters (and '-', '.',
 *     '&', ',', ''') with no digit.
 * A name alone ("Tom Goffus") is not a byline: it cannot be told from a
 * two-word heading.  A heading shaped like a name with a parenthesised
 * remark ("Crisis Management (Overview)") is taken for a byline: the rule
 * prefers losing such a heading to citing a person as a section.
 */
#ifndef SHELF_BYLINE_H
#define SHELF_BYLINE_H

#include <stdbool.h>
#include <stddef.h>

/* The rule above over line[0..len) (no '\n' inside). */
bool shelf_is_byline(const char *line, size_t len);

#endif
