/* changeset.c - the paths a watch batch looks at; see changeset.h. */
#include "changeset.h"
#include "backend/path_under.h"

#include <stdlib.h>
#include <string.h>

int changeset_add(changeset *cs, const char *path)
{
    if (cs->count == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 64;
        char **p = realloc(cs->paths, cap * sizeof *p);
        if (!p)
            return -1;
        cs->paths = p;
        cs->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    cs->paths[cs->count++] = copy;
    return 0;
}

bool changeset_empty(const changeset *cs)
{
    return cs->count == 0 && !cs->rescan;
}

/* Byte order with '/' before every other byte, so that the paths under a
 * folder directly follow it ("a", "a/b", "a-c" rather than "a", "a-c",
 * "a/b"). */
static int slash_first(const void *pa, const void *pb)
{
    const unsigned char *a = *(const unsigned char *const *)pa;
    const unsigned char *b = *(const unsigned char *const *)pb;
    for (; *a && *a == *b; a++, b++)
        ;
    int ka = *a == '/' ? 1 : *a == 0 ? 0 : *a + 1;
    int kb = *b == '/' ? 1 : *b == 0 ? 0 : *b + 1;
    return ka - kb;
}

void changeset_reduce(changeset *cs)
{
    if (cs->count < 2)
        return;
    qsort(cs->paths, cs->count, sizeof *cs->paths, slash_first);
    size_t kept = 1;
    for (size_t i = 1; i < cs->count; i++) {
        if (shelf_path_under(cs->paths[i], cs->paths[kept - 1]))
            free(cs->paths[i]);
        else
            cs->paths[kept++] = cs->paths[i];
    }
    cs->count = kept;
}

void changeset_clear(changeset *cs)
{
    for (size_t i = 0; i < cs->count; i++)
        free(cs->paths[i]);
    cs->count = 0;
    cs->rescan = false;
}

void changeset_free(changeset *cs)
{
    changeset_clear(cs);
    free(cs->paths);
    memset(cs, 0, sizeof *cs);
}
