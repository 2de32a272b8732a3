/*
 * analyzed.h - a document analysed ahead of indexing, so that analysis can
 * run on other threads than the one that owns the index writer
 * (`indexer --threads`).  It holds what the segment writer would otherwise
 * compute itself: each field's terms with positions, the body's checkpoints
 * (every 128th token's byte offset), the token ranges of its headings
 * (heading_spans.h) and the analysis counters.
 *
 * Token records in body/title: term_len:u8, term bytes, position:u32,
 * hash:u64 (the token's shelf_term_hash, so the writer thread never hashes a
 * term; host order, the buffer never leaves the process).
 *
 * Records in words: the body's folded, unstemmed words that the
 * written-words list keeps (shelf_word_listed), mostly once each (the
 * analyzer's word_met hint; the list's builder drops repeats): len:u8, word
 * bytes, hash:u64 (the word's shelf_term_hash).
 */
#ifndef SHELF_ANALYZED_H
#define SHELF_ANALYZED_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "backend/heading_spans.h"
#include "extract/layout.h"
#include "util/buf.h"

typedef struct shelf_analyzed {
    shelf_buf body, title;
    shelf_buf checkpoints; /* uint64_t offsets */
    shelf_buf headings;    /* the heading spans' stored form (heading_spans.h) */
    shelf_buf words;       /* the body's written words, each once (below) */
    shelf_span_builder spans; /* scratch, kept from one document to the next */
    uint32_t body_tokens, title_tokens;
    uint64_t invalid_bytes, cut_tokens;
} shelf_analyzed;

/* Analyse a document's text and title (replacing out's contents); layout
 * (may be NULL: plain text) says where the markup put headings
 * (extract/headings.h).  SHELF_OK or SHELF_ENOMEM. */
int shelf_analyze_document(shelf_analyzer *a, const char *text, size_t text_len, const char *title,
                           size_t title_len, const shelf_layout *layout, shelf_analyzed *out);
void shelf_analyzed_free(shelf_analyzed *d);

/* Walk one field's records: returns false at the end. */
typedef struct shelf_analyzed_cursor {
    const uint8_t *p, *end;
} shelf_analyzed_cursor;

/* (Inline: the index writer's thread calls it for every token.) */
static inline bool shelf_analyzed_next(shelf_analyzed_cursor *c, const uint8_t **term, size_t *len,
                                       uint32_t *position, uint64_t *hash)
{
    if (c->p >= c->end)
        return false;
    size_t n = *c->p++;
    *term = c->p;
    *len = n;
    c->p += n;
    memcpy(position, c->p, sizeof *position);
    c->p += sizeof *position;
    memcpy(hash, c->p, sizeof *hash);
    c->p += sizeof *hash;
    return true;
}

/* Walk the words records. */
static inline bool shelf_analyzed_next_word(shelf_analyzed_cursor *c, const uint8_t **word,
                                            size_t *len, uint64_t *hash)
{
    if (c->p >= c->end)
        return false;
    size_t n = *c->p++;
    *word = c->p;
    *len = n;
    c->p += n;
    memcpy(hash, c->p, sizeof *hash);
    c->p += sizeof *hash;
    return true;
}

#endif
