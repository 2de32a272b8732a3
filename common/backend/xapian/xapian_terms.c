/* xapian_terms.c - the key <-> Xapian term rules; see xapian_terms.h. */
#include "backend/xapian/xapian_terms.h"
#include "query/keys.h" /* the key layout (field bytes) */

#include <stdbool.h>
#include <string.h>

static bool is_title(uint8_t field)
{
    return field == SHELF_FIELD_TITLE_ID;
}

static char prefix_of(uint8_t field)
{
    return is_title(field) ? SHELF_XAPIAN_TITLE_PREFIX[0] : SHELF_XAPIAN_BODY_PREFIX[0];
}

size_t shelf_xapian_field_term(uint8_t field, const uint8_t *term, size_t len, char *out)
{
    out[0] = prefix_of(field);
    memcpy(out + 1, term, len);
    return len + 1;
}

size_t shelf_xapian_key_term(const uint8_t *key, size_t len, char *out)
{
    return shelf_xapian_field_term(key[0], key + 1, len - 1, out);
}

size_t shelf_xapian_term_key(uint8_t field, const char *term, size_t len, uint8_t *out,
                             size_t out_size)
{
    if (len <= 1 || len > out_size || term[0] != prefix_of(field))
        return 0;
    out[0] = field;
    memcpy(out + 1, term + 1, len - 1);
    return len;
}

const char *shelf_xapian_id_path(const char *term, size_t len, size_t *path_len)
{
    if (len < SHELF_XAPIAN_ID_PREFIX_LEN ||
        memcmp(term, SHELF_XAPIAN_ID_PREFIX, SHELF_XAPIAN_ID_PREFIX_LEN) != 0)
        return NULL;
    *path_len = len - SHELF_XAPIAN_ID_PREFIX_LEN;
    return term + SHELF_XAPIAN_ID_PREFIX_LEN;
}

/* Calendar date of a day from 1970-01-01 (proleptic Gregorian): days are
 * shifted to count from 0000-03-01, so that a leap day ends its year, then
 * split into 400-year eras of 146,097 days. */
static void civil_of_day(int64_t day, int64_t *year, int *month, int *mday)
{
    int64_t z = day + 719468; /* days from 0000-03-01 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t in_era = z - era * 146097;                         /* 0 .. 146096 */
    int64_t year_of_era = (in_era - in_era / 1460 + in_era / 36524 - in_era / 146096) / 365;
    int64_t day_of_year = in_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t m = (5 * day_of_year + 2) / 153; /* 0 = March */
    *mday = (int)(day_of_year - (153 * m + 2) / 5 + 1);
    *month = (int)(m < 10 ? m + 3 : m - 9);
    *year = year_of_era + era * 400 + (*month <= 2);
}

void shelf_xapian_day_value(int32_t day, char out[SHELF_XAPIAN_DAY_BYTES + 1])
{
    int64_t year;
    int month, mday;
    civil_of_day(day, &year, &month, &mday);
    if (year < 0)
        year = 0, month = 1, mday = 1;
    if (year > 9999)
        year = 9999, month = 12, mday = 31;
    int64_t digits = year * 10000 + month * 100 + mday;
    for (int i = SHELF_XAPIAN_DAY_BYTES - 1; i >= 0; i--, digits /= 10)
        out[i] = (char)('0' + digits % 10);
    out[SHELF_XAPIAN_DAY_BYTES] = '\0';
}
