/*
 * wptext.h - the text of a word-processor document (DOCX, ODT) built
 * paragraph by paragraph, with its headings, as the zip readers find them
 * in the XML.
 *
 * Rules:
 *   - a paragraph is opened, given text, then closed; its text is its runs
 *     with every run of white space (and control characters) made one
 *     space, none at either end; a line break inside it is one '\n' (a
 *     space inside a heading);
 *   - paragraphs are separated by one blank line; an empty paragraph
 *     (nothing but white space) leaves nothing, not even a blank line;
 *   - a paragraph opened with a level 1..6 is a heading: its byte range
 *     goes to the layout with that level (deeper levels are 6);
 *   - opening a paragraph inside an open one (a text box inside a
 *     paragraph) closes the outer one first; what the outer one holds after
 *     the inner one closes is a paragraph of its own (body text).
 * The layout is structured and paragraph-cited (layout.h): sections are the
 * headings, places are cited by section and paragraph.
 *
 * Invariants: the text is valid UTF-8 when every run given is; no blank
 * line at its start or end, never two in a row; headings ascending, not
 * overlapping, on one line.
 */
#ifndef SHELF_WPTEXT_H
#define SHELF_WPTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/doctext.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct shelf_wptext {
    shelf_buf out;
    shelf_layout *layout;
    int rc;              /* first failure (SHELF_ENOMEM), sticky */
    int depth;           /* paragraphs open (nested ones are flattened) */
    uint32_t level;      /* of the open paragraph: 0 body, 1..6 heading */
    size_t para_start;   /* offset of its first byte, or SIZE_MAX while empty */
    bool owed_space;     /* a space before its next visible byte */
    bool owed_break;     /* a line break before its next visible byte */
} shelf_wptext;

/* Starts building into layout (reset, structured and paragraph-cited). */
void shelf_wptext_init(shelf_wptext *w, shelf_layout *layout);

void shelf_wptext_open(shelf_wptext *w, uint32_t level);
/* Text of a run (UTF-8); outside a paragraph it opens a body one. */
void shelf_wptext_add(shelf_wptext *w, const char *s, size_t n);
/* A line break (tab-like separators: use shelf_wptext_add(" ")). */
void shelf_wptext_break(shelf_wptext *w);
void shelf_wptext_close(shelf_wptext *w);

/* Closes what is open and hands the text to out (NUL-terminated, length in
 * out->len); the builder is left empty.  SHELF_OK, SHELF_ENOMEM, or
 * SHELF_ESKIP when there is no text ("PATH: no text"; label names the
 * format). */
int shelf_wptext_finish(shelf_wptext *w, const char *path, const char *label, shelf_doctext *out,
                        shelf_err *err);
void shelf_wptext_free(shelf_wptext *w);

/* The text of an element's subtree gathered the same way (white space
 * collapsed, trimmed) into a malloc'd string, for titles and authors. */
char *shelf_wptext_collapse(const char *s, size_t n);

#endif
