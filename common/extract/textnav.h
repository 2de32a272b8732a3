/*
 * textnav.h - moving around in document text by characters, words, sentences,
 * lines and paragraphs, for cutting passages and quotations.  Positions are
 * byte offsets; every function returns an offset that lies on a UTF-8
 * character boundary (given one) and within [floor, ceil].
 *
 * Definitions:
 *   word boundary       an offset next to ASCII white space, or the text's ends
 *   sentence start      the text's start, the first non-space after a line
 *                       break, or after '.', '!' or '?' (and any closing
 *                       quotes or brackets) followed by white space; a line
 *                       break inside a sentence (the next line goes on with
 *                       a lower-case letter and the line before did not end
 *                       a sentence) does not start one, so hard-wrapped
 *                       text (PDF lines, wrapped .txt) quotes whole
 *                       sentences
 *   paragraph           text between blank lines (a line holding only white
 *                       space counts as blank); in a text with one paragraph
 *                       per line (extract/paragraphs.h: by_lines true) a
 *                       single line
 */
#ifndef SHELF_TEXTNAV_H
#define SHELF_TEXTNAV_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII white space (space, tab, line feed, carriage return, form feed,
 * vertical tab). */
bool shelf_is_space(char c);

/* Offset n characters after pos (stopping at ceil). */
size_t shelf_chars_forward(const char *t, size_t pos, size_t n, size_t ceil);
/* Offset n characters before pos (stopping at floor). */
size_t shelf_chars_back(const char *t, size_t pos, size_t n, size_t floor);
/* Characters in [from, to). */
size_t shelf_char_count(const char *t, size_t from, size_t to);

/* The nearest word boundary at or after pos (<= ceil); ceil if none. */
size_t shelf_word_start_after(const char *t, size_t pos, size_t ceil);
/* The nearest word boundary at or before pos (>= floor); floor if none. */
size_t shelf_word_end_before(const char *t, size_t pos, size_t floor);

/* Start of the sentence holding pos (>= floor). */
size_t shelf_sentence_start(const char *t, size_t pos, size_t floor);
/* End (one past the punctuation) of the sentence holding pos (<= ceil). */
size_t shelf_sentence_end(const char *t, size_t pos, size_t ceil);

/* Does the text before offset i (down to floor) end a sentence: '.', '!'
 * or '?', then any closing quotes or brackets? */
bool shelf_ends_sentence(const char *t, size_t i, size_t floor);

/* Start of the paragraph holding pos, and its end (the blank line after,
 * or with by_lines the line's end). */
size_t shelf_paragraph_start(const char *t, size_t pos, bool by_lines);
size_t shelf_paragraph_end(const char *t, size_t len, size_t pos, bool by_lines);

/* The first paragraph break in [from, to): the offset of the line break
 * that ends from's paragraph, or to when the paragraph goes on. */
size_t shelf_paragraph_break_within(const char *t, size_t from, size_t to, bool by_lines);

/* Start of the line holding pos; end of it (offset of its '\n' or len). */
size_t shelf_line_start(const char *t, size_t pos);
size_t shelf_line_end(const char *t, size_t len, size_t pos);

/* 1-based line number and character column of pos. */
void shelf_line_column(const char *t, size_t pos, size_t *line, size_t *column);

#endif
