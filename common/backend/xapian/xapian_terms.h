/*
 * xapian_terms.h - how the Xapian backend names things inside its database:
 * the one place that says which Xapian term holds a key, which term is a
 * document's id, where the database lives and under which metadata key the
 * analysis language is recorded.  The writer, the reader and the plan
 * translation all go through here.
 *
 * Terms (Xapian's own conventions, so that quest and Omega work on our
 * databases):
 *   body term   "Z" + the term's bytes (our stem: Xapian's stemmed-term prefix)
 *   title term  "S" + the term's bytes (Omega's title prefix)
 *   id term     "Q" + the document's path (a boolean term, one per document)
 *   plain word  the word lower-cased, as Xapian's TermGenerator writes it
 *               without a stemmer, with wdf 0 (xapian_c.h
 *               shelf_xdoc_index_plain_words): for Xapian's tools only, never
 *               read by our queries, and not counted in document lengths.
 * Filter terms (boolean: wdf 0, never scored, not in document lengths;
 * filter_terms.h writes them, xapian_query.c reads them):
 *   type        "T" + the format's MIME type ("Tapplication/pdf": Omega's
 *               mimeType prefix; the readers table names the types)
 *   folder      "XD" + each folder holding the document, from "/" down to
 *               its own ("XD/", "XD/home", "XD/home/me"): in:FOLDER is one
 *               term.  A path is at most SHELF_XAPIAN_TERM_MAX - 1 bytes (it
 *               is an id), so a folder, at least two bytes shorter, always
 *               fits with its two-byte prefix.
 *   author      "A" + each word of the author, ASCII lower-cased, words as
 *               filter_match.h splits them (Omega's author prefix); a word
 *               too long for a term is left out and a query naming one
 *               walks the documents instead.
 * Date: the document's day (filter_match.h shelf_doc_day) as "YYYYMMDD" in
 * value slot SHELF_XAPIAN_DAY_SLOT, so after:/before: are value ranges (and
 * Omega's DATEVALUE can read it).
 * Our analyzer's terms never start with an upper-case ASCII letter, and
 * plain words are lower case, so the prefixes cannot collide.  Keys (the
 * planner's and the engine's) are one field byte, body or title, then the
 * term's bytes: a key's term is never longer than the key (the field byte
 * becomes one prefix byte).
 *
 * Document data: the "field=value" lines Omega's templates read (url=,
 * caption=, sample=, type=, modtime=, size=: xapdoc.h); our own record
 * (xapdoc.h) is the value in slot SHELF_XAPIAN_RECORD_SLOT.  The layout's
 * version is the metadata SHELF_XAPIAN_LAYOUT_KEY: a database without it
 * (or with another) was written by an older program and must be rebuilt.
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

/* The metadata key recording the database's layout (terms, data, values)
 * and its value for this program: "3" since the filter terms and the day
 * value; "2" since the Xapian conventions (Z terms, plain words, Omega
 * data, the record in a value slot).  A layout-2 database is still searched
 * (its filters walk every document: xapian_query.h) but only a rebuild adds
 * to it. */
#define SHELF_XAPIAN_LAYOUT_KEY "shelf.layout"
#define SHELF_XAPIAN_LAYOUT "3"
#define SHELF_XAPIAN_LAYOUT_NO_FILTER_TERMS "2"

/* The value slot holding our document record (xapdoc.h). */
#define SHELF_XAPIAN_RECORD_SLOT 100

#define SHELF_XAPIAN_BODY_PREFIX "Z"
#define SHELF_XAPIAN_TITLE_PREFIX "S"
#define SHELF_XAPIAN_ID_PREFIX "Q"
#define SHELF_XAPIAN_ID_PREFIX_LEN 1
#define SHELF_XAPIAN_TYPE_PREFIX "T"
#define SHELF_XAPIAN_FOLDER_PREFIX "XD"
#define SHELF_XAPIAN_AUTHOR_PREFIX "A"

/* The value slot holding a document's day as "YYYYMMDD". */
#define SHELF_XAPIAN_DAY_SLOT 101
#define SHELF_XAPIAN_DAY_BYTES 8

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

/* The day value of a day counted from 1970-01-01 into out (8 digits and a
 * NUL): "YYYYMMDD", byte order = day order; days before year 0 or after
 * 9999 are clamped to them. */
void shelf_xapian_day_value(int32_t day, char out[SHELF_XAPIAN_DAY_BYTES + 1]);

#endif
