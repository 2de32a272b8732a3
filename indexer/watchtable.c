/* watchtable.c - watch descriptors and their folders; see watchtable.h. */
#include "watchtable.h"
#include "backend/path_under.h"

#include <stdlib.h>
#include <string.h>

/* The index of the first entry whose wd is >= wd. */
static size_t lower_bound(const watch_table *t, int wd)
{
    size_t lo = 0, hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->entries[mid].wd < wd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int watch_table_put(watch_table *t, int wd, const char *path, bool whole)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    size_t at = lower_bound(t, wd);
    if (at < t->count && t->entries[at].wd == wd) {
        free(t->entries[at].path);
        t->entries[at].path = copy;
        t->entries[at].whole = t->entries[at].whole || whole;
        return 0;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        watch_entry *e = realloc(t->entries, cap * sizeof *e);
        if (!e) {
            free(copy);
            return -1;
        }
        t->entries = e;
        t->cap = cap;
    }
    memmove(&t->entries[at + 1], &t->entries[at], (t->count - at) * sizeof *t->entries);
    t->entries[at] = (watch_entry){wd, copy, whole};
    t->count++;
    return 0;
}

const watch_entry *watch_table_find(const watch_table *t, int wd)
{
    size_t at = lower_bound(t, wd);
    return at < t->count && t->entries[at].wd == wd ? &t->entries[at] : NULL;
}

void watch_table_drop(watch_table *t, int wd)
{
    size_t at = lower_bound(t, wd);
    if (at == t->count || t->entries[at].wd != wd)
        return;
    free(t->entries[at].path);
    memmove(&t->entries[at], &t->entries[at + 1], (t->count - at - 1) * sizeof *t->entries);
    t->count--;
}

void watch_table_drop_under(watch_table *t, const char *path, void (*forget)(void *ctx, int wd),
                            void *ctx)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->count; i++) {
        watch_entry *e = &t->entries[i];
        if (shelf_path_under(e->path, path)) {
            if (forget)
                forget(ctx, e->wd);
            free(e->path);
        } else {
            t->entries[kept++] = *e;
        }
    }
    t->count = kept;
}

void watch_table_free(watch_table *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->entries[i].path);
    free(t->entries);
    memset(t, 0, sizeof *t);
}
