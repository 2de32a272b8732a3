/*
 * filter.h - the query filters type:, in:, author:, after: and before:
 * (README, "Query language"): what each means and how its value is checked
 * when the query is parsed.
 *
 * Filters restrict the documents a query matches and never score.  Their
 * values are checked here, once, so a backend only ever sees a valid one:
 *   type:NAME    a format as the readers table names it (extract/readers.h);
 *                the list comes from the table, never from a copy of it;
 *   in:FOLDER    a folder, compared component-wise with the document's path
 *                (absolute when it starts with '/', else relative to an
 *                indexed root; the engine resolves it, filter_match.h);
 *   author:NAME  every word of NAME is a word of the stored author
 *                (ASCII case ignored);
 *   after:D      the document's day is on or after D's first day;
 *   before:D     the document's day is before D's first day;
 *                D is YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date.
 * A document's day is its own date (the metadata's, a prefix of ISO 8601,
 * taken at its first day), else the UTC day its file was last modified.
 *
 * Days are counted from 1970-01-01 (day 0), proleptic Gregorian.
 */
#ifndef SHELF_QUERY_FILTER_H
#define SHELF_QUERY_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum shelf_filter_kind {
    SHELF_FILTER_TYPE,
    SHELF_FILTER_IN,
    SHELF_FILTER_AUTHOR,
    SHELF_FILTER_AFTER,
    SHELF_FILTER_BEFORE
} shelf_filter_kind;

typedef struct shelf_filter {
    shelf_filter_kind kind;
    int format;  /* TYPE: the reader's shelf_format value */
    int32_t day; /* AFTER, BEFORE: the first day of the value */
} shelf_filter;

/* The filter named by the word before ':' ("type", "in", ...); false when
 * name is none of them. */
bool shelf_filter_named(const char *name, size_t len, shelf_filter_kind *kind);
/* "type", "in", ... */
const char *shelf_filter_name(shelf_filter_kind kind);

/* Check value[0..len) for a filter of this kind and fill *out.  On a bad
 * value returns false with a one-line message in msg (e.g. "after:
 * 2023-13-45 is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"). */
bool shelf_filter_value(shelf_filter_kind kind, const char *value, size_t len, shelf_filter *out,
                        char *msg, size_t msg_size);

/* Days from 1970-01-01 of a calendar date (month 1..12, day 1..31). */
int32_t shelf_days_from_civil(int year, int month, int day);
/* The first day of an ISO 8601 prefix "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 * (anything after the day, such as a time, is ignored); false when text
 * does not start with one of them or names no real date. */
bool shelf_iso_day(const char *text, size_t len, int32_t *day);
/* The UTC day of a time in nanoseconds since the epoch. */
int32_t shelf_day_of_ns(int64_t ns);

#endif
