/*
 * snippets.h - one call from a hit to its passages: fetch the stored text and
 * checkpoints, find the match spans (spans.h), pick and locate passages
 * (passage.h).  The caller keeps the text buffer to print passage bytes.
 * The passage options' deadline covers every step (SHELF_ETIMEOUT past it).
 */
#ifndef SHELF_SNIPPETS_H
#define SHELF_SNIPPETS_H

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "backend/native/index.h"
#include "present/passage.h"
#include "query/plan.h"
#include "query/search.h"
#include "util/buf.h"

/* layout (may be NULL) receives the document's pages and headings. */
int shelf_snippets_for_engine_hit(shelf_engine *e, const shelf_hit *hit, const shelf_plan *plan,
                                  shelf_analyzer *a, const shelf_passage_opts *o, shelf_buf *text,
                                  shelf_layout *layout, shelf_passages *out, shelf_err *err);

/* The same over an open native index. */
int shelf_snippets_for_hit(const shelf_index *idx, const shelf_hit *hit, const shelf_plan *plan,
                           shelf_analyzer *a, const shelf_passage_opts *o, shelf_buf *text,
                           shelf_passages *out, shelf_err *err);

#endif
