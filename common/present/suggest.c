/*
 * suggest.c - "did you mean"; see suggest.h.  Three steps: find the plain
 * words of the query (the parse tree, with each word's place in the query
 * string), decide for each whether it is misspelled and what replaces it,
 * and write the query again with the replacements in place.
 */
#include "present/suggest.h"
#include "present/neighbours.h"
#include "present/surface.h"
#include "present/written.h"
#include "query/keys.h"
#include "query/parse.h"
#include "util/deadline.h"
#include "util/editdist.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

/* One replacement: query bytes [off, off + len) become `with`. */
typedef struct fix {
    size_t off, len;
    char with[SHELF_MAX_TERM_BYTES + 1];
} fix;

typedef struct suggester {
    shelf_engine *e;
    shelf_analyzer *a;
    const char *query;
    uint64_t deadline_ns;
    shelf_written *written; /* the written-words lists, or NULL: read back stored text */
    bool many_hits;         /* more than SHELF_SUGGEST_MAX_HITS */
    size_t words; /* plain words met so far */
    fix *fixes;
    size_t nfixes, cap;
    shelf_err *err;
    int status;
} suggester;

/* ---- one word ---- */

static size_t char_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            return true;
    return false;
}

static bool has_form(void *word, const shelf_surfaces *so_far)
{
    return shelf_surfaces_find(so_far, word) >= 0;
}

/* Is the typed (folded) word written so in some document holding its
 * term?  Unknown terms, and terms whose documents are all read without
 * finding it, say no; a term in more documents than are read says yes. */
static int written_so(suggester *s, const uint8_t *key, size_t len, uint64_t df,
                      const char *folded, bool *known)
{
    *known = false;
    if (df == 0)
        return SHELF_OK;
    if (df > SHELF_SUGGEST_CHECK_DOCS) {
        *known = true;
        return SHELF_OK;
    }
    shelf_surfaces forms;
    int rc = shelf_surfaces_of(s->e, s->a, key, len, SHELF_SUGGEST_CHECK_DOCS, has_form,
                               (void *)folded, &forms, s->err);
    if (rc == SHELF_OK)
        *known = !forms.complete || shelf_surfaces_find(&forms, folded) >= 0;
    return rc;
}

typedef struct choice {
    char word[SHELF_MAX_TERM_BYTES + 1];
    unsigned distance;
    uint64_t df;
    bool found;
} choice;

typedef struct typed_word {
    const char *folded;
    size_t len;
    unsigned max;
} typed_word;

/* Reading a neighbour's documents stops at the first that writes it one
 * edit from the typed word: no form can be closer. */
static bool has_closest_form(void *ctx, const shelf_surfaces *so_far)
{
    const typed_word *w = ctx;
    for (size_t i = 0; i < so_far->count; i++) {
        const char *f = so_far->at[i].word;
        if (shelf_edit_distance(w->folded, w->len, f, strlen(f), 1) == 1)
            return true;
    }
    return false;
}

/* The written forms of neighbour n closest to the folded word; better ones
 * replace *best. */
static int consider(suggester *s, const shelf_neighbour *n, const char *folded, size_t flen,
                    unsigned max, choice *best)
{
    shelf_surfaces forms;
    typed_word typed = {folded, flen, max};
    int rc = shelf_surfaces_of(s->e, s->a, n->key, n->len, SHELF_SUGGEST_SAMPLE_DOCS,
                               has_closest_form, &typed, &forms, s->err);
    for (size_t i = 0; rc == SHELF_OK && i < forms.count; i++) {
        const char *w = forms.at[i].word;
        unsigned d = shelf_edit_distance(folded, flen, w, strlen(w), max);
        if (d == 0 || d > max)
            continue;
        if (!best->found || d < best->distance || (d == best->distance && n->df > best->df)) {
            memcpy(best->word, w, sizeof best->word);
            best->distance = d;
            best->df = n->df;
            best->found = true;
        }
    }
    return rc;
}

/* Dress word in the case of typed: all capitals, or a capital first. */
static void dress_like(const char *typed, char *word)
{
    size_t upper = 0, lower = 0;
    for (const char *p = typed; *p; p++) {
        upper += *p >= 'A' && *p <= 'Z';
        lower += *p >= 'a' && *p <= 'z';
    }
    bool all_caps = upper >= 2 && lower == 0;
    for (char *p = word; *p; p++) {
        bool up = all_caps || (p == word && typed[0] >= 'A' && typed[0] <= 'Z');
        if (up && *p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
}

/* Does word[0..len) analyse to the term stem[0..slen)? */
static bool same_term(suggester *s, const char *word, size_t len, const char *stem, size_t slen)
{
    char term[SHELF_MAX_TERM_BYTES + 1];
    bool more = false;
    size_t tlen = shelf_analyze_word(s->a, word, len, term, &more);
    return tlen == slen && memcmp(term, stem, slen) == 0;
}

/* With the written-words lists: the typed word as written is looked up,
 * and its neighbours are written words, so no stored text is read.  An
 * unwritten word gives way to the closest written one (of the closest, the
 * most frequent with the typed first letter, else the most frequent); a
 * written one only to a SHELF_SUGGEST_RATIO times more
 * frequent one of another term (a word of its own term, "controls" for
 * "control", is found by the search already).  A query that found many
 * documents looks further only at words written in few. */
static bool correct_written(suggester *s, const char *folded, size_t flen, const char *stem,
                            size_t slen, char *with)
{
    uint64_t df = 0;
    s->status = shelf_written_df(s->written, folded, flen, &df, s->err);
    if (s->status != SHELF_OK || (df > 0 && (s->many_hits || df > SHELF_SUGGEST_RARE)))
        return false;
    unsigned max = flen >= 5 ? 2 : 1;
    shelf_neighbours near;
    near.count = 0;
    shelf_term_source src = shelf_written_source(s->written);
    if (s->status == SHELF_OK)
        s->status = shelf_neighbours_in(&src, folded, flen, max, flen >= SHELF_SUGGEST_ANY_FIRST,
                                        &near, s->err);
    uint64_t floor = df ? df * SHELF_SUGGEST_RATIO : 1;
    const shelf_neighbour *pick = NULL;
    for (size_t i = 0; s->status == SHELF_OK && i < near.count; i++) {
        const shelf_neighbour *n = &near.at[i];
        const char *word = (const char *)n->key + 1;
        if (pick && n->distance > pick->distance)
            break;
        bool may = n->df >= floor && (df == 0 || (n->distance == 1 &&
                                                    !same_term(s, word, n->len - 1, stem, slen)));
        if (!may)
            continue;
        if (!pick)
            pick = n;
        if (word[0] == folded[0]) { /* the first letter is seldom the typo */
            pick = n;
            break;
        }
    }
    if (!pick)
        return false;
    memcpy(with, pick->key + 1, pick->len - 1);
    with[pick->len - 1] = '\0';
    return true;
}

/* The replacement of one typed word into with (dressed); false when the
 * word stays. */
static bool correct_word(suggester *s, const char *typed, char *with)
{
    char folded[SHELF_MAX_TERM_BYTES + 1], stem[SHELF_MAX_TERM_BYTES + 1];
    bool more = false;
    size_t flen = shelf_fold_word(s->a, typed, strlen(typed), folded, &more);
    if (flen == 0 || more || char_count(folded, flen) < SHELF_SUGGEST_MIN_LEN ||
        has_digit(folded))
        return false;
    size_t slen = shelf_analyze_word(s->a, typed, strlen(typed), stem, &more);
    if (slen == 0)
        return false;
    if (s->written) {
        if (!correct_written(s, folded, flen, stem, slen, with))
            return false;
        dress_like(typed, with);
        return true;
    }
    uint8_t key[SHELF_MAX_KEY_BYTES] = {SHELF_FIELD_BODY};
    memcpy(key + 1, stem, slen);
    uint64_t df = 0;
    bool known = false;
    s->status = shelf_engine_df(s->e, key, slen + 1, &df, s->err);
    if (s->status == SHELF_OK)
        s->status = written_so(s, key, slen + 1, df, folded, &known);
    unsigned max = flen >= 5 ? 2 : 1;
    shelf_neighbours near;
    near.count = 0;
    if (s->status == SHELF_OK)
        s->status = shelf_neighbours_find(s->e, stem, slen, max, flen >= SHELF_SUGGEST_ANY_FIRST,
                                          &near, s->err);
    choice best = {0};
    /* A known word gives way only to a much more frequent one; an unknown
     * one to any at least as frequent as its own term. */
    uint64_t floor = (df ? df : 1) * (known ? SHELF_SUGGEST_RATIO : 1);
    size_t tries = 0;
    for (size_t i = 0; s->status == SHELF_OK && i < near.count && tries < SHELF_SUGGEST_TRIES; i++) {
        if (near.at[i].df < floor)
            continue;
        if (shelf_deadline_passed(s->deadline_ns)) {
            s->status = shelf_timeout_err(s->err, "looking for a suggestion");
            break;
        }
        tries++;
        /* Nothing beats a form 1 edit away but a more frequent term's:
         * a neighbour that cannot win is not read (it still counts as
         * tried, so the answer is the one reading it would give). */
        if (best.found && best.distance == 1 && near.at[i].df <= best.df)
            continue;
        s->status = consider(s, &near.at[i], folded, flen, max, &best);
    }
    if (s->status != SHELF_OK || !best.found)
        return false;
    memcpy(with, best.word, sizeof best.word);
    dress_like(typed, with);
    return true;
}

/* ---- the query's words ---- */

/* Byte offset of a 1-based character column, counted as the lexer does. */
static size_t byte_of_column(const char *q, int column)
{
    size_t len = strlen(q), pos = 0;
    for (int c = 1; c < column && pos < len; c++) {
        int32_t cp;
        pos += shelf_utf8_decode((const uint8_t *)q, len, pos, &cp);
    }
    return pos;
}

static bool word_byte(char c)
{
    return c && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '"' && c != '(' &&
           c != ')' && c != ':';
}

/* Where the typed word of a node starting at column is in the query: the
 * first whole occurrence at or after the column; false when not found. */
static bool place_word(const char *q, int column, const char *word, size_t *off)
{
    size_t n = strlen(word);
    for (const char *p = strstr(q + byte_of_column(q, column), word); p; p = strstr(p + 1, word)) {
        bool starts = p == q || !word_byte(p[-1]) || p[-1] == '+' || p[-1] == '-';
        if (starts && !word_byte(p[n])) {
            *off = (size_t)(p - q);
            return true;
        }
    }
    return false;
}

static void add_fix(suggester *s, size_t off, size_t len, const char *with)
{
    if (s->nfixes == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        fix *f = realloc(s->fixes, cap * sizeof *f);
        if (!f) {
            s->status = shelf_errf(s->err, SHELF_ENOMEM, "out of memory making a suggestion");
            return;
        }
        s->fixes = f;
        s->cap = cap;
    }
    fix *f = &s->fixes[s->nfixes++];
    f->off = off;
    f->len = len;
    memcpy(f->with, with, sizeof f->with);
}

static void walk(suggester *s, const shelf_qnode *node)
{
    if (s->status != SHELF_OK || node->occur == SHELF_OCCUR_MUST_NOT)
        return;
    if (node->kind == SHELF_Q_TERM) {
        if (s->words++ >= SHELF_SUGGEST_MAX_WORDS)
            return;
        if (shelf_deadline_passed(s->deadline_ns)) {
            s->status = shelf_timeout_err(s->err, "looking for a suggestion");
            return;
        }
        char with[SHELF_MAX_TERM_BYTES + 1];
        size_t off;
        if (correct_word(s, node->text, with) && place_word(s->query, node->column, node->text, &off))
            add_fix(s, off, strlen(node->text), with);
        return;
    }
    for (size_t i = 0; i < node->nchildren; i++)
        walk(s, node->children[i]);
}

/* ---- the corrected query ---- */

static int by_offset(const void *a, const void *b)
{
    const fix *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

static char *rewrite(const char *q, fix *fixes, size_t n)
{
    qsort(fixes, n, sizeof *fixes, by_offset);
    size_t len = strlen(q), size = len + 1;
    for (size_t i = 0; i < n; i++)
        size += strlen(fixes[i].with);
    char *out = malloc(size);
    if (!out)
        return NULL;
    size_t at = 0, w = 0;
    for (size_t i = 0; i < n; i++) {
        if (fixes[i].off < at)
            continue; /* the same word found twice */
        memcpy(out + w, q + at, fixes[i].off - at);
        w += fixes[i].off - at;
        size_t k = strlen(fixes[i].with);
        memcpy(out + w, fixes[i].with, k);
        w += k;
        at = fixes[i].off + fixes[i].len;
    }
    memcpy(out + w, q + at, len - at);
    out[w + len - at] = '\0';
    return out;
}

int shelf_suggest(shelf_engine *e, shelf_analyzer *a, const char *query, bool default_and,
                  uint64_t hits, uint64_t deadline_ns, char **out, shelf_err *err)
{
    *out = NULL;
    shelf_written written;
    bool listed = false;
    int rc = shelf_written_open(&written, e, &listed, err);
    if (rc != SHELF_OK)
        return rc;
    if (!listed && hits > SHELF_SUGGEST_MAX_HITS)
        return SHELF_OK;
    shelf_parse_opts opts = {.default_and = default_and};
    int column = 0;
    shelf_qnode *tree = shelf_query_parse(query, &opts, err, &column);
    if (!tree) {
        shelf_written_close(&written);
        return err ? err->code : SHELF_EINVAL;
    }
    suggester s = {.e = e, .a = a, .query = query, .deadline_ns = deadline_ns,
                   .written = listed ? &written : NULL,
                   .many_hits = hits > SHELF_SUGGEST_MAX_HITS, .err = err};
    walk(&s, tree);
    shelf_query_free(tree);
    shelf_written_close(&written);
    if (s.status == SHELF_OK && s.nfixes > 0) {
        *out = rewrite(query, s.fixes, s.nfixes);
        if (!*out)
            s.status = shelf_errf(err, SHELF_ENOMEM, "out of memory making a suggestion");
    }
    free(s.fixes);
    return s.status;
}
