/*
 * parse_sexpr.c - shelf_query_sexpr: the canonical S-expression of a query
 * tree (format in parse.h), used by tests and --explain.
 *
 * Invariants: never writes more than out_size bytes; when out_size > 0 the
 * output is always NUL-terminated, truncated if need be.  Quoted text
 * escapes '"' and '\' with a backslash so the output stays unambiguous
 * (the parser never produces '"' inside a word, but callers may build trees
 * by hand).  Children of PHRASE and NEAR nodes are printed as bare quoted
 * words: their field and occur are implied by the parent.
 */
#include "query/parse.h"

#include <stdio.h>
#include <string.h>

typedef struct sexpr_out {
    char *out;
    size_t size;
    size_t len; /* bytes written, <= size - 1 when size > 0 */
} sexpr_out;

static void put_char(sexpr_out *o, char ch)
{
    if (o->len + 1 >= o->size)
        return;
    o->out[o->len++] = ch;
    o->out[o->len] = '\0';
}

static void put_str(sexpr_out *o, const char *s)
{
    for (; *s; s++)
        put_char(o, *s);
}

static void put_quoted(sexpr_out *o, const char *text)
{
    put_char(o, '"');
    for (const char *p = text ? text : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            put_char(o, '\\');
        put_char(o, *p);
    }
    put_char(o, '"');
}

static void put_occur(sexpr_out *o, shelf_occur occur)
{
    if (occur == SHELF_OCCUR_MUST)
        put_char(o, '+');
    else if (occur == SHELF_OCCUR_MUST_NOT)
        put_char(o, '-');
}

static void put_field(sexpr_out *o, const shelf_qnode *node)
{
    if (node->field == SHELF_FIELD_TITLE)
        put_str(o, "title:");
}

/* "(head" then each child as a bare quoted word, then ")". */
static void put_word_list(sexpr_out *o, const char *head, const shelf_qnode *node)
{
    put_char(o, '(');
    put_str(o, head);
    for (size_t i = 0; i < node->nchildren; i++) {
        put_char(o, ' ');
        put_quoted(o, node->children[i]->text);
    }
    put_char(o, ')');
}

static void put_node(sexpr_out *o, const shelf_qnode *node);

static void put_bool(sexpr_out *o, const shelf_qnode *node)
{
    put_str(o, "(bool");
    for (size_t i = 0; i < node->nchildren; i++) {
        put_char(o, ' ');
        put_occur(o, node->children[i]->occur);
        put_node(o, node->children[i]);
    }
    put_char(o, ')');
}

static void put_node(sexpr_out *o, const shelf_qnode *node)
{
    char head[32];
    switch (node->kind) {
    case SHELF_Q_TERM:
        put_field(o, node);
        put_quoted(o, node->text);
        break;
    case SHELF_Q_PREFIX:
        put_field(o, node);
        put_quoted(o, node->text);
        put_char(o, '*');
        break;
    case SHELF_Q_PATH:
        put_str(o, "path:");
        put_quoted(o, node->text);
        break;
    case SHELF_Q_FILTER:
        put_str(o, shelf_filter_name(node->filter.kind));
        put_char(o, ':');
        put_quoted(o, node->text);
        break;
    case SHELF_Q_PHRASE:
        put_field(o, node);
        put_word_list(o, "phrase", node);
        break;
    case SHELF_Q_NEAR:
        snprintf(head, sizeof head, "near/%d", node->distance);
        put_word_list(o, head, node);
        break;
    case SHELF_Q_BOOL:
        put_bool(o, node);
        break;
    }
}

size_t shelf_query_sexpr(const shelf_qnode *node, char *out, size_t out_size)
{
    sexpr_out o = {out, out_size, 0};
    if (out_size == 0)
        return 0;
    out[0] = '\0';
    if (node)
        put_node(&o, node);
    return o.len;
}
