/*
 * parse.c - recursive-descent parser for the query language of parse.h.
 *
 * One function per grammar rule (parse_or, parse_and, parse_not, parse_seq,
 * parse_item, parse_atom, parse_group, parse_near), reading tokens from the
 * lexer in parse_lex.c one at a time; trees are built and normalised with
 * parse_tree.c.
 *
 * Invariants:
 *   - every parse_* function starts on the first token of its rule and
 *     leaves p->token on the first token after it;
 *   - each returns a tree it owns, or NULL after setting the error and
 *     column, having freed everything it built;
 *   - recursion only happens through parentheses, at most MAX_GROUP_DEPTH
 *     levels, so the C stack stays small on any input;
 *   - input longer than MAX_QUERY_BYTES is refused before it is read, which
 *     also keeps every column well inside an int.
 *
 * Decisions beyond the grammar of parse.h:
 *   - "a AND NOT b" is accepted and means "a NOT b"; "a OR NOT b" is an error
 *     ("NOT needs something to exclude from"), since it would match almost
 *     everything.
 *   - "-a NEAR b" excludes the whole NEAR group (the grammar's
 *     item := [+|-] atom, with near an atom).
 *   - A chain "a NEAR/3 b NEAR/2 c" becomes one NEAR node over a, b and c
 *     whose distance is the largest n given: the loosest window the user
 *     asked for, so no document the user meant is lost.
 *   - A one-word phrase ("a", title:"a") becomes a TERM; a node's column is
 *     where its token starts (the quote, the 'title:' or the '+'/'-' marker
 *     of a BOOL's first clause).
 *   - Filters in a sequence are lifted out of it (lift_filters, parse.h).
 *   - title: and path: are recognised in lower case only, like the operators
 *     in upper case only; "Title:x" is an ordinary word.  A path fragment is
 *     kept exactly as typed ('*' included).
 */
#include "query/parse.h"

#include <string.h>

#include "query/parse_lex.h"
#include "query/parse_tree.h"

#define MAX_GROUP_DEPTH 64
#define MAX_QUERY_BYTES ((size_t)256 << 10)

typedef struct qparser {
    qlexer lexer;
    qtoken token; /* the current token */
    const char *query;
    bool default_and;
    int depth; /* open parentheses around the current token */
    size_t words; /* words (terms, prefixes, paths, phrase words) so far */
    shelf_err *err;
    int *err_column;
} qparser;

static shelf_qnode *parse_or(qparser *p);

/* ---- errors and tokens -------------------------------------------------- */

static shelf_qnode *fail(qparser *p, int column, const char *message)
{
    *p->err_column = column;
    shelf_errf(p->err, SHELF_EINVAL, "%s", message);
    return NULL;
}

static const char *operator_name(qtoken_kind kind)
{
    switch (kind) {
    case QT_AND:
        return "AND";
    case QT_OR:
        return "OR";
    case QT_NOT:
        return "NOT";
    case QT_NEAR:
        return "NEAR";
    default:
        return "operator";
    }
}

/* "<operator> <what>", e.g. "AND needs something after it". */
static shelf_qnode *fail_operator(qparser *p, const qtoken *op, const char *what)
{
    *p->err_column = op->column;
    shelf_errf(p->err, SHELF_EINVAL, "%s %s", operator_name(op->kind), what);
    return NULL;
}

static shelf_qnode *fail_nomem(qparser *p)
{
    *p->err_column = p->token.column;
    shelf_errf(p->err, SHELF_ENOMEM, "out of memory while parsing the query");
    return NULL;
}

/* Move to the next token; false (error set) if the lexer refuses it. */
static bool advance(qparser *p)
{
    return qlex_next(&p->lexer, &p->token, p->err, p->err_column) == SHELF_OK;
}

static bool starts_atom(qtoken_kind kind)
{
    return kind == QT_WORD || kind == QT_PHRASE || kind == QT_PATH || kind == QT_FILTER ||
           kind == QT_LPAREN;
}

static bool starts_item(qtoken_kind kind)
{
    return starts_atom(kind) || kind == QT_PLUS || kind == QT_MINUS;
}

/* ---- building BOOL nodes ------------------------------------------------ */

/* Add child to node; on failure frees child, sets the error, returns false. */
static bool add_clause(qparser *p, shelf_qnode *node, shelf_qnode *child, shelf_occur occur)
{
    if (qnode_add_child(node, child, occur) == SHELF_OK)
        return true;
    shelf_query_free(child);
    fail_nomem(p);
    return false;
}

/* A new BOOL at column holding first; frees first on failure. */
static shelf_qnode *start_bool(qparser *p, int column, shelf_qnode *first, shelf_occur occur)
{
    shelf_qnode *node = qnode_new(SHELF_Q_BOOL, column);
    if (!node) {
        shelf_query_free(first);
        return fail_nomem(p);
    }
    if (!add_clause(p, node, first, occur)) {
        shelf_query_free(node);
        return NULL;
    }
    return node;
}

static shelf_qnode *finish_bool(qparser *p, shelf_qnode *node)
{
    int status;
    shelf_qnode *result = qbool_finish(node, &status);
    if (status == SHELF_OK)
        return result;
    shelf_query_free(node);
    return fail_nomem(p);
}

/* ---- atoms -------------------------------------------------------------- */

static const char *token_value(const qparser *p, const qtoken *token)
{
    return p->query + token->value_start;
}

/* Count one more word; false (error set) past SHELF_QUERY_MAX_WORDS. */
static bool count_word(qparser *p, int column)
{
    if (++p->words <= SHELF_QUERY_MAX_WORDS)
        return true;
    fail(p, column, "too many words: at most 1024 in a query");
    return false;
}

/* TERM or PREFIX from the current WORD token, then advance. */
static shelf_qnode *parse_word(qparser *p)
{
    const qtoken *t = &p->token;
    if (!count_word(p, t->column))
        return NULL;
    shelf_qkind kind = t->is_prefix ? SHELF_Q_PREFIX : SHELF_Q_TERM;
    shelf_qnode *node = qnode_new_text(kind, t->column, token_value(p, t), t->value_len);
    if (!node)
        return fail_nomem(p);
    node->field = t->field;
    if (!advance(p)) {
        shelf_query_free(node);
        return NULL;
    }
    return node;
}

static shelf_qnode *parse_path(qparser *p)
{
    const qtoken *t = &p->token;
    if (!count_word(p, t->column))
        return NULL;
    shelf_qnode *node = qnode_new_text(SHELF_Q_PATH, t->column, token_value(p, t), t->value_len);
    if (!node)
        return fail_nomem(p);
    if (!advance(p)) {
        shelf_query_free(node);
        return NULL;
    }
    return node;
}

/* type:, in:, author:, after:, before: (query/filter.h); a bad value is an
 * error at the value (at the filter's name when the value is empty). */
static shelf_qnode *parse_filter(qparser *p)
{
    const qtoken *t = &p->token;
    shelf_filter filter;
    char message[SHELF_ERR_MAX];
    if (!shelf_filter_value(t->filter, token_value(p, t), t->value_len, &filter, message,
                            sizeof message))
        return fail(p, t->value_len ? t->value_column : t->column, message);
    if (!count_word(p, t->column))
        return NULL;
    shelf_qnode *node = qnode_new_text(SHELF_Q_FILTER, t->column, token_value(p, t), t->value_len);
    if (!node)
        return fail_nomem(p);
    node->filter = filter;
    if (!advance(p)) {
        shelf_query_free(node);
        return NULL;
    }
    return node;
}

/* Split the phrase text of token t into TERM children of phrase. */
static bool add_phrase_words(qparser *p, const qtoken *t, shelf_qnode *phrase)
{
    qcursor c;
    qcursor_init(&c, p->query, t->value_start + t->value_len, t->value_start, t->value_column);
    while (!qcursor_at_end(&c)) {
        if (qlex_is_space(qcursor_byte(&c))) {
            qcursor_step(&c);
            continue;
        }
        size_t start = c.pos;
        int column = c.column;
        while (!qcursor_at_end(&c) && !qlex_is_space(qcursor_byte(&c)))
            qcursor_step(&c);
        if (!count_word(p, column))
            return false;
        shelf_qnode *word =
            qnode_new_text(SHELF_Q_TERM, column, p->query + start, c.pos - start);
        if (!word) {
            fail_nomem(p);
            return false;
        }
        word->field = phrase->field;
        if (!add_clause(p, phrase, word, SHELF_OCCUR_SHOULD))
            return false;
    }
    return true;
}

/* A one-word phrase is just that word, starting where the phrase starts. */
static shelf_qnode *unwrap_single_word(shelf_qnode *phrase)
{
    if (phrase->nchildren != 1)
        return phrase;
    shelf_qnode *word = phrase->children[0];
    word->column = phrase->column;
    phrase->nchildren = 0;
    shelf_query_free(phrase);
    return word;
}

static shelf_qnode *parse_phrase(qparser *p)
{
    qtoken t = p->token;
    shelf_qnode *phrase = qnode_new(SHELF_Q_PHRASE, t.column);
    if (!phrase)
        return fail_nomem(p);
    phrase->field = t.field;
    if (!add_phrase_words(p, &t, phrase) || !advance(p)) {
        shelf_query_free(phrase);
        return NULL;
    }
    return unwrap_single_word(phrase);
}

/* "(" query ")" */
static shelf_qnode *parse_group(qparser *p)
{
    qtoken open = p->token;
    if (p->depth >= MAX_GROUP_DEPTH)
        return fail(p, open.column, "too deeply nested: at most 64 levels of parentheses");
    if (!advance(p))
        return NULL;
    if (p->token.kind == QT_RPAREN)
        return fail(p, open.column, "empty group (): put something between the parentheses");
    if (p->token.kind == QT_END)
        return fail(p, open.column, "unbalanced parenthesis: this '(' is never closed");
    p->depth++;
    shelf_qnode *inner = parse_or(p);
    p->depth--;
    if (!inner)
        return NULL;
    if (p->token.kind != QT_RPAREN) {
        shelf_query_free(inner);
        return fail(p, open.column, "unbalanced parenthesis: this '(' is never closed");
    }
    if (!advance(p)) {
        shelf_query_free(inner);
        return NULL;
    }
    return inner;
}

static bool is_plain_word_token(const qtoken *t)
{
    return t->kind == QT_WORD && !t->is_prefix && t->field == SHELF_FIELD_ALL;
}

static const char *const near_needs_plain_words =
    "NEAR works only between plain words (no '*', field, phrase, group or +/-)";

/* The word after a NEAR operator op. */
static shelf_qnode *parse_near_operand(qparser *p, const qtoken *op)
{
    if (is_plain_word_token(&p->token))
        return parse_word(p);
    if (starts_item(p->token.kind))
        return fail(p, p->token.column, near_needs_plain_words);
    return fail_operator(p, op, "needs a word on each side");
}

/* The current token is NEAR; first (at column) is its left operand, which
 * was a plain word token when first_is_plain_word. */
static shelf_qnode *parse_near(qparser *p, shelf_qnode *first, int column,
                               bool first_is_plain_word)
{
    if (!first_is_plain_word) {
        shelf_query_free(first);
        return fail(p, column, near_needs_plain_words);
    }
    shelf_qnode *near = qnode_new(SHELF_Q_NEAR, column);
    if (!near) {
        shelf_query_free(first);
        return fail_nomem(p);
    }
    if (!add_clause(p, near, first, SHELF_OCCUR_SHOULD)) {
        shelf_query_free(near);
        return NULL;
    }
    while (p->token.kind == QT_NEAR) {
        qtoken op = p->token;
        if (op.distance > near->distance)
            near->distance = op.distance;
        shelf_qnode *word = advance(p) ? parse_near_operand(p, &op) : NULL;
        if (!word || !add_clause(p, near, word, SHELF_OCCUR_SHOULD)) {
            shelf_query_free(near);
            return NULL;
        }
    }
    return near;
}

/* atom := word | word* | phrase | path | "(" query ")" | near */
static shelf_qnode *parse_atom(qparser *p)
{
    int column = p->token.column;
    bool plain_word = is_plain_word_token(&p->token);
    shelf_qnode *node;
    switch (p->token.kind) {
    case QT_WORD:
        node = parse_word(p);
        break;
    case QT_PHRASE:
        node = parse_phrase(p);
        break;
    case QT_PATH:
        node = parse_path(p);
        break;
    case QT_FILTER:
        node = parse_filter(p);
        break;
    case QT_LPAREN:
        node = parse_group(p);
        break;
    default:
        return fail(p, column, "expected a word, a phrase or a group here");
    }
    if (node && p->token.kind == QT_NEAR)
        return parse_near(p, node, column, plain_word);
    return node;
}

/* item := ["+"|"-"] atom; *occur receives the clause's role. */
static shelf_qnode *parse_item(qparser *p, shelf_occur *occur, bool *marked)
{
    *occur = p->default_and ? SHELF_OCCUR_MUST : SHELF_OCCUR_SHOULD;
    *marked = p->token.kind == QT_PLUS || p->token.kind == QT_MINUS;
    if (!*marked)
        return parse_atom(p);
    qtoken marker = p->token;
    if (!advance(p))
        return NULL;
    if (!starts_atom(p->token.kind) || p->token.start != marker.end)
        return fail(p, marker.column,
                    marker.kind == QT_PLUS
                        ? "'+' must be followed directly by a word, a phrase or a group"
                        : "'-' must be followed directly by a word, a phrase or a group");
    *occur = marker.kind == QT_PLUS ? SHELF_OCCUR_MUST : SHELF_OCCUR_MUST_NOT;
    return parse_atom(p);
}

/* The current token cannot start a clause: say what is missing. */
static shelf_qnode *fail_missing_clause(qparser *p)
{
    const qtoken *t = &p->token;
    switch (t->kind) {
    case QT_AND:
    case QT_OR:
        return fail_operator(p, t, "needs something before it");
    case QT_NOT:
        return fail_operator(p, t, "needs something to exclude from");
    case QT_NEAR:
        return fail_operator(p, t, "needs a word on each side");
    case QT_RPAREN:
        return fail(p, t->column, "unbalanced parenthesis: this ')' has no matching '('");
    case QT_END:
        return fail(p, t->column, "empty query");
    default:
        return fail(p, t->column, "expected a word, a phrase or a group here");
    }
}

/* A filter, or a group made of filters only ("(in:a OR in:b)"). */
static bool is_filter(const shelf_qnode *node)
{
    if (node->kind == SHELF_Q_PATH || node->kind == SHELF_Q_FILTER)
        return true;
    if (node->kind != SHELF_Q_BOOL || node->nchildren == 0)
        return false;
    for (size_t i = 0; i < node->nchildren; i++)
        if (!is_filter(node->children[i]))
            return false;
    return true;
}

static bool lifts(const shelf_qnode *child)
{
    return is_filter(child) && child->occur != SHELF_OCCUR_MUST_NOT;
}

/* The filters of a sequence are required and the other clauses keep their
 * meaning among themselves (parse.h): BOOL(a, b, f) becomes
 * BOOL(+f, +BOOL(a, b)).  Returns the node to use (NULL: error set, node
 * freed). */
static shelf_qnode *lift_filters(qparser *p, shelf_qnode *node)
{
    size_t filters = 0, positive_rest = 0;
    for (size_t i = 0; i < node->nchildren; i++) {
        const shelf_qnode *c = node->children[i];
        filters += lifts(c);
        positive_rest += !is_filter(c) && c->occur != SHELF_OCCUR_MUST_NOT;
    }
    if (filters == 0)
        return node;
    for (size_t i = 0; i < node->nchildren; i++)
        if (lifts(node->children[i]))
            node->children[i]->occur = SHELF_OCCUR_MUST;
    if (positive_rest == 0)
        return node;
    shelf_qnode *outer = qnode_new(SHELF_Q_BOOL, node->column);
    shelf_qnode *inner = qnode_new(SHELF_Q_BOOL, node->column);
    int status = outer && inner ? SHELF_OK : SHELF_ENOMEM;
    for (size_t i = 0; status == SHELF_OK && i < node->nchildren; i++) {
        shelf_qnode *c = node->children[i];
        status = qnode_add_child(lifts(c) ? outer : inner, c, c->occur);
        if (status == SHELF_OK)
            node->children[i] = NULL;
    }
    if (status == SHELF_OK) {
        shelf_qnode *rest = qbool_finish(inner, &status);
        if (status == SHELF_OK) {
            inner = NULL;
            status = qnode_add_child(outer, rest, SHELF_OCCUR_MUST);
            if (status != SHELF_OK)
                shelf_query_free(rest);
        }
    }
    /* children moved out are NULL in node; free what is left of it */
    size_t kept = 0;
    for (size_t i = 0; i < node->nchildren; i++)
        if (node->children[i])
            node->children[kept++] = node->children[i];
    node->nchildren = kept;
    shelf_query_free(node);
    shelf_query_free(inner);
    if (status != SHELF_OK) {
        shelf_query_free(outer);
        return fail_nomem(p);
    }
    return outer;
}

/* seq := item item ...   (the implicit default operator) */
static shelf_qnode *parse_seq(qparser *p)
{
    if (!starts_item(p->token.kind))
        return fail_missing_clause(p);
    int column = p->token.column;
    shelf_occur occur;
    bool marked;
    shelf_qnode *first = parse_item(p, &occur, &marked);
    if (!first || (!marked && !starts_item(p->token.kind)))
        return first;
    shelf_qnode *node = start_bool(p, column, first, occur);
    while (node && starts_item(p->token.kind)) {
        shelf_qnode *item = parse_item(p, &occur, &marked);
        if (!item || !add_clause(p, node, item, occur)) {
            shelf_query_free(node);
            return NULL;
        }
    }
    node = node ? lift_filters(p, node) : NULL;
    return node ? finish_bool(p, node) : NULL;
}

/* After an operator: the next token must start its right operand. */
static bool expect_operand(qparser *p, const qtoken *op, bool allow_not)
{
    if (starts_item(p->token.kind) || (allow_not && p->token.kind == QT_NOT))
        return true;
    if (p->token.kind == QT_NOT)
        fail_operator(p, &p->token, "needs something to exclude from");
    else
        fail_operator(p, op, "needs something after it");
    return false;
}

/* ( "NOT" seq )* : each seq joins node as a MUST_NOT clause. */
static bool parse_exclusions(qparser *p, shelf_qnode *node)
{
    while (p->token.kind == QT_NOT) {
        qtoken op = p->token;
        if (!advance(p))
            return false;
        if (!starts_item(p->token.kind)) {
            fail_operator(p, &op, "needs something after it");
            return false;
        }
        shelf_qnode *excluded = parse_seq(p);
        if (!excluded || !add_clause(p, node, excluded, SHELF_OCCUR_MUST_NOT))
            return false;
    }
    return true;
}

/* not_expr := seq ( "NOT" seq )* */
static shelf_qnode *parse_not(qparser *p)
{
    int column = p->token.column;
    shelf_qnode *first = parse_seq(p);
    if (!first || p->token.kind != QT_NOT)
        return first;
    shelf_qnode *node = start_bool(p, column, first, SHELF_OCCUR_MUST);
    if (!node)
        return NULL;
    if (!parse_exclusions(p, node)) {
        shelf_query_free(node);
        return NULL;
    }
    return finish_bool(p, node);
}

/* One right operand of AND: "NOT seq ..." exclusions or a not_expr. */
static bool parse_and_operand(qparser *p, shelf_qnode *node)
{
    if (p->token.kind == QT_NOT)
        return parse_exclusions(p, node);
    shelf_qnode *operand = parse_not(p);
    return operand && add_clause(p, node, operand, SHELF_OCCUR_MUST);
}

/* and_expr := not_expr ( "AND" ["NOT"] not_expr )* */
static shelf_qnode *parse_and(qparser *p)
{
    int column = p->token.column;
    shelf_qnode *first = parse_not(p);
    if (!first || p->token.kind != QT_AND)
        return first;
    shelf_qnode *node = start_bool(p, column, first, SHELF_OCCUR_MUST);
    while (node && p->token.kind == QT_AND) {
        qtoken op = p->token;
        if (!advance(p) || !expect_operand(p, &op, true) || !parse_and_operand(p, node)) {
            shelf_query_free(node);
            return NULL;
        }
    }
    return node ? finish_bool(p, node) : NULL;
}

/* or_expr := and_expr ( "OR" and_expr )* */
static shelf_qnode *parse_or(qparser *p)
{
    int column = p->token.column;
    shelf_qnode *first = parse_and(p);
    if (!first || p->token.kind != QT_OR)
        return first;
    shelf_qnode *node = start_bool(p, column, first, SHELF_OCCUR_SHOULD);
    while (node && p->token.kind == QT_OR) {
        qtoken op = p->token;
        shelf_qnode *operand = NULL;
        if (advance(p) && expect_operand(p, &op, false))
            operand = parse_and(p);
        if (!operand || !add_clause(p, node, operand, SHELF_OCCUR_SHOULD)) {
            shelf_query_free(node);
            return NULL;
        }
    }
    return node ? finish_bool(p, node) : NULL;
}

/* ---- entry point -------------------------------------------------------- */

/* Reject trees with a part that only excludes: it would match nothing. */
static shelf_qnode *check_matches_something(qparser *p, shelf_qnode *root)
{
    const shelf_qnode *only_excluding = qtree_find_only_excluding(root);
    if (!only_excluding)
        return root;
    int column = only_excluding->column;
    bool whole_query = only_excluding == root;
    shelf_query_free(root);
    return fail(p, column,
                whole_query ? "nothing to match: the query only excludes"
                            : "nothing to match: this part of the query only excludes");
}

static shelf_qnode *parse_query(qparser *p)
{
    if (!advance(p))
        return NULL;
    if (p->token.kind == QT_END)
        return fail(p, 1, "empty query");
    shelf_qnode *root = parse_or(p);
    if (!root)
        return NULL;
    if (p->token.kind != QT_END) {
        shelf_query_free(root);
        return fail_missing_clause(p);
    }
    root = check_matches_something(p, root);
    if (root)
        root->occur = SHELF_OCCUR_SHOULD;
    return root;
}

/* strlen that stops counting after limit bytes (returns limit + 1 then). */
static size_t bounded_length(const char *text, size_t limit)
{
    size_t n = 0;
    while (n <= limit && text[n] != '\0')
        n++;
    return n;
}

shelf_qnode *shelf_query_parse(const char *query, const shelf_parse_opts *opts,
                               shelf_err *err, int *err_column)
{
    int ignored_column;
    qparser p;
    memset(&p, 0, sizeof p);
    p.err = err;
    p.err_column = err_column ? err_column : &ignored_column;
    *p.err_column = 0;
    if (!query)
        return fail(&p, 1, "empty query");
    size_t length = bounded_length(query, MAX_QUERY_BYTES);
    if (length > MAX_QUERY_BYTES)
        return fail(&p, 1, "query too long: at most 256 KiB");
    p.query = query;
    p.default_and = opts && opts->default_and;
    qlex_init(&p.lexer, query, length);
    return parse_query(&p);
}
