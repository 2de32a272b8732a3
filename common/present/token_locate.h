/*
 * token_locate.h - the bytes of a token, given its position, in a stored
 * text with token checkpoints (FORMAT.md, ".store": the byte offset of
 * every SHELF_CHECKPOINT_EVERY-th body token).  Tokenising starts at the
 * checkpoint at or before the position and goes on from where the last
 * lookup left off when the next position is further on in the same
 * stretch, so positions asked for in increasing order cost one pass.
 *
 * A position the text does not reach, or a checkpoint beyond the text's
 * end (a damaged store), gives false, never a read past the text.
 */
#ifndef SHELF_TOKEN_LOCATE_H
#define SHELF_TOKEN_LOCATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"

typedef struct shelf_token_locator {
    shelf_analyzer *a;
    const char *text;
    size_t len;
    const uint64_t *checkpoints;
    size_t checkpoint_count;
    shelf_token_iter it;
    shelf_token tok;
    size_t base;       /* byte offset the iterator started at */
    uint32_t base_pos; /* the position of its first token */
    bool have;         /* tok holds a token */
} shelf_token_locator;

void shelf_token_locator_init(shelf_token_locator *l, shelf_analyzer *a, const char *text,
                              size_t len, const uint64_t *checkpoints, size_t checkpoint_count);

/* [*start, *end): the bytes of the token at position pos; false when the
 * text has no such token. */
bool shelf_token_locate(shelf_token_locator *l, uint32_t pos, size_t *start, size_t *end);

#endif
