/*
 * search.h - what a search asks for and what it gives back, whichever
 * backend runs it: the options (BM25 parameters, how many hits, exactness,
 * deadline), the hits and results, and the per-term score breakdown that
 * --explain prints.  The native evaluation is backend/native/search.h; the
 * engine (engine.h) runs a plan on either backend.
 *
 * Order of results: higher score first; equal scores by lower global
 * document number, so the output is deterministic.  total counts every
 * matching live document when total_exact, else it is a lower bound (a
 * backend skipped documents that could not enter the top k, which it does
 * only after total_exact_upto documents matched, so a total below that is
 * always exact).
 */
#ifndef SHELF_QUERY_SEARCH_H
#define SHELF_QUERY_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHELF_DEFAULT_K1 1.2
#define SHELF_DEFAULT_B 0.75
#define SHELF_DEFAULT_TITLE_WEIGHT 2.0
/* Totals are exact up to this many matches, as Lucene's default total-hits
 * threshold: pruning starts only once this many documents have matched. */
#define SHELF_TOTAL_EXACT_UPTO 1000
/* W of the proximity part (query/proximity.h; README, "Ranking") and how
 * many of the best BM25F hits it re-scores (at least k). */
#define SHELF_DEFAULT_PROXIMITY_WEIGHT 1.0
#define SHELF_DEFAULT_RESCORE_DEPTH 10
/* H of the heading part (query/heading.h; README, "Ranking"). */
#define SHELF_DEFAULT_HEADING_WEIGHT 2.0

typedef struct shelf_search_opts {
    double k1, b, title_weight;
    /* > 0: the best max(k, rescore_depth) hits by BM25F get W * prox added
     * and the top k of those are kept (native backend; Xapian ignores it);
     * 0: BM25F alone, exactly. */
    double proximity_weight;
    /* > 0: those same hits also get H * heading added (query/heading.h;
     * native backend; Xapian ignores it); 0: no heading part, exactly. */
    double heading_weight;
    size_t rescore_depth;
    size_t k;             /* hits to keep (0: count only) */
    bool exact_total;     /* never prune: count every match exactly */
    uint64_t total_exact_upto; /* count every match until this many have matched; only then
                                * may pruning skip documents (SHELF_TOTAL_EXACT_UPTO) */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC time to give up by (deadline.h); 0: none */
    int priming;          /* MaxScore's primed first threshold (native backend): one of
                           * SHELF_PRIMING_* below; results are the same with any */
} shelf_search_opts;

/* When MaxScore primes its threshold: on segments of at least
 * SHELF_PRIMING_MIN_DOCS documents (the default), on every segment, or
 * never (the last two for benchmarks and tests). */
#define SHELF_PRIMING_AUTO 0
#define SHELF_PRIMING_ALWAYS 1
#define SHELF_PRIMING_NEVER 2
#define SHELF_PRIMING_MIN_DOCS 65536

typedef struct shelf_hit {
    uint64_t doc;     /* global document number */
    uint32_t segment; /* position of the segment in the index */
    uint32_t local;   /* doc id inside that segment */
    double score;
} shelf_hit;

/* A document folded into a hit as the same content under another path
 * (engine/arrange.h): hit is the index of the hit it belongs to. */
typedef struct shelf_dup {
    size_t hit;
    shelf_hit doc;
} shelf_dup;

typedef struct shelf_results {
    uint64_t total;   /* matching documents: all of them when total_exact, */
    bool total_exact; /* else a lower bound (dynamic pruning skipped some) */
    shelf_hit *hits;  /* best first; count <= k */
    size_t count;
    /* Work done, for benchmarks (native backend; 0 on Xapian): document ids
     * decoded from postings, and candidates whose scoring was started. */
    uint64_t postings_decoded, candidates_scored;
    /* With duplicates collapsed (engine/arrange.h): the other documents of
     * each hit's content, in ranking order; none otherwise. */
    shelf_dup *dups;
    size_t ndups;
} shelf_results;

/* One scored part of a hit: a term, a title term, a phrase or a NEAR group;
 * then the proximity part (kind "proximity": text lists the words,
 * tf_body the neighbouring pairs counted, norm_body K, score W * prox);
 * last the heading part (kind "heading": text lists the words, tf_body the
 * tokens of the heading that holds them all best (0: none), idf
 * Σ min(1, idf), norm_body its coverage, score H * heading). */
typedef struct shelf_explain_term {
    char text[96];       /* the word or phrase as typed */
    const char *kind;    /* "term", "title", "phrase", "near", "proximity", "heading" */
    uint32_t tf_body, tf_title;
    uint64_t df;
    double idf;
    double norm_body, norm_title; /* K(dl, avg) of each field */
    double score;
} shelf_explain_term;

/* The score breakdown of one hit: its parts in plan order. */
typedef struct shelf_explain {
    shelf_explain_term *terms;
    size_t count, cap;
} shelf_explain;

void shelf_search_opts_default(shelf_search_opts *o);
void shelf_results_free(shelf_results *r);

/* A new zeroed part at the end of ex; NULL on ENOMEM. */
shelf_explain_term *shelf_explain_add(shelf_explain *ex);
void shelf_explain_free(shelf_explain *ex);

#endif
