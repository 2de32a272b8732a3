/*
 * test_snippets_corpus.c - passages, highlights and citations end to end:
 * CORPUS_DIR is indexed with INDEXER_BIN into a temporary folder and
 * SEARCHER_BIN is run on it; its output is checked against the source files,
 * whose bytes are exactly the stored text.
 *
 *   - JSON snippets of many queries (words, phrases, NEAR, prefixes, fields,
 *     AND/NOT mixes): file bytes [start, end) equal "text"; line and column
 *     recomputed; every highlight lies inside the text, starts and ends on
 *     token boundaries of the library's analyzer and covers only tokens whose
 *     analysed term is a query term (or extends a query prefix); excluded
 *     words are never highlighted; for queries of plain words, every
 *     occurrence of a query term inside a snippet is highlighted; snippets of
 *     a hit do not overlap; sections are heading lines at or above;
 *   - text output agrees with the JSON (place lines, passages with markers);
 *   - --cite (plain, markdown, json), --context, --highlight, --color.
 * A minimal JSON reader is included (no dependency).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analyzer.h"
#include "support.h"

/* ---- a minimal JSON reader ---- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
    int type;
    double num;
    bool b;
    char *str; /* J_STR: decoded, NUL-terminated (may hold NULs: slen) */
    size_t slen;
    struct jv *items; /* J_ARR / J_OBJ values */
    char **keys;      /* J_OBJ keys */
    size_t n;
} jv;

typedef struct jreader {
    const char *p, *end;
    bool bad;
} jreader;

static void jfree(jv *v)
{
    free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        jfree(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static void jws(jreader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static void jput(char **s, size_t *n, size_t *cap, const char *src, size_t k)
{
    if (*n + k + 1 > *cap) {
        *cap = (*n + k + 1) * 2 + 16;
        *s = realloc(*s, *cap);
        assert_non_null(*s);
    }
    memcpy(*s + *n, src, k);
    *n += k;
    (*s)[*n] = '\0';
}

static int jhex(jreader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int jstr(jreader *r, char **out, size_t *out_len)
{
    if (r->p >= r->end || *r->p != '"')
        return -1;
    r->p++;
    char *s = NULL;
    size_t n = 0, cap = 0;
    jput(&s, &n, &cap, "", 0);
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20)
            goto bad; /* raw control characters are not allowed */
        if (c != '\\') {
            jput(&s, &n, &cap, r->p++, 1);
            continue;
        }
        r->p++;
        if (r->p >= r->end)
            goto bad;
        char e = *r->p++;
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        case 'u': {
            unsigned cp;
            if (jhex(r, &cp))
                goto bad;
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                    goto bad;
                r->p += 2;
                if (jhex(r, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                goto bad;
            }
            char u[4];
            size_t k;
            if (cp < 0x80) {
                u[0] = (char)cp;
                k = 1;
            } else if (cp < 0x800) {
                u[0] = (char)(0xC0 | (cp >> 6));
                u[1] = (char)(0x80 | (cp & 0x3F));
                k = 2;
            } else if (cp < 0x10000) {
                u[0] = (char)(0xE0 | (cp >> 12));
                u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[2] = (char)(0x80 | (cp & 0x3F));
                k = 3;
            } else {
                u[0] = (char)(0xF0 | (cp >> 18));
                u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[3] = (char)(0x80 | (cp & 0x3F));
                k = 4;
            }
            jput(&s, &n, &cap, u, k);
            break;
        }
        default: goto bad;
        }
        if (simple)
            jput(&s, &n, &cap, simple, 1);
    }
    if (r->p >= r->end)
        goto bad;
    r->p++;
    *out = s;
    *out_len = n;
    return 0;
bad:
    free(s);
    return -1;
}

static int jvalue(jreader *r, jv *v, int depth);

static int jpush(jv *v, jv *item, char *key)
{
    jv *items = realloc(v->items, (v->n + 1) * sizeof *items);
    assert_non_null(items);
    v->items = items;
    if (v->type == J_OBJ) {
        char **keys = realloc(v->keys, (v->n + 1) * sizeof *keys);
        assert_non_null(keys);
        v->keys = keys;
        v->keys[v->n] = key;
    }
    v->items[v->n++] = *item;
    return 0;
}

static int jvalue(jreader *r, jv *v, int depth)
{
    memset(v, 0, sizeof *v);
    if (depth > 64)
        return -1;
    jws(r);
    if (r->p >= r->end)
        return -1;
    char c = *r->p;
    if (c == '{' || c == '[') {
        v->type = c == '{' ? J_OBJ : J_ARR;
        char close = c == '{' ? '}' : ']';
        r->p++;
        jws(r);
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return 0;
        }
        for (;;) {
            char *key = NULL;
            size_t klen;
            jws(r);
            if (v->type == J_OBJ) {
                if (jstr(r, &key, &klen))
                    return -1;
                jws(r);
                if (r->p >= r->end || *r->p != ':') {
                    free(key);
                    return -1;
                }
                r->p++;
            }
            jv item;
            if (jvalue(r, &item, depth + 1)) {
                free(key);
                jfree(&item);
                return -1;
            }
            jpush(v, &item, key);
            jws(r);
            if (r->p < r->end && *r->p == ',') {
                r->p++;
                continue;
            }
            if (r->p < r->end && *r->p == close) {
                r->p++;
                return 0;
            }
            return -1;
        }
    }
    if (c == '"') {
        v->type = J_STR;
        return jstr(r, &v->str, &v->slen);
    }
    static const struct {
        const char *word;
        int type;
        bool b;
    } lits[] = {{"true", J_BOOL, true}, {"false", J_BOOL, false}, {"null", J_NULL, false}};
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(lits[i].word);
        if ((size_t)(r->end - r->p) >= k && memcmp(r->p, lits[i].word, k) == 0) {
            r->p += k;
            v->type = lits[i].type;
            v->b = lits[i].b;
            return 0;
        }
    }
    /* number: -? digits (. digits)? ([eE] [+-]? digits)? */
    const char *s = r->p;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    const char *digits = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    if (r->p == digits || (*digits == '0' && r->p - digits > 1))
        return -1;
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        const char *f = r->p;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
        if (r->p == f)
            return -1;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        const char *e = r->p;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
        if (r->p == e)
            return -1;
    }
    char tmp[64];
    size_t k = (size_t)(r->p - s);
    if (k >= sizeof tmp)
        return -1;
    memcpy(tmp, s, k);
    tmp[k] = '\0';
    v->type = J_NUM;
    v->num = strtod(tmp, NULL);
    return 0;
}

/* Parse exactly one JSON value (white space around allowed). */
static bool json_parse(const char *s, size_t len, jv *out)
{
    jreader r = {s, s + len, false};
    if (jvalue(&r, out, 0)) {
        jfree(out);
        return false;
    }
    jws(&r);
    if (r.p != r.end) {
        jfree(out);
        return false;
    }
    return true;
}

static const jv *jget(const jv *o, const char *key, int type)
{
    if (o->type != J_OBJ)
        fail_msg("not an object looking for \"%s\"", key);
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) {
            if (o->items[i].type != type)
                fail_msg("\"%s\" has JSON type %d, expected %d", key, o->items[i].type, type);
            return &o->items[i];
        }
    fail_msg("no \"%s\" in the object", key);
    return NULL;
}

/* The text footer says "≥ N" when the JSON total is a lower bound. */
static const char *total_mark(const jv *o)
{
    return jget(o, "total_exact", J_BOOL)->b ? "" : "≥ ";
}

static size_t jsize(const jv *o, const char *key)
{
    const jv *v = jget(o, key, J_NUM);
    if (v->num < 0 || v->num != (double)(size_t)v->num)
        fail_msg("\"%s\" is %g, not a whole number", key, v->num);
    return (size_t)v->num;
}

static void test_json_reader(void **state)
{
    (void)state;
    static const char ok[] = " {\"a\": [1, -2.5e1, true, false, null], \"b\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\","
                             " \"c\": {}, \"d\": []} ";
    jv v;
    assert_true(json_parse(ok, strlen(ok), &v));
    const jv *a = jget(&v, "a", J_ARR);
    assert_int_equal(a->n, 5);
    assert_true(a->items[0].num == 1 && a->items[1].num == -25);
    assert_true(a->items[2].b && !a->items[3].b && a->items[4].type == J_NULL);
    const jv *b = jget(&v, "b", J_STR);
    assert_string_equal(b->str, "xé😀\n\"");
    assert_int_equal(jget(&v, "c", J_OBJ)->n, 0);
    jfree(&v);
    static const char *const bad[] = {"{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01", "[1] 2", "\"a\nb\"",
                                      "{\"a\":1,}", "tru", "\"\\ud800\""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (json_parse(bad[i], strlen(bad[i]), &v))
            fail_msg("accepted bad JSON: %s", bad[i]);
}

/* ---- the corpus index and its files ---- */

static char *g_tmp, *g_idx;
static shelf_analyzer *g_an;

typedef struct token {
    size_t start, end;
    char term[SHELF_MAX_TERM_BYTES + 1];
} token;

typedef struct cfile {
    char *path;
    char *data;
    size_t len;
    token *toks;
    size_t ntoks;
} cfile;

#define MAX_FILES 64
static cfile g_files[MAX_FILES];
static size_t g_nfiles;

static const cfile *file_of(const char *path)
{
    for (size_t i = 0; i < g_nfiles; i++)
        if (strcmp(g_files[i].path, path) == 0)
            return &g_files[i];
    if (g_nfiles == MAX_FILES)
        fail_msg("too many files");
    if (strncmp(path, CORPUS_DIR "/", strlen(CORPUS_DIR) + 1) != 0 && strncmp(path, g_tmp, strlen(g_tmp)) != 0)
        fail_msg("hit path %s is not under %s", path, CORPUS_DIR);
    cfile *f = &g_files[g_nfiles];
    f->data = ts_read_file(path, &f->len);
    if (!f->data)
        fail_msg("cannot read %s", path);
    f->path = ts_strf("%s", path);
    size_t cap = 1024;
    f->toks = malloc(cap * sizeof *f->toks);
    assert_non_null(f->toks);
    shelf_token_iter it;
    shelf_token t;
    shelf_tokens_begin(&it, g_an, f->data, f->len);
    while (shelf_tokens_next(&it, &t)) {
        if (f->ntoks == cap) {
            cap *= 2;
            f->toks = realloc(f->toks, cap * sizeof *f->toks);
            assert_non_null(f->toks);
        }
        token *k = &f->toks[f->ntoks++];
        k->start = t.start;
        k->end = t.end;
        memcpy(k->term, t.term, t.term_len);
        k->term[t.term_len] = '\0';
    }
    g_nfiles++;
    return f;
}

static char *shq(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 4 : 1;
    char *q = malloc(n), *o = q;
    assert_non_null(q);
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return q;
}

typedef struct run {
    int rc;
    char *out, *err;
} run;

/* searcher --index IDX OPTS QUERY (the query shell-quoted as one argument). */
static run searcher_in(const char *idx, const char *opts, const char *query)
{
    char *qq = shq(query), *iq = shq(idx);
    char *cmd = ts_strf("%s --index %s %s %s", SEARCHER_BIN, iq, opts, qq);
    run r = {0};
    r.rc = ts_run(cmd, &r.out, &r.err);
    if (!r.out || !r.err)
        fail_msg("could not run %s", cmd);
    free(cmd);
    free(qq);
    free(iq);
    return r;
}

static run searcher(const char *opts, const char *query)
{
    return searcher_in(g_idx, opts, query);
}

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
}

static int setup(void **state)
{
    (void)state;
    g_tmp = ts_mkdtemp();
    g_idx = ts_strf("%s/idx", g_tmp);
    char *cmd = ts_strf("%s -q --index '%s' '%s'", INDEXER_BIN, g_idx, CORPUS_DIR);
    char *out = NULL, *err = NULL;
    int rc = ts_run(cmd, &out, &err);
    if (rc != 0)
        fprintf(stderr, "indexer failed (%d): %s\n%s\n", rc, cmd, err ? err : "");
    free(cmd);
    free(out);
    free(err);
    shelf_err e = {0};
    g_an = shelf_analyzer_new("english", &e);
    return rc == 0 && g_an ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < g_nfiles; i++) {
        free(g_files[i].path);
        free(g_files[i].data);
        free(g_files[i].toks);
    }
    g_nfiles = 0;
    shelf_analyzer_free(g_an);
    if (g_tmp)
        ts_rmtree(g_tmp);
    free(g_idx);
    free(g_tmp);
    return 0;
}

/* ---- independent recomputations ---- */

static bool is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

static void line_col(const char *t, size_t pos, size_t *line, size_t *col)
{
    size_t l = 1, ls = 0;
    for (size_t i = 0; i < pos; i++)
        if (t[i] == '\n') {
            l++;
            ls = i + 1;
        }
    size_t c = 1;
    for (size_t i = ls; i < pos; i++)
        c += !is_cont(t[i]);
    *line = l;
    *col = c;
}

/* Line n (1-based) of a file: sets *a, *b (b excludes the '\n'); false if none. */
static bool nth_line(const cfile *f, size_t n, size_t *a, size_t *b)
{
    size_t at = 0;
    for (size_t l = 1; l < n; l++) {
        const char *nl = memchr(f->data + at, '\n', f->len - at);
        if (!nl)
            return false;
        at = (size_t)(nl - f->data) + 1;
    }
    if (at > f->len || (at == f->len && n > 1 && f->len > 0 && f->data[f->len - 1] == '\n'))
        return false;
    const char *nl = memchr(f->data + at, '\n', f->len - at);
    *a = at;
    *b = nl ? (size_t)(nl - f->data) : f->len;
    return true;
}

static size_t line_count(const cfile *f)
{
    size_t n = 0, a, b;
    while (nth_line(f, n + 1, &a, &b))
        n++;
    return n;
}

/* The section is the text of a heading line at or above line `line`. */
static bool section_is_heading_above(const cfile *f, size_t line, const char *section)
{
    size_t n = strlen(section);
    for (size_t l = line; l >= 1; l--) {
        size_t a, b;
        if (!nth_line(f, l, &a, &b))
            continue;
        while (a < b && (f->data[a] == '#' || f->data[a] == ' ' || f->data[a] == '\t'))
            a++;
        while (b > a && (f->data[b - 1] == ' ' || f->data[b - 1] == '\t' || f->data[b - 1] == '\r' ||
                         f->data[b - 1] == '#'))
            b--;
        if (b - a == n && memcmp(f->data + a, section, n) == 0)
            return true;
    }
    return false;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool blank_range(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!is_ws(t[i]))
            return false;
    return true;
}

static size_t line_start_of(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t line_end_of(const char *t, size_t len, size_t pos)
{
    while (pos < len && t[pos] != '\n')
        pos++;
    return pos;
}

/* Paragraph holding pos: lines between blank lines. */
/* ---- what a query may highlight ---- */

typedef struct qspec {
    const char *query;
    const char *words;    /* space-separated words whose terms may be highlighted */
    const char *prefixes; /* space-separated prefix words (without '*') */
    const char *excluded; /* space-separated words never highlighted */
    bool complete;        /* every occurrence of a term of `words` in a snippet is highlighted */
} qspec;

static const qspec QUERIES[] = {
    {"defence", "defence", "", "", true},
    {"Defences", "defence", "", "", true},
    {"deterrence", "deterrence", "", "", true},
    {"nato", "nato", "", "", true},
    {"turkiye", "Türkiye", "", "", true},
    {"\"Defence Production Action Plan\"", "defence production action plan", "", "", false},
    {"\"collective defence\"", "collective defence", "", "", false},
    {"\"North Atlantic Council\"", "north atlantic council", "", "", false},
    {"cyber NEAR/5 pledge", "cyber pledge", "", "", false},
    {"space NEAR/3 domain", "space domain", "", "", false},
    {"interoper*", "", "interoper", "", false},
    {"nation*", "", "nation", "", false},
    {"nato AND ukraine", "nato ukraine", "", "", true},
    {"nato -pledge", "nato", "", "pledge", true},
    {"nato NOT (cyber AND pledge)", "nato", "", "cyber pledge", true},
    {"(alliance OR deterrence) -(cyber AND pledge)", "alliance deterrence", "", "cyber pledge", true},
    {"(deterrence OR resilience) AND alliance", "deterrence resilience alliance", "", "", true},
    {"title:annual defence", "annual defence", "", "", true},
    {"deterrence NOT vilnius", "deterrence", "", "vilnius", true},
    {"defence NOT (cyber AND pledge)", "defence", "", "cyber pledge", true},
    {"sweden AND finland", "sweden finland", "", "", true},
    {"cyber-attacks", "cyber attacks", "", "", false},
    {"deterr* NOT nuclear", "", "deterr", "nuclear", false},
    {"climate change", "climate change", "", "", true},
    {"\"cyber defence\" OR \"defence investment\" -pledge", "cyber defence investment", "",
     "pledge", false},
    {"+ukraine support -\"collective defence\"", "ukraine support", "", "collective", true},
};

#define MAX_TERMS 32

typedef struct allowed {
    char terms[MAX_TERMS][SHELF_MAX_TERM_BYTES + 1];
    size_t nterms;
    char prefixes[MAX_TERMS][SHELF_MAX_TERM_BYTES + 1];
    size_t nprefixes;
    char excluded[MAX_TERMS][SHELF_MAX_TERM_BYTES + 1];
    size_t nexcluded;
} allowed;

/* Analyse each word of a list (all its tokens) into out. */
static size_t analyse_words(const char *words, char out[][SHELF_MAX_TERM_BYTES + 1])
{
    size_t n = 0;
    shelf_token_iter it;
    shelf_token t;
    shelf_tokens_begin(&it, g_an, words, strlen(words));
    while (shelf_tokens_next(&it, &t)) {
        assert_true(n < MAX_TERMS);
        memcpy(out[n], t.term, t.term_len);
        out[n][t.term_len] = '\0';
        n++;
    }
    return n;
}

static void allowed_of(const qspec *q, allowed *a)
{
    memset(a, 0, sizeof *a);
    a->nterms = analyse_words(q->words, a->terms);
    a->nexcluded = analyse_words(q->excluded, a->excluded);
    /* prefix: the common part of the folded and the stemmed word (plan.h) */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", q->prefixes);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        char folded[SHELF_MAX_TERM_BYTES + 1], stemmed[SHELF_MAX_TERM_BYTES + 1];
        bool more;
        size_t fl = shelf_fold_word(g_an, w, strlen(w), folded, &more);
        size_t sl = shelf_analyze_word(g_an, w, strlen(w), stemmed, &more);
        size_t k = 0;
        while (k < fl && k < sl && folded[k] == stemmed[k])
            k++;
        assert_true(k > 0 && a->nprefixes < MAX_TERMS);
        memcpy(a->prefixes[a->nprefixes], folded, k);
        a->prefixes[a->nprefixes][k] = '\0';
        a->nprefixes++;
    }
}

static bool term_in(const char *term, char list[][SHELF_MAX_TERM_BYTES + 1], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(term, list[i]) == 0)
            return true;
    return false;
}

static bool term_allowed(const allowed *a, const char *term)
{
    if (term_in(term, (char(*)[SHELF_MAX_TERM_BYTES + 1])a->terms, a->nterms))
        return true;
    for (size_t i = 0; i < a->nprefixes; i++)
        if (strncmp(term, a->prefixes[i], strlen(a->prefixes[i])) == 0)
            return true;
    return false;
}

/* Index of the first token with start >= pos (binary search). */
static size_t first_token_from(const cfile *f, size_t pos)
{
    size_t lo = 0, hi = f->ntoks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->toks[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- checking one JSON result ---- */

typedef struct snippet_check_stats {
    size_t hits, snippets, highlights;
} snippet_check_stats;

static void check_snippet(const qspec *q, const allowed *a, const cfile *f, const jv *s,
                          size_t *hl_count)
{
    size_t start = jsize(s, "start"), end = jsize(s, "end");
    const jv *text = jget(s, "text", J_STR);
    if (!(start < end && end <= f->len))
        fail_msg("[%s] %s: snippet [%zu,%zu) outside the file (%zu bytes)", q->query, f->path, start,
                 end, f->len);
    if (text->slen != end - start || memcmp(text->str, f->data + start, end - start) != 0)
        fail_msg("[%s] %s: \"text\" differs from the file's bytes [%zu,%zu):\n  text: %s\n  file: %.*s",
                 q->query, f->path, start, end, text->str, (int)(end - start), f->data + start);
    size_t line, col;
    line_col(f->data, start, &line, &col);
    if (jsize(s, "line") != line || jsize(s, "column") != col)
        fail_msg("[%s] %s: snippet at byte %zu says %zu:%zu, file says %zu:%zu", q->query, f->path,
                 start, jsize(s, "line"), jsize(s, "column"), line, col);
    const jv *section = jget(s, "section", J_STR);
    if (section->slen && !section_is_heading_above(f, line, section->str))
        fail_msg("[%s] %s: section \"%s\" is no line at or above line %zu", q->query, f->path,
                 section->str, line);
    const jv *hls = jget(s, "highlights", J_ARR);
    size_t prev_to = 0;
    for (size_t h = 0; h < hls->n; h++) {
        const jv *pair = &hls->items[h];
        if (pair->type != J_ARR || pair->n != 2 || pair->items[0].type != J_NUM ||
            pair->items[1].type != J_NUM)
            fail_msg("[%s] highlight %zu is not [from, to]", q->query, h);
        size_t from = (size_t)pair->items[0].num, to = (size_t)pair->items[1].num;
        if (!(from < to && to <= text->slen) || (h > 0 && from <= prev_to))
            fail_msg("[%s] %s: highlight [%zu,%zu) outside the text (%zu bytes) or unsorted",
                     q->query, f->path, from, to, text->slen);
        prev_to = to;
        size_t ha = start + from, hb = start + to;
        size_t k = first_token_from(f, ha);
        if (k >= f->ntoks || f->toks[k].start != ha)
            fail_msg("[%s] %s: highlight \"%.*s\" at %zu does not start a token", q->query, f->path,
                     (int)(hb - ha), f->data + ha, ha);
        bool ends = false;
        for (; k < f->ntoks && f->toks[k].end <= hb; k++) {
            const token *t = &f->toks[k];
            if (term_in(t->term, (char(*)[SHELF_MAX_TERM_BYTES + 1])a->excluded, a->nexcluded) &&
                !term_allowed(a, t->term))
                fail_msg("[%s] %s: excluded word \"%.*s\" highlighted", q->query, f->path,
                         (int)(t->end - t->start), f->data + t->start);
            if (!term_allowed(a, t->term))
                fail_msg("[%s] %s: highlight \"%.*s\" covers \"%.*s\" (term \"%s\"), not a query term",
                         q->query, f->path, (int)(hb - ha), f->data + ha, (int)(t->end - t->start),
                         f->data + t->start, t->term);
            ends = t->end == hb;
        }
        if (!ends)
            fail_msg("[%s] %s: highlight \"%.*s\" at %zu does not end a token", q->query, f->path,
                     (int)(hb - ha), f->data + ha, ha);
        (*hl_count)++;
    }
    if (q->complete) {
        for (size_t k = first_token_from(f, start); k < f->ntoks && f->toks[k].end <= end; k++) {
            const token *t = &f->toks[k];
            if (!term_allowed(a, t->term))
                continue;
            bool covered = false;
            for (size_t h = 0; h < hls->n && !covered; h++)
                covered = start + (size_t)hls->items[h].items[0].num <= t->start &&
                          t->end <= start + (size_t)hls->items[h].items[1].num;
            if (!covered)
                fail_msg("[%s] %s: \"%.*s\" at %zu inside a snippet is not highlighted", q->query,
                         f->path, (int)(t->end - t->start), f->data + t->start, t->start);
        }
    }
}

static void check_json_result(const qspec *q, const char *out, size_t limit, size_t passages,
                              snippet_check_stats *st)
{
    size_t len = strlen(out);
    if (len == 0 || out[len - 1] != '\n' || memchr(out, '\n', len - 1))
        fail_msg("[%s] JSON output is not one line", q->query);
    jv v;
    if (!json_parse(out, len, &v))
        fail_msg("[%s] invalid JSON: %s", q->query, out);
    const jv *query = jget(&v, "query", J_STR);
    assert_string_equal(query->str, q->query);
    const jv *hits = jget(&v, "hits", J_ARR);
    size_t total = jsize(&v, "total");
    if (hits->n == 0 || hits->n > limit || hits->n != (total < limit ? total : limit))
        fail_msg("[%s] %zu hits shown of %zu (limit %zu)", q->query, hits->n, total, limit);
    allowed a;
    allowed_of(q, &a);
    for (size_t i = 0; i < hits->n; i++) {
        const jv *hit = &hits->items[i];
        const cfile *f = file_of(jget(hit, "path", J_STR)->str);
        const jv *snips = jget(hit, "snippets", J_ARR);
        if (snips->n == 0 || snips->n > passages)
            fail_msg("[%s] %s: %zu snippets for --passages %zu", q->query, f->path, snips->n, passages);
        size_t hl = 0;
        for (size_t k = 0; k < snips->n; k++) {
            check_snippet(q, &a, f, &snips->items[k], &hl);
            for (size_t j = 0; j < k; j++)
                if (jsize(&snips->items[k], "start") < jsize(&snips->items[j], "end") &&
                    jsize(&snips->items[j], "start") < jsize(&snips->items[k], "end"))
                    fail_msg("[%s] %s: snippets %zu and %zu overlap", q->query, f->path, j, k);
        }
        if (hl == 0)
            fail_msg("[%s] %s: a hit without any highlight", q->query, f->path);
        st->snippets += snips->n;
        st->highlights += hl;
    }
    st->hits += hits->n;
    jfree(&v);
}

static void test_json_snippets_match_files(void **state)
{
    (void)state;
    size_t nq = sizeof QUERIES / sizeof *QUERIES;
    assert_true(nq >= 15);
    snippet_check_stats st = {0};
    for (size_t i = 0; i < nq; i++) {
        run r = searcher("--json -n 5 --passages 3", QUERIES[i].query);
        if (r.rc != 0)
            fail_msg("[%s] exit %d: %s", QUERIES[i].query, r.rc, r.err);
        check_json_result(&QUERIES[i], r.out, 5, 3, &st);
        run_free(&r);
    }
    /* narrow and wide passages too */
    const char *widths[] = {"--width 20", "--width 60", "--width 500"};
    for (size_t w = 0; w < 3; w++)
        for (size_t i = 0; i < nq; i += 3) {
            char *opts = ts_strf("--json -n 5 --passages 3 %s", widths[w]);
            run r = searcher(opts, QUERIES[i].query);
            if (r.rc != 0)
                fail_msg("[%s] exit %d: %s", QUERIES[i].query, r.rc, r.err);
            check_json_result(&QUERIES[i], r.out, 5, 3, &st);
            run_free(&r);
            free(opts);
        }
    assert_true(st.hits >= 40);
    assert_true(st.highlights >= st.hits);
}

/* ---- text output ---- */

/* The text output's passages agree with the JSON: place lines, and the
 * passage line is the text with markers around the highlights, runs of white
 * space as one space and "…" for cuts. */
static void test_text_output_agrees_with_json(void **state)
{
    (void)state;
    const char *queries[] = {"deterrence", "\"collective defence\"", "nato AND ukraine",
                             "cyber NEAR/5 pledge", "interoper*"};
    for (size_t qi = 0; qi < 5; qi++) {
        const char *q = queries[qi];
        run j = searcher("--json -n 3 --passages 2 --width 120", q);
        run t = searcher("--color never -n 3 --passages 2 --width 120", q);
        assert_int_equal(j.rc, 0);
        assert_int_equal(t.rc, 0);
        jv v;
        assert_true(json_parse(j.out, strlen(j.out), &v));
        const jv *hits = jget(&v, "hits", J_ARR);
        /* build the expected text output */
        char *exp = NULL;
        size_t n = 0, cap = 0;
        for (size_t i = 0; i < hits->n; i++) {
            const jv *hit = &hits->items[i];
            const char *path = jget(hit, "path", J_STR)->str;
            const cfile *f = file_of(path);
            char *head = ts_strf("%2zu. %s  (", i + 1, jget(hit, "title", J_STR)->str);
            jput(&exp, &n, &cap, head, strlen(head));
            free(head);
            jput(&exp, &n, &cap, "\n", 1); /* the score is not compared */
            const jv *snips = jget(hit, "snippets", J_ARR);
            for (size_t k = 0; k < snips->n; k++) {
                const jv *s = &snips->items[k];
                const jv *section = jget(s, "section", J_STR);
                char *place = section->slen
                                  ? ts_strf("    %s:%zu:%zu  § %s\n", path, jsize(s, "line"),
                                            jsize(s, "column"), section->str)
                                  : ts_strf("    %s:%zu:%zu\n", path, jsize(s, "line"), jsize(s, "column"));
                jput(&exp, &n, &cap, place, strlen(place));
                free(place);
                jput(&exp, &n, &cap, "    ", 4);
                size_t start = jsize(s, "start"), end = jsize(s, "end");
                /* a cut: non-blank text of the same paragraph left out;
                 * every file of corpus/ holds one paragraph per line
                 * (extract/paragraphs.h), so the paragraph is the line */
                size_t ps = line_start_of(f->data, start), pe = line_end_of(f->data, f->len, start);
                bool before = !blank_range(f->data, ps, start);
                bool after = !blank_range(f->data, end, pe);
                if (before)
                    jput(&exp, &n, &cap, "…", strlen("…"));
                const jv *hls = jget(s, "highlights", J_ARR);
                size_t at = start;
                for (size_t h = 0; h <= hls->n; h++) {
                    size_t from = h < hls->n ? start + (size_t)hls->items[h].items[0].num : end;
                    for (size_t b = at; b < from; b++) /* white space runs as one space */
                        if (!is_ws(f->data[b]))
                            jput(&exp, &n, &cap, f->data + b, 1);
                        else if (b == at || !is_ws(f->data[b - 1]))
                            jput(&exp, &n, &cap, " ", 1);
                    if (h == hls->n)
                        break;
                    size_t to = start + (size_t)hls->items[h].items[1].num;
                    jput(&exp, &n, &cap, "[[", 2);
                    jput(&exp, &n, &cap, f->data + from, to - from);
                    jput(&exp, &n, &cap, "]]", 2);
                    at = to;
                }
                if (after)
                    jput(&exp, &n, &cap, "…", strlen("…"));
                jput(&exp, &n, &cap, "\n", 1);
            }
        }
        /* compare line by line, the rank lines only up to the score */
        char *got = t.out, *want = exp;
        for (size_t line = 1; want && *want; line++) {
            char *wn = strchr(want, '\n'), *gn = strchr(got, '\n');
            if (!wn || !gn)
                fail_msg("[%s] text output ends early at line %zu:\n%s", q, line, t.out);
            size_t wl = (size_t)(wn - want), gl = (size_t)(gn - got);
            bool rank_line = strncmp(want, "    ", 4) != 0;
            bool same = rank_line ? gl >= wl && memcmp(got, want, wl) == 0
                                  : gl == wl && memcmp(got, want, wl) == 0;
            if (!same)
                fail_msg("[%s] text output line %zu:\n  got:  %.*s\n  want: %.*s", q, line, (int)gl, got,
                         (int)wl, want);
            got = gn + 1;
            want = wn + 1;
        }
        /* then the footer */
        size_t total = jsize(&v, "total");
        char *footer = ts_strf("1-%zu of %s%zu matching documents\n", hits->n, total_mark(&v), total);
        assert_string_equal(got, footer);
        free(footer);
        free(exp);
        jfree(&v);
        run_free(&j);
        run_free(&t);
    }
}

static void test_phrase_highlight_text(void **state)
{
    (void)state;
    run r = searcher("--color never -n 3 --passages 3", "\"Defence Production Action Plan\"");
    assert_int_equal(r.rc, 0);
    size_t n = 0;
    for (const char *p = r.out; (p = strstr(p, "[[")) != NULL; p += 2) {
        if (strncmp(p, "[[Defence Production Action Plan]]", 34) != 0)
            fail_msg("a highlight other than the whole phrase: %.40s", p);
        n++;
    }
    assert_true(n >= 2);
    assert_null(strstr(r.out, "[[Defence]]"));
    assert_null(strstr(r.out, "[[Plan]]"));
    run_free(&r);
}

static void test_highlight_markers(void **state)
{
    (void)state;
    /* chosen markers */
    run r = searcher("--highlight '<<,>>' -n 3", "deterrence");
    assert_int_equal(r.rc, 0);
    assert_null(strstr(r.out, "[["));
    assert_null(strstr(r.out, "\033["));
    size_t n = 0;
    for (const char *p = r.out; (p = strstr(p, "<<")) != NULL; p += 2) {
        const char *close = strstr(p, ">>");
        assert_non_null(close);
        const char *next = strstr(p + 2, "<<");
        assert_true(!next || next > close);
        char word[64];
        size_t wl = (size_t)(close - p - 2);
        assert_true(wl > 0 && wl < sizeof word);
        memcpy(word, p + 2, wl);
        word[wl] = '\0';
        char term[SHELF_MAX_TERM_BYTES + 1];
        bool more;
        shelf_analyze_word(g_an, word, wl, term, &more);
        if (strcmp(term, "deterr") != 0 || more)
            fail_msg("<<%s>> is not a form of deterrence", word);
        n++;
    }
    assert_true(n >= 3);
    run_free(&r);

    /* other markers, multi-byte, phrase */
    r = searcher("--highlight '⟦,⟧' -n 2", "\"Defence Production Action Plan\"");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "⟦Defence Production Action Plan⟧"));
    assert_null(strstr(r.out, "[["));
    run_free(&r);

    /* without a terminal: [[ ]] and no escape codes */
    r = searcher("-n 3", "deterrence");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "[[deterrence]]"));
    assert_null(strstr(r.out, "\033["));
    run_free(&r);

    /* --color always: ANSI bold red around matches, no brackets */
    r = searcher("--color always -n 3", "deterrence");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "\033[1;31mdeterrence\033[0m"));
    assert_null(strstr(r.out, "[["));
    run_free(&r);

    /* --highlight wins over colour for the markers */
    r = searcher("--color always --highlight '<<,>>' -n 3", "deterrence");
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "<<deterrence>>"));
    assert_null(strstr(r.out, "\033[1;31m"));
    run_free(&r);

    /* a marker without a comma is a usage error */
    r = searcher("--highlight '<<' -n 3", "deterrence");
    assert_int_equal(r.rc, 2);
    run_free(&r);
}

/* ---- citations ---- */

static const char *REPORT_TITLE = "The Secretary General's Annual Report 2023";
static const char *REPORT_FILE = "secretary-generals-annual-report-2023.txt";

static void test_cite_plain(void **state)
{
    (void)state;
    run r = searcher("--cite", "Cyber Defence Pledge");
    assert_int_equal(r.rc, 0);
    char *nl = strchr(r.out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    const char *first = r.out;
    if (strncmp(first, "“", strlen("“")) != 0)
        fail_msg("first line does not start with a quote: %s", first);
    const char *close = strstr(first, "” (");
    assert_non_null(close);
    char *tail = ts_strf("” (%s, %s/%s, line ", REPORT_TITLE, CORPUS_DIR, REPORT_FILE);
    if (strncmp(close, tail, strlen(tail)) != 0)
        fail_msg("first citation is not of the annual report: %s", first);
    char *end;
    unsigned long n = strtoul(close + strlen(tail), &end, 10);
    assert_string_equal(end, ")");
    free(tail);
    char *path = ts_strf("%s/%s", CORPUS_DIR, REPORT_FILE);
    const cfile *f = file_of(path);
    free(path);
    size_t a, b;
    assert_true(nth_line(f, n, &a, &b));
    char *line = ts_strf("%.*s", (int)(b - a), f->data + a);
    if (!strstr(line, "Cyber Defence Pledge"))
        fail_msg("line %lu does not contain \"Cyber Defence Pledge\": %s", n, line);
    const char *q = first + strlen("“");
    size_t qlen = (size_t)(close - q);
    const char *ell = "…";
    if (qlen >= strlen(ell) && strncmp(q, ell, strlen(ell)) == 0) {
        q += strlen(ell);
        qlen -= 2 * strlen(ell);
    }
    char *quote = ts_strf("%.*s", (int)qlen, q);
    if (!strstr(line, quote))
        fail_msg("quote not verbatim in line %lu:\n  quote: %s\n  line:  %s", n, quote, line);
    assert_non_null(strstr(quote, "Cyber Defence Pledge"));
    /* a whole sentence: capital start, full stop end */
    assert_true(quote[0] >= 'A' && quote[0] <= 'Z');
    assert_int_equal(quote[strlen(quote) - 1], '.');
    free(quote);
    free(line);
    /* every line is a citation */
    for (char *p = nl + 1; *p;) {
        char *e = strchr(p, '\n');
        assert_non_null(e);
        if (strncmp(p, "“", strlen("“")) != 0 || !strstr(p, "” (") || e[-1] != ')')
            fail_msg("not a citation line: %.*s", (int)(e - p), p);
        p = e + 1;
    }
    run_free(&r);
}

static void test_cite_json(void **state)
{
    (void)state;
    const char *queries[] = {"Cyber Defence Pledge", "\"Defence Production Action Plan\"",
                             "deterrence", "turkiye", "nation*"};
    for (size_t qi = 0; qi < 5; qi++) {
        run r = searcher("--cite-format json -n 5 --passages 3", queries[qi]);
        assert_int_equal(r.rc, 0);
        size_t lines = 0;
        for (char *p = r.out; *p;) {
            char *e = strchr(p, '\n');
            assert_non_null(e);
            jv v;
            if (!json_parse(p, (size_t)(e - p), &v))
                fail_msg("[%s] citation line is not JSON: %.*s", queries[qi], (int)(e - p), p);
            const jv *quote = jget(&v, "quote", J_STR);
            const jv *title = jget(&v, "title", J_STR);
            const cfile *f = file_of(jget(&v, "path", J_STR)->str);
            size_t start = jsize(&v, "start"), end = jsize(&v, "end");
            jget(&v, "section", J_STR);
            assert_true(title->slen > 0);
            if (!(start < end && end <= f->len) || quote->slen != end - start ||
                memcmp(quote->str, f->data + start, end - start) != 0)
                fail_msg("[%s] quote differs from %s bytes [%zu,%zu): %s", queries[qi], f->path,
                         start, end, quote->str);
            if (end - start > 1200)
                fail_msg("[%s] quote of %zu bytes", queries[qi], end - start);
            size_t line, col;
            line_col(f->data, start, &line, &col);
            if (jsize(&v, "line") != line || jsize(&v, "column") != col)
                fail_msg("[%s] quote at %zu says %zu:%zu, file says %zu:%zu", queries[qi], start,
                         jsize(&v, "line"), jsize(&v, "column"), line, col);
            jfree(&v);
            lines++;
            p = e + 1;
        }
        assert_true(lines >= 1);
        run_free(&r);
    }

    /* the quote of the pledge is the sentence of line 340 that holds it */
    run r = searcher("--cite-format json -n 1 --passages 1", "\"Cyber Defence Pledge\"");
    assert_int_equal(r.rc, 0);
    jv v;
    assert_true(json_parse(r.out, strlen(r.out), &v));
    const jv *quote = jget(&v, "quote", J_STR);
    assert_non_null(strstr(quote->str, "Cyber Defence Pledge"));
    assert_int_equal(quote->str[quote->slen - 1], '.');
    assert_string_equal(jget(&v, "title", J_STR)->str, REPORT_TITLE);
    jfree(&v);
    run_free(&r);
}

static void test_cite_markdown(void **state)
{
    (void)state;
    run r = searcher("--cite-format markdown -n 2", "Cyber Defence Pledge");
    assert_int_equal(r.rc, 0);
    if (strncmp(r.out, "> “", strlen("> “")) != 0)
        fail_msg("markdown citation does not start with a block quote: %.60s", r.out);
    char *attr = ts_strf(">\n> — *%s*, `%s/%s`, line ", REPORT_TITLE, CORPUS_DIR, REPORT_FILE);
    assert_non_null(strstr(r.out, attr));
    free(attr);
    /* every block: quote line, ">", attribution, blank line */
    for (char *p = r.out; *p;) {
        if (strncmp(p, "> “", strlen("> “")) != 0)
            fail_msg("block does not start with > “: %.60s", p);
        char *e1 = strchr(p, '\n');
        assert_non_null(e1);
        assert_true(strncmp(e1 + 1, ">\n> — *", strlen(">\n> — *")) == 0);
        char *e3 = strchr(e1 + 3, '\n');
        assert_non_null(e3);
        assert_int_equal(e3[1], '\n');
        p = e3 + 2;
    }
    run_free(&r);
}

/* ---- context ---- */

/* A context line: "    M NNNNNN | text" with M '>' or ' '; sets the mark,
 * the number and the length of the prefix before the text. */
static bool context_line(const char *p, char *mark, size_t *num, size_t *used)
{
    if (strncmp(p, "    ", 4) != 0 || (p[4] != '>' && p[4] != ' ') || p[5] != ' ')
        return false;
    size_t i = 6;
    while (p[i] == ' ')
        i++;
    if (p[i] < '0' || p[i] > '9')
        return false;
    char *end;
    *num = strtoul(p + i, &end, 10);
    if (strncmp(end, " | ", 3) != 0)
        return false;
    *mark = p[4];
    *used = (size_t)(end + 3 - p);
    return true;
}

/* Check --context N output for a query against the JSON passages. */
static void check_context(const char *idx, const char *query, size_t context)
{
    char *opts = ts_strf("--color never -n 3 --passages 2 --context %zu", context);
    run t = searcher_in(idx, opts, query);
    run j = searcher_in(idx, "--json -n 3 --passages 2", query);
    free(opts);
    assert_int_equal(t.rc, 0);
    assert_int_equal(j.rc, 0);
    jv v;
    assert_true(json_parse(j.out, strlen(j.out), &v));
    const jv *hits = jget(&v, "hits", J_ARR);
    char *p = t.out;
    for (size_t i = 0; i < hits->n; i++) {
        const jv *hit = &hits->items[i];
        const cfile *f = file_of(jget(hit, "path", J_STR)->str);
        size_t nlines = line_count(f);
        /* rank line */
        char *e = strchr(p, '\n');
        assert_non_null(e);
        p = e + 1;
        const jv *snips = jget(hit, "snippets", J_ARR);
        for (size_t k = 0; k < snips->n; k++) {
            const jv *s = &snips->items[k];
            size_t line = jsize(s, "line"), end = jsize(s, "end"), end_line, ignored;
            line_col(f->data, end, &end_line, &ignored);
            /* place line */
            char *place = ts_strf("    %s:%zu:%zu", f->path, line, jsize(s, "column"));
            if (strncmp(p, place, strlen(place)) != 0)
                fail_msg("[%s] expected place %s, got %.80s", query, place, p);
            free(place);
            p = strchr(p, '\n') + 1;
            size_t first = line > context ? line - context : 1;
            size_t last = end_line + context < nlines ? end_line + context : nlines;
            for (size_t l = first; l <= last; l++) {
                char mark;
                size_t num, used;
                if (!context_line(p, &mark, &num, &used))
                    fail_msg("[%s] %s: expected context line %zu, got: %.80s", query, f->path, l, p);
                if (num != l)
                    fail_msg("[%s] %s: context line numbered %zu, expected %zu", query, f->path, num, l);
                bool inside = l >= line && l <= end_line;
                if ((mark == '>') != inside)
                    fail_msg("[%s] %s: line %zu marked '%c' (passage lines %zu-%zu)", query, f->path,
                             l, mark, line, end_line);
                size_t a, b;
                assert_true(nth_line(f, l, &a, &b));
                char *le = strchr(p, '\n');
                assert_non_null(le);
                const char *txt = p + used;
                if ((size_t)(le - txt) != b - a || memcmp(txt, f->data + a, b - a) != 0)
                    fail_msg("[%s] %s: context line %zu differs from the file:\n  got:  %.*s\n  file: %.*s",
                             query, f->path, l, (int)(le - txt), txt, (int)(b - a), f->data + a);
                p = le + 1;
            }
            char mark;
            size_t num, used;
            if (context_line(p, &mark, &num, &used))
                fail_msg("[%s] %s: a context line numbered %zu after line %zu (the file has %zu lines): "
                         "%.60s",
                         query, f->path, num, last, nlines, p);
        }
    }
    char *footer = ts_strf("1-%zu of %s%zu matching documents\n", hits->n, total_mark(&v),
                           jsize(&v, "total"));
    assert_string_equal(p, footer);
    free(footer);
    jfree(&v);
    run_free(&t);
    run_free(&j);
}

static void test_context(void **state)
{
    (void)state;
    check_context(g_idx, "deterrence", 2);
    check_context(g_idx, "\"Cyber Defence Pledge\"", 2);
    check_context(g_idx, "turkiye", 0 + 1);
    check_context(g_idx, "\"Defence Production Action Plan\"", 5);
}

/* Context at the ends of files: the first line, and the last line of a file
 * that ends with a line break (no line after it exists). */
static void test_context_at_file_ends(void **state)
{
    (void)state;
    char *dir = ts_strf("%s/ends", g_tmp);
    char *idx = ts_strf("%s/ends-idx", g_tmp);
    static const char walrus[] = "Walrus notes\n\nOne line.\nA walrus at the end.\n";
    static const char seal[] = "Seal first line\nsecond line\n\nthird seal line";
    free(ts_write_file(dir, "walrus.txt", walrus, strlen(walrus)));
    free(ts_write_file(dir, "seal.txt", seal, strlen(seal)));
    char *cmd = ts_strf("%s -q --index '%s' '%s'", INDEXER_BIN, idx, dir);
    char *out = NULL, *err = NULL;
    assert_int_equal(ts_run(cmd, &out, &err), 0);
    free(out);
    free(err);
    free(cmd);
    check_context(idx, "seal", 2);
    check_context(idx, "walrus", 2);
    free(dir);
    free(idx);
}

/* A query that only filters by path locates no match: each hit still gets
 * one passage, from the start of its text, without highlights. */
static void test_path_only_query(void **state)
{
    (void)state;
    run r = searcher("--json -n 5 --passages 2", "path:overview");
    if (r.rc != 0)
        fail_msg("searcher exit %d: %s", r.rc, r.err);
    jv v;
    assert_true(json_parse(r.out, strlen(r.out), &v));
    const jv *hits = jget(&v, "hits", J_ARR);
    assert_int_equal(hits->n, 1);
    const cfile *f = file_of(jget(&hits->items[0], "path", J_STR)->str);
    const jv *snips = jget(&hits->items[0], "snippets", J_ARR);
    assert_int_equal(snips->n, 1);
    const jv *s = &snips->items[0];
    assert_int_equal(jsize(s, "start"), 0);
    assert_int_equal(jsize(s, "line"), 1);
    assert_int_equal(jsize(s, "column"), 1);
    assert_int_equal(jget(s, "highlights", J_ARR)->n, 0);
    const jv *text = jget(s, "text", J_STR);
    size_t end = jsize(s, "end");
    assert_true(end <= f->len && text->slen == end && memcmp(text->str, f->data, end) == 0);
    jfree(&v);
    run_free(&r);

    /* the same as a citation */
    r = searcher("--cite-format json -n 5", "path:overview");
    if (r.rc != 0)
        fail_msg("searcher --cite exit %d: %s", r.rc, r.err);
    assert_true(json_parse(r.out, strlen(r.out), &v));
    assert_int_equal(jsize(&v, "start"), 0);
    jfree(&v);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_reader),
        cmocka_unit_test(test_json_snippets_match_files),
        cmocka_unit_test(test_text_output_agrees_with_json),
        cmocka_unit_test(test_phrase_highlight_text),
        cmocka_unit_test(test_highlight_markers),
        cmocka_unit_test(test_cite_plain),
        cmocka_unit_test(test_cite_json),
        cmocka_unit_test(test_cite_markdown),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_context_at_file_ends),
        cmocka_unit_test(test_path_only_query),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
