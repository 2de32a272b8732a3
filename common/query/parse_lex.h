/*
 * parse_lex.h - the lexer behind query/parse.c (private to common/query).
 *
 * The lexer cuts a query string into tokens one at a time, on demand, so the
 * parser reports the first problem in reading order.  It also owns the
 * column arithmetic: columns are 1-based and count characters (UTF-8 code
 * points); a byte that does not start a well-formed UTF-8 sequence counts as
 * one column by itself.
 *
 * Invariants:
 *   - tokens never copy text: value_start/value_len point into the query
 *     string the lexer was given, and 0 <= start <= end <= length;
 *   - the lexer never reads at or past `length` bytes into the query;
 *   - every column it produces lies in [1, characters in query + 1];
 *   - the delimiters ( white space, '"', '(' and ')' ) are ASCII, so a
 *     multi-byte character can never hide one.
 */
#ifndef SHELF_QUERY_PARSE_LEX_H
#define SHELF_QUERY_PARSE_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "query/filter.h"
#include "query/parse.h"
#include "util/error.h"

/* A position in the query: byte offset plus the column of that byte. */
typedef struct qcursor {
    const char *text;
    size_t length; /* bytes of text that may be read */
    size_t pos;    /* byte offset, <= length */
    int column;    /* 1-based column of the character at pos */
} qcursor;

void qcursor_init(qcursor *c, const char *text, size_t length, size_t pos, int column);
bool qcursor_at_end(const qcursor *c);
/* The byte at the cursor, or 0 at the end. */
unsigned char qcursor_byte(const qcursor *c);
/* Move past one character (a whole UTF-8 sequence, or one invalid byte). */
void qcursor_step(qcursor *c);

/* ASCII white space: space, tab, newline, carriage return, vertical tab, form feed. */
bool qlex_is_space(unsigned char byte);

typedef enum qtoken_kind {
    QT_END,    /* no more input; column is one past the last character     */
    QT_WORD,   /* a word (maybe title:, maybe ending in '*')                */
    QT_PHRASE, /* "..." (maybe title:); value is the text between quotes   */
    QT_PATH,   /* path:fragment or path:"frag ment"; value is the fragment  */
    QT_FILTER, /* type:, in:, author:, after:, before: (query/filter.h);
                  value is what follows, or the text of its quotes        */
    QT_LPAREN,
    QT_RPAREN,
    QT_PLUS,   /* '+' at the start of a token                               */
    QT_MINUS,  /* '-' at the start of a token                               */
    QT_AND,
    QT_OR,
    QT_NOT,
    QT_NEAR    /* NEAR or NEAR/n; distance holds n                          */
} qtoken_kind;

typedef struct qtoken {
    qtoken_kind kind;
    int column;         /* where the token starts (a field name, a quote...) */
    size_t start, end;  /* byte span of the whole token                      */
    size_t value_start; /* byte offset of the word / phrase text / fragment  */
    size_t value_len;   /* its length; a PREFIX word's '*'s are not included */
    int value_column;   /* column of value_start                             */
    shelf_field field;  /* WORD and PHRASE: SHELF_FIELD_TITLE after "title:" */
    bool is_prefix;     /* WORD ended in '*'                                 */
    int distance;       /* NEAR only                                         */
    shelf_filter_kind filter; /* FILTER only                                */
} qtoken;

typedef struct qlexer {
    qcursor cursor;
} qlexer;

void qlex_init(qlexer *lexer, const char *query, size_t length);

/* Read the next token into *token.  Returns SHELF_OK, or SHELF_EINVAL with
 * err filled and *err_column set (unclosed quote, empty phrase, empty field
 * value, a lone '*', a bad NEAR distance). */
int qlex_next(qlexer *lexer, qtoken *token, shelf_err *err, int *err_column);

#endif
