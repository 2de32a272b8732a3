/*
 * fuzz_analyzer.c - the UTF-8 decoder and the tokenizer
 * (analysis/utf8.h, analysis/analyzer.h) over arbitrary bytes.
 *
 * Input: byte 0 picks the language (english, none, french, russian), the
 * rest is the text.  Checked:
 *   - decoder: every step consumes 1..4 bytes, exactly 1 on invalid input;
 *     a valid code point is in range, not a surrogate, and re-encodes to
 *     the very bytes it came from; on valid text, shelf_utf8_prefix_within
 *     gives the longest boundary prefix within the limit;
 *   - tokens: positions 0, 1, 2, ...; every byte range [start, end) lies in
 *     the text, after the previous token, on character boundaries, and holds
 *     valid UTF-8; terms are 1..64 bytes of valid UTF-8;
 *   - invalid_bytes equals the decoder's count of invalid bytes;
 *   - a second pass (stem cache warm) gives the same tokens;
 *   - shelf_analyze_word / shelf_fold_word on a prefix return the first
 *     token's term (fold_word: as the "none" analyzer gives it).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "util/utf8.h"
#include "fuzz.h"

#define TARGET "analyzer"
#define WORD_MAX 256
#define PREFIX_LIMITS 4

static const char *const languages[] = {"english", "none", "french", "russian"};
#define LANGUAGE_COUNT (sizeof languages / sizeof *languages)

static shelf_analyzer *analyzers[LANGUAGE_COUNT];

static void free_analyzers(void)
{
    for (size_t i = 0; i < LANGUAGE_COUNT; i++) {
        shelf_analyzer_free(analyzers[i]);
        analyzers[i] = NULL;
    }
}

static shelf_analyzer *analyzer_for(size_t i)
{
    if (!analyzers[0]) {
        for (size_t k = 0; k < LANGUAGE_COUNT; k++) {
            analyzers[k] = shelf_analyzer_new(languages[k], NULL);
            fuzz_require(analyzers[k] != NULL, TARGET, "cannot create an analyzer");
        }
        atexit(free_analyzers);
    }
    return analyzers[i];
}

/* ---- the decoder ---- */

static bool is_surrogate(int32_t cp)
{
    return cp >= 0xD800 && cp <= 0xDFFF;
}

/* Walks the text; returns the number of invalid bytes. */
static size_t check_decoder(const uint8_t *t, size_t len)
{
    size_t invalid = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = shelf_utf8_decode(t, len, i, &cp);
        fuzz_require(n >= 1 && n <= SHELF_UTF8_MAX_BYTES && n <= len - i, TARGET,
                     "decoder step out of 1..4 or past the end");
        if (cp == SHELF_UTF8_INVALID) {
            fuzz_require(n == 1, TARGET, "invalid byte consumed more than one byte");
            invalid++;
        } else {
            uint8_t again[SHELF_UTF8_MAX_BYTES];
            fuzz_require(cp >= 0 && cp <= 0x10FFFF && !is_surrogate(cp), TARGET,
                         "decoded an impossible code point");
            fuzz_require(shelf_utf8_length(cp) == n, TARGET, "overlong or short form accepted");
            fuzz_require(shelf_utf8_encode(cp, again) == n && memcmp(again, t + i, n) == 0, TARGET,
                         "code point does not re-encode to its bytes");
        }
        i += n;
    }
    return invalid;
}

static void check_prefix_within(const char *text, size_t len, const bool *boundary)
{
    const size_t limits[PREFIX_LIMITS] = {0, 1, len / 2, SHELF_MAX_TERM_BYTES};
    for (size_t k = 0; k < PREFIX_LIMITS; k++) {
        size_t limit = limits[k] < len ? limits[k] : len;
        size_t n = shelf_utf8_prefix_within((const uint8_t *)text, len, limits[k]);
        fuzz_require(n <= limit && boundary[n], TARGET, "prefix_within: not a boundary prefix");
        for (size_t m = n + 1; m <= limit; m++)
            fuzz_require(!boundary[m], TARGET, "prefix_within: a longer prefix fits");
    }
}

/* ---- tokens ---- */

typedef struct token_list {
    shelf_token *at; /* term: NULL; the term's bytes are terms[i] */
    char (*terms)[SHELF_MAX_TERM_BYTES];
    size_t count, cap;
} token_list;

static void keep_token(token_list *l, const shelf_token *t)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->at = realloc(l->at, l->cap * sizeof *l->at);
        l->terms = realloc(l->terms, l->cap * sizeof *l->terms);
        fuzz_require(l->at && l->terms, TARGET, "out of memory");
    }
    l->at[l->count] = *t;
    memcpy(l->terms[l->count], t->term, t->term_len);
    l->at[l->count].term = NULL; /* terms may move when the list grows */
    l->count++;
}

static void check_token(const char *text, size_t len, const bool *boundary, const shelf_token *t,
                        size_t prev_end, uint32_t want_position)
{
    fuzz_require(t->position == want_position, TARGET, "positions do not count 0, 1, 2, ...");
    fuzz_require(t->start < t->end && t->end <= len, TARGET, "token range outside the text");
    fuzz_require(t->start >= prev_end, TARGET, "token overlaps the previous one");
    fuzz_require(boundary[t->start] && boundary[t->end], TARGET, "token splits a character");
    fuzz_require(fuzz_utf8_valid(text + t->start, t->end - t->start), TARGET,
                 "token holds invalid UTF-8");
    fuzz_require(t->term_len >= 1 && t->term_len <= SHELF_MAX_TERM_BYTES, TARGET,
                 "term length out of 1..64");
    fuzz_require(fuzz_utf8_valid(t->term, t->term_len), TARGET, "term is not valid UTF-8");
}

static void tokenize(shelf_analyzer *a, const char *text, size_t len, const bool *boundary,
                     size_t invalid, token_list *out)
{
    shelf_token_iter it;
    shelf_token tok;
    size_t prev_end = 0;
    shelf_tokens_begin(&it, a, text, len);
    while (shelf_tokens_next(&it, &tok)) {
        check_token(text, len, boundary, &tok, prev_end, (uint32_t)out->count);
        prev_end = tok.end;
        keep_token(out, &tok);
    }
    fuzz_require(it.invalid_bytes == invalid, TARGET, "invalid_bytes differs from the decoder's count");
}

static bool same_tokens(const token_list *x, const token_list *y)
{
    if (x->count != y->count)
        return false;
    for (size_t i = 0; i < x->count; i++) {
        const shelf_token *a = &x->at[i], *b = &y->at[i];
        if (a->start != b->start || a->end != b->end || a->position != b->position ||
            a->term_len != b->term_len || memcmp(x->terms[i], y->terms[i], a->term_len) != 0)
            return false;
    }
    return true;
}

static void free_tokens(token_list *l)
{
    free(l->at);
    free(l->terms);
}

/* ---- single words ---- */

static void check_word(shelf_analyzer *a, const char *text, size_t len, const token_list *tokens,
                       const token_list *plain_tokens)
{
    char out[SHELF_MAX_TERM_BYTES + 1];
    bool more = false;
    size_t n = shelf_analyze_word(a, text, len, out, &more);
    fuzz_require(n == (tokens->count ? tokens->at[0].term_len : 0), TARGET,
                 "analyze_word length differs from the first token's");
    fuzz_require(out[n] == '\0' && memcmp(out, tokens->count ? tokens->terms[0] : "", n) == 0,
                 TARGET, "analyze_word differs from the first token");
    fuzz_require(more == (tokens->count > 1), TARGET, "analyze_word: wrong 'more'");
    n = shelf_fold_word(a, text, len, out, &more);
    fuzz_require(n == (plain_tokens->count ? plain_tokens->at[0].term_len : 0) &&
                     memcmp(out, plain_tokens->count ? plain_tokens->terms[0] : "", n) == 0,
                 TARGET, "fold_word differs from the unstemmed first token");
}

/* The single-word calls over the text's first WORD_MAX bytes. */
static void check_words(shelf_analyzer *a, const char *text, size_t len)
{
    size_t n = len < WORD_MAX ? len : WORD_MAX;
    shelf_analyzer *plain = analyzer_for(1);
    token_list tokens = {0}, plain_tokens = {0};
    size_t invalid = check_decoder((const uint8_t *)text, n);
    bool *word_boundary = fuzz_utf8_boundaries(text, n);
    tokenize(a, text, n, word_boundary, invalid, &tokens);
    tokenize(plain, text, n, word_boundary, invalid, &plain_tokens);
    check_word(a, text, n, &tokens, &plain_tokens);
    free(word_boundary);
    free_tokens(&tokens);
    free_tokens(&plain_tokens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    shelf_analyzer *a = analyzer_for(data[0] % LANGUAGE_COUNT);
    size_t len = size - 1;
    char *text = fuzz_copy(data + 1, len);
    bool *boundary = fuzz_utf8_boundaries(text, len);
    size_t invalid = check_decoder((const uint8_t *)text, len);
    if (invalid == 0)
        check_prefix_within(text, len, boundary);
    token_list first = {0}, second = {0};
    tokenize(a, text, len, boundary, invalid, &first);
    tokenize(a, text, len, boundary, invalid, &second);
    fuzz_require(same_tokens(&first, &second), TARGET, "a second pass gives other tokens");
    check_words(a, text, len);
    free_tokens(&first);
    free_tokens(&second);
    free(boundary);
    free(text);
    return 0;
}
