/*
 * analyzer.c - UTF-8 text to index terms: tokenise, fold, cut, stem.  The
 * pipeline and the public contract are described in analyzer.h.
 *
 * How a token is produced (scan_word, then shelf_tokens_next):
 *   1. skip separators (counting invalid UTF-8 bytes) up to a letter or digit;
 *   2. consume the run of letters, digits and marks, folding each character
 *      into one of it->fold's two buffers as it goes; once a folded
 *      character no longer fits in SHELF_MAX_TERM_BYTES the token is marked
 *      cut and the rest of the run is consumed without folding;
 *   3. drop a possessive 's / ’s that directly follows the run;
 *   4. hash the folded word once and fetch its stem-cache set into the CPU
 *      cache: this is done one word ahead, so that the set has arrived when
 *      the word is stemmed on the next call;
 *   5. stem the word through the analyzer's stem cache; the token's term
 *      points at the cached stem, its word at its fold buffer (the folded
 *      word, unstemmed), its term's hash comes from the cache (each stem's
 *      hash is kept there, so only a cache miss hashes the stem).
 *
 * Invariants:
 *   - it->pos only grows and never passes it->len; no byte at or beyond len
 *     is ever read.
 *   - each fold buffer always holds whole UTF-8 characters, at most
 *     SHELF_MAX_TERM_BYTES bytes of them; the one of the token last given
 *     is not written until the next call.
 *   - No allocation happens per token: folding uses a fixed stack buffer, the
 *     stem cache has a fixed size and the stemmer reuses its own memory.
 *   - ASCII letters and digits never reach utf8proc.
 */
#include "analysis/analyzer.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
/* The hash of every token: inlined from the header (the same XXH3 as the
 * library's, without a call through the PLT for a few bytes). */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "analysis/stem_cache.h"
#include "util/utf8.h"

#define NO_STEMMING "none"
#define DEFAULT_LANGUAGE "english"

/* Enough code points for the longest full decomposition (U+FDFA gives 18). */
#define FOLD_SCRATCH 32

static const utf8proc_option_t FOLD_OPTIONS =
    UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK;

struct shelf_analyzer {
    char language[SHELF_LANGUAGE_MAX];
    struct sb_stemmer *stemmer; /* NULL for "none"                  */
    shelf_stem_cache *stems;    /* recent stems; NULL with no stemmer */
};

/* What a character means to the tokeniser. */
typedef enum char_kind {
    KIND_SEPARATOR, /* anything that is not part of a word            */
    KIND_INVALID,   /* a byte that does not start valid UTF-8         */
    KIND_WORD,      /* a letter or number: can start or extend a word */
    KIND_MARK       /* a combining mark: extends a word, never starts */
} char_kind;

/* The state of the token being built: its folded form so far. */
typedef struct token_build {
    char *fold;
    size_t fold_len;
    bool cut;
} token_build;

/* ---------------------------------------------------------------- analyzer */

void shelf_analyzer_languages(char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    size_t used = 0;
    out[0] = '\0';
    const char *separator = "";
    for (const char **name = sb_stemmer_list(); *name; name++) {
        int n = snprintf(out + used, out_size - used, "%s%s", separator, *name);
        if (n < 0 || (size_t)n >= out_size - used)
            return;
        used += (size_t)n;
        separator = ", ";
    }
    snprintf(out + used, out_size - used, "%s%s", separator, NO_STEMMING);
}

bool shelf_analyzer_knows(const char *language)
{
    if (!language || language[0] == '\0' || strlen(language) >= SHELF_LANGUAGE_MAX)
        return false;
    if (strcmp(language, NO_STEMMING) == 0)
        return true;
    struct sb_stemmer *stemmer = sb_stemmer_new(language, "UTF_8");
    if (stemmer)
        sb_stemmer_delete(stemmer);
    return stemmer != NULL;
}

static int unknown_language(const char *language, shelf_err *err)
{
    char choices[SHELF_ERR_MAX];
    shelf_analyzer_languages(choices, sizeof choices);
    return shelf_errf(err, SHELF_EINVAL, "unknown language '%.*s'; choose one of: %s",
                      SHELF_LANGUAGE_MAX, language, choices);
}

static shelf_analyzer *fail_out_of_memory(shelf_analyzer *a, const char *language,
                                          shelf_err *err)
{
    shelf_analyzer_free(a);
    shelf_errf(err, SHELF_ENOMEM, "out of memory creating the '%s' analyzer", language);
    return NULL;
}

shelf_analyzer *shelf_analyzer_new(const char *language, shelf_err *err)
{
    if (!language)
        language = DEFAULT_LANGUAGE;
    if (language[0] == '\0' || strlen(language) >= SHELF_LANGUAGE_MAX) {
        unknown_language(language, err);
        return NULL;
    }
    shelf_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return fail_out_of_memory(NULL, language, err);
    strcpy(a->language, language);
    if (strcmp(language, NO_STEMMING) == 0)
        return a;
    a->stemmer = sb_stemmer_new(language, "UTF_8");
    if (!a->stemmer) {
        shelf_analyzer_free(a);
        unknown_language(language, err);
        return NULL;
    }
    a->stems = shelf_stem_cache_new();
    if (!a->stems)
        return fail_out_of_memory(a, language, err);
    return a;
}

void shelf_analyzer_free(shelf_analyzer *a)
{
    if (!a)
        return;
    if (a->stemmer)
        sb_stemmer_delete(a->stemmer);
    shelf_stem_cache_free(a->stems);
    free(a);
}

const char *shelf_analyzer_language(const shelf_analyzer *a)
{
    return a->language;
}

/* ------------------------------------------------------- character classes */

/* Byte -> its folded form when it is an ASCII letter or digit, else 0;
 * every byte from 0x80 on is 0 (the UTF-8 path takes those).  The
 * tokeniser's inner loops read this instead of testing ranges. */
static const uint8_t ASCII_FOLD[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
    0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
};

static bool is_ascii_alnum(uint8_t byte)
{
    return byte < 0x80 && ASCII_FOLD[byte] != 0;
}

static char_kind kind_of_code_point(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return KIND_WORD;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return KIND_MARK;
    default:
        return KIND_SEPARATOR;
    }
}

/* Decode the character at pos (< len): its kind, code point and byte length. */
static char_kind read_char(const uint8_t *text, size_t len, size_t pos, int32_t *cp,
                           size_t *n)
{
    uint8_t byte = text[pos];
    if (byte < 0x80) {
        *cp = byte;
        *n = 1;
        return is_ascii_alnum(byte) ? KIND_WORD : KIND_SEPARATOR;
    }
    *n = shelf_utf8_decode(text, len, pos, cp);
    if (*cp == SHELF_UTF8_INVALID)
        return KIND_INVALID;
    return kind_of_code_point(*cp);
}

/* ----------------------------------------------------------------- folding */

/* Append one folded code point, or mark the token cut when it does not fit. */
static void append_code_point(token_build *build, int32_t cp)
{
    size_t n = shelf_utf8_length(cp);
    if (build->fold_len + n > SHELF_MAX_TERM_BYTES) {
        build->cut = true;
        return;
    }
    shelf_utf8_encode(cp, (uint8_t *)build->fold + build->fold_len);
    build->fold_len += n;
}

/* Fold a non-ASCII word character: case fold, NFKD, drop marks.  Only letters
 * and numbers of the result are kept (a compatibility decomposition such as
 * "⑴" -> "(1)" must not bring punctuation into a term). */
static void append_folded(token_build *build, int32_t cp)
{
    utf8proc_int32_t folded[FOLD_SCRATCH];
    utf8proc_ssize_t count = utf8proc_decompose_char(cp, folded, FOLD_SCRATCH, FOLD_OPTIONS, NULL);
    if (count < 0 || count > FOLD_SCRATCH)
        return;
    for (utf8proc_ssize_t i = 0; i < count && !build->cut; i++) {
        if (kind_of_code_point(folded[i]) == KIND_WORD)
            append_code_point(build, folded[i]);
    }
}

/* --------------------------------------------------------------- scanning */

/* Advance it->pos to the first letter or digit; false at the end of text. */
static bool skip_to_word(shelf_token_iter *it)
{
    const uint8_t *text = it->text;
    size_t pos = it->pos, len = it->len;
    while (pos < len && text[pos] < 0x80 && !ASCII_FOLD[text[pos]])
        pos++; /* ASCII separators, the common case, on a local copy */
    it->pos = pos;
    while (it->pos < it->len) {
        uint8_t byte = it->text[it->pos];
        if (byte < 0x80) {
            if (is_ascii_alnum(byte))
                return true;
            it->pos++;
            continue;
        }
        int32_t cp;
        size_t n;
        char_kind kind = read_char(it->text, it->len, it->pos, &cp, &n);
        if (kind == KIND_WORD)
            return true;
        if (kind == KIND_INVALID)
            it->invalid_bytes++;
        it->pos += n;
    }
    return false;
}

/* Consume the run of ASCII letters and digits at it->pos, folding them into
 * build->fold; stops at any other byte.  The bytes that fit are folded by a
 * loop that tests nothing else; if the run goes on past the room left (or
 * the token was cut before), the rest is stepped over and the token is
 * cut.  (Works on local copies: the fold is char, so writing it through it
 * would make the compiler reload it->pos and the length after every byte.) */
static void consume_ascii(shelf_token_iter *it, token_build *build)
{
    const uint8_t *text = it->text;
    size_t pos = it->pos, len = it->len, fold_len = build->fold_len;
    char *fold = build->fold;
    if (!build->cut) {
        size_t room = SHELF_MAX_TERM_BYTES - fold_len;
        size_t stop = len - pos < room ? len : pos + room;
        uint8_t folded;
        while (pos < stop && (folded = ASCII_FOLD[text[pos]]) != 0) {
            fold[fold_len++] = (char)folded;
            pos++;
        }
    }
    if (pos < len && ASCII_FOLD[text[pos]]) {
        build->cut = true;
        while (pos < len && ASCII_FOLD[text[pos]])
            pos++;
    }
    it->pos = pos;
    build->fold_len = fold_len;
}

/* Consume the run of word characters at it->pos, folding it into build->fold.
 * Stops before the first separator or invalid byte. */
static void consume_word(shelf_token_iter *it, token_build *build)
{
    while (it->pos < it->len) {
        uint8_t byte = it->text[it->pos];
        if (byte < 0x80) {
            consume_ascii(it, build);
            if (it->pos >= it->len || it->text[it->pos] < 0x80)
                return; /* a separator or the end */
            continue;
        }
        int32_t cp;
        size_t n;
        char_kind kind = read_char(it->text, it->len, it->pos, &cp, &n);
        if (kind != KIND_WORD && kind != KIND_MARK)
            return;
        if (!build->cut)
            append_folded(build, cp);
        it->pos += n;
    }
}

/* Byte length of an apostrophe (' or U+2019) at pos, or 0 if there is none. */
static size_t apostrophe_length(const uint8_t *text, size_t len, size_t pos)
{
    if (pos >= len)
        return 0;
    if (text[pos] == '\'')
        return 1;
    if (text[pos] == 0xE2 && len - pos >= 3 && text[pos + 1] == 0x80 && text[pos + 2] == 0x99)
        return 3;
    return 0;
}

/* True when the character at pos ends a word: end of text, a separator or an
 * invalid byte. */
static bool ends_word(const uint8_t *text, size_t len, size_t pos)
{
    if (pos >= len)
        return true;
    int32_t cp;
    size_t n;
    char_kind kind = read_char(text, len, pos, &cp, &n);
    return kind == KIND_SEPARATOR || kind == KIND_INVALID;
}

/* If a possessive 's / ’s follows the word just consumed, step over it. */
static void skip_possessive(shelf_token_iter *it)
{
    size_t quote = apostrophe_length(it->text, it->len, it->pos);
    if (quote == 0)
        return;
    size_t s_at = it->pos + quote;
    if (s_at >= it->len || (it->text[s_at] != 's' && it->text[s_at] != 'S'))
        return;
    if (ends_word(it->text, it->len, s_at + 1))
        it->pos = s_at + 1;
}

/* ---------------------------------------------------------------- stemming */

/* Run Snowball on term; returns the stem's length (0 when the stemmer fails
 * or returns nothing) and points *stem at the stemmer's own memory. */
static size_t run_stemmer(struct sb_stemmer *stemmer, const char *term, size_t term_len,
                          const char **stem)
{
    const sb_symbol *result = sb_stemmer_stem(stemmer, (const sb_symbol *)term, (int)term_len);
    int result_len = sb_stemmer_length(stemmer);
    if (!result || result_len <= 0)
        return 0;
    *stem = (const char *)result;
    return shelf_utf8_prefix_within(result, (size_t)result_len, SHELF_MAX_TERM_BYTES);
}

uint64_t shelf_term_hash(const void *term, size_t len)
{
    return XXH3_64bits(term, len);
}

/* Fill tok's term and word from the word scanned into fold: the term is
 * its stem (the cache's copy, or the stemmer's output on a miss), or the
 * folded word itself with no stemmer or when the stemmer gives nothing.
 * The folded word was hashed when it was scanned; the stem is hashed only
 * on a miss. */
static void stem_fold(shelf_token_iter *it, const char *fold, const shelf_scanned_word *w,
                      shelf_token *tok)
{
    shelf_analyzer *a = it->analyzer;
    size_t fold_len = w->fold_len;
    tok->word = tok->term = fold;
    tok->word_len = tok->term_len = fold_len;
    tok->word_hash = tok->hash = w->hash;
    tok->word_met = false;
    if (!a || !a->stemmer)
        return;
    shelf_stem_key key = {fold, fold_len, w->hash, it->stamp};
    const char *stem;
    size_t stem_len;
    uint64_t stem_hash;
    if (!shelf_stem_cache_get(a->stems, &key, &stem, &stem_len, &stem_hash, &tok->word_met)) {
        stem_len = run_stemmer(a->stemmer, fold, fold_len, &stem);
        if (stem_len == 0)
            return;
        stem_hash = shelf_term_hash(stem, stem_len);
        const char *kept = shelf_stem_cache_put(a->stems, &key, stem, stem_len, stem_hash);
        if (kept)
            stem = kept;
    }
    tok->term = stem;
    tok->term_len = stem_len;
    tok->hash = stem_hash;
}

/* ------------------------------------------------------------------ tokens */

/* Find the next word, fold it into it->fold[which] and hash it, and fetch
 * its stem-cache set; false at the end of the text. */
static bool scan_word(shelf_token_iter *it, unsigned which, shelf_scanned_word *w)
{
    while (skip_to_word(it)) {
        size_t start = it->pos;
        token_build build = {it->fold[which], 0, false};
        consume_word(it, &build);
        size_t end = it->pos;
        skip_possessive(it);
        if (build.fold_len == 0)
            continue; /* folded to nothing: not a term */
        if (build.cut)
            it->cut_tokens++;
        *w = (shelf_scanned_word){start, end, build.fold_len,
                                  shelf_term_hash(build.fold, build.fold_len)};
        if (it->analyzer && it->analyzer->stems)
            shelf_stem_cache_prefetch(it->analyzer->stems, w->hash);
        return true;
    }
    return false;
}

void shelf_tokens_begin(shelf_token_iter *it, shelf_analyzer *a, const char *text, size_t len)
{
    memset(it, 0, sizeof *it);
    it->analyzer = a;
    it->text = (const uint8_t *)text;
    it->len = text ? len : 0;
    if (a && a->stems)
        it->stamp = shelf_stem_cache_next_stamp(a->stems);
    it->have_ahead = scan_word(it, 0, &it->ahead);
}

bool shelf_tokens_next(shelf_token_iter *it, shelf_token *tok)
{
    if (!it->have_ahead)
        return false;
    shelf_scanned_word w = it->ahead;
    const char *fold = it->fold[it->ahead_fold];
    it->ahead_fold ^= 1;
    it->have_ahead = scan_word(it, it->ahead_fold, &it->ahead);
    stem_fold(it, fold, &w, tok);
    tok->position = it->next_position++;
    tok->start = w.start;
    tok->end = w.end;
    return true;
}

bool shelf_word_listed(const char *word, size_t len)
{
    if (len < 2 || len > SHELF_MAX_TERM_BYTES)
        return false;
    for (size_t i = 0; i < len; i++)
        if (word[i] >= '0' && word[i] <= '9')
            return false;
    return true;
}

/* --------------------------------------------------------- single words */

static size_t first_term(shelf_analyzer *a, const char *word, size_t len,
                         char out[SHELF_MAX_TERM_BYTES + 1], bool *more)
{
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, a, word, len);
    if (more)
        *more = false;
    out[0] = '\0';
    if (!shelf_tokens_next(&it, &tok))
        return 0;
    size_t n = tok.term_len;
    memcpy(out, tok.term, n);
    out[n] = '\0';
    if (more)
        *more = shelf_tokens_next(&it, &tok);
    return n;
}

size_t shelf_analyze_word(shelf_analyzer *a, const char *word, size_t len,
                          char out[SHELF_MAX_TERM_BYTES + 1], bool *more)
{
    return first_term(a, word, len, out, more);
}

size_t shelf_fold_word(shelf_analyzer *a, const char *word, size_t len,
                       char out[SHELF_MAX_TERM_BYTES + 1], bool *more)
{
    /* The same analysis with no stemmer attached. */
    shelf_analyzer folding_only = {.language = NO_STEMMING, .stemmer = NULL, .stems = NULL};
    return first_term(&folding_only, word, len, out, more);
}
