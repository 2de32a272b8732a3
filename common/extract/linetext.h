/*
 * linetext.h - one line of text as the line rules (byline.h, dateline.h)
 * read it: a byte range, trimmed of blanks, split into words at blanks.
 * Blanks are space, tab, CR, FF and VT (a line holds no '\n').
 */
#ifndef SHELF_LINETEXT_H
#define SHELF_LINETEXT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct shelf_linetext {
    const char *s;
    size_t n;
} shelf_linetext;

bool shelf_linetext_blank(char c);

/* s[0..n) without the blanks at either end. */
shelf_linetext shelf_linetext_trim(const char *s, size_t n);

/* Does l start with word (any case)?  When it does, *rest (may be NULL) is
 * what follows it. */
bool shelf_linetext_opens(shelf_linetext l, const char *word, shelf_linetext *rest);

/* The next word of l from *at, advancing *at past it; false at the end. */
bool shelf_linetext_next_word(shelf_linetext l, size_t *at, shelf_linetext *word);

/* How many words l holds. */
size_t shelf_linetext_words(shelf_linetext l);

#endif
