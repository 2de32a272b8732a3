/* pathmap.c - live documents by path; see pathmap.h. */
#include "backend/pathmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

enum {
    CHUNK_ENTRIES = 1 << 16,     /* entries per chunk (1.5 MiB) */
    PATH_BLOCK = 1 << 20,        /* arena block for the paths */
    FIRST_SLOTS = 1024,
};

size_t shelf_pathmap_memory(const shelf_pathmap *m)
{
    return 2 * m->slot_count * sizeof *m->slots + m->chunk_count * sizeof *m->chunks +
           m->chunk_count * (size_t)CHUNK_ENTRIES * sizeof(shelf_pathentry) + shelf_arena_used(&m->paths);
}

size_t shelf_pathmap_count(const shelf_pathmap *m)
{
    return m->used;
}

shelf_pathentry *shelf_pathmap_entry(shelf_pathmap *m, size_t i)
{
    return &m->chunks[i / CHUNK_ENTRIES][i % CHUNK_ENTRIES];
}

static uint32_t path_hash(const char *path, size_t len)
{
    return (uint32_t)XXH3_64bits(path, len);
}

/* Double the hash table (or make the first one) and re-slot every entry. */
static int grow_slots(shelf_pathmap *m)
{
    size_t count = m->slot_count ? m->slot_count * 2 : FIRST_SLOTS;
    if (count > (size_t)UINT32_MAX + 1)
        return -1;
    uint32_t *slots = calloc(count, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->used; i++) {
        size_t j = shelf_pathmap_entry(m, i)->hash & (count - 1);
        while (slots[j])
            j = (j + 1) & (count - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->slot_count = count;
    return 0;
}

/* The slot holding path, or the empty slot where it would go. */
static uint32_t *slot_for(shelf_pathmap *m, const char *path, uint32_t hash)
{
    size_t mask = m->slot_count - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t *slot = &m->slots[i];
        if (!*slot)
            return slot;
        const shelf_pathentry *e = shelf_pathmap_entry(m, *slot - 1);
        if (e->hash == hash && strcmp(e->path, path) == 0)
            return slot;
    }
}

shelf_pathentry *shelf_pathmap_find(shelf_pathmap *m, const char *path)
{
    if (m->slot_count == 0)
        return NULL;
    uint32_t *slot = slot_for(m, path, path_hash(path, strlen(path)));
    return *slot ? shelf_pathmap_entry(m, *slot - 1) : NULL;
}

/* A new entry at the end, its chunk made if needed; NULL on ENOMEM. */
static shelf_pathentry *new_entry(shelf_pathmap *m)
{
    if (m->used >= UINT32_MAX - 1)
        return NULL;
    if (m->used == m->chunk_count * CHUNK_ENTRIES) {
        shelf_pathentry **chunks = realloc(m->chunks, (m->chunk_count + 1) * sizeof *chunks);
        if (!chunks)
            return NULL;
        m->chunks = chunks;
        if (!(chunks[m->chunk_count] = malloc(CHUNK_ENTRIES * sizeof(shelf_pathentry))))
            return NULL;
        m->chunk_count++;
    }
    return shelf_pathmap_entry(m, m->used);
}

static shelf_pathentry *insert(shelf_pathmap *m, uint32_t *slot, const char *path, size_t len,
                               uint32_t hash)
{
    if (m->paths.block_size == 0)
        shelf_arena_init(&m->paths, PATH_BLOCK);
    if (len + 1 > shelf_arena_max_alloc(&m->paths))
        return NULL;
    shelf_pathentry *e = new_entry(m);
    char *copy = e ? shelf_arena_alloc(&m->paths, len + 1) : NULL;
    if (!copy)
        return NULL;
    memcpy(copy, path, len + 1);
    *e = (shelf_pathentry){.path = copy, .hash = hash};
    *slot = (uint32_t)(++m->used);
    return e;
}

shelf_pathentry *shelf_pathmap_put(shelf_pathmap *m, const char *path, uint32_t segment, uint32_t doc)
{
    if ((m->used + 1) * 2 > m->slot_count && grow_slots(m) != 0)
        return NULL;
    size_t len = strlen(path);
    uint32_t hash = path_hash(path, len);
    uint32_t *slot = slot_for(m, path, hash);
    shelf_pathentry *e = *slot ? shelf_pathmap_entry(m, *slot - 1) : insert(m, slot, path, len, hash);
    if (!e)
        return NULL;
    e->segment = segment;
    e->doc = doc;
    e->live = 1;
    return e;
}

void shelf_pathmap_free(shelf_pathmap *m)
{
    for (size_t i = 0; i < m->chunk_count; i++)
        free(m->chunks[i]);
    free(m->chunks);
    free(m->slots);
    if (m->paths.block_size)
        shelf_arena_free(&m->paths);
    memset(m, 0, sizeof *m);
}
