/*
 * test_query_parse.c - tests for query/parse.h: the grammar, the tree shape
 * (through shelf_query_sexpr), error columns and messages, and robustness.
 *
 * Most cases are rows of two tables: valid queries with their expected
 * S-expression, and invalid ones with the expected error column and a
 * substring of the message.  A fuzz-like test then feeds a few hundred
 * thousand random strings built from operator-ish pieces and random bytes,
 * checking that every result is either a well-formed tree or an error with
 * a sensible column.
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

#include "query/parse.h"
#include "util/error.h"

enum { DEFAULT_OR = 0, DEFAULT_AND = 1 };

typedef struct valid_case {
    const char *query;
    bool default_and;
    const char *sexpr;
} valid_case;

typedef struct invalid_case {
    const char *query;
    bool default_and;
    int column;
    const char *message_part;
} invalid_case;

static const valid_case valid_cases[] = {
    {"nato", DEFAULT_OR, "\"nato\""},
    {"  nato  ", DEFAULT_OR, "\"nato\""},
    {"a b", DEFAULT_OR, "(bool \"a\" \"b\")"},
    {"a b", DEFAULT_AND, "(bool +\"a\" +\"b\")"},
    {"a b -c +d", DEFAULT_OR, "(bool \"a\" \"b\" -\"c\" +\"d\")"},
    {"a b -c +d", DEFAULT_AND, "(bool +\"a\" +\"b\" -\"c\" +\"d\")"},
    {"a +b", DEFAULT_OR, "(bool \"a\" +\"b\")"},
    {"a\tb\nc", DEFAULT_OR, "(bool \"a\" \"b\" \"c\")"},
    {"a OR b OR c", DEFAULT_OR, "(bool \"a\" \"b\" \"c\")"},
    {"a AND b AND c", DEFAULT_OR, "(bool +\"a\" +\"b\" +\"c\")"},
    {"a OR b c", DEFAULT_OR, "(bool \"a\" \"b\" \"c\")"},
    {"a OR b c", DEFAULT_AND, "(bool \"a\" (bool +\"b\" +\"c\"))"},
    {"a AND b OR c", DEFAULT_OR, "(bool (bool +\"a\" +\"b\") \"c\")"},
    {"a OR b AND c", DEFAULT_OR, "(bool \"a\" (bool +\"b\" +\"c\"))"},
    {"a OR (b OR (c OR d))", DEFAULT_OR, "(bool \"a\" \"b\" \"c\" \"d\")"},
    {"(a AND b) AND c", DEFAULT_OR, "(bool +\"a\" +\"b\" +\"c\")"},
    {"(a OR b) AND c", DEFAULT_OR, "(bool +(bool \"a\" \"b\") +\"c\")"},
    {"(a b) (c d)", DEFAULT_OR, "(bool \"a\" \"b\" \"c\" \"d\")"},
    {"(a b) (c d)", DEFAULT_AND, "(bool +\"a\" +\"b\" +\"c\" +\"d\")"},
    {"a (b AND c)", DEFAULT_OR, "(bool \"a\" (bool +\"b\" +\"c\"))"},
    {"a NOT b", DEFAULT_OR, "(bool +\"a\" -\"b\")"},
    {"a NOT b NOT c", DEFAULT_OR, "(bool +\"a\" -\"b\" -\"c\")"},
    {"a b NOT c", DEFAULT_OR, "(bool \"a\" \"b\" -\"c\")"},
    {"a b NOT c", DEFAULT_AND, "(bool +\"a\" +\"b\" -\"c\")"},
    {"a NOT (b OR c)", DEFAULT_OR, "(bool +\"a\" -(bool \"b\" \"c\"))"},
    {"a AND NOT b", DEFAULT_OR, "(bool +\"a\" -\"b\")"},
    {"a AND NOT b NOT c AND d", DEFAULT_OR, "(bool +\"a\" -\"b\" -\"c\" +\"d\")"},
    {"a AND -b", DEFAULT_OR, "(bool +\"a\" -\"b\")"},
    {"-a AND b", DEFAULT_OR, "(bool -\"a\" +\"b\")"},
    {"(a AND b) -c", DEFAULT_OR, "(bool +\"a\" +\"b\" -\"c\")"},
    {"(a -b) -c", DEFAULT_OR, "(bool \"a\" -\"b\" -\"c\")"},
    {"((a))", DEFAULT_OR, "\"a\""},
    {"+a", DEFAULT_OR, "\"a\""},
    {"+(a OR b)", DEFAULT_OR, "(bool \"a\" \"b\")"},
    {"x -(a OR b)", DEFAULT_OR, "(bool \"x\" -(bool \"a\" \"b\"))"},
    {"a  AND(b)", DEFAULT_OR, "(bool +\"a\" +\"b\")"},
    {"nat*", DEFAULT_OR, "\"nat\"*"},
    {"a*b", DEFAULT_OR, "\"a*b\""},
    {"x nat** y", DEFAULT_OR, "(bool \"x\" \"nat\"* \"y\")"},
    {"\"the alliance\"", DEFAULT_OR, "(phrase \"the\" \"alliance\")"},
    {"\"  nato  \"", DEFAULT_OR, "\"nato\""},
    {"\"a (b) OR c*\"", DEFAULT_OR, "(phrase \"a\" \"(b)\" \"OR\" \"c*\")"},
    {"-\"a b\" c", DEFAULT_OR, "(bool -(phrase \"a\" \"b\") \"c\")"},
    {"ab\"cd ef\"", DEFAULT_OR, "(bool \"ab\" (phrase \"cd\" \"ef\"))"},
    {"title:nato", DEFAULT_OR, "title:\"nato\""},
    {"title:nat*", DEFAULT_OR, "title:\"nat\"*"},
    {"title:\"a b\"", DEFAULT_OR, "title:(phrase \"a\" \"b\")"},
    {"title:\"nato\"", DEFAULT_OR, "title:\"nato\""},
    {"-title:x y", DEFAULT_OR, "(bool -title:\"x\" \"y\")"},
    {"+title:x y", DEFAULT_AND, "(bool +title:\"x\" +\"y\")"},
    {"path:docs/2024", DEFAULT_OR, "path:\"docs/2024\""},
    /* a filter in a default-OR sequence is required (it used to be one more
     * optional clause, adding zero-score hits): */
    {"path:\"my dir\" x", DEFAULT_OR, "(bool +path:\"my dir\" +\"x\")"},
    {"a b path:docs", DEFAULT_OR, "(bool +path:\"docs\" +(bool \"a\" \"b\"))"},
    {"a b type:pdf", DEFAULT_OR, "(bool +type:\"pdf\" +(bool \"a\" \"b\"))"},
    {"a b type:pdf", DEFAULT_AND, "(bool +type:\"pdf\" +\"a\" +\"b\")"},
    {"type:pdf in:docs/a", DEFAULT_OR, "(bool +type:\"pdf\" +in:\"docs/a\")"},
    {"in:\"my docs\" a", DEFAULT_OR, "(bool +in:\"my docs\" +\"a\")"},
    {"a -type:html", DEFAULT_OR, "(bool \"a\" -type:\"html\")"},
    {"a OR type:html", DEFAULT_OR, "(bool \"a\" type:\"html\")"},
    {"a b -c after:2023 before:2024-02", DEFAULT_OR,
     "(bool +after:\"2023\" +before:\"2024-02\" +(bool \"a\" \"b\" -\"c\"))"},
    {"(a type:text) OR b", DEFAULT_OR, "(bool (bool +type:\"text\" +\"a\") \"b\")"},
    {"a b type:pdf NOT c", DEFAULT_OR, "(bool +type:\"pdf\" +(bool \"a\" \"b\") -\"c\")"},
    {"author:\"Ada Lovelace\" x", DEFAULT_OR, "(bool +author:\"Ada Lovelace\" +\"x\")"},
    {"a (in:x OR in:y)", DEFAULT_OR, "(bool +(bool in:\"x\" in:\"y\") +\"a\")"},
    {"Type:pdf kind:x", DEFAULT_OR, "(bool \"Type:pdf\" \"kind:x\")"},
    {"x -path:a*", DEFAULT_OR, "(bool \"x\" -path:\"a*\")"},
    {"foo:bar Title:x", DEFAULT_OR, "(bool \"foo:bar\" \"Title:x\")"},
    {"a NEAR b", DEFAULT_OR, "(near/10 \"a\" \"b\")"},
    {"a NEAR/3 b NEAR/2 c", DEFAULT_OR, "(near/3 \"a\" \"b\" \"c\")"},
    {"a NEAR/1000 b", DEFAULT_OR, "(near/1000 \"a\" \"b\")"},
    {"a NEAR/007 b", DEFAULT_OR, "(near/7 \"a\" \"b\")"},
    {"x a NEAR/5 b y", DEFAULT_OR, "(bool \"x\" (near/5 \"a\" \"b\") \"y\")"},
    {"-a NEAR b c", DEFAULT_OR, "(bool -(near/10 \"a\" \"b\") \"c\")"},
    {"cyber-attacks C++ a+", DEFAULT_OR, "(bool \"cyber-attacks\" \"C++\" \"a+\")"},
    {"and or not near", DEFAULT_OR, "(bool \"and\" \"or\" \"not\" \"near\")"},
    {"ANDROID ORacle NEARby NOTE", DEFAULT_OR,
     "(bool \"ANDROID\" \"ORacle\" \"NEARby\" \"NOTE\")"},
    {"AND* x", DEFAULT_OR, "(bool \"AND\"* \"x\")"},
    {"Nausėda Türkiye", DEFAULT_OR, "(bool \"Nausėda\" \"Türkiye\")"},
    {"a \\ b", DEFAULT_OR, "(bool \"a\" \"\\\\\" \"b\")"},
    {"nato (defence OR defense) -cyber \"the alliance\"", DEFAULT_OR,
     "(bool \"nato\" \"defence\" \"defense\" -\"cyber\" (phrase \"the\" \"alliance\"))"},
    {"nato +(defence OR defense) -cyber", DEFAULT_OR,
     "(bool \"nato\" +(bool \"defence\" \"defense\") -\"cyber\")"},
};

static const invalid_case invalid_cases[] = {
    {"", DEFAULT_OR, 1, "empty query"},
    {"   \t ", DEFAULT_OR, 1, "empty query"},
    {"\"a b", DEFAULT_OR, 1, "quote"},
    {"x \"a b", DEFAULT_OR, 3, "quote"},
    {"title:\"a", DEFAULT_OR, 7, "quote"},
    {"Nausėda \"x", DEFAULT_OR, 9, "quote"},
    {"\"\"", DEFAULT_OR, 1, "empty phrase"},
    {"a \"   \"", DEFAULT_OR, 3, "empty phrase"},
    {"(a b", DEFAULT_OR, 1, "'(' is never closed"},
    {"x ((a) b", DEFAULT_OR, 3, "'(' is never closed"},
    {"\xff\xfe (", DEFAULT_OR, 4, "'(' is never closed"},
    {"a b)", DEFAULT_OR, 4, "')' has no matching"},
    {") a", DEFAULT_OR, 1, "')' has no matching"},
    {"()", DEFAULT_OR, 1, "empty group"},
    {"a ( )", DEFAULT_OR, 3, "empty group"},
    {"*", DEFAULT_OR, 1, "'*'"},
    {"a **", DEFAULT_OR, 3, "'*'"},
    {"title:*", DEFAULT_OR, 7, "'*'"},
    {"title:", DEFAULT_OR, 1, "empty value after 'title:'"},
    {"title: x", DEFAULT_OR, 1, "empty value after 'title:'"},
    {"title:(a)", DEFAULT_OR, 1, "empty value after 'title:'"},
    {"x path:", DEFAULT_OR, 3, "empty value after 'path:'"},
    {"x in:", DEFAULT_OR, 3, "empty value after 'in:'"},
    {"x type:\"\"", DEFAULT_OR, 3, "empty value after 'type:'"},
    {"x type:nosuch", DEFAULT_OR, 8, "type:nosuch is not a format; the formats are docx, odt, epub, pdf, html"},
    {"x after:2023-13-45", DEFAULT_OR, 9, "after:2023-13-45 is not a date"},
    {"x before:2023-02-29", DEFAULT_OR, 10, "is not a date"},
    {"x after:23", DEFAULT_OR, 9, "is not a date"},
    {"x after:2023-1", DEFAULT_OR, 9, "is not a date"},
    {"x after:2023-01-05T10", DEFAULT_OR, 9, "is not a date"},
    {"path:\" \"", DEFAULT_OR, 1, "empty value after 'path:'"},
    {"a NEAR/0 b", DEFAULT_OR, 8, "NEAR distance"},
    {"a NEAR/1001 b", DEFAULT_OR, 8, "NEAR distance"},
    {"a NEAR/x b", DEFAULT_OR, 8, "NEAR distance"},
    {"a NEAR/ b", DEFAULT_OR, 8, "NEAR distance"},
    {"a NEAR b*", DEFAULT_OR, 8, "plain words"},
    {"\"a b\" NEAR c", DEFAULT_OR, 1, "plain words"},
    {"x (a) NEAR c", DEFAULT_OR, 3, "plain words"},
    {"a NEAR \"b c\"", DEFAULT_OR, 8, "plain words"},
    {"a NEAR title:b", DEFAULT_OR, 8, "plain words"},
    {"title:a NEAR b", DEFAULT_OR, 1, "plain words"},
    {"a NEAR +b", DEFAULT_OR, 8, "plain words"},
    {"a NEAR", DEFAULT_OR, 3, "NEAR needs a word on each side"},
    {"NEAR b", DEFAULT_OR, 1, "NEAR needs a word on each side"},
    {"a NEAR NEAR b", DEFAULT_OR, 3, "NEAR needs a word on each side"},
    {"NOT b", DEFAULT_OR, 1, "NOT needs something to exclude from"},
    {"a (NOT b)", DEFAULT_OR, 4, "NOT needs something to exclude from"},
    {"a OR NOT b", DEFAULT_OR, 6, "NOT needs something to exclude from"},
    {"a NOT", DEFAULT_OR, 3, "NOT needs something after it"},
    {"AND", DEFAULT_OR, 1, "AND needs something before it"},
    {"OR", DEFAULT_AND, 1, "OR needs something before it"},
    {"OR b", DEFAULT_OR, 1, "OR needs something before it"},
    {"a AND", DEFAULT_OR, 3, "AND needs something after it"},
    {"a OR", DEFAULT_OR, 3, "OR needs something after it"},
    {"a AND OR b", DEFAULT_OR, 3, "AND needs something after it"},
    {"(a AND)", DEFAULT_OR, 4, "AND needs something after it"},
    {"-a -b", DEFAULT_OR, 1, "nothing to match: the query only excludes"},
    {"-a", DEFAULT_AND, 1, "nothing to match: the query only excludes"},
    {"  -\"a b\" -c", DEFAULT_OR, 3, "nothing to match: the query only excludes"},
    {"-(a OR b)", DEFAULT_OR, 1, "nothing to match: the query only excludes"},
    {"a OR -b", DEFAULT_OR, 6, "nothing to match: this part"},
    {"a (-b)", DEFAULT_OR, 4, "nothing to match: this part"},
    {"a NOT -b", DEFAULT_OR, 7, "nothing to match: this part"},
    {"+", DEFAULT_OR, 1, "'+' must be followed"},
    {"a - b", DEFAULT_OR, 3, "'-' must be followed"},
    {"--a", DEFAULT_OR, 1, "'-' must be followed"},
    {"a -AND b", DEFAULT_OR, 3, "'-' must be followed"},
    {"a +)", DEFAULT_OR, 3, "'+' must be followed"},
};

static shelf_qnode *parse(const char *query, bool default_and, shelf_err *err, int *column)
{
    shelf_parse_opts opts = {default_and};
    return shelf_query_parse(query, &opts, err, column);
}

static void test_valid_queries(void **state)
{
    (void)state;
    size_t count = sizeof valid_cases / sizeof valid_cases[0];
    for (size_t i = 0; i < count; i++) {
        const valid_case *c = &valid_cases[i];
        shelf_err err = {0, ""};
        int column = -1;
        shelf_qnode *tree = parse(c->query, c->default_and, &err, &column);
        if (!tree)
            fail_msg("case %zu [%s]: unexpected error at %d: %s", i, c->query, column, err.msg);
        char sexpr[1024];
        shelf_query_sexpr(tree, sexpr, sizeof sexpr);
        if (strcmp(sexpr, c->sexpr) != 0)
            fail_msg("case %zu [%s]: got %s, want %s", i, c->query, sexpr, c->sexpr);
        assert_int_equal(tree->occur, SHELF_OCCUR_SHOULD);
        shelf_query_free(tree);
    }
    assert_true(count >= 40);
}

static void test_invalid_queries(void **state)
{
    (void)state;
    size_t count = sizeof invalid_cases / sizeof invalid_cases[0];
    for (size_t i = 0; i < count; i++) {
        const invalid_case *c = &invalid_cases[i];
        shelf_err err = {0, ""};
        int column = -1;
        shelf_qnode *tree = parse(c->query, c->default_and, &err, &column);
        if (tree) {
            char sexpr[1024];
            shelf_query_sexpr(tree, sexpr, sizeof sexpr);
            shelf_query_free(tree);
            fail_msg("case %zu [%s]: parsed as %s, want an error", i, c->query, sexpr);
        }
        if (err.code != SHELF_EINVAL || column != c->column || !strstr(err.msg, c->message_part))
            fail_msg("case %zu [%s]: got code %d column %d \"%s\", want column %d \"%s\"", i,
                     c->query, err.code, column, err.msg, c->column, c->message_part);
    }
    assert_true(count >= 25);
}

/* Node columns: where each node starts, in characters. */
static void test_node_columns(void **state)
{
    (void)state;
    shelf_err err;
    int column;
    shelf_qnode *tree = parse("é -\"cd  ef\" title:x", false, &err, &column);
    assert_non_null(tree);
    assert_int_equal(tree->kind, SHELF_Q_BOOL);
    assert_int_equal(tree->column, 1);
    assert_int_equal(tree->nchildren, 3);
    const shelf_qnode *phrase = tree->children[1];
    assert_int_equal(phrase->kind, SHELF_Q_PHRASE);
    assert_int_equal(phrase->occur, SHELF_OCCUR_MUST_NOT);
    assert_int_equal(phrase->column, 4);
    assert_int_equal(phrase->children[0]->column, 5);
    assert_int_equal(phrase->children[1]->column, 9);
    assert_int_equal(tree->children[2]->column, 13);
    assert_int_equal(tree->children[2]->field, SHELF_FIELD_TITLE);
    shelf_query_free(tree);

    tree = parse("title:\"a b\"", false, &err, &column);
    assert_non_null(tree);
    assert_int_equal(tree->field, SHELF_FIELD_TITLE);
    assert_int_equal(tree->children[0]->field, SHELF_FIELD_TITLE);
    assert_int_equal(tree->children[1]->field, SHELF_FIELD_TITLE);
    shelf_query_free(tree);
}

/* NULL options, NULL err and NULL column are allowed. */
static void test_null_arguments(void **state)
{
    (void)state;
    shelf_qnode *tree = shelf_query_parse("a b", NULL, NULL, NULL);
    assert_non_null(tree);
    assert_int_equal(tree->children[0]->occur, SHELF_OCCUR_SHOULD);
    shelf_query_free(tree);
    assert_null(shelf_query_parse("(", NULL, NULL, NULL));
    int column = 0;
    assert_null(shelf_query_parse(NULL, NULL, NULL, &column));
    assert_int_equal(column, 1);
    shelf_query_free(NULL);
}

static void test_sexpr_truncation(void **state)
{
    (void)state;
    shelf_qnode *tree = shelf_query_parse("alpha beta", NULL, NULL, NULL);
    assert_non_null(tree);
    char out[8];
    memset(out, 'X', sizeof out);
    size_t n = shelf_query_sexpr(tree, out, sizeof out);
    assert_int_equal(n, 7);
    assert_string_equal(out, "(bool \"");
    assert_int_equal(shelf_query_sexpr(tree, out, 0), 0);
    assert_int_equal(out[0], '(');
    assert_int_equal(shelf_query_sexpr(tree, out, 1), 0);
    assert_int_equal(out[0], '\0');
    char full[64];
    assert_int_equal(shelf_query_sexpr(tree, full, sizeof full), strlen("(bool \"alpha\" \"beta\")"));
    shelf_query_free(tree);
}

/* "(" x depth, then inner, then ")" x closing; malloc'd. */
static char *nested(size_t depth, const char *inner, size_t closing)
{
    size_t inner_len = strlen(inner);
    char *s = malloc(depth + inner_len + closing + 1);
    assert_non_null(s);
    memset(s, '(', depth);
    memcpy(s + depth, inner, inner_len);
    memset(s + depth + inner_len, ')', closing);
    s[depth + inner_len + closing] = '\0';
    return s;
}

/* 64 levels of parentheses are fine; the 65th is refused where it opens. */
static void test_nesting_limit(void **state)
{
    (void)state;
    shelf_err err;
    int column;
    char *query = nested(64, "a", 64);
    shelf_qnode *tree = parse(query, false, &err, &column);
    assert_non_null(tree);
    assert_int_equal(tree->kind, SHELF_Q_TERM);
    shelf_query_free(tree);
    free(query);

    query = nested(65, "a", 65);
    assert_null(parse(query, false, &err, &column));
    assert_int_equal(column, 65);
    assert_non_null(strstr(err.msg, "too deeply nested"));
    free(query);

    query = nested(100000, "a b", 0);
    assert_null(parse(query, true, &err, &column));
    assert_int_equal(column, 65);
    free(query);
}

/* Long flat inputs up to the limits parse; one word or byte more is an
 * error at the right column. */
static char *repeated(const char *piece, size_t repeats, const char *tail)
{
    size_t piece_len = strlen(piece), tail_len = strlen(tail);
    char *query = malloc(piece_len * repeats + tail_len + 1);
    assert_non_null(query);
    for (size_t i = 0; i < repeats; i++)
        memcpy(query + i * piece_len, piece, piece_len);
    strcpy(query + piece_len * repeats, tail);
    return query;
}

static void test_long_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *piece;
        size_t words_per_piece;
    } shapes[] = {{"word ", 1}, {"w NEAR/2 ", 1}, {"x OR ", 1}, {"-y +z ", 2}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        size_t per = shapes[k].words_per_piece, piece_len = strlen(shapes[k].piece);
        size_t repeats = (SHELF_QUERY_MAX_WORDS - 1) / per;
        char *query = repeated(shapes[k].piece, repeats, "q");
        shelf_err err;
        int column;
        shelf_qnode *tree = parse(query, k % 2 == 1, &err, &column);
        if (!tree)
            fail_msg("input %zu at the limit: error at %d: %s", k, column, err.msg);
        shelf_query_free(tree);
        free(query);
        /* enough pieces to pass the limit: the error names the first word past it */
        repeats = SHELF_QUERY_MAX_WORDS / per + 1;
        query = repeated(shapes[k].piece, repeats, "q");
        assert_null(parse(query, k % 2 == 1, &err, &column));
        assert_non_null(strstr(err.msg, "too many words: at most 1024"));
        size_t first_extra_piece = SHELF_QUERY_MAX_WORDS / per;
        assert_true((size_t)column > first_extra_piece * piece_len);
        assert_true((size_t)column <= (first_extra_piece + 1) * piece_len + 1);
        free(query);
    }
    size_t limit = (size_t)256 << 10;
    char *longest = malloc(limit + 2);
    memset(longest, 'x', limit + 1);
    longest[limit] = '\0';
    shelf_err err;
    int column;
    shelf_qnode *tree = parse(longest, false, &err, &column);
    assert_non_null(tree);
    shelf_query_free(tree);
    longest[limit] = 'x';
    longest[limit + 1] = '\0';
    assert_null(parse(longest, false, &err, &column));
    assert_non_null(strstr(err.msg, "query too long: at most 256 KiB"));
    free(longest);
}

/* ---- fuzzing ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng_next() % n);
}

static const char *const fuzz_pieces[] = {
    "AND", "OR", "NOT", "NEAR", "NEAR/3", "NEAR/0", "NEAR/99999", "NEAR/", "title:", "path:",
    "title:\"", "\"", "\"", "(", "(", ")", ")", "+", "-", "*", "**", " ", " ", "  ", "\t",
    "a", "bc", "nato", "C++", "x-y", "é", "Türkiye", "\xff", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80",
    "\xf4\x90\x80\x80", "foo:bar", "w*",
};

/* A random NUL-free string of at most max_len bytes. */
static size_t random_query(char *out, size_t max_len)
{
    size_t len = 0;
    size_t pieces = 1 + rng_below(24);
    size_t piece_count = sizeof fuzz_pieces / sizeof fuzz_pieces[0];
    for (size_t i = 0; i < pieces; i++) {
        char random_byte[2] = {(char)(1 + rng_below(255)), '\0'};
        const char *piece = rng_below(5) == 0 ? random_byte : fuzz_pieces[rng_below(piece_count)];
        size_t n = strlen(piece);
        if (len + n > max_len)
            break;
        memcpy(out + len, piece, n);
        len += n;
        if (rng_below(3) == 0 && len < max_len)
            out[len++] = ' ';
    }
    out[len] = '\0';
    return len;
}

/* Structural checks on a parsed tree; query_len bounds every column. */
static void check_tree(const shelf_qnode *node, size_t query_len, bool is_root)
{
    assert_true(node->column >= 1 && (size_t)node->column <= query_len + 1);
    size_t positive = 0;
    switch (node->kind) {
    case SHELF_Q_TERM:
    case SHELF_Q_PREFIX:
    case SHELF_Q_PATH:
    case SHELF_Q_FILTER:
        assert_non_null(node->text);
        assert_int_equal(node->nchildren, 0);
        break;
    case SHELF_Q_PHRASE:
    case SHELF_Q_NEAR:
        assert_true(node->nchildren >= 2);
        for (size_t i = 0; i < node->nchildren; i++)
            assert_int_equal(node->children[i]->kind, SHELF_Q_TERM);
        if (node->kind == SHELF_Q_NEAR)
            assert_true(node->distance >= 1 && node->distance <= SHELF_NEAR_MAX);
        break;
    case SHELF_Q_BOOL:
        assert_true(node->nchildren >= 1);
        for (size_t i = 0; i < node->nchildren; i++) {
            positive += node->children[i]->occur != SHELF_OCCUR_MUST_NOT;
            check_tree(node->children[i], query_len, false);
        }
        assert_true(positive >= 1);
        assert_true(node->nchildren >= 2);
        break;
    }
    if (is_root)
        assert_int_equal(node->occur, SHELF_OCCUR_SHOULD);
}

static void test_fuzz(void **state)
{
    (void)state;
    char query[200];
    char sexpr[256];
    size_t trees = 0, errors = 0;
    for (int i = 0; i < 300000; i++) {
        size_t len = random_query(query, sizeof query - 1);
        shelf_err err = {0, ""};
        int column = -1;
        shelf_qnode *tree = parse(query, rng_below(2) == 1, &err, &column);
        if (tree) {
            check_tree(tree, len, true);
            size_t n = shelf_query_sexpr(tree, sexpr, sizeof sexpr);
            assert_true(n < sizeof sexpr && n == strlen(sexpr));
            shelf_query_free(tree);
            trees++;
            continue;
        }
        if (err.code != SHELF_EINVAL || column < 1 || (size_t)column > len + 1 || !err.msg[0])
            fail_msg("fuzz [%s]: code %d column %d (length %zu) \"%s\"", query, err.code, column,
                     len, err.msg);
        errors++;
    }
    /* Both outcomes must be well represented for the fuzzing to mean much. */
    assert_true(trees > 10000);
    assert_true(errors > 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_queries),   cmocka_unit_test(test_invalid_queries),
        cmocka_unit_test(test_node_columns),    cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_sexpr_truncation), cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_long_inputs),     cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
