/* docdate.c - dates as formats write them, to an ISO 8601 prefix; see docdate.h. */
#include "extract/docdate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A cursor over the date text. */
typedef struct cursor {
    const char *p, *end;
} cursor;

/* What was read: month and day 0 when the text names none. */
typedef struct ymd {
    int year, month, day;
} ymd;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool at_end(const cursor *c)
{
    return c->p >= c->end;
}

static char peek(const cursor *c)
{
    return at_end(c) ? '\0' : *c->p;
}

static void skip_spaces(cursor *c)
{
    while (!at_end(c) && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

/* Number of digits starting at the cursor. */
static size_t digit_run(const cursor *c)
{
    size_t n = 0;
    while (c->p + n < c->end && is_digit(c->p[n]))
        n++;
    return n;
}

/* Reads exactly n digits as a number. */
static int take_number(cursor *c, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (c->p[i] - '0');
    c->p += n;
    return v;
}

/* 1..12 for an English month name (full or its first three letters). */
static int month_of_word(const char *w, size_t len)
{
    static const char *const names[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(names[m]);
        bool known_length = len == full || len == 3 || (len == 4 && m == 8);
        if (known_length && strncasecmp(w, names[m], len) == 0)
            return m + 1;
    }
    return 0;
}

/* Reads a word of letters (an optional '.' after it is skipped). */
static size_t take_word(cursor *c, const char **w)
{
    *w = c->p;
    size_t n = 0;
    while (c->p + n < c->end && is_letter(c->p[n]))
        n++;
    c->p += n;
    if (peek(c) == '.')
        c->p++;
    return n;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static bool valid(const ymd *d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d->year < 1000 || d->year > 9999 || d->month < 0 || d->month > 12)
        return false;
    if (d->day == 0)
        return true;
    if (d->month == 0 || d->day < 0 || d->day > days[d->month - 1])
        return false;
    return d->month != 2 || d->day < 29 || is_leap(d->year);
}

/* After the date: the end, or a time ("T10:00", " 10:00") that is dropped. */
static bool rest_is_time(const cursor *c)
{
    return at_end(c) || *c->p == 'T' || *c->p == ' ' || *c->p == '\t';
}

/* "20230514", "202305", "2023", with PDF's time digits after them. */
static bool read_compact(cursor *c, ymd *d)
{
    size_t n = digit_run(c);
    if (n < 4 || n % 2 != 0)
        return false;
    d->year = take_number(c, 4);
    if (n >= 6)
        d->month = take_number(c, 2);
    if (n >= 8)
        d->day = take_number(c, 2);
    return true; /* the time digits and zone that may follow are dropped */
}

/* "2023-05-14", "2023/5/4", "2023-05", the year read already. */
static bool read_separated(cursor *c, ymd *d)
{
    char sep = *c->p++;
    size_t n = digit_run(c);
    if (n < 1 || n > 2)
        return false;
    d->month = take_number(c, n);
    if (peek(c) != sep)
        return rest_is_time(c);
    c->p++;
    n = digit_run(c);
    if (n < 1 || n > 2)
        return false;
    d->day = take_number(c, n);
    return rest_is_time(c);
}

static bool read_year_first(cursor *c, ymd *d)
{
    if (digit_run(c) != 4)
        return read_compact(c, d);
    d->year = take_number(c, 4);
    if (peek(c) == '-' || peek(c) == '/')
        return read_separated(c, d);
    return rest_is_time(c);
}

/* A four-digit year ending the date (what follows a space is dropped). */
static bool read_final_year(cursor *c, ymd *d)
{
    skip_spaces(c);
    if (digit_run(c) != 4)
        return false;
    d->year = take_number(c, 4);
    return rest_is_time(c) || peek(c) == ',';
}

/* "14 May 2023", "14. May 2023". */
static bool read_day_first(cursor *c, ymd *d)
{
    size_t n = digit_run(c);
    if (n > 2)
        return false;
    d->day = take_number(c, n);
    if (peek(c) == '.')
        c->p++;
    skip_spaces(c);
    const char *w;
    size_t len = take_word(c, &w);
    d->month = month_of_word(w, len);
    return d->month > 0 && read_final_year(c, d);
}

/* "May 14, 2023", "May 14 2023", "May 2023", after an optional weekday
 * ("Sun, 14 May 2023" is read as day first). */
static bool read_month_first(cursor *c, ymd *d)
{
    const char *w;
    size_t len = take_word(c, &w);
    d->month = month_of_word(w, len);
    if (d->month == 0) { /* a weekday name and a comma: skip them */
        if (peek(c) != ',')
            return false;
        c->p++;
        skip_spaces(c);
        return is_digit(peek(c)) ? read_day_first(c, d) : read_month_first(c, d);
    }
    skip_spaces(c);
    size_t n = digit_run(c);
    if (n >= 1 && n <= 2) {
        d->day = take_number(c, n);
        if (peek(c) == ',')
            c->p++;
    }
    return read_final_year(c, d);
}

static bool read_date(cursor *c, ymd *d)
{
    if (c->end - c->p >= 2 && c->p[0] == 'D' && c->p[1] == ':')
        c->p += 2;
    size_t n = digit_run(c);
    if (n >= 4)
        return read_year_first(c, d);
    if (n >= 1)
        return read_day_first(c, d);
    return is_letter(peek(c)) && read_month_first(c, d);
}

size_t shelf_docdate_normalise(const char *s, size_t len, char out[SHELF_DOCDATE_BUF])
{
    out[0] = '\0';
    if (!s)
        return 0;
    cursor c = {s, s + len};
    skip_spaces(&c);
    ymd d = {0, 0, 0};
    if (!read_date(&c, &d) || !valid(&d))
        return 0;
    int n;
    if (d.month == 0)
        n = snprintf(out, SHELF_DOCDATE_BUF, "%04d", d.year);
    else if (d.day == 0)
        n = snprintf(out, SHELF_DOCDATE_BUF, "%04d-%02d", d.year, d.month);
    else
        n = snprintf(out, SHELF_DOCDATE_BUF, "%04d-%02d-%02d", d.year, d.month, d.day);
    return n > 0 ? (size_t)n : 0;
}

char *shelf_docdate_dup(const char *s, size_t len)
{
    char iso[SHELF_DOCDATE_BUF];
    size_t n = shelf_docdate_normalise(s, len, iso);
    if (n == 0)
        return NULL;
    char *copy = malloc(n + 1);
    if (copy)
        memcpy(copy, iso, n + 1);
    return copy;
}
