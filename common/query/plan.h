/*
 * plan.h - a parsed query made ready to run against one open index: every
 * word analysed the way the index analysed its documents (language read from
 * the index), prefixes expanded over the dictionaries, field prefixes turned
 * into dictionary keys, and BM25 statistics (df, idf) looked up.
 *
 * Plan tree:
 *   TERM    one key in its field; scored (BM25F over body and title)
 *   PHRASE  keys that must occur at consecutive positions in one field
 *   NEAR    keys that must all occur within `distance` positions (any order)
 *   BOOL    children with MUST / SHOULD / MUST_NOT roles
 *   PATH    documents whose path contains a fragment (a filter, score 0)
 *   FILTER  documents that pass a filter of query/filter.h (score 0); an
 *           in: filter also carries the absolute folders it means
 *           (shelf_plan_resolve_folders)
 *   NONE    matches nothing (a word absent from every segment stays a TERM
 *           with df 0, so it still counts in AND semantics)
 *
 * A word that analyses to several tokens ("cyber-attacks") becomes a PHRASE;
 * one that analyses to none (only punctuation) is dropped, and a query left
 * with nothing to match is an error pointing at the column.
 * Prefix expansion matches dictionary terms that start with the longest common
 * prefix of the word's folded and stemmed forms ("nations*" looks for
 * "nation..."), keeps at most SHELF_PREFIX_MAX_TERMS distinct terms, the most
 * frequent ones, and says so in the plan's notes when it drops any.  The
 * prefixes of one query keep at most SHELF_QUERY_MAX_EXPANSIONS terms in
 * all: a prefix that would pass the budget makes planning fail (SHELF_EINVAL,
 * the column of that prefix), since silently searching only part of what was
 * asked would make the results wrong without saying so; the query must
 * be narrowed.
 * Keys are stored with the body field byte; iterators switch the byte to read
 * the title field.  df is the number of documents holding the term in the
 * body (the title line is part of the body), or in the title when the body
 * has none.
 */
#ifndef SHELF_QUERY_PLAN_H
#define SHELF_QUERY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "query/keys.h"
#include "query/parse.h"
#include "query/stats.h"
#include "util/error.h"

#define SHELF_PREFIX_MAX_TERMS 128
#define SHELF_QUERY_MAX_EXPANSIONS 1024

typedef enum shelf_pkind {
    SHELF_P_TERM,
    SHELF_P_PHRASE,
    SHELF_P_NEAR,
    SHELF_P_BOOL,
    SHELF_P_PATH,
    SHELF_P_FILTER,
    SHELF_P_NONE
} shelf_pkind;

typedef struct shelf_pkey {
    uint8_t key[SHELF_MAX_KEY_BYTES]; /* field byte + term */
    size_t len;
    uint64_t df;                      /* documents with the term in the body (BM25's n) */
    double idf;
} shelf_pkey;

typedef struct shelf_plan {
    shelf_pkind kind;
    shelf_occur occur;
    uint8_t field;       /* SHELF_FIELD_BODY (body or title) or SHELF_FIELD_TITLE_ID */
    shelf_pkey *keys;    /* TERM: 1; PHRASE/NEAR: nkeys in order; body-field keys */
    size_t nkeys;
    int distance;        /* NEAR */
    char *text;          /* PATH fragment, FILTER value; TERM/PHRASE: the word(s) as typed */
    shelf_filter filter; /* FILTER */
    char **folders;      /* FILTER in:: absolute folders, no trailing '/' (owned) */
    size_t nfolders;
    struct shelf_plan **children;
    size_t nchildren;
} shelf_plan;

/* Build a plan with the statistics of one index (stats.h): the engine's
 * (engine.h, shelf_plan_for_engine) or the native index's
 * (backend/native/index_stats.h, shelf_plan_for_index).  notes (may be NULL)
 * receives human-readable remarks such as a prefix expansion cap being hit.
 * On error returns NULL with err set and *err_column (1-based) where the
 * problem is. */
shelf_plan *shelf_plan_build(const shelf_stats *stats, shelf_analyzer *analyzer,
                             const shelf_qnode *query, char *notes, size_t notes_size,
                             shelf_err *err, int *err_column);
void shelf_plan_free(shelf_plan *p);

/* Give every in: filter of the plan its absolute folders: the value itself
 * when it starts with '/', else the value under each of roots (the indexed
 * folders, absolute); with no roots a relative value is kept as it is
 * (filter_match.h then matches it at any folder boundary).  Trailing '/'s
 * are dropped ("/" stays).  SHELF_ENOMEM with err set. */
int shelf_plan_resolve_folders(shelf_plan *p, char *const *roots, size_t nroots, shelf_err *err);

/* True when a plan node is a filter (PATH or FILTER): it never scores. */
bool shelf_plan_is_filter(const shelf_plan *p);

#endif
