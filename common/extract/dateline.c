/* dateline.c - a plain text's own date near its top; see dateline.h. */
#include "extract/dateline.h"

#include <stdbool.h>
#include <string.h>

#include "extract/docdate.h"
#include "extract/linetext.h"

#define DATE_WORDS_MAX 4
#define PLACE_WORDS_MAX 4
#define ISO_YEAR_MONTH 7 /* "YYYY-MM" */

static bool has_digit(shelf_linetext w)
{
    for (size_t i = 0; i < w.n; i++)
        if (w.s[i] >= '0' && w.s[i] <= '9')
            return true;
    return false;
}

/* d reads as a date with at least a year and a month: its ISO length. */
static size_t read_date(shelf_linetext d, char iso[SHELF_DOCDATE_BUF])
{
    d = shelf_linetext_trim(d.s, d.n);
    if (d.n == 0 || shelf_linetext_words(d) > DATE_WORDS_MAX)
        return 0;
    size_t n = shelf_docdate_normalise(d.s, d.n, iso);
    return n >= ISO_YEAR_MONTH ? n : 0;
}

/* "Brussels, 12 June 2023": the place before the first comma. */
static size_t read_place_date(shelf_linetext l, char iso[SHELF_DOCDATE_BUF])
{
    const char *comma = memchr(l.s, ',', l.n);
    if (!comma)
        return 0;
    shelf_linetext place = shelf_linetext_trim(l.s, (size_t)(comma - l.s));
    size_t words = shelf_linetext_words(place);
    if (words == 0 || words > PLACE_WORDS_MAX || has_digit(place))
        return 0;
    return read_date((shelf_linetext){comma + 1, l.n - (size_t)(comma + 1 - l.s)}, iso);
}

static size_t read_dateline(shelf_linetext l, char iso[SHELF_DOCDATE_BUF])
{
    shelf_linetext rest;
    if (shelf_linetext_opens(l, "date:", &rest) || shelf_linetext_opens(l, "dated:", &rest) ||
        shelf_linetext_opens(l, "dated ", &rest))
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
        shelf_linetext l = shelf_linetext_trim(text + at, end - at);
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
