/* strintern.c - the set of distinct strings; see strintern.h. */
#include "util/strintern.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

const char *shelf_strintern_get(const shelf_strintern *t, uint32_t id)
{
    return t->block + t->at[id];
}

static int grow_slots(shelf_strintern *t)
{
    size_t cap = t->slot_cap ? t->slot_cap * 2 : 256;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return SHELF_ENOMEM;
    for (size_t i = 0; i < t->slot_cap; i++) {
        if (!t->slots[i])
            continue;
        const char *s = shelf_strintern_get(t, t->slots[i] - 1);
        size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = slots;
    t->slot_cap = cap;
    return SHELF_OK;
}

static int push(shelf_strintern *t, const char *s, size_t n, uint32_t *id)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (t->len + n + 1 > cap)
            cap *= 2;
        if (cap > UINT32_MAX)
            return SHELF_ENOMEM;
        char *grown = realloc(t->block, cap);
        if (!grown)
            return SHELF_ENOMEM;
        t->block = grown;
        t->cap = cap;
    }
    if (t->count == t->at_cap) {
        uint32_t cap = t->at_cap ? t->at_cap * 2 : 64;
        uint32_t *grown = realloc(t->at, cap * sizeof *grown);
        if (!grown)
            return SHELF_ENOMEM;
        t->at = grown;
        t->at_cap = cap;
    }
    t->at[t->count] = (uint32_t)t->len;
    memcpy(t->block + t->len, s, n);
    t->block[t->len + n] = '\0';
    t->len += n + 1;
    *id = t->count++;
    return SHELF_OK;
}

int shelf_strintern_add(shelf_strintern *t, const char *s, size_t n, uint32_t *id)
{
    if (((size_t)t->count + 1) * 2 > t->slot_cap && grow_slots(t) != SHELF_OK)
        return SHELF_ENOMEM;
    size_t j = hash_bytes(s, n) & (t->slot_cap - 1);
    for (; t->slots[j]; j = (j + 1) & (t->slot_cap - 1)) {
        const char *have = shelf_strintern_get(t, t->slots[j] - 1);
        if (strncmp(have, s, n) == 0 && have[n] == '\0') {
            *id = t->slots[j] - 1;
            return SHELF_OK;
        }
    }
    if (push(t, s, n, id) != SHELF_OK)
        return SHELF_ENOMEM;
    t->slots[j] = *id + 1;
    return SHELF_OK;
}

size_t shelf_strintern_bytes(const shelf_strintern *t)
{
    return t->cap + (size_t)t->at_cap * sizeof *t->at + t->slot_cap * sizeof *t->slots;
}

void shelf_strintern_free(shelf_strintern *t)
{
    free(t->block);
    free(t->at);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
