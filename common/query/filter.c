/* filter.c - the query filters' names and values; see filter.h. */
#include "query/filter.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "extract/formats.h"

static const char *const filter_names[] = {"type", "in", "author", "after", "before"};

bool shelf_filter_named(const char *name, size_t len, shelf_filter_kind *kind)
{
    for (size_t i = 0; i < sizeof filter_names / sizeof *filter_names; i++)
        if (strlen(filter_names[i]) == len && memcmp(filter_names[i], name, len) == 0) {
            *kind = (shelf_filter_kind)i;
            return true;
        }
    return false;
}

const char *shelf_filter_name(shelf_filter_kind kind)
{
    return (size_t)kind < sizeof filter_names / sizeof *filter_names ? filter_names[kind] : "?";
}

int32_t shelf_days_from_civil(int year, int month, int day)
{
    /* Howard Hinnant's days_from_civil, written out for int arithmetic. */
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

static bool leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int month_days(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

/* n decimal digits at text[at..]; -1 when they are not all digits. */
static int digits(const char *text, size_t len, size_t at, size_t n)
{
    if (at + n > len)
        return -1;
    int value = 0;
    for (size_t i = at; i < at + n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Parses YYYY[-MM[-DD]] at the start of text; *used gets the bytes read. */
static bool parse_date(const char *text, size_t len, int32_t *day, size_t *used)
{
    int year = digits(text, len, 0, 4), month = 1, mday = 1;
    *used = 4;
    if (year < 0)
        return false;
    if (len > 4 && text[4] == '-') {
        month = digits(text, len, 5, 2);
        if (month < 1 || month > 12)
            return false;
        *used = 7;
        if (len > 7 && text[7] == '-') {
            mday = digits(text, len, 8, 2);
            if (mday < 1 || mday > month_days(year, month))
                return false;
            *used = 10;
        }
    }
    *day = shelf_days_from_civil(year, month, mday);
    return true;
}

bool shelf_iso_day(const char *text, size_t len, int32_t *day)
{
    size_t used;
    return text && parse_date(text, len, day, &used);
}

int32_t shelf_day_of_ns(int64_t ns)
{
    int64_t seconds = ns / 1000000000;
    if (ns < 0 && ns % 1000000000)
        seconds--;
    int64_t days = seconds / 86400;
    if (seconds < 0 && seconds % 86400)
        days--;
    return (int32_t)days;
}

static bool type_value(const char *value, size_t len, shelf_filter *out, char *msg, size_t size)
{
    for (size_t i = 0; i < shelf_format_count(); i++) {
        const shelf_format_info *f = shelf_format_at(i);
        if (strlen(f->name) == len && strncasecmp(f->name, value, len) == 0) {
            out->format = (int)f->format;
            return true;
        }
    }
    int n = snprintf(msg, size, "type:%.*s is not a format; the formats are", (int)len, value);
    for (size_t i = 0; i < shelf_format_count() && n > 0 && (size_t)n < size; i++)
        n += snprintf(msg + n, size - (size_t)n, "%s %s", i ? "," : "", shelf_format_at(i)->name);
    return false;
}

static bool date_value(const shelf_filter *f, const char *value, size_t len, int32_t *day, char *msg,
                       size_t size)
{
    size_t used;
    if (parse_date(value, len, day, &used) && used == len)
        return true;
    snprintf(msg, size, "%s:%.*s is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
             shelf_filter_name(f->kind), (int)len, value);
    return false;
}

bool shelf_filter_value(shelf_filter_kind kind, const char *value, size_t len, shelf_filter *out,
                        char *msg, size_t msg_size)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    if (len == 0) {
        snprintf(msg, msg_size, "empty value after '%s:'", shelf_filter_name(kind));
        return false;
    }
    switch (kind) {
    case SHELF_FILTER_TYPE:
        return type_value(value, len, out, msg, msg_size);
    case SHELF_FILTER_AFTER:
    case SHELF_FILTER_BEFORE:
        return date_value(out, value, len, &out->day, msg, msg_size);
    case SHELF_FILTER_IN:
    case SHELF_FILTER_AUTHOR:
        return true;
    }
    return false;
}
