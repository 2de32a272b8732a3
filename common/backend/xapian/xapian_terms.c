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
