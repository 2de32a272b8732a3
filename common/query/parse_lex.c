/*
 * parse_lex.c - the query lexer; see parse_lex.h for the token set and the
 * column rules.
 *
 * How a query is cut:
 *   - white space separates tokens and is otherwise ignored;
 *   - '(' , ')' and '"' are always tokens of their own ('"' opens a phrase
 *     even in the middle of a word: ab"cd" is the word ab then a phrase);
 *   - '+' or '-' at the start of a token is a token of its own (a required /
 *     excluded marker); inside a word it is part of the word;
 *   - any other run of characters is a "word run", then classified: the
 *     operators AND, OR, NOT, NEAR, NEAR/n (upper case, whole runs only), the
 *     fields title: and path: (lower case), the filters type:, in:, author:,
 *     after: and before: (lower case; query/filter.h), or a plain word.  A plain word
 *     ending in '*' is a prefix; the '*'s are dropped from its value.
 */
#include "query/parse_lex.h"

#include <string.h>

#include "util/utf8.h"

/* ---- cursor ------------------------------------------------------------ */

void qcursor_init(qcursor *c, const char *text, size_t length, size_t pos, int column)
{
    c->text = text;
    c->length = length;
    c->pos = pos;
    c->column = column;
}

bool qcursor_at_end(const qcursor *c)
{
    return c->pos >= c->length;
}

unsigned char qcursor_byte(const qcursor *c)
{
    return qcursor_at_end(c) ? 0 : (unsigned char)c->text[c->pos];
}

void qcursor_step(qcursor *c)
{
    if (qcursor_at_end(c))
        return;
    int32_t code_point; /* unused: a step is one character or one invalid byte */
    c->pos += shelf_utf8_decode((const uint8_t *)c->text, c->length, c->pos, &code_point);
    c->column++;
}

/* ---- character classes -------------------------------------------------- */

bool qlex_is_space(unsigned char byte)
{
    return byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r' || byte == '\v' ||
           byte == '\f';
}

static bool is_delimiter(unsigned char byte)
{
    return qlex_is_space(byte) || byte == '"' || byte == '(' || byte == ')';
}

/* ---- helpers ------------------------------------------------------------ */

static int lex_error(shelf_err *err, int *err_column, int column, const char *message)
{
    *err_column = column;
    return shelf_errf(err, SHELF_EINVAL, "%s", message);
}

static void token_begin(qtoken *token, qtoken_kind kind, const qcursor *at)
{
    memset(token, 0, sizeof *token);
    token->kind = kind;
    token->column = at->column;
    token->start = at->pos;
    token->end = at->pos;
    token->field = SHELF_FIELD_ALL;
}

static void skip_space(qcursor *c)
{
    while (!qcursor_at_end(c) && qlex_is_space(qcursor_byte(c)))
        qcursor_step(c);
}

/* A word run [start, start+len) of the query. */
typedef struct word_run {
    size_t start;
    size_t len;
    int column;
} word_run;

static bool run_equals(const qcursor *c, const word_run *run, const char *word)
{
    size_t n = strlen(word);
    return run->len == n && memcmp(c->text + run->start, word, n) == 0;
}

static bool run_starts_with(const qcursor *c, const word_run *run, const char *prefix)
{
    size_t n = strlen(prefix);
    return run->len >= n && memcmp(c->text + run->start, prefix, n) == 0;
}

/* ---- phrases ------------------------------------------------------------ */

/* The cursor is on '"'.  Sets the token's value to the text up to the
 * closing quote, moves past it and tells whether that text is blank. */
static int lex_quoted(qcursor *c, qtoken *token, bool *blank, shelf_err *err,
                      int *err_column)
{
    int quote_column = c->column;
    qcursor_step(c);
    token->value_start = c->pos;
    token->value_column = c->column;
    *blank = true;
    while (!qcursor_at_end(c) && qcursor_byte(c) != '"') {
        if (!qlex_is_space(qcursor_byte(c)))
            *blank = false;
        qcursor_step(c);
    }
    if (qcursor_at_end(c))
        return lex_error(err, err_column, quote_column,
                         "unbalanced quote: this '\"' is never closed");
    token->value_len = c->pos - token->value_start;
    qcursor_step(c);
    token->end = c->pos;
    return SHELF_OK;
}

/* A phrase token ("..." or title:"..."); the cursor is on '"'. */
static int lex_phrase(qcursor *c, qtoken *token, shelf_err *err, int *err_column)
{
    int quote_column = c->column;
    bool blank;
    token->kind = QT_PHRASE;
    int status = lex_quoted(c, token, &blank, err, err_column);
    if (status == SHELF_OK && blank)
        return lex_error(err, err_column, quote_column, "empty phrase \"\"");
    return status;
}

/* ---- word runs ---------------------------------------------------------- */

static word_run scan_run(qcursor *c)
{
    word_run run = {c->pos, 0, c->column};
    while (!qcursor_at_end(c) && !is_delimiter(qcursor_byte(c)))
        qcursor_step(c);
    run.len = c->pos - run.start;
    return run;
}

/* Distance digits after "NEAR/"; -1 unless they form a number in 1..MAX. */
static int parse_distance(const char *digits, size_t len)
{
    if (len == 0)
        return -1;
    int value = 0;
    for (size_t i = 0; i < len; i++) {
        if (digits[i] < '0' || digits[i] > '9')
            return -1;
        value = value * 10 + (digits[i] - '0');
        if (value > SHELF_NEAR_MAX)
            return -1;
    }
    return value >= 1 ? value : -1;
}

static int lex_near(const qcursor *c, const word_run *run, qtoken *token, shelf_err *err,
                    int *err_column)
{
    token->kind = QT_NEAR;
    token->distance = SHELF_NEAR_DEFAULT;
    if (run->len == 4)
        return SHELF_OK;
    token->distance = parse_distance(c->text + run->start + 5, run->len - 5);
    if (token->distance < 0)
        return lex_error(err, err_column, run->column + 5,
                         "bad NEAR distance: write NEAR/n with n from 1 to 1000");
    return SHELF_OK;
}

/* Sets the token's value to the word [start, start+len) at `column`,
 * turning trailing '*'s into a prefix. */
static int set_word_value(const qcursor *c, qtoken *token, size_t start, size_t len,
                          int column, shelf_err *err, int *err_column)
{
    size_t stars = 0;
    while (stars < len && c->text[start + len - 1 - stars] == '*')
        stars++;
    if (stars == len)
        return lex_error(err, err_column, column,
                         "'*' must follow the start of a word, as in nato*");
    token->kind = QT_WORD;
    token->value_start = start;
    token->value_len = len - stars;
    token->value_column = column;
    token->is_prefix = stars > 0;
    return SHELF_OK;
}

static int lex_path_value(qtoken *token, size_t start, size_t len, int column)
{
    token->kind = QT_PATH;
    token->value_start = start;
    token->value_len = len;
    token->value_column = column;
    return SHELF_OK;
}

/* path:"frag ment"; the cursor is on '"'.  A blank fragment is an error at
 * the field name (path_column). */
static int lex_quoted_path(qcursor *c, int path_column, qtoken *token, shelf_err *err,
                           int *err_column)
{
    bool blank;
    token->kind = QT_PATH;
    int status = lex_quoted(c, token, &blank, err, err_column);
    if (status == SHELF_OK && blank)
        return lex_error(err, err_column, path_column, "empty value after 'path:'");
    return status;
}

/* "title:" or "path:" opened the run; name_len is that name's length. */
static int lex_field(qcursor *c, const word_run *run, size_t name_len, bool is_path,
                     qtoken *token, shelf_err *err, int *err_column)
{
    size_t value_start = run->start + name_len;
    size_t value_len = run->len - name_len;
    int value_column = run->column + (int)name_len; /* the names are ASCII */
    token->field = is_path ? SHELF_FIELD_ALL : SHELF_FIELD_TITLE;
    if (value_len > 0 && is_path)
        return lex_path_value(token, value_start, value_len, value_column);
    if (value_len > 0)
        return set_word_value(c, token, value_start, value_len, value_column, err, err_column);
    if (qcursor_byte(c) != '"')
        return lex_error(err, err_column, run->column,
                         is_path ? "empty value after 'path:'" : "empty value after 'title:'");
    if (is_path)
        return lex_quoted_path(c, run->column, token, err, err_column);
    return lex_phrase(c, token, err, err_column);
}

/* A run "name:..." whose name is a filter's (query/filter.h)?  Sets *kind
 * and *name_len. */
static bool run_is_filter(const qcursor *c, const word_run *run, shelf_filter_kind *kind,
                          size_t *name_len)
{
    const char *colon = memchr(c->text + run->start, ':', run->len);
    if (!colon)
        return false;
    *name_len = (size_t)(colon - (c->text + run->start)) + 1;
    return shelf_filter_named(c->text + run->start, *name_len - 1, kind);
}

/* A filter opened the run: its value is the rest of the run, or the text
 * of the quotes right after the colon.  Values are checked by the parser. */
static int lex_filter(qcursor *c, const word_run *run, size_t name_len, shelf_filter_kind kind,
                      qtoken *token, shelf_err *err, int *err_column)
{
    token->kind = QT_FILTER;
    token->filter = kind;
    token->value_start = run->start + name_len;
    token->value_len = run->len - name_len;
    token->value_column = run->column + (int)name_len;
    if (token->value_len > 0 || qcursor_byte(c) != '"')
        return SHELF_OK;
    bool blank;
    int status = lex_quoted(c, token, &blank, err, err_column);
    token->kind = QT_FILTER;
    if (status == SHELF_OK && blank)
        token->value_len = 0; /* the parser says the value is empty */
    return status;
}

/* The cursor is at the start of a word run. */
static int lex_word_run(qcursor *c, qtoken *token, shelf_err *err, int *err_column)
{
    word_run run = scan_run(c);
    token->end = c->pos;
    shelf_filter_kind filter;
    size_t filter_name_len;
    if (run_equals(c, &run, "AND"))
        token->kind = QT_AND;
    else if (run_equals(c, &run, "OR"))
        token->kind = QT_OR;
    else if (run_equals(c, &run, "NOT"))
        token->kind = QT_NOT;
    else if (run_equals(c, &run, "NEAR") || run_starts_with(c, &run, "NEAR/"))
        return lex_near(c, &run, token, err, err_column);
    else if (run_starts_with(c, &run, "title:"))
        return lex_field(c, &run, strlen("title:"), false, token, err, err_column);
    else if (run_starts_with(c, &run, "path:"))
        return lex_field(c, &run, strlen("path:"), true, token, err, err_column);
    else if (run_is_filter(c, &run, &filter, &filter_name_len))
        return lex_filter(c, &run, filter_name_len, filter, token, err, err_column);
    else
        return set_word_value(c, token, run.start, run.len, run.column, err, err_column);
    return SHELF_OK;
}

/* ---- entry points ------------------------------------------------------- */

void qlex_init(qlexer *lexer, const char *query, size_t length)
{
    qcursor_init(&lexer->cursor, query, length, 0, 1);
}

static void lex_single(qcursor *c, qtoken *token, qtoken_kind kind)
{
    token->kind = kind;
    qcursor_step(c);
    token->end = c->pos;
}

int qlex_next(qlexer *lexer, qtoken *token, shelf_err *err, int *err_column)
{
    qcursor *c = &lexer->cursor;
    skip_space(c);
    token_begin(token, QT_END, c);
    switch (qcursor_byte(c)) {
    case 0:
        return SHELF_OK;
    case '(':
        lex_single(c, token, QT_LPAREN);
        return SHELF_OK;
    case ')':
        lex_single(c, token, QT_RPAREN);
        return SHELF_OK;
    case '+':
        lex_single(c, token, QT_PLUS);
        return SHELF_OK;
    case '-':
        lex_single(c, token, QT_MINUS);
        return SHELF_OK;
    case '"':
        return lex_phrase(c, token, err, err_column);
    default:
        return lex_word_run(c, token, err, err_column);
    }
}
