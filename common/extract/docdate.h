/*
 * docdate.h - a document's date as the formats write it, made the ISO 8601
 * prefix the index stores: "YYYY", "YYYY-MM" or "YYYY-MM-DD".
 *
 * Accepted forms (white space around them ignored, month names in English,
 * full or three-letter, any case):
 *   "2023", "2023-05", "2023-05-14", "2023-05-14T10:00:00Z" (anything after
 *   the day that starts with 'T' or a space is a time and is dropped),
 *   "2023/05/14", "2023/5/4", "20230514", "D:20230514..." (PDF dates),
 *   "14 May 2023", "14. May 2023", "May 14, 2023", "May 14 2023",
 *   "May 2023".
 * Invariants: the result is always a real calendar date (month 1..12, day
 * within the month, leap years counted), year 1000..9999; anything else is
 * unreadable and gives nothing (never an error: a document without a
 * readable date simply has none).
 */
#ifndef SHELF_DOCDATE_H
#define SHELF_DOCDATE_H

#include <stddef.h>

/* "YYYY-MM-DD" and its NUL. */
#define SHELF_DOCDATE_BUF 11

/* Writes the ISO form of s[0..len) into out and returns its length (4, 7
 * or 10); 0 (out empty) when the date is unreadable. */
size_t shelf_docdate_normalise(const char *s, size_t len, char out[SHELF_DOCDATE_BUF]);

/* The ISO form as a new string (malloc), or NULL when unreadable or out of
 * memory. */
char *shelf_docdate_dup(const char *s, size_t len);

#endif
