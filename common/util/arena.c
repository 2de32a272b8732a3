/* arena.c - bump allocation over reusable blocks; see arena.h. */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>

#define BLOCK_HEADER 16 /* the block's link, rounded up to keep data aligned */

struct shelf_arena_block {
    shelf_arena_block *next;
    uint8_t pad[BLOCK_HEADER - sizeof(shelf_arena_block *)];
    uint8_t data[];
};

void shelf_arena_init(shelf_arena *a, size_t block_size)
{
    *a = (shelf_arena){.block_size = block_size};
}

size_t shelf_arena_max_alloc(const shelf_arena *a)
{
    return a->block_size - BLOCK_HEADER;
}

/* Move to the next block of the chain, making one when there is none. */
static int next_block(shelf_arena *a)
{
    shelf_arena_block *next = a->current ? a->current->next : a->first;
    if (!next) {
        next = malloc(a->block_size);
        if (!next)
            return -1;
        next->next = NULL;
        if (a->current)
            a->current->next = next;
        else
            a->first = next;
    }
    a->current = next;
    a->offset = 0;
    a->used += a->block_size;
    return 0;
}

void *shelf_arena_alloc(shelf_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n > shelf_arena_max_alloc(a))
        return NULL;
    if ((!a->current || a->offset + n > shelf_arena_max_alloc(a)) && next_block(a) != 0)
        return NULL;
    void *p = a->current->data + a->offset;
    a->offset += n;
    return p;
}

size_t shelf_arena_used(const shelf_arena *a)
{
    return a->used;
}

void shelf_arena_reset(shelf_arena *a)
{
    a->current = NULL;
    a->offset = 0;
    a->used = 0;
}

void shelf_arena_free(shelf_arena *a)
{
    for (shelf_arena_block *b = a->first, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    shelf_arena_init(a, a->block_size);
}
