/* dateline.c - a plain text's own date near its top; see dateline.h. */
#include "extract/dateline.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "extract/docdate.h"

#define DATE_WORDS_MAX 4
#define PLACE_WORDS_MAX 4
#define ISO_YEAR_MONTH 7 /* "YYYY-MM" */

typedef struct span {
    const char *s;
    size_t n;
} span;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static span trimmed(const char *s, size_t n)
{
    while (n > 0 && is_space(*s))
        s++, n--;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    return (span){s, n};
}

static size_t word_count(span w)
{
    size_t words = 0;
    for (size_t i = 0; i < w.n; i++)
        if (!is_space(w.s[i]) && (i == 0 || is_space(w.s[i - 1])))
            words++;
    return words;
}

static bool has_digit(span w)
{
    for (size_t i = 0; i < w.n; i++)
        if (w.s[i] >= '0' && w.s[i] <= '9')
            return true;
    return false;
}

/* d reads as a date with at least a year and a month: its ISO length. */
static size_t read_date(span d, char iso[SHELF_DOCDATE_BUF])
{
    d = trimmed(d.s, d.n);
    if (d.n == 0 || word_count(d) > DATE_WORDS_MAX)
        return 0;
    size_t n = shelf_docdate_normalise(d.s, d.n, iso);
    return n >= ISO_YEAR_MONTH ? n : 0;
}

static bool opens_with(span l, const char *word, span *rest)
{
    size_t n = strlen(word);
    if (l.n < n || strncasecmp(l.s, word, n) != 0)
        return false;
    *rest = (span){l.s + n, l.n - n};
    return true;
}

/* "Brussels, 12 June 2023": the place before the first comma. */
static size_t read_place_date(span l, char iso[SHELF_DOCDATE_BUF])
{
    const char *comma = memchr(l.s, ',', l.n);
    if (!comma)
        return 0;
    span place = trimmed(l.s, (size_t)(comma - l.s));
    size_t words = word_count(place);
    if (words == 0 || words > PLACE_WORDS_MAX || has_digit(place))
        return 0;
    return read_date((span){comma + 1, l.n - (size_t)(comma + 1 - l.s)}, iso);
}

static size_t read_dateline(span l, char iso[SHELF_DOCDATE_BUF])
{
    span rest;
    if (opens_with(l, "date:", &rest) || opens_with(l, "dated:", &rest) ||
        opens_with(l, "dated ", &rest))
        return read_date(rest, iso);
    size_t n = read_date(l, iso);
    return n ? n : read_place_date(l, iso);
}

char *shelf_dateline_of(const char *text, size_t len)
{
    size_t at = 0;
    for (size_t seen = 0; at < len && seen < SHELF_DATELINE_LINES;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        span l = trimmed(text + at, end - at);
        at = end + 1;
        if (l.n == 0)
            continue;
        seen++;
        char iso[SHELF_DOCDATE_BUF];
        if (l.n <= SHELF_DATELINE_CHARS && read_dateline(l, iso))
            return strdup(iso);
    }
    return NULL;
}
