/*
 * arena.h - a bump allocator over a chain of equal-sized blocks, for many
 * small records that all die together (the inverter's term table and
 * postings between two spills).
 *
 * Invariants:
 *   - Every allocation is 8-byte aligned and at most block_size - 16 bytes.
 *   - Nothing is freed alone: shelf_arena_reset makes the blocks reusable,
 *     keeping as many as a given number of bytes (so a refill after a spill
 *     maps little) and unmapping the rest; shelf_arena_free unmaps them all.
 *   - Blocks are mapped straight from the kernel (mmap), not malloc'd, so an
 *     unmapped block leaves the process's resident memory at once instead of
 *     staying in the allocator's heap.
 *   - shelf_arena_used counts whole blocks handed out since the last reset
 *     (the memory the records really occupy, waste included); the blocks
 *     held are never more than the most ever used at once.
 *   - shelf_arena_mapped counts every block held, in use or kept for reuse
 *     (each has been written to, so all of it is resident);
 *     shelf_arena_trim gives back kept blocks not in use, so a caller whose
 *     share of memory shrinks between two resets is not left holding the
 *     blocks of the larger share.
 */
#ifndef SHELF_ARENA_H
#define SHELF_ARENA_H

#include <stddef.h>

typedef struct shelf_arena_block shelf_arena_block;

typedef struct shelf_arena {
    shelf_arena_block *first;   /* the chain of blocks, oldest first */
    shelf_arena_block *current; /* the block being filled (NULL: none yet) */
    size_t offset;              /* bytes of current already handed out */
    size_t block_size;
    size_t used;                /* bytes of the blocks handed out since reset */
    size_t mapped;              /* bytes of all the blocks held (used <= mapped) */
} shelf_arena;

/* An empty arena of blocks of block_size bytes (a multiple of the page
 * size). */
void shelf_arena_init(shelf_arena *a, size_t block_size);
/* n bytes (n <= block_size - 16), 8-byte aligned, uninitialised; NULL when
 * out of memory. */
void *shelf_arena_alloc(shelf_arena *a, size_t n);
/* The largest n shelf_arena_alloc accepts. */
size_t shelf_arena_max_alloc(const shelf_arena *a);
size_t shelf_arena_used(const shelf_arena *a);
size_t shelf_arena_mapped(const shelf_arena *a);
/* Make every block reusable, keeping the first keep_bytes of them. */
void shelf_arena_reset(shelf_arena *a, size_t keep_bytes);
/* Unmap blocks not in use (kept by a reset, not yet handed out again) until
 * at most keep_bytes are held, or only the blocks in use; cheap when nothing
 * is to be given back. */
void shelf_arena_trim(shelf_arena *a, size_t keep_bytes);
void shelf_arena_free(shelf_arena *a);

#endif
