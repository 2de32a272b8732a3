/*
 * index.h - an open index: the MANIFEST that was current when it was opened
 * and its segments, memory-mapped.  This is the reader API the searcher and
 * `indexer --check` use.
 *
 * Deleted documents stay in their segment's files until a merge drops them;
 * every count and statistic here is over live documents only.
 * A document is named by (segment position, local doc id); shelf_index_base
 * turns that into one global number for ordering and tie-breaking: the
 * segments in manifest order, each one's documents after the previous ones'.
 * The open index never changes: a commit by a writer while it is open is not
 * seen, and files the writer removes stay readable through the mappings.
 */
#ifndef SHELF_INDEX_H
#define SHELF_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/deletions.h"
#include "backend/native/manifest.h"
#include "backend/native/segment.h"
#include "backend/native/words.h"
#include "util/error.h"

typedef struct shelf_index shelf_index;

enum {
    SHELF_OPEN_VERIFY = 1,      /* check every file's CRC-32 at open */
    SHELF_OPEN_VERIFY_SMALL = 2 /* the same when the index is at most
                                   SHELF_VERIFY_SMALL_BYTES, so start-up stays
                                   independent of the collection's size */
};
#define SHELF_VERIFY_SMALL_BYTES (8u << 20)

int shelf_index_open(shelf_index **out, const char *dir, unsigned flags, shelf_err *err);
void shelf_index_close(shelf_index *idx);

const char *shelf_index_dir(const shelf_index *idx);
const char *shelf_index_language(const shelf_index *idx);
uint64_t shelf_index_generation(const shelf_index *idx);
size_t shelf_index_segment_count(const shelf_index *idx);
const shelf_segment *shelf_index_segment(const shelf_index *idx, size_t i);
/* Global number of a segment's first document. */
uint64_t shelf_index_base(const shelf_index *idx, size_t i);

/* The manifest this index was opened from. */
const shelf_manifest *shelf_index_manifest(const shelf_index *idx);
/* The segment's deleted documents (an empty set when none). */
const shelf_deletions *shelf_index_deletions(const shelf_index *idx, size_t i);
/* The segment's written-words list (words.h), opened with the segment, or
 * NULL when it has none or it could not be opened (no search needs it). */
const shelf_words *shelf_index_words(const shelf_index *idx, size_t i);
/* Documents in all segment files, deleted ones included (global numbers
 * run from 0 to this). */
uint64_t shelf_index_numbered(const shelf_index *idx);

/* Collection statistics over the live documents of all segments. */
uint64_t shelf_index_doc_count(const shelf_index *idx);
uint64_t shelf_index_total_tokens(const shelf_index *idx);
uint64_t shelf_index_total_title_tokens(const shelf_index *idx);
/* Live documents containing the key in any segment (0 when none). */
int shelf_index_df(const shelf_index *idx, const uint8_t *key, size_t key_len, uint64_t *df,
                   shelf_err *err);
/* Every key starting with prefix (field byte + term prefix), in byte order
 * per segment, segment after segment (so a key held by several segments
 * comes once per segment); fn returns nonzero to stop. */
int shelf_index_terms(const shelf_index *idx, const uint8_t *prefix, size_t len,
                      int (*fn)(void *ctx, const uint8_t *key, size_t len), void *ctx,
                      shelf_err *err);

/* ---- several indexes as one (index_set.c) ----
 *
 * A set is an index over the segments of several open indexes, in the
 * order given: every statistic above (document count, token totals, df)
 * is summed over all of them, so a search scores each document exactly as
 * one index holding every document would.  Segment i of the set is a
 * segment of part shelf_index_part_of(set, i).  The set takes the parts
 * (it closes them, also when it fails: SHELF_EINVAL naming both folders
 * when their languages differ); its folder, language and generation are
 * the first part's folder and language and the sum of their generations.
 * One index is a set of one part: itself. */
int shelf_index_open_set(shelf_index **out, shelf_index **parts, size_t n, shelf_err *err);
size_t shelf_index_part_count(const shelf_index *idx);
const shelf_index *shelf_index_part(const shelf_index *idx, size_t i);
size_t shelf_index_part_of(const shelf_index *idx, size_t segment);

/* What --check reports. */
typedef struct shelf_check_report {
    uint64_t segments, documents, tokens, terms, postings, positions, bytes;
} shelf_check_report;

/* Verify every checksum and invariant of an open index: CRCs, dictionary
 * order, every posting list decodes with increasing in-range doc ids, tf sums
 * equal cf, every document's metadata and stored text decode, document
 * lengths add up, and each segment's optional written-words list (words.h)
 * decodes in order.  Returns SHELF_OK or the first problem found. */
int shelf_index_check(const shelf_index *idx, shelf_check_report *report, shelf_err *err);

#endif
