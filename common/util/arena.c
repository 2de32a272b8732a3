/* arena.c - bump allocation over reusable blocks; see arena.h. */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

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
        void *block = mmap(NULL, a->block_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
        if (block == MAP_FAILED)
            return -1;
        next = block;
        next->next = NULL;
        a->mapped += a->block_size;
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

size_t shelf_arena_mapped(const shelf_arena *a)
{
    return a->mapped;
}

/* Unmap the chain from b on; returns the bytes given back. */
static size_t unmap_chain(shelf_arena_block *b, size_t block_size)
{
    size_t bytes = 0;
    for (shelf_arena_block *next; b; b = next) {
        next = b->next;
        munmap(b, block_size);
        bytes += block_size;
    }
    return bytes;
}

void shelf_arena_reset(shelf_arena *a, size_t keep_bytes)
{
    shelf_arena_block *last_kept = NULL, *b = a->first;
    for (size_t kept = 0; b && kept + a->block_size <= keep_bytes; kept += a->block_size) {
        last_kept = b;
        b = b->next;
    }
    a->mapped -= unmap_chain(b, a->block_size);
    if (last_kept)
        last_kept->next = NULL;
    else
        a->first = NULL;
    a->current = NULL;
    a->offset = 0;
    a->used = 0;
}

void shelf_arena_trim(shelf_arena *a, size_t keep_bytes)
{
    if (a->mapped <= keep_bytes || a->mapped == a->used)
        return;
    /* the blocks in use are first .. current: used bytes of them */
    shelf_arena_block **link = a->current ? &a->current->next : &a->first;
    for (size_t held = a->used; *link && held + a->block_size <= keep_bytes; held += a->block_size)
        link = &(*link)->next;
    a->mapped -= unmap_chain(*link, a->block_size);
    *link = NULL;
}

void shelf_arena_free(shelf_arena *a)
{
    unmap_chain(a->first, a->block_size);
    shelf_arena_init(a, a->block_size);
}
