/*
 * suggest.h - "did you mean": the query with its misspelled words
 * corrected, from the index's own words.
 *
 * Words looked at: each plain word of the query (alone, in a phrase, in
 * NEAR, in title:; never an excluded word, a prefix* or a path:; the first
 * SHELF_SUGGEST_MAX_WORDS of them, so a huge query costs no more) that is
 * at least SHELF_SUGGEST_MIN_LEN characters long once folded and holds no
 * digit.
 *
 * With the written-words lists (written.h: every live segment of a native
 * index written since they exist), on every query whatever its hits, since
 * a stem can hide a typo ("controler" is the term "control", which finds
 * plenty):
 *   - the word is looked up as typed (folded, not stemmed); in a query with
 *     more than SHELF_SUGGEST_MAX_HITS hits, a word written in more than
 *     SHELF_SUGGEST_RARE documents is left alone there (so an ordinary
 *     query costs a lookup a word, not a neighbour scan);
 *   - its neighbours are the written words within 1 edit (words of 4
 *     folded characters) or 2 edits (longer) of it (neighbours.h, over the
 *     lists; the first letter may differ only in words of
 *     SHELF_SUGGEST_ANY_FIRST characters or more), closest first, then the
 *     most frequent;
 *   - an unwritten word may be replaced by any neighbour; a written one
 *     only by a neighbour written in SHELF_SUGGEST_RATIO times as many
 *     documents ("much rarer") that is not a form of its own term
 *     ("controls" never becomes "control": the search finds both already);
 *   - the replacement is the closest neighbour that may replace it, of
 *     those the most frequent with the typed word's first letter, else the
 *     most frequent ("alocation" gets "allocation", not "location").
 *
 * Without them (Xapian, indexes written before them), only for a query
 * that matched at most SHELF_SUGGEST_MAX_HITS documents, from the stemmed
 * dictionary and stored text:
 *   - a word is *unknown* when its term is in no live document, or when
 *     none of the documents holding its term (at most
 *     SHELF_SUGGEST_CHECK_DOCS of them, all of them read) has it as
 *     written: "deterence" stems to "deter", which the index has (from
 *     "deter", "deterring"), but no document spells "deterence";
 *   - an unknown word is replaced by a term in at least as many documents
 *     as its own; a known word only by a term SHELF_SUGGEST_RATIO times as
 *     frequent;
 *   - the replacement: among the dictionary terms within those edits of
 *     its term, the closest that qualify, then the most frequent, at most
 *     SHELF_SUGGEST_TRIES, are read back (surface.h) for the written form
 *     closest to the word as typed, again within those edits; the closest
 *     form wins, then the more frequent term.
 *
 * The corrected word is the folded written form ("deterrence") dressed in
 * the typed word's case: capitalised when the typed word was, upper case
 * when it was (ASCII letters).  Everything else of the query - operators,
 * quotes, fields, spacing - is kept byte for byte.
 */
#ifndef SHELF_SUGGEST_H
#define SHELF_SUGGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"

#define SHELF_SUGGEST_MAX_HITS 3     /* without written-words lists, more hits: no suggestion */
#define SHELF_SUGGEST_RARE 5         /* with lists and more hits: words written more are kept */
#define SHELF_SUGGEST_RATIO 20       /* "much rarer": the neighbour is in 20x the documents */
#define SHELF_SUGGEST_MIN_LEN 4      /* shorter words are never corrected */
#define SHELF_SUGGEST_ANY_FIRST 8    /* words this long may get another first letter */
#define SHELF_SUGGEST_CHECK_DOCS 8   /* documents read to see a known term's spellings */
#define SHELF_SUGGEST_SAMPLE_DOCS 6  /* documents read for a neighbour's spellings */
#define SHELF_SUGGEST_TRIES 4        /* neighbours read back per word */
#define SHELF_SUGGEST_MAX_WORDS 16   /* plain words looked at, the first ones of the query */

/* The corrected query for a query that matched `hits` documents, parsed
 * with default_and as the search parsed it: *out receives a malloc'd string
 * (the caller frees it), or NULL when there is nothing to suggest.
 * deadline_ns (0: none): past it the suggestion is abandoned with
 * SHELF_ETIMEOUT.  Errors reading the index are returned; *out is then
 * NULL. */
int shelf_suggest(shelf_engine *e, shelf_analyzer *a, const char *query, bool default_and,
                  uint64_t hits, uint64_t deadline_ns, char **out, shelf_err *err);

#endif
