/*
 * title.h - the title rule for a document whose format carries no title of
 * its own: the first non-empty line of the extracted text with a Markdown
 * heading's '#' marks and surrounding white space removed, cut to at most
 * SHELF_TITLE_MAX_BYTES at a character boundary; with no such line, the
 * fallback (the file name).
 *
 * Invariants: a returned title points into text (or is fallback) and its
 * length is at most SHELF_TITLE_MAX_BYTES (the fallback's is its strlen).
 */
#ifndef SHELF_TITLE_H
#define SHELF_TITLE_H

#include <stddef.h>

#define SHELF_TITLE_MAX_BYTES 200

/* The rule above, over a buffer.  Returns the title's start and sets
 * *title_len. */
const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len);

/* A title's length cut to at most SHELF_TITLE_MAX_BYTES without splitting
 * a UTF-8 sequence.  A sequence has at most three continuation bytes, so no
 * more are stepped back over (a run of stray ones must not cut the title
 * down to nothing). */
size_t shelf_title_cut(const char *title, size_t len);

#endif
