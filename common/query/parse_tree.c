/*
 * parse_tree.c - node construction, BOOL normalisation and shelf_query_free;
 * see parse_tree.h.
 *
 * Children arrays grow in powers of two: an array holding n > 0 children has
 * room for children_capacity(n) entries.  Every function here keeps that
 * invariant, so qnode_add_child never needs a separate capacity field.
 *
 * Splicing rules (qbool_finish).  A child C that is itself a BOOL is replaced
 * by its own clauses, keeping their roles, when one of these holds:
 *   1. C is SHOULD and all of C's clauses are SHOULD: an OR inside an OR
 *      ("a OR (b OR c)" -> a b c), and an optional OR inside a required
 *      context stays optional clause by clause;
 *   2. C is MUST and has no SHOULD clause, and either C has a MUST clause or
 *      the parent has another MUST clause: an AND inside an AND
 *      ("(a AND b) AND c" -> +a +b +c).  The second case makes "a AND -b"
 *      mean a AND NOT b;
 *   3. C is the parent's only MUST or SHOULD clause (the others exclude):
 *      the parent is then "C, minus the exclusions", which is C's clauses
 *      plus those exclusions ("(a b) NOT c" -> a b -c).
 * MUST_NOT children are never spliced (NOT (a OR b) is not NOT a OR NOT b).
 * Passes repeat until nothing changes, since spliced clauses may qualify in
 * their new parent.
 */
#include "query/parse_tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

shelf_qnode *qnode_new(shelf_qkind kind, int column)
{
    shelf_qnode *node = calloc(1, sizeof *node);
    if (!node)
        return NULL;
    node->kind = kind;
    node->occur = SHELF_OCCUR_SHOULD;
    node->field = SHELF_FIELD_ALL;
    node->column = column;
    return node;
}

shelf_qnode *qnode_new_text(shelf_qkind kind, int column, const char *text, size_t len)
{
    shelf_qnode *node = qnode_new(kind, column);
    if (!node)
        return NULL;
    node->text = malloc(len + 1);
    if (!node->text) {
        free(node);
        return NULL;
    }
    memcpy(node->text, text, len);
    node->text[len] = '\0';
    return node;
}

void shelf_query_free(shelf_qnode *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->nchildren; i++)
        shelf_query_free(node->children[i]);
    free(node->children);
    free(node->text);
    free(node);
}

/* Room allocated for n children: 0, or the smallest power of two >= max(n, 4). */
static size_t children_capacity(size_t n)
{
    if (n == 0)
        return 0;
    size_t capacity = 4;
    while (capacity < n)
        capacity *= 2;
    return capacity;
}

int qnode_add_child(shelf_qnode *parent, shelf_qnode *child, shelf_occur occur)
{
    size_t n = parent->nchildren;
    if (n == children_capacity(n)) {
        size_t grown = children_capacity(n + 1);
        if (grown > SIZE_MAX / sizeof *parent->children)
            return SHELF_ENOMEM;
        shelf_qnode **children = realloc(parent->children, grown * sizeof *children);
        if (!children)
            return SHELF_ENOMEM;
        parent->children = children;
    }
    child->occur = occur;
    parent->children[n] = child;
    parent->nchildren = n + 1;
    return SHELF_OK;
}

/* ---- normalisation ------------------------------------------------------ */

typedef struct clause_counts {
    size_t must, should, must_not;
} clause_counts;

static clause_counts count_clauses(const shelf_qnode *node)
{
    clause_counts counts = {0, 0, 0};
    for (size_t i = 0; i < node->nchildren; i++) {
        switch (node->children[i]->occur) {
        case SHELF_OCCUR_MUST:
            counts.must++;
            break;
        case SHELF_OCCUR_SHOULD:
            counts.should++;
            break;
        case SHELF_OCCUR_MUST_NOT:
            counts.must_not++;
            break;
        }
    }
    return counts;
}

/* The three rules of the file comment; parent holds the parent's counts. */
static bool should_splice(const clause_counts *parent, const shelf_qnode *child)
{
    if (child->kind != SHELF_Q_BOOL || child->occur == SHELF_OCCUR_MUST_NOT)
        return false;
    if (parent->must + parent->should == 1)
        return true;
    clause_counts own = count_clauses(child);
    if (child->occur == SHELF_OCCUR_SHOULD)
        return own.must == 0 && own.must_not == 0;
    return own.should == 0 && (own.must > 0 || parent->must > 1);
}

/* Frees a BOOL whose children have been moved elsewhere. */
static void free_shell(shelf_qnode *node)
{
    free(node->children);
    free(node->text);
    free(node);
}

/* One splicing pass; sets *changed when something was spliced. */
static int splice_pass(shelf_qnode *node, bool *changed)
{
    clause_counts counts = count_clauses(node);
    size_t total = 0;
    *changed = false;
    for (size_t i = 0; i < node->nchildren; i++) {
        bool splice = should_splice(&counts, node->children[i]);
        total += splice ? node->children[i]->nchildren : 1;
        *changed = *changed || splice;
    }
    if (!*changed)
        return SHELF_OK;
    size_t capacity = children_capacity(total);
    if (capacity == 0 || capacity > SIZE_MAX / sizeof(shelf_qnode *)) {
        *changed = false;
        return capacity == 0 ? SHELF_OK : SHELF_ENOMEM;
    }
    shelf_qnode **merged = malloc(capacity * sizeof *merged);
    if (!merged) {
        *changed = false;
        return SHELF_ENOMEM;
    }
    size_t out = 0;
    for (size_t i = 0; i < node->nchildren; i++) {
        shelf_qnode *child = node->children[i];
        if (!should_splice(&counts, child)) {
            merged[out++] = child;
            continue;
        }
        memcpy(merged + out, child->children, child->nchildren * sizeof *merged);
        out += child->nchildren;
        free_shell(child);
    }
    free(node->children);
    node->children = merged;
    node->nchildren = out;
    return SHELF_OK;
}

shelf_qnode *qbool_finish(shelf_qnode *node, int *status)
{
    bool changed = true;
    *status = SHELF_OK;
    while (changed) {
        *status = splice_pass(node, &changed);
        if (*status != SHELF_OK)
            return node;
    }
    if (node->nchildren != 1 || node->children[0]->occur == SHELF_OCCUR_MUST_NOT)
        return node;
    shelf_qnode *only = node->children[0];
    free_shell(node);
    return only;
}

const shelf_qnode *qtree_find_only_excluding(const shelf_qnode *node)
{
    if (node->kind != SHELF_Q_BOOL)
        return NULL;
    clause_counts counts = count_clauses(node);
    if (counts.must + counts.should == 0)
        return node;
    for (size_t i = 0; i < node->nchildren; i++) {
        const shelf_qnode *found = qtree_find_only_excluding(node->children[i]);
        if (found)
            return found;
    }
    return NULL;
}
