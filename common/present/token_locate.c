/* token_locate.c - a token's bytes from its position; see token_locate.h. */
#include "present/token_locate.h"
#include "backend/native/format.h" /* SHELF_CHECKPOINT_EVERY */

void shelf_token_locator_init(shelf_token_locator *l, shelf_analyzer *a, const char *text,
                              size_t len, const uint64_t *checkpoints, size_t checkpoint_count)
{
    *l = (shelf_token_locator){.a = a,
                               .text = text,
                               .len = len,
                               .checkpoints = checkpoints,
                               .checkpoint_count = checkpoint_count};
}

static uint32_t current_pos(const shelf_token_locator *l)
{
    return l->base_pos + l->tok.position;
}

static void restart_at(shelf_token_locator *l, size_t checkpoint)
{
    l->base = (size_t)l->checkpoints[checkpoint];
    l->base_pos = (uint32_t)(checkpoint * SHELF_CHECKPOINT_EVERY);
    shelf_tokens_begin(&l->it, l->a, l->text + l->base, l->len - l->base);
    l->have = false;
}

bool shelf_token_locate(shelf_token_locator *l, uint32_t pos, size_t *start, size_t *end)
{
    size_t checkpoint = pos / SHELF_CHECKPOINT_EVERY;
    if (checkpoint >= l->checkpoint_count || l->checkpoints[checkpoint] > l->len)
        return false;
    if (!l->have || current_pos(l) > pos || current_pos(l) / SHELF_CHECKPOINT_EVERY < checkpoint)
        restart_at(l, checkpoint);
    while (!l->have || current_pos(l) < pos) {
        if (!shelf_tokens_next(&l->it, &l->tok))
            return false;
        l->have = true;
    }
    if (current_pos(l) != pos)
        return false;
    *start = l->base + l->tok.start;
    *end = l->base + l->tok.end;
    return true;
}
