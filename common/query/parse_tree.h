/*
 * parse_tree.h - building and normalising shelf_qnode trees (private to
 * common/query; used by parse.c).
 *
 * Ownership: a node owns its text and its children.  qnode_add_child takes
 * the child only when it succeeds; on failure the caller still owns it.
 *
 * Normalisation (qbool_finish) keeps the meaning of the query while removing
 * needless nesting, under the usual boolean-query semantics: a BOOL with at
 * least one MUST clause needs all its MUST clauses and treats SHOULD clauses
 * as optional (they only score); a BOOL without MUST needs at least one of
 * its SHOULD clauses; MUST_NOT clauses exclude.  See parse_tree.c for the
 * exact splicing rules.
 */
#ifndef SHELF_QUERY_PARSE_TREE_H
#define SHELF_QUERY_PARSE_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "query/parse.h"

/* A zeroed node (field ALL, occur SHOULD), or NULL when out of memory. */
shelf_qnode *qnode_new(shelf_qkind kind, int column);
/* Same, with an owned copy of text[0..len). */
shelf_qnode *qnode_new_text(shelf_qkind kind, int column, const char *text, size_t len);

/* Append child with the given occur role.  SHELF_OK or SHELF_ENOMEM. */
int qnode_add_child(shelf_qnode *parent, shelf_qnode *child, shelf_occur occur);

/* Normalise a BOOL whose children are all added: splice children BOOLs
 * whose clauses can join the parent's, then, if a single MUST or SHOULD
 * child is left, return that child and free the BOOL.  Returns the node to
 * use in place of `node`; on SHELF_ENOMEM sets *status and returns `node`
 * unchanged. */
shelf_qnode *qbool_finish(shelf_qnode *node, int *status);

/* First BOOL in the tree (preorder) with no MUST or SHOULD clause, or NULL. */
const shelf_qnode *qtree_find_only_excluding(const shelf_qnode *node);

#endif
