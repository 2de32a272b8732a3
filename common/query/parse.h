/*
 * parse.h - the query language, parsed into a tree of raw words.
 *
 * Parsing only looks at syntax; it does not fold or stem.  A later step
 * (query/compile) analyses each word with the index's analyzer.
 *
 * Grammar (operators are upper case; lower-case "and"/"or"/"not" are words):
 *
 *   query    := or_expr
 *   or_expr  := and_expr ( "OR" and_expr )*
 *   and_expr := not_expr ( "AND" not_expr )*
 *   not_expr := seq ( "NOT" seq )*          a NOT b  ==  a, and not b
 *   seq      := item item ...               implicit default operator
 *   item     := ["+"|"-"] atom
 *   atom     := word | word"*" | '"' words '"' | "(" query ")"
 *             | near | "title:" (word | word"*" | '"' words '"')
 *             | "path:" fragment | filter
 *   filter   := ("type:" | "in:" | "author:" | "after:" | "before:") value
 *   near     := word "NEAR/" n word ( "NEAR/" n word )*   ("NEAR" alone: n = 10)
 *
 * Precedence, tightest first: +/- and field prefixes, NEAR, the implicit
 * sequence, NOT, AND, OR.  The implicit sequence uses the default operator
 * (OR unless the caller asks for AND).  "+x" makes x required and "-x"
 * excludes x within its sequence.  A word is a run of characters other than
 * white space, '"', '(' and ')'; a '-' or '+' inside a word belongs to it.
 *
 * Filters (path: and those of filter.h) restrict, they never score.  In an
 * implicit sequence an unmarked filter is required, and the sequence's other
 * clauses keep their meaning among themselves: "a b type:pdf" is
 * (bool +type:"pdf" +(bool "a" "b")), the documents of a OR b that are PDFs,
 * never every PDF.  Joined by an explicit OR a filter is one alternative.
 *
 * Resulting tree: SHELF_Q_BOOL nodes whose children each carry an occur role
 * (MUST, SHOULD, MUST_NOT).  A BOOL with exactly one MUST or SHOULD child and
 * nothing else is replaced by that child.  A BOOL whose only clauses are
 * MUST_NOT is an error ("nothing to match"), as is any query that would
 * silently match nothing.
 *
 * Errors: unbalanced quote or parenthesis, an operator with a missing operand
 * (lone AND/OR/NOT/NEAR, "+" or "-" alone), an empty query or empty phrase,
 * a bad NEAR distance, an empty field value, and the limits: more than 64
 * levels of parentheses, more than SHELF_QUERY_MAX_WORDS words (each word of
 * a phrase or NEAR counts), a query longer than 256 KiB.  The parser returns NULL, sets
 * err (SHELF_EINVAL, a one-line message) and *err_column to the 1-based
 * column (in characters) where the problem is.
 */
#ifndef SHELF_QUERY_PARSE_H
#define SHELF_QUERY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "query/filter.h"
#include "util/error.h"

#define SHELF_NEAR_DEFAULT 10
#define SHELF_NEAR_MAX 1000
#define SHELF_QUERY_MAX_WORDS 1024

typedef enum shelf_qkind {
    SHELF_Q_TERM,   /* one word; text = the word as typed                  */
    SHELF_Q_PREFIX, /* word*; text = the word without the '*'             */
    SHELF_Q_PHRASE, /* "w1 w2 ..."; children are TERM nodes, in order      */
    SHELF_Q_NEAR,   /* w1 NEAR/n w2 ...; children TERM nodes; distance = n */
    SHELF_Q_BOOL,   /* children with occur roles                           */
    SHELF_Q_PATH,   /* path:fragment; text = fragment (a filter, unscored) */
    SHELF_Q_FILTER  /* type:, in:, ...; text = value, filter = its meaning  */
} shelf_qkind;

typedef enum shelf_occur {
    SHELF_OCCUR_SHOULD,  /* optional: scores if present               */
    SHELF_OCCUR_MUST,    /* required                                  */
    SHELF_OCCUR_MUST_NOT /* excluded                                  */
} shelf_occur;

typedef enum shelf_field {
    SHELF_FIELD_ALL,  /* title and body (the default) */
    SHELF_FIELD_TITLE /* title only                   */
} shelf_field;

typedef struct shelf_qnode {
    shelf_qkind kind;
    shelf_occur occur;   /* role within the parent BOOL; SHOULD at the root */
    shelf_field field;
    int distance;        /* NEAR only */
    int column;          /* 1-based character column where the node starts */
    char *text;          /* TERM, PREFIX, PATH, FILTER: owned, NUL-terminated */
    shelf_filter filter; /* FILTER only (query/filter.h) */
    struct shelf_qnode **children;
    size_t nchildren;
} shelf_qnode;

typedef struct shelf_parse_opts {
    bool default_and; /* implicit operator is AND instead of OR */
} shelf_parse_opts;

/* Parse a query.  Returns a tree owned by the caller (free with
 * shelf_query_free) or NULL with err and *err_column set. */
shelf_qnode *shelf_query_parse(const char *query, const shelf_parse_opts *opts,
                               shelf_err *err, int *err_column);

void shelf_query_free(shelf_qnode *node);

/* Canonical S-expression of a tree, for tests and --explain, e.g.
 *   (bool "nato" +"defence" -"cyber" (phrase "the" "alliance"))
 * Precisely: TERM -> "w"; PREFIX -> "w"*; PATH -> path:"frag";
 * FILTER -> type:"pdf" (the filter's name and its value as typed);
 * title field -> title:"w" / title:(phrase ...); PHRASE -> (phrase "a" "b");
 * NEAR -> (near/3 "a" "b"); BOOL -> (bool +"must" "should" -"mustnot") with
 * occur prefixes '+' and '-' on each child.  Returns the length written
 * (truncated to out_size - 1). */
size_t shelf_query_sexpr(const shelf_qnode *node, char *out, size_t out_size);

#endif
