/*
 * test_analyzer.c - behaviour of the text analyzer (common/analysis/analyzer.h):
 * token boundaries, positions, byte offsets, folding, the 64-byte rule,
 * stemming, invalid UTF-8 handling and the single-word helpers.
 *
 * Every input is copied into a heap buffer of exactly its length before it is
 * analysed, so a read past the end shows up under AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libstemmer.h>

#include "analysis/analyzer.h"
#include "analysis/stem_cache.h"
#include "support.h"

#define MAX_TOKENS 64

/* A token copied out of the iterator, with a NUL-terminated term. */
typedef struct seen_token {
    char term[SHELF_MAX_TERM_BYTES + 1];
    uint32_t position;
    size_t start;
    size_t end;
} seen_token;

typedef struct analysis {
    seen_token tokens[MAX_TOKENS];
    size_t count;
    uint64_t invalid_bytes;
    uint64_t cut_tokens;
} analysis;

static shelf_analyzer *new_analyzer(const char *language)
{
    shelf_err err;
    shelf_analyzer *a = shelf_analyzer_new(language, &err);
    if (!a)
        fail_msg("shelf_analyzer_new(%s): %s", language, err.msg);
    return a;
}

/* Analyse len bytes of text (copied to an exact-size heap buffer). */
static void analyse_bytes(const char *language, const char *text, size_t len, analysis *out)
{
    shelf_analyzer *a = new_analyzer(language);
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(out, 0, sizeof *out);
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, a, copy, len);
    while (shelf_tokens_next(&it, &tok)) {
        assert_true(out->count < MAX_TOKENS);
        assert_in_range(tok.term_len, 1, SHELF_MAX_TERM_BYTES);
        seen_token *t = &out->tokens[out->count++];
        memcpy(t->term, tok.term, tok.term_len);
        t->term[tok.term_len] = '\0';
        t->position = tok.position;
        t->start = tok.start;
        t->end = tok.end;
    }
    assert_false(shelf_tokens_next(&it, &tok)); /* stays finished */
    out->invalid_bytes = it.invalid_bytes;
    out->cut_tokens = it.cut_tokens;
    free(copy);
    shelf_analyzer_free(a);
}

static void analyse(const char *language, const char *text, analysis *out)
{
    analyse_bytes(language, text, strlen(text), out);
}

/* Assert the terms, in order, with positions 0, 1, 2, ... */
static void expect_terms(const analysis *got, size_t count, const char *const *terms)
{
    assert_int_equal(got->count, count);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(got->tokens[i].term, terms[i]);
        assert_int_equal(got->tokens[i].position, i);
    }
}

static void expect_span(const analysis *got, size_t index, size_t start, size_t end)
{
    assert_true(index < got->count);
    assert_int_equal(got->tokens[index].start, start);
    assert_int_equal(got->tokens[index].end, end);
}

/* The first term of a word, through shelf_analyze_word or shelf_fold_word. */
static void expect_word(const char *language, bool stem, const char *word,
                        const char *expected, bool expected_more)
{
    shelf_analyzer *a = new_analyzer(language);
    char out[SHELF_MAX_TERM_BYTES + 1];
    bool more = !expected_more;
    size_t n = stem ? shelf_analyze_word(a, word, strlen(word), out, &more)
                    : shelf_fold_word(a, word, strlen(word), out, &more);
    assert_int_equal(n, strlen(expected));
    assert_string_equal(out, expected);
    assert_int_equal(more, expected_more);
    shelf_analyzer_free(a);
}

static char *repeat(const char *unit, size_t times)
{
    size_t unit_len = strlen(unit);
    char *s = malloc(unit_len * times + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * unit_len, unit, unit_len);
    s[unit_len * times] = '\0';
    return s;
}

/* ------------------------------------------------------------ folding */

static void test_folding_examples(void **state)
{
    analysis got;
    analyse("none", "Nausėda Türkiye NATO Straße ﬁnd", &got);
    const char *terms[] = {"nauseda", "turkiye", "nato", "strasse", "find"};
    expect_terms(&got, 5, terms);
    assert_int_equal(got.cut_tokens, 0);
    assert_int_equal(got.invalid_bytes, 0);
}

static void test_fold_word_matches_documents(void **state)
{
    expect_word("english", false, "Nausėda", "nauseda", false);
    expect_word("english", false, "Türkiye", "turkiye", false);
    expect_word("english", false, "Défences", "defences", false);
    expect_word("english", false, "ﬁ", "fi", false);
}

static void test_combining_marks_extend_words_only(void **state)
{
    analysis got;
    /* "e" + U+0301 inside a word is folded away; a mark after a space does
     * not start a word. */
    analyse("none", "Cafe\xCC\x81s \xCC\x81x", &got);
    const char *terms[] = {"cafes", "x"};
    expect_terms(&got, 2, terms);
    expect_span(&got, 0, 0, 7);
    expect_span(&got, 1, 10, 11);
}

/* ------------------------------------------------------------ stemming */

static void test_english_stemming(void **state)
{
    analysis got;
    analyse("english", "defences Defence defence attacks", &got);
    assert_int_equal(got.count, 4);
    assert_string_equal(got.tokens[0].term, got.tokens[2].term);
    assert_string_equal(got.tokens[1].term, got.tokens[2].term);
    assert_string_equal(got.tokens[3].term, "attack");
}

static void test_language_none_does_not_stem(void **state)
{
    analysis got;
    analyse("none", "defences attacks", &got);
    const char *terms[] = {"defences", "attacks"};
    expect_terms(&got, 2, terms);
    shelf_analyzer *a = new_analyzer("none");
    assert_string_equal(shelf_analyzer_language(a), "none");
    shelf_analyzer_free(a);
}

static void test_french_stemming(void **state)
{
    analysis got;
    analyse("french", "maisons maison chevaux", &got);
    const char *terms[] = {"maison", "maison", "cheval"};
    expect_terms(&got, 3, terms);
    shelf_analyzer *a = new_analyzer("french");
    assert_string_equal(shelf_analyzer_language(a), "french");
    shelf_analyzer_free(a);
}

static void test_unknown_language_is_an_error(void **state)
{
    shelf_err err;
    shelf_err_clear(&err);
    assert_null(shelf_analyzer_new("klingon", &err));
    assert_int_equal(err.code, SHELF_EINVAL);
    assert_non_null(strstr(err.msg, "klingon"));
    assert_non_null(strstr(err.msg, "english"));
    assert_non_null(strstr(err.msg, "none"));
    assert_null(shelf_analyzer_new("", NULL));
}

static void test_language_list(void **state)
{
    char list[1024];
    shelf_analyzer_languages(list, sizeof list);
    assert_non_null(strstr(list, "english"));
    assert_non_null(strstr(list, "french"));
    assert_non_null(strstr(list, "none"));
    char tiny[4];
    shelf_analyzer_languages(tiny, sizeof tiny); /* truncates, stays a string */
    assert_true(strlen(tiny) < sizeof tiny);
}

/* ------------------------------------------------- boundaries and offsets */

static void test_possessive_is_dropped(void **state)
{
    analysis got;
    analyse("english", "Alliance's NATO’s", &got);
    const char *terms[] = {"allianc", "nato"};
    expect_terms(&got, 2, terms);
    expect_span(&got, 0, 0, 8);   /* excludes 's */
    expect_span(&got, 1, 11, 15); /* excludes ’s (3-byte apostrophe + s) */

    analyse("none", "Alliance's", &got); /* at the end of text */
    const char *alone[] = {"alliance"};
    expect_terms(&got, 1, alone);
    expect_span(&got, 0, 0, 8);
}

static void test_other_apostrophes_separate(void **state)
{
    analysis got;
    analyse("none", "don't rock’n Jones'sx", &got);
    /* 's followed by a word character is not a possessive. */
    const char *terms[] = {"don", "t", "rock", "n", "jones", "sx"};
    expect_terms(&got, 6, terms);
    expect_span(&got, 1, 4, 5);
    expect_span(&got, 3, 13, 14);
}

static void test_hyphens_and_slashes_separate(void **state)
{
    analysis got;
    analyse("english", "cyber-attacks and/or", &got);
    const char *terms[] = {"cyber", "attack", "and", "or"};
    expect_terms(&got, 4, terms);
    expect_span(&got, 0, 0, 5);
    expect_span(&got, 1, 6, 13);
    expect_span(&got, 2, 14, 17);
    expect_span(&got, 3, 18, 20);
}

static void test_offsets_after_multibyte_characters(void **state)
{
    analysis got;
    /* é = 2 bytes, ü = 2 bytes, 東京 = 6 bytes. */
    analyse("none", "é Nausėda, Türkiye 東京 x", &got);
    const char *terms[] = {"e", "nauseda", "turkiye", "東京", "x"};
    expect_terms(&got, 5, terms);
    expect_span(&got, 0, 0, 2);
    expect_span(&got, 1, 3, 11);
    expect_span(&got, 2, 13, 21);
    expect_span(&got, 3, 22, 28);
    expect_span(&got, 4, 29, 30);
}

static void test_mixed_scripts(void **state)
{
    analysis got;
    analyse("none", "Москва ΑΘΗΝΑ ΟΔΟΣ 東京 ٢٠٢٤ 2024 İstanbul", &got);
    const char *terms[] = {"москва", "αθηνα", "οδοσ", "東京", "٢٠٢٤", "2024", "istanbul"};
    expect_terms(&got, 7, terms);
    assert_int_equal(got.invalid_bytes, 0);

    analyse("russian", "Москвы", &got);
    const char *stemmed[] = {"москв"};
    expect_terms(&got, 1, stemmed);
}

static void test_empty_input(void **state)
{
    analysis got;
    analyse_bytes("english", "", 0, &got);
    assert_int_equal(got.count, 0);
    analyse("english", " \t\n-/'’", &got);
    assert_int_equal(got.count, 0);
    assert_int_equal(got.invalid_bytes, 0);

    shelf_analyzer *a = new_analyzer("english");
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, a, NULL, 0);
    assert_false(shelf_tokens_next(&it, &tok));
    shelf_analyzer_free(a);
}

static void test_nul_bytes_separate(void **state)
{
    analysis got;
    analyse_bytes("none", "ab\0cd\0\0", 7, &got);
    const char *terms[] = {"ab", "cd"};
    expect_terms(&got, 2, terms);
    expect_span(&got, 1, 3, 5);
    assert_int_equal(got.invalid_bytes, 0);
}

/* ----------------------------------------------------------- invalid UTF-8 */

static void expect_invalid(const char *bytes, size_t len, uint64_t invalid, size_t count,
                           const char *const *terms)
{
    analysis got;
    analyse_bytes("none", bytes, len, &got);
    expect_terms(&got, count, terms);
    assert_int_equal(got.invalid_bytes, invalid);
}

static void test_invalid_utf8_separates_and_is_counted(void **state)
{
    const char *ab_cd[] = {"ab", "cd"};
    expect_invalid("ab\x80" "cd", 5, 1, 2, ab_cd);             /* lone continuation */
    expect_invalid("ab\x80\xBF" "cd", 6, 2, 2, ab_cd);         /* two of them       */
    expect_invalid("ab\xC0\xAF" "cd", 6, 2, 2, ab_cd);         /* overlong '/'      */
    expect_invalid("ab\xE0\x80\xAF" "cd", 7, 3, 2, ab_cd);     /* overlong, 3 bytes */
    expect_invalid("ab\xED\xA0\x80" "cd", 7, 3, 2, ab_cd);     /* surrogate D800    */
    expect_invalid("ab\xF4\x90\x80\x80" "cd", 8, 4, 2, ab_cd); /* above U+10FFFF    */
    expect_invalid("ab\xF5" "cd\xFF", 6, 2, 2, ab_cd);         /* F5..FF            */
    expect_invalid("ab\xE2\x82" "cd", 6, 2, 2, ab_cd);         /* truncated inside  */

    const char *ab[] = {"ab"};
    expect_invalid("ab\xE2\x82", 4, 2, 1, ab);         /* truncated at the end */
    expect_invalid("ab\xF0\x9F\x98", 5, 3, 1, ab);     /* truncated 4-byte     */
    expect_invalid("ab\xC3", 3, 1, 1, ab);             /* truncated 2-byte     */
    expect_invalid("\xFF\xFE\xFD", 3, 3, 0, NULL);     /* nothing valid        */
}

static void test_invalid_byte_offsets(void **state)
{
    analysis got;
    analyse_bytes("none", "\xC3\xA9t\xC3\xA9\x80" "\xC3\xA9t\xC3\xA9", 11, &got);
    const char *terms[] = {"ete", "ete"};
    expect_terms(&got, 2, terms);
    expect_span(&got, 0, 0, 5);
    expect_span(&got, 1, 6, 11);
    assert_int_equal(got.invalid_bytes, 1);
}

/* ------------------------------------------------------------ 64-byte rule */

static void test_long_ascii_token_is_cut(void **state)
{
    char *word = repeat("a", 100);
    char *text = ts_strf("%s next", word);
    analysis got;
    analyse("none", text, &got);
    assert_int_equal(got.count, 2);
    assert_int_equal(strlen(got.tokens[0].term), 64);
    assert_int_equal(strspn(got.tokens[0].term, "a"), 64);
    expect_span(&got, 0, 0, 100); /* the whole run is consumed */
    assert_string_equal(got.tokens[1].term, "next");
    assert_int_equal(got.tokens[1].position, 1);
    assert_int_equal(got.cut_tokens, 1);
    free(text);
    free(word);

    word = repeat("a", 64); /* exactly 64: not cut */
    analyse("none", word, &got);
    assert_int_equal(strlen(got.tokens[0].term), 64);
    assert_int_equal(got.cut_tokens, 0);
    free(word);
}

static void test_folding_can_make_a_token_fit(void **state)
{
    char *word = repeat("é", 40); /* 80 bytes in, "e" x 40 folded */
    analysis got;
    analyse("none", word, &got);
    assert_int_equal(got.count, 1);
    assert_int_equal(strlen(got.tokens[0].term), 40);
    assert_int_equal(strspn(got.tokens[0].term, "e"), 40);
    assert_int_equal(got.cut_tokens, 0);
    expect_span(&got, 0, 0, 80);
    free(word);
}

static void test_cut_lands_on_a_character_boundary(void **state)
{
    char *cyrillic = repeat("ж", 40); /* 2 bytes each, stays 2 bytes folded */
    char *expected = repeat("ж", 32);
    analysis got;
    analyse("none", cyrillic, &got);
    assert_string_equal(got.tokens[0].term, expected);
    assert_int_equal(got.cut_tokens, 1);
    free(expected);

    /* An odd start: "a" + 31 x "ж" = 63 bytes; another "ж" would make 65. */
    char *text = ts_strf("a%s", cyrillic);
    char *odd = repeat("ж", 31);
    char *odd_expected = ts_strf("a%s", odd);
    analyse("none", text, &got);
    assert_int_equal(strlen(got.tokens[0].term), 63);
    assert_string_equal(got.tokens[0].term, odd_expected);
    assert_int_equal(got.cut_tokens, 1);
    free(odd_expected);
    free(odd);
    free(text);
    free(cyrillic);

    /* A character that folds to two ("ß" -> "ss") keeps the part that fits. */
    char *as = repeat("a", 63);
    text = ts_strf("%sß", as);
    analyse("none", text, &got);
    char *as_s = ts_strf("%ss", as);
    assert_string_equal(got.tokens[0].term, as_s);
    assert_int_equal(got.cut_tokens, 1);
    free(as_s);
    free(text);
    free(as);
}

static void test_stemming_applies_after_the_cut(void **state)
{
    /* 60 'b' + "ings" is exactly 64 bytes; "zzzz" is cut off, so the stemmer
     * sees the "-ings" ending. */
    char *bs = repeat("b", 60);
    char *long_word = ts_strf("%singszzzz", bs);
    char *fitting = ts_strf("%sings", bs);
    char stem_long[SHELF_MAX_TERM_BYTES + 1], stem_fit[SHELF_MAX_TERM_BYTES + 1];
    char folded[SHELF_MAX_TERM_BYTES + 1];
    shelf_analyzer *a = new_analyzer("english");
    bool more = true;
    assert_int_not_equal(shelf_analyze_word(a, long_word, strlen(long_word), stem_long, &more), 0);
    assert_false(more);
    assert_int_not_equal(shelf_analyze_word(a, fitting, strlen(fitting), stem_fit, &more), 0);
    assert_int_equal(shelf_fold_word(a, long_word, strlen(long_word), folded, &more), 64);
    assert_string_equal(stem_long, stem_fit);
    assert_string_equal(folded, fitting);
    assert_true(strlen(stem_long) < 64); /* the stemmer did remove a suffix */
    shelf_analyzer_free(a);
    free(fitting);
    free(long_word);
    free(bs);
}

/* Lowercase ASCII word number i: base-26 letters and one of a few suffixes. */
static void vocabulary_word(unsigned i, char *out)
{
    static const char *const suffixes[] = {"ings", "ed", "ation", "s", "ness", ""};
    size_t n = 0;
    unsigned rest = i / 6;
    do {
        out[n++] = (char)('a' + rest % 26);
        rest /= 26;
    } while (rest > 0);
    strcpy(out + n, suffixes[i % 6]);
}

static void test_stems_match_snowball_across_many_words(void **state)
{
    /* 60000 distinct words, twice: far more than the stem cache holds, so
     * slots are shared and replaced; every result must still be Snowball's. */
    enum { WORDS = 60000 };
    shelf_analyzer *a = new_analyzer("english");
    struct sb_stemmer *reference = sb_stemmer_new("english", "UTF_8");
    assert_non_null(reference);
    char word[32], out[SHELF_MAX_TERM_BYTES + 1];
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < WORDS; i++) {
            vocabulary_word(i, word);
            bool more = true;
            size_t n = shelf_analyze_word(a, word, strlen(word), out, &more);
            const sb_symbol *expected =
                sb_stemmer_stem(reference, (const sb_symbol *)word, (int)strlen(word));
            assert_int_equal(n, sb_stemmer_length(reference));
            assert_memory_equal(out, expected, n);
            assert_false(more);
        }
    }
    sb_stemmer_delete(reference);
    shelf_analyzer_free(a);
}

/* The iterator works one word ahead (the next word is folded into the
 * other of two buffers and its stem-cache set fetched while a token is
 * stemmed): over a running text of 30,000 words, every token must be what
 * its word gives alone (term, folded word, hashes, offsets, position), with
 * a long word cut every 97th and a possessive every 13th, and the counters
 * must be whole at the end. */
static void test_running_text_matches_words_alone(void **state)
{
    (void)state;
    enum { WORDS = 30000 };
    shelf_analyzer *a = new_analyzer("english");
    char long_word[SHELF_MAX_TERM_BYTES + 11];
    memset(long_word, 'q', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    size_t cap = (size_t)WORDS * (sizeof long_word + 8), len = 0;
    char *text = malloc(cap);
    size_t *starts = malloc(WORDS * sizeof *starts), *ends = malloc(WORDS * sizeof *ends);
    assert_true(text && starts && ends);
    for (unsigned i = 0; i < WORDS; i++) {
        char word[32];
        vocabulary_word(i * 7919 % 50000, word);
        const char *w = i % 97 == 0 ? long_word : word;
        starts[i] = len;
        len += (size_t)sprintf(text + len, "%s", w);
        ends[i] = len;
        len += (size_t)sprintf(text + len, "%s", i % 13 == 0 ? "'s, " : i % 5 == 0 ? ".\n" : " ");
    }
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, a, text, len);
    for (unsigned i = 0; i < WORDS; i++) {
        assert_true(shelf_tokens_next(&it, &tok));
        char got_term[SHELF_MAX_TERM_BYTES], got_word[SHELF_MAX_TERM_BYTES];
        memcpy(got_term, tok.term, tok.term_len); /* before the cache is used again */
        memcpy(got_word, tok.word, tok.word_len);
        const char *w = text + starts[i];
        size_t n = ends[i] - starts[i];
        char term[SHELF_MAX_TERM_BYTES + 1], folded[SHELF_MAX_TERM_BYTES + 1];
        size_t term_len = shelf_analyze_word(a, w, n, term, NULL);
        size_t folded_len = shelf_fold_word(a, w, n, folded, NULL);
        assert_int_equal(tok.position, i);
        assert_int_equal(tok.start, starts[i]);
        assert_int_equal(tok.end, ends[i]);
        assert_int_equal(tok.term_len, term_len);
        assert_memory_equal(got_term, term, term_len);
        assert_int_equal(tok.word_len, folded_len);
        assert_memory_equal(got_word, folded, folded_len);
        assert_true(tok.hash == shelf_term_hash(term, term_len));
        assert_true(tok.word_hash == shelf_term_hash(folded, folded_len));
    }
    assert_false(shelf_tokens_next(&it, &tok));
    assert_int_equal(it.next_position, WORDS);
    assert_int_equal(it.cut_tokens, (WORDS + 96) / 97);
    assert_int_equal(it.invalid_bytes, 0);
    free(text);
    free(starts);
    free(ends);
    shelf_analyzer_free(a);
}

/* A term is found whatever bytes follow it in the key's buffer and in the
 * slot (terms are compared a word at a time, the bytes past them masked),
 * and a term differing in its last byte, or in the first byte of the
 * fourth word, is not. */
static void test_stem_cache_compares_whole_terms_only(void **state)
{
    (void)state;
    shelf_stem_cache *c = shelf_stem_cache_new();
    assert_non_null(c);
    uint32_t stamp = shelf_stem_cache_next_stamp(c);
    char put[SHELF_STEM_KEY_READABLE], ask[SHELF_STEM_KEY_READABLE];
    const char *stem;
    size_t len;
    uint64_t hash;
    bool met;
    for (size_t n = 1; n <= SHELF_STEM_SLOT_BYTES; n++) {
        memset(put, 'x', sizeof put);
        memset(ask, 'y', sizeof ask);
        for (size_t i = 0; i < n; i++)
            put[i] = ask[i] = (char)('a' + i % 26);
        shelf_stem_key kp = {put, n, n * 977, stamp}, ka = {ask, n, n * 977, stamp};
        assert_non_null(shelf_stem_cache_put(c, &kp, "s", 1, n));
        assert_true(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
        assert_true(hash == n);
        ask[n - 1] = 'Z';
        assert_false(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
        if (n > 24) {
            ask[n - 1] = put[n - 1];
            ask[24] = 'Z';
            assert_false(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
        }
    }
    shelf_stem_cache_free(c);
}

/* Two terms whose hashes pick the same set both stay in the cache (two
 * ways); a third replaces the one used less recently; a term longer than a
 * slot is never kept but stems right every time. */
static void test_stem_cache_ways_and_long_terms(void **state)
{
    (void)state;
    shelf_stem_cache *c = shelf_stem_cache_new();
    assert_non_null(c);
    uint32_t stamp = shelf_stem_cache_next_stamp(c);
    /* keys are readable for SHELF_STEM_KEY_READABLE bytes */
    char alpha[SHELF_STEM_KEY_READABLE] = "alpha", bravo[SHELF_STEM_KEY_READABLE] = "bravo",
         charlie[SHELF_STEM_KEY_READABLE] = "charlie",
         longest[SHELF_STEM_KEY_READABLE] = "internationalisationalisations";
    shelf_stem_key ka = {alpha, 5, 42, stamp}, kb = {bravo, 5, 42, stamp},
                   kc = {charlie, 7, 42, stamp};
    const char *stem;
    size_t len;
    uint64_t hash;
    bool met;
    assert_false(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
    assert_non_null(shelf_stem_cache_put(c, &ka, "alph", 4, 1));
    assert_non_null(shelf_stem_cache_put(c, &kb, "brav", 4, 2));
    assert_true(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
    assert_int_equal(len, 4);
    assert_memory_equal(stem, "alph", 4);
    assert_true(hash == 1);
    assert_true(met);
    assert_true(shelf_stem_cache_get(c, &kb, &stem, &len, &hash, &met));
    assert_memory_equal(stem, "brav", 4);
    assert_true(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met)); /* a used last */
    assert_non_null(shelf_stem_cache_put(c, &kc, "charli", 6, 3));
    assert_false(shelf_stem_cache_get(c, &kb, &stem, &len, &hash, &met));
    assert_true(shelf_stem_cache_get(c, &ka, &stem, &len, &hash, &met));
    assert_true(shelf_stem_cache_get(c, &kc, &stem, &len, &hash, &met));
    assert_memory_equal(stem, "charli", 6);
    shelf_stem_key klong = {longest, 30, 7, stamp};
    assert_null(shelf_stem_cache_put(c, &klong, "internationalisationalis", 24, 4));
    assert_false(shelf_stem_cache_get(c, &klong, &stem, &len, &hash, &met));
    shelf_stem_cache_free(c);

    shelf_analyzer *a = new_analyzer("english");
    struct sb_stemmer *reference = sb_stemmer_new("english", "UTF_8");
    const char *word = "counterrevolutionarinesses";  /* 26 bytes */
    const char *longer = "antidisestablishmentarianisms"; /* 29 bytes */
    char out[SHELF_MAX_TERM_BYTES + 1];
    for (int i = 0; i < 3; i++) {
        const char *w = i % 2 ? longer : word;
        size_t n = shelf_analyze_word(a, w, strlen(w), out, NULL);
        const sb_symbol *expected = sb_stemmer_stem(reference, (const sb_symbol *)w, (int)strlen(w));
        assert_int_equal(n, sb_stemmer_length(reference));
        assert_memory_equal(out, expected, n);
    }
    sb_stemmer_delete(reference);
    shelf_analyzer_free(a);
}

/* ------------------------------------------------------------ single words */

static void test_analyze_word(void **state)
{
    expect_word("english", true, "Defences", "defenc", false);
    expect_word("english", true, "e-mail", "e", true);
    expect_word("english", true, "NATO's", "nato", false);
    expect_word("english", true, "  Attacks  ", "attack", false);
    expect_word("english", false, "cyber-attacks", "cyber", true);
    expect_word("english", true, "---", "", false);
    expect_word("english", false, "", "", false);
}

static void test_analyze_word_accepts_null_more(void **state)
{
    shelf_analyzer *a = new_analyzer("english");
    char out[SHELF_MAX_TERM_BYTES + 1];
    assert_int_equal(shelf_analyze_word(a, "attacks now", 11, out, NULL), 6);
    assert_string_equal(out, "attack");
    shelf_analyzer_free(a);
}

/* ------------------------------------------------------------------ volume */

static void test_fifty_megabyte_line(void **state)
{
    /* 20 bytes, 4 tokens: "word123", "café", "bar", "x" (no newline anywhere). */
    const char *unit = "Word123 café-bar x ";
    size_t unit_len = strlen(unit);
    size_t units = (50u * 1024 * 1024) / unit_len;
    size_t len = units * unit_len;
    char *text = malloc(len);
    assert_non_null(text);
    for (size_t i = 0; i < units; i++)
        memcpy(text + i * unit_len, unit, unit_len);

    shelf_analyzer *a = new_analyzer("english");
    shelf_token_iter it;
    shelf_token tok;
    uint64_t count = 0, cafe_terms = 0;
    uint32_t last_position = 0;
    shelf_tokens_begin(&it, a, text, len);
    while (shelf_tokens_next(&it, &tok)) {
        count++;
        last_position = tok.position;
        if (tok.term_len == 4 && memcmp(tok.term, "cafe", 4) == 0)
            cafe_terms++;
    }
    assert_int_equal(count, (uint64_t)units * 4);
    assert_int_equal(last_position, count - 1);
    assert_int_equal(cafe_terms, units);
    assert_int_equal(it.invalid_bytes, 0);
    shelf_analyzer_free(a);
    free(text);
}

/* Each token carries its word folded but not stemmed, with that word's
 * hash, and word_met tells a repeat within one pass from a first meeting. */
static void test_token_word_and_met(void **state)
{
    (void)state;
    shelf_analyzer *a = new_analyzer("english");
    static const char text[] = "Controllers CONTROL the controller; controllers, Alliance's";
    static const char *const words[] = {"controllers", "control", "the", "controller",
                                        "controllers", "alliance"};
    static const bool met[] = {false, false, false, false, true, false};
    for (int pass = 0; pass < 2; pass++) {
        shelf_token_iter it;
        shelf_token tok;
        shelf_tokens_begin(&it, a, text, strlen(text));
        for (size_t i = 0; i < 6; i++) {
            assert_true(shelf_tokens_next(&it, &tok));
            assert_int_equal(tok.word_len, strlen(words[i]));
            assert_memory_equal(tok.word, words[i], tok.word_len);
            assert_true(tok.word_hash == shelf_term_hash(words[i], strlen(words[i])));
            assert_true(tok.hash == shelf_term_hash(tok.term, tok.term_len));
            /* a new pass meets every word anew, though the cache holds them */
            assert_int_equal(tok.word_met, met[i]);
        }
        assert_false(shelf_tokens_next(&it, &tok));
    }
    assert_true(shelf_word_listed("deterrence", 10));
    assert_false(shelf_word_listed("x", 1));
    assert_false(shelf_word_listed("ipv6", 4));
    shelf_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folding_examples),
        cmocka_unit_test(test_fold_word_matches_documents),
        cmocka_unit_test(test_combining_marks_extend_words_only),
        cmocka_unit_test(test_english_stemming),
        cmocka_unit_test(test_language_none_does_not_stem),
        cmocka_unit_test(test_french_stemming),
        cmocka_unit_test(test_unknown_language_is_an_error),
        cmocka_unit_test(test_language_list),
        cmocka_unit_test(test_possessive_is_dropped),
        cmocka_unit_test(test_other_apostrophes_separate),
        cmocka_unit_test(test_hyphens_and_slashes_separate),
        cmocka_unit_test(test_offsets_after_multibyte_characters),
        cmocka_unit_test(test_mixed_scripts),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_nul_bytes_separate),
        cmocka_unit_test(test_invalid_utf8_separates_and_is_counted),
        cmocka_unit_test(test_invalid_byte_offsets),
        cmocka_unit_test(test_long_ascii_token_is_cut),
        cmocka_unit_test(test_folding_can_make_a_token_fit),
        cmocka_unit_test(test_cut_lands_on_a_character_boundary),
        cmocka_unit_test(test_stemming_applies_after_the_cut),
        cmocka_unit_test(test_stems_match_snowball_across_many_words),
        cmocka_unit_test(test_analyze_word),
        cmocka_unit_test(test_analyze_word_accepts_null_more),
        cmocka_unit_test(test_fifty_megabyte_line),
        cmocka_unit_test(test_token_word_and_met),
        cmocka_unit_test(test_running_text_matches_words_alone),
        cmocka_unit_test(test_stem_cache_ways_and_long_terms),
        cmocka_unit_test(test_stem_cache_compares_whole_terms_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
