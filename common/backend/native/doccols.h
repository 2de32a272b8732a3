/*
 * doccols.h - what the query filters, --sort and duplicate collapsing read
 * of every document of a segment, as columns, so that filtering a candidate
 * reads no document record: per document its format (one byte), its day
 * (filter_match.h, four bytes), the ids of its folder and of its author
 * (four bytes each) and its content hash (eight bytes); the distinct folders
 * and authors kept once.
 *
 * Where they come from:
 *   - A segment written by this version has them in its .cols file
 *     (FORMAT.md, ".cols"; written by colswriter.h), mapped at the
 *     segment's first filtered query: a one-shot query touches only the
 *     pages of the columns it reads.
 *   - A segment written before the file existed has none: its columns are
 *     built in memory from the document records (one pass over .docs) and
 *     kept until the segment closes.
 * Either way the columns hold the same values, little-endian, at the same
 * offsets (shelf_cols_layout), so one set of readers below serves both.
 *
 * Invariants once returned: the layout fits the mapping or buffer; every
 * folder and author offset lies inside its strings and the strings end
 * with a NUL.  A folder or author id read for a document is not checked
 * here: callers compare it with ndirs / nauthors (a damaged file could hold
 * any value).  Building is safe from several threads: the first made is
 * kept, the others freed.  A stored file of more than
 * SHELF_COLS_VERIFY_BYTES is not CRC-checked when mapped (that would read
 * all of it, where a query reads a column or two); a smaller one is.
 * `indexer --check` checks every file and compares it with the records
 * (shelf_doccols_check).
 */
#ifndef SHELF_NATIVE_DOCCOLS_H
#define SHELF_NATIVE_DOCCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/mapped.h"
#include "backend/native/segment.h"
#include "util/bytes.h"
#include "util/error.h"

/* Byte offsets of each part, from the start of the file (whose 16-byte
 * header comes first); each column starts on a multiple of 8. */
#define SHELF_COLS_TRAILER_BYTES 24
#define SHELF_COLS_VERIFY_BYTES ((size_t)1 << 20)

typedef struct shelf_cols_layout {
    uint64_t format, day, dir, author, hash; /* the columns */
    uint64_t dir_at, author_at;              /* u32 offsets of each string */
    uint64_t dir_strings, author_strings;    /* the NUL-terminated strings */
    uint64_t end;                            /* where the trailer starts */
} shelf_cols_layout;

void shelf_cols_layout_of(uint32_t count, uint32_t ndirs, uint32_t nauthors, uint64_t dir_bytes,
                          uint64_t author_bytes, shelf_cols_layout *out);

typedef struct shelf_doccols {
    uint32_t count; /* documents */
    uint32_t ndirs, nauthors;
    const uint8_t *format, *day, *dir, *author, *hash; /* the columns, little-endian */
    const uint8_t *dir_at, *author_at;                  /* u32 offsets */
    const char *dir_strings, *author_strings;
    bool stored;         /* from the .cols file (else built from the records) */
    shelf_mapped file;   /* stored: the mapping */
    uint8_t *built;      /* built: laid out as the file is (from offset 0) */
} shelf_doccols;

static inline int shelf_doccols_format(const shelf_doccols *c, uint32_t d)
{
    return c->format[d];
}
static inline int32_t shelf_doccols_day(const shelf_doccols *c, uint32_t d)
{
    return (int32_t)shelf_load_u32le(c->day + (size_t)d * 4);
}
static inline uint32_t shelf_doccols_dir(const shelf_doccols *c, uint32_t d)
{
    return shelf_load_u32le(c->dir + (size_t)d * 4);
}
static inline uint32_t shelf_doccols_author(const shelf_doccols *c, uint32_t d)
{
    return shelf_load_u32le(c->author + (size_t)d * 4);
}
static inline uint64_t shelf_doccols_hash(const shelf_doccols *c, uint32_t d)
{
    return shelf_load_u64le(c->hash + (size_t)d * 8);
}
/* The folder or author with that id (id < ndirs / nauthors). */
static inline const char *shelf_doccols_dir_name(const shelf_doccols *c, uint32_t id)
{
    return c->dir_strings + shelf_load_u32le(c->dir_at + (size_t)id * 4);
}
static inline const char *shelf_doccols_author_name(const shelf_doccols *c, uint32_t id)
{
    return c->author_strings + shelf_load_u32le(c->author_at + (size_t)id * 4);
}

/* Point c's columns at base, laid out as lay says (doccols*.c). */
void shelf_doccols_point(shelf_doccols *c, const uint8_t *base, const shelf_cols_layout *lay);

/* The segment's columns, mapped or built at the first call; NULL with err
 * set (a damaged .cols file: SHELF_ECORRUPT naming it). */
const shelf_doccols *shelf_segment_doccols(const shelf_segment *s, shelf_err *err);
/* The columns if a query made them already, else NULL (nothing is read:
 * for a few hits, their records are cheaper than mapping the columns). */
const shelf_doccols *shelf_segment_doccols_built(const shelf_segment *s);
void shelf_doccols_free(shelf_doccols *c);

/* Map the segment's .cols file and check its layout, and its CRC when
 * verify_crc or the file is small: SHELF_ENOTFOUND when it has none. */
int shelf_doccols_open_stored(shelf_doccols **out, const shelf_segment *s, bool verify_crc,
                              shelf_err *err);
/* The columns built from the document records (what a segment without a
 * file uses). */
int shelf_doccols_build(shelf_doccols **out, const shelf_segment *s, shelf_err *err);
/* `indexer --check`: a segment's .cols file, when it has one, CRC-checked
 * and equal, document by document, to the columns its records give. */
int shelf_doccols_check(const shelf_segment *s, shelf_err *err);

#endif
