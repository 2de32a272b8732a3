/* xapian_terms.c - the key <-> Xapian term rules; see xapian_terms.h. */
#include "backend/xapian/xapian_terms.h"
#include "query/keys.h" /* the key layout (field bytes) */

#include <stdbool.h>
#include <string.h>

static bool is_title(uint8_t field)
{
    return field == SHELF_FIELD_TITLE_ID;
}

size_t shelf_xapian_field_term(uint8_t field, const uint8_t *term, size_t len, char *out)
{
    size_t n = 0;
    if (is_title(field))
        out[n++] = SHELF_XAPIAN_TITLE_PREFIX[0];
    memcpy(out + n, term, len);
    return n + len;
}

size_t shelf_xapian_key_term(const uint8_t *key, size_t len, char *out)
{
    return shelf_xapian_field_term(key[0], key + 1, len - 1, out);
}

size_t shelf_xapian_term_key(uint8_t field, const char *term, size_t len, uint8_t *out,
                             size_t out_size)
{
    size_t skip = is_title(field) ? 1 : 0;
    if (len <= skip || len - skip + 1 > out_size)
        return 0;
    if (skip && term[0] != SHELF_XAPIAN_TITLE_PREFIX[0])
        return 0;
    out[0] = field;
    memcpy(out + 1, term + skip, len - skip);
    return len - skip + 1;
}

const char *shelf_xapian_id_path(const char *term, size_t len, size_t *path_len)
{
    if (len < SHELF_XAPIAN_ID_PREFIX_LEN ||
        memcmp(term, SHELF_XAPIAN_ID_PREFIX, SHELF_XAPIAN_ID_PREFIX_LEN) != 0)
        return NULL;
    *path_len = len - SHELF_XAPIAN_ID_PREFIX_LEN;
    return term + SHELF_XAPIAN_ID_PREFIX_LEN;
}
