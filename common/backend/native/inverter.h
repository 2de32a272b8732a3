/*
 * inverter.h - turns a stream of (key, doc, position) occurrences into sorted
 * postings within a memory budget.
 *
 * Occurrences accumulate in an in-memory hash table of terms, each with an
 * append-only byte stream (format below).  One hash per token: the table is
 * keyed by the field byte mixed into the term's shelf_term_hash, which the
 * analysis computed once (a stem cache hit gives it for free; with
 * --threads it travels in the analysed records), so the inverter never
 * hashes a term (shelf_inverter_add, for callers holding only a key, does).
 * No allocation per term or posting: each term's record, key and stream
 * live in an arena of large blocks (util/arena.h), the stream as a chain of
 * slices that double (16 bytes, then 32, ... up to 4 KiB) as they fill.
 * The memory counted against the budget is the slot arrays plus the arena's
 * blocks in use.  When it passes the budget -- checked after every batch of
 * occurrences, so also in the middle of a document, and before the slot array would
 * double past it -- the table is sorted once, in place in its slot array,
 * written as a sorted run file next to the index and emptied: emptying is
 * rewinding the arena (unmapping the blocks the budget no longer allows).  At the end,
 * the runs and what is left in memory are merged term by term, in key order,
 * into the segment's dictionary and postings writers (when nothing was
 * spilled, the table is written straight, each stream's positions copied
 * into .pos's encoding varint by varint); a document whose
 * postings of a term were split over consecutive runs becomes one posting
 * (summed tf, positions in order).  The merge reads runs through stdio
 * buffers and hands positions on in small chunks, so memory stays within the
 * budget (plus a few KiB per run) however large the corpus or one document.
 * Runs are merged on the way as an external sort's are, with a bounded
 * fan-in: a spilled run has level 0, and whenever the newest
 * SHELF_INVERTER_FAN_IN runs have the same level they are merged into one
 * run of the next level.  So each spilled byte is read and written again
 * once per level (log base FAN_IN of the number of spills), never once per
 * spill, and few run files exist at once; should SHELF_INVERTER_MAX_RUNS
 * exist all the same (tens of thousands of spills), all are merged into one.
 *
 * Occurrence stream of one term (in memory and in runs), per occurrence:
 *   varint (delta << 1 | new_doc)    new_doc = 1 on a document's first occurrence
 *   [varint doc_gap]                 only when new_doc: doc - previous doc - 1
 * delta is the absolute position on a document's first occurrence, else
 * position - previous position - 1.  The previous doc of a stream's first
 * occurrence is -1, so every run's stream decodes on its own.
 *
 * Invariants: documents are added in increasing doc id order; positions
 * increase within a document and key (also across a run boundary).  Run
 * files (the streams cut into chunks, see inverter.c) are named
 * "<prefix>run-N.tmp" and removed by finish or free.
 */
#ifndef SHELF_INVERTER_H
#define SHELF_INVERTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/native/dictwriter.h"
#include "backend/native/postwriter.h"
#include "util/error.h"

#define SHELF_INVERTER_MAX_RUNS 32
#define SHELF_INVERTER_FAN_IN 8
#define SHELF_INVERTER_BATCH 16

/* One occurrence of a term in a batch: the term's bytes (1 .. 
 * SHELF_MAX_KEY_BYTES - 1 of them, valid for the call) and their
 * shelf_term_hash, at a position of the document. */
typedef struct shelf_occurrence {
    const uint8_t *term;
    uint8_t len;
    uint64_t hash;
    uint32_t position;
} shelf_occurrence;

typedef struct shelf_inverter shelf_inverter;

/* run_prefix: path prefix for run files (e.g. "<index>/seg_000001.").
 * budget: bytes of memory for postings before spilling to a run. */
shelf_inverter *shelf_inverter_new(const char *run_prefix, size_t budget, shelf_err *err);
void shelf_inverter_free(shelf_inverter *inv);

/* Add one occurrence of the key field + term, whose shelf_term_hash the
 * analysis already computed (the inverter never hashes a term itself). */
int shelf_inverter_add_term(shelf_inverter *inv, uint8_t field, const uint8_t *term,
                            size_t term_len, uint64_t term_hash, uint32_t doc, uint32_t position,
                            shelf_err *err);
/* Add up to SHELF_INVERTER_BATCH occurrences of one field of document doc
 * at once, in position order: their table lookups overlap in memory, which
 * is where one by one they spend their time.  Same result as adding them
 * one by one, except that the budget is checked after the batch. */
int shelf_inverter_add_batch(shelf_inverter *inv, uint8_t field, const shelf_occurrence *occ,
                             size_t n, uint32_t doc, shelf_err *err);
/* The same for a whole key (field byte + term), hashing its term. */
int shelf_inverter_add(shelf_inverter *inv, const uint8_t *key, size_t key_len, uint32_t doc,
                       uint32_t position, shelf_err *err);

/* Change the budget (the writer lowers it as what else it holds grows);
 * the next add or end_doc spills when over it.  Memory kept for reuse since
 * the last spill beyond a lowered budget is given back at once. */
void shelf_inverter_set_budget(shelf_inverter *inv, size_t budget);

/* Call after each document: spills a run when over budget (adding also
 * spills as soon as the budget is passed, so this rarely has work). */
int shelf_inverter_end_doc(shelf_inverter *inv, shelf_err *err);

/* Bytes currently held for postings (what the budget is compared with). */
size_t shelf_inverter_memory(const shelf_inverter *inv);
/* Runs written so far (counting those compacted since). */
unsigned shelf_inverter_runs(const shelf_inverter *inv);
/* Let shelf_inverter_finish write the second half of the terms (in key
 * order) on a thread of its own when nothing was spilled and the table
 * holds enough terms (inverter.c, split_finish): for an owner that runs
 * threads.  The files are the same either way. */
void shelf_inverter_allow_split_finish(shelf_inverter *inv, bool allow);

/* What spilling cost so far: the runs written from the table, and the
 * merges of runs into one run (not the final merge into the segment). */
typedef struct shelf_inverter_stats {
    unsigned spills;            /* runs written from the table */
    uint64_t spill_bytes;       /* their bytes */
    unsigned merges;            /* merges of runs into one run */
    uint64_t merge_read_bytes;  /* bytes of the runs those merges read */
    uint64_t merge_write_bytes; /* bytes of the runs they wrote */
    unsigned split_finishes;    /* finishes that wrote half the terms on a thread */
} shelf_inverter_stats;

void shelf_inverter_get_stats(const shelf_inverter *inv, shelf_inverter_stats *out);

/* Merge everything into the writers.  doc_lengths[field][doc] gives the
 * length of each document in each field (index 1 body, 2 title), used for
 * the block score bounds.  Reports the number of unique keys in *term_count. */
int shelf_inverter_finish(shelf_inverter *inv, shelf_dictwriter *dict, shelf_postwriter *post,
                          const uint32_t *const doc_lengths[3], uint32_t doc_count,
                          uint64_t *term_count, shelf_err *err);

#endif
