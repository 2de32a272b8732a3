/*
 * spans.h - where a hit's query matches are in its text.
 *
 * For one document, every leaf of the plan that is not excluded (a MUST_NOT
 * subtree contributes nothing) yields spans of token positions from the
 * index (either backend, engine.h): a term gives one span per occurrence, a phrase one span per
 * match covering all its words, a NEAR group one span per word of each
 * match.  Then the positions are turned into byte ranges of the stored text
 * by re-analysing from the nearest checkpoint (FORMAT.md, ".store"), which
 * costs at most 127 tokens per jump.  Because the spans come from the
 * postings, highlighting is exactly as stem- and phrase-aware as matching.
 * Title-field leaves are located in the body (the title line is part of it).
 *
 * shelf_spans_find_until also counts its work (a leaf's positions read, a
 * span located) against a deadline (deadline.h) and stops with
 * SHELF_ETIMEOUT once it has passed.
 */
#ifndef SHELF_SPANS_H
#define SHELF_SPANS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "query/plan.h"

#define SHELF_SPANS_MAX 200000 /* spans kept per document (leaf by leaf); more are ignored */

typedef struct shelf_span {
    uint32_t first, last; /* token positions, inclusive */
    size_t start, end;    /* bytes in the text: [start of first, end of last) */
    uint32_t group;       /* which plan leaf matched */
    double weight;        /* that leaf's idf */
} shelf_span;

typedef struct shelf_spans {
    shelf_span *at;
    size_t count, cap;
    uint32_t groups; /* number of leaves seen */
} shelf_spans;

/* Collect the spans of the hit's document, sorted by start, bytes filled in. */
int shelf_spans_find(shelf_engine *engine, const shelf_hit *hit, const shelf_plan *plan,
                     shelf_analyzer *a, const char *text, size_t len, const uint64_t *checkpoints,
                     size_t checkpoint_count, shelf_spans *out, shelf_err *err);
/* The same, giving up with SHELF_ETIMEOUT past deadline_ns (0: never). */
int shelf_spans_find_until(shelf_engine *engine, const shelf_hit *hit, const shelf_plan *plan,
                           shelf_analyzer *a, const char *text, size_t len,
                           const uint64_t *checkpoints, size_t checkpoint_count,
                           uint64_t deadline_ns, shelf_spans *out, shelf_err *err);
void shelf_spans_free(shelf_spans *s);

#endif
