/*
 * xapian_terms.h - how the Xapian backend names things inside its database:
 * the one place that says which Xapian term holds a key, which term is a
 * document's id, where the database lives and under which metadata key the
 * analysis language is recorded.  The writer, the reader and the plan
 * translation all go through here.
 *
 * Terms:
 *   body term   the term's own bytes
 *   title term  "S" + the term's bytes
 *   id term     "Q" + the document's path (a boolean term, one per document)
 * Our analyzer's terms never start with an upper-case ASCII letter, so the
 * prefixes cannot collide.  Keys (the planner's and the engine's) are one
 * field byte, body or title, then the term's bytes: a key's term is never
 * longer than the key (the field byte becomes at most one prefix byte).
 *
 * Xapian refuses terms longer than SHELF_XAPIAN_TERM_MAX bytes, so a path
 * longer than SHELF_XAPIAN_TERM_MAX - 1 bytes cannot be an id.
 */
#ifndef SHELF_XAPIAN_TERMS_H
#define SHELF_XAPIAN_TERMS_H

#include <stddef.h>
#include <stdint.h>

/* The database's folder inside an index folder. */
#define SHELF_XAPIAN_SUBDIR "xapian"

/* The metadata key recording the analysis language the index was built with. */
#define SHELF_XAPIAN_LANGUAGE_KEY "shelf.language"

#define SHELF_XAPIAN_TITLE_PREFIX "S"
#define SHELF_XAPIAN_ID_PREFIX "Q"
#define SHELF_XAPIAN_ID_PREFIX_LEN 1

/* Xapian's limit on a term's length, the id prefix included. */
#define SHELF_XAPIAN_TERM_MAX 245

/* The Xapian term of a term's bytes in field (SHELF_FIELD_BODY or
 * SHELF_FIELD_TITLE_ID; any other field is treated as the body) into out,
 * which holds len + 1 bytes; returns the term's length. */
size_t shelf_xapian_field_term(uint8_t field, const uint8_t *term, size_t len, char *out);

/* The Xapian term of a key (field byte + term, len >= 1) into out, which
 * holds len bytes; returns the term's length. */
size_t shelf_xapian_key_term(const uint8_t *key, size_t len, char *out);

/* The key in field of a Xapian term listed under that field's prefix (the
 * inverse of shelf_xapian_key_term) into out of out_size bytes; returns the
 * key's length, or 0 when the term is not of that field or does not fit. */
size_t shelf_xapian_term_key(uint8_t field, const char *term, size_t len, uint8_t *out,
                             size_t out_size);

/* The path inside an id term ("Q" + path): sets *path_len; NULL when term is
 * not an id term. */
const char *shelf_xapian_id_path(const char *term, size_t len, size_t *path_len);

#endif
