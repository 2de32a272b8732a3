/*
 * analyzer.h - turns UTF-8 text into index terms with positions and byte offsets.
 *
 * The same analyzer runs over documents at index time and over query words at
 * search time, so both sides see identical terms.  The pipeline, per token:
 *
 *   1. UTF-8 decoding.  Never reads past the buffer.  An invalid byte (bad lead
 *      byte, truncated or overlong sequence, surrogate, > U+10FFFF) acts as a
 *      separator and is counted in invalid_bytes; it never stops analysis.
 *   2. Tokens are maximal runs of Unicode letters (L*), digits/numbers (N*) and
 *      combining marks (M*) following a letter or digit.  Everything else
 *      separates tokens, so "cyber-attacks" and "and/or" give two adjacent tokens
 *      each, with consecutive positions (a phrase query matches across them).
 *   3. An English possessive ending, 's or ’s (U+2019) followed by a non-word
 *      character or the end of text, is dropped: "Alliance's" -> "alliance".
 *   4. Folding with utf8proc: case folding and diacritic stripping (NFKD then
 *      marks removed): "Nausėda" -> "nauseda", "Türkiye" -> "turkiye".
 *   5. Long-token rule: a folded token longer than SHELF_MAX_TERM_BYTES (64) bytes
 *      is cut to its longest prefix of whole characters that fits in 64 bytes;
 *      the cut token is indexed (one position) and counted in cut_tokens.
 *   6. Stemming with Snowball (libstemmer) in the analyzer's language, unless the
 *      language is "none".  No stop words are removed.
 *
 * Positions start at 0 and grow by one per token.  Byte offsets [start, end)
 * refer to the original (unfolded) text, covering the token without any
 * dropped possessive ending.
 *
 * Ownership: shelf_token.term and .word point into memory owned by the
 * iterator or its analyzer; they stay valid until the next call to
 * shelf_tokens_next or shelf_tokens_end, or another use of the analyzer.
 * An analyzer is not thread-safe (the stemmer holds state); use one per thread.
 */
#ifndef SHELF_ANALYZER_H
#define SHELF_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define SHELF_MAX_TERM_BYTES 64
#define SHELF_LANGUAGE_MAX 32

typedef struct shelf_analyzer shelf_analyzer;

/* Create an analyzer for a Snowball language name ("english", "french", ...,
 * as libstemmer lists them) or "none" for no stemming.  Returns NULL and fills
 * err (SHELF_EINVAL naming the language and the choices) when unknown. */
shelf_analyzer *shelf_analyzer_new(const char *language, shelf_err *err);
void shelf_analyzer_free(shelf_analyzer *a);

/* The language the analyzer was created with ("none" for no stemming). */
const char *shelf_analyzer_language(const shelf_analyzer *a);

/* Write the list of supported language names, comma-separated, into out. */
void shelf_analyzer_languages(char *out, size_t out_size);

/* Whether shelf_analyzer_new accepts the language (cheaply: no analyzer is
 * built).  False on running out of memory too. */
bool shelf_analyzer_knows(const char *language);

typedef struct shelf_token {
    const char *term;  /* folded (and stemmed) term, NOT NUL-terminated */
    size_t term_len;   /* 1..SHELF_MAX_TERM_BYTES                       */
    uint32_t position; /* 0-based token number in the text              */
    size_t start;      /* byte offset of the token's first byte         */
    size_t end;        /* byte offset one past the token's last byte    */
    uint64_t hash;     /* shelf_term_hash(term, term_len), computed once */
    /* The token folded but not stemmed ("controller" where term is
     * "control"; term itself with no stemmer), its shelf_term_hash, and
     * whether this iterator gave the same word before.  word_met is a hint
     * kept by the stem cache: never true for a word's first occurrence, but
     * it may be false again for a repeat (always false with no stemmer).
     * word lives as long as term. */
    const char *word;
    size_t word_len;
    uint64_t word_hash;
    bool word_met;
} shelf_token;

/* The 64-bit hash of a term's bytes (XXH3).  Analysis computes it once per
 * token (for free on a stem cache hit) so that the index writer's term table
 * never hashes a term again.  Depends only on the bytes, so it is the same on
 * every thread and every analyzer. */
uint64_t shelf_term_hash(const void *term, size_t len);

/* A word found and folded but not yet stemmed (private). */
typedef struct shelf_scanned_word {
    size_t start, end; /* its bytes in the text */
    size_t fold_len;   /* its folded form's length */
    uint64_t hash;     /* the folded form's shelf_term_hash */
} shelf_scanned_word;

/* Iterator over the tokens of one buffer.  Fields other than the counters are
 * private.  The iterator works one word ahead: while a token is stemmed,
 * the next word has been found, folded and hashed, and its stem-cache set
 * fetched into the cache.  So invalid_bytes and cut_tokens are final only
 * once the iterator has given its last token (next_position is always the
 * count of tokens given). */
typedef struct shelf_token_iter {
    shelf_analyzer *analyzer;
    const uint8_t *text;
    size_t len;
    size_t pos;              /* next byte to look at */
    uint32_t next_position;  /* public: tokens given so far */
    uint64_t invalid_bytes;  /* public: invalid UTF-8 bytes seen so far   */
    uint64_t cut_tokens;     /* public: tokens cut by the 64-byte rule    */
    uint32_t stamp;          /* this pass's stem-cache stamp (word_met)    */
    bool have_ahead;         /* ahead holds the next word                  */
    unsigned ahead_fold;     /* the fold buffer ahead's folded form is in  */
    shelf_scanned_word ahead;
    char fold[2][SHELF_MAX_TERM_BYTES + 8]; /* the given token's word, the next one's */
} shelf_token_iter;

void shelf_tokens_begin(shelf_token_iter *it, shelf_analyzer *a, const char *text, size_t len);
/* Returns true and fills tok with the next token, or false at the end. */
bool shelf_tokens_next(shelf_token_iter *it, shelf_token *tok);

/* Analyse a single query word: fold and stem exactly as documents are.  Writes
 * the term into out (NUL-terminated) and returns its length, or 0 when the
 * word holds no token.  If the word holds several tokens (e.g. "e-mail"), only
 * the first is written and *more is set true (callers make a phrase). */
size_t shelf_analyze_word(shelf_analyzer *a, const char *word, size_t len,
                          char out[SHELF_MAX_TERM_BYTES + 1], bool *more);

/* Whether a folded word is one the written-words lists keep for "did you
 * mean": 2 to 64 bytes, no ASCII digit (numbers are not misspelled). */
bool shelf_word_listed(const char *word, size_t len);

/* Fold without stemming (for prefix queries, which match folded stems by
 * prefix).  Same contract as shelf_analyze_word. */
size_t shelf_fold_word(shelf_analyzer *a, const char *word, size_t len,
                       char out[SHELF_MAX_TERM_BYTES + 1], bool *more);

#endif
