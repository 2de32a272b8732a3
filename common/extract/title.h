/*
 * title.h - the title rule for a document whose format carries no title of
 * its own (plain text, and any format whose own title is missing).
 *
 * The title is the first line near the start that reads as a title, with a
 * Markdown heading's '#' marks and surrounding white space removed:
 *   - Skipped, not counted: blank lines; adornment lines (three or more of
 *     one punctuation character and nothing else: reStructuredText and
 *     setext over- and underlines); markup lines (reStructuredText comments
 *     and directives starting with "..", field lines like ":Author: ...",
 *     SPDX licence tags, and bylines as byline.h defines them: "By ...",
 *     "Tom Goffus (United States)").
 *   - A heading is a title when it has at most SHELF_TITLE_HEADING_CHARS
 *     characters: a line with a Markdown '#' mark (1 to 6 '#' then a space)
 *     or a line directly followed by an adornment line (underlined).
 *   - Any other line is a title when it reads as one: at most
 *     SHELF_TITLE_LINE_CHARS characters and SHELF_TITLE_LINE_WORDS words; not
 *     ending in sentence punctuation ('.', '!', ',', ';' or ':'; a question
 *     like "What is NUMA?" is a title); holding a letter; and not continued by
 *     the line directly below starting with a lower-case letter (hard-wrapped
 *     prose).
 *   - Only the first SHELF_TITLE_SCAN_LINES counted lines are looked at: a
 *     short title-like line after a first-line sentence or disclaimer is
 *     found, but not a section heading deep in the body.
 * With no such line, the fallback.  A title is cut to at most
 * SHELF_TITLE_MAX_BYTES at a character boundary.
 *
 * The fallback for a file is its name made readable (shelf_title_of_name):
 * the directory and extension dropped, '-' and '_' read as spaces.
 *
 * Invariants: a returned title points into text (or is fallback) and its
 * length is at most SHELF_TITLE_MAX_BYTES (the fallback's is its strlen).
 */
#ifndef SHELF_TITLE_H
#define SHELF_TITLE_H

#include <stddef.h>

#define SHELF_TITLE_MAX_BYTES 200
#define SHELF_TITLE_SCAN_LINES 3
#define SHELF_TITLE_LINE_CHARS 100
#define SHELF_TITLE_LINE_WORDS 12
#define SHELF_TITLE_HEADING_CHARS 150

/* The rule above, over a buffer.  Returns the title's start and sets
 * *title_len; with no title line and a NULL fallback, returns NULL with
 * *title_len 0. */
const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len);

/* A file's name made readable into out (cap bytes, cap >= 1, always
 * NUL-terminated): the part after the last '/', without its extension (the
 * last ".xyz" not at the start; a second one too when it is a text format's:
 * "guide.rst.txt" gives "guide"), each run of '-', '_' and spaces as one
 * space, trimmed; when that leaves several words and the first is all lower
 * case, its first letter is written as a capital ("military-diplomacy-in-nato.txt" gives "Military
 * diplomacy in nato"; other letters keep their case).  A name that would come out empty is kept as it is.
 * Returns the length written (cut at a character boundary to fit). */
size_t shelf_title_of_name(const char *path, char *out, size_t cap);

/* A title's length cut to at most SHELF_TITLE_MAX_BYTES without splitting
 * a UTF-8 sequence.  A sequence has at most three continuation bytes, so no
 * more are stepped back over (a run of stray ones must not cut the title
 * down to nothing). */
size_t shelf_title_cut(const char *title, size_t len);

#endif
