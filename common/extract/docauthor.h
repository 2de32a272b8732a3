/*
 * docauthor.h - a document's author(s) as the index stores them: one line
 * of text, several names joined with "; ".
 *
 * Invariants: a cleaned author is valid UTF-8 (invalid bytes dropped), has
 * no control characters, runs of white space collapsed to one space, no
 * space at either end, and at most SHELF_AUTHOR_MAX_BYTES bytes (cut at a
 * character boundary, then at the last "; " or space before the cut when
 * there is one).  An empty result is no author (NULL).
 */
#ifndef SHELF_DOCAUTHOR_H
#define SHELF_DOCAUTHOR_H

#include <stddef.h>

#define SHELF_AUTHOR_MAX_BYTES 300

/* Appends one name (s[0..len), cleaned) to *authors, after "; " when
 * *authors holds some already; a name already there or empty once cleaned
 * is left out.  *authors is a malloc'd string or NULL.  0, or -1 when out
 * of memory (*authors unchanged). */
int shelf_author_append(char **authors, const char *s, size_t len);

/* Cleans a whole author string in place (the rules above); frees it and
 * returns NULL when nothing is left. */
char *shelf_author_clean(char *authors);

#endif
