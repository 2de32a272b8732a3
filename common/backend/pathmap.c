/* pathmap.c - live documents by path; see pathmap.h. */
#include "backend/pathmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* What malloc takes for n bytes (glibc: 8-byte header, 16-byte granules). */
static size_t heap_bytes(size_t n)
{
    size_t chunk = (n + 8 + 15) & ~(size_t)15;
    return chunk < 32 ? 32 : chunk;
}

/* The slot array counts twice: when it doubles, the old and the new one are
 * held at once. */
size_t shelf_pathmap_memory(const shelf_pathmap *m)
{
    return 2 * m->slot_count * sizeof *m->slots + m->path_bytes;
}

static int grow(shelf_pathmap *m)
{
    size_t count = m->slot_count ? m->slot_count * 2 : 1024;
    shelf_pathentry *slots = calloc(count, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->slot_count; i++) {
        shelf_pathentry *e = &m->slots[i];
        if (!e->path)
            continue;
        size_t j = (size_t)e->hash & (count - 1);
        while (slots[j].path)
            j = (j + 1) & (count - 1);
        slots[j] = *e;
    }
    free(m->slots);
    m->slots = slots;
    m->slot_count = count;
    return 0;
}

static shelf_pathentry *slot_for(shelf_pathmap *m, const char *path, uint64_t hash)
{
    size_t mask = m->slot_count - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        shelf_pathentry *e = &m->slots[i];
        if (!e->path || (e->hash == hash && strcmp(e->path, path) == 0))
            return e;
    }
}

shelf_pathentry *shelf_pathmap_find(shelf_pathmap *m, const char *path)
{
    if (m->slot_count == 0)
        return NULL;
    shelf_pathentry *e = slot_for(m, path, XXH3_64bits(path, strlen(path)));
    return e->path ? e : NULL;
}

shelf_pathentry *shelf_pathmap_put(shelf_pathmap *m, const char *path, uint32_t segment, uint32_t doc)
{
    if ((m->used + 1) * 2 > m->slot_count && grow(m) != 0)
        return NULL;
    uint64_t hash = XXH3_64bits(path, strlen(path));
    shelf_pathentry *e = slot_for(m, path, hash);
    if (!e->path) {
        if (!(e->path = strdup(path)))
            return NULL;
        e->hash = hash;
        m->used++;
        m->path_bytes += heap_bytes(strlen(path) + 1);
    }
    e->segment = segment;
    e->doc = doc;
    e->live = 1;
    return e;
}

void shelf_pathmap_free(shelf_pathmap *m)
{
    for (size_t i = 0; i < m->slot_count; i++)
        free(m->slots[i].path);
    free(m->slots);
    memset(m, 0, sizeof *m);
}
