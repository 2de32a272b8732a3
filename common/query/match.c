/* match.c - phrase and NEAR matching over position lists; see match.h. */
#include "query/match.h"

#include <stdlib.h>

typedef struct tagged {
    uint32_t pos;
    uint32_t word;
} tagged;

uint32_t shelf_match_phrase(const shelf_word_positions *words, size_t n, shelf_match_fn fn, void *ctx)
{
    uint32_t *cursor = calloc(n, sizeof *cursor);
    uint32_t *members = malloc(n * sizeof *members);
    uint32_t count = 0;
    if (!cursor || !members) {
        free(cursor);
        free(members);
        return UINT32_MAX;
    }
    for (uint32_t a = 0; a < words[0].len; a++) {
        uint32_t p = words[0].at[a];
        size_t i = 1;
        members[0] = p;
        for (; i < n; i++) {
            uint64_t want = (uint64_t)p + i;
            while (cursor[i] < words[i].len && words[i].at[cursor[i]] < want)
                cursor[i]++;
            if (cursor[i] == words[i].len || words[i].at[cursor[i]] != want)
                break;
            members[i] = (uint32_t)want;
        }
        if (i == n) {
            count++;
            if (fn)
                fn(ctx, members, n);
        }
    }
    free(cursor);
    free(members);
    return count;
}

static int by_position(const void *a, const void *b)
{
    const tagged *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->word < y->word ? -1 : x->word > y->word;
}

static tagged *merge_all(const shelf_word_positions *words, size_t n, size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < n; i++)
        *total += words[i].len;
    tagged *all = malloc((*total ? *total : 1) * sizeof *all);
    if (!all)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < words[i].len; j++)
            all[k++] = (tagged){words[i].at[j], (uint32_t)i};
    qsort(all, *total, sizeof *all, by_position);
    return all;
}

uint32_t shelf_match_near(const shelf_word_positions *words, size_t n, int distance, shelf_match_fn fn,
                          void *ctx)
{
    size_t total;
    tagged *all = merge_all(words, n, &total);
    int64_t *last = malloc(n * sizeof *last);
    uint32_t *members = malloc(n * sizeof *members);
    uint32_t count = 0;
    if (!all || !last || !members) {
        count = UINT32_MAX;
        total = 0;
    }
    for (size_t i = 0; i < n && last; i++)
        last[i] = -1;
    for (size_t k = 0; k < total; k++) {
        last[all[k].word] = all[k].pos;
        int64_t lowest = all[k].pos;
        size_t i = 0;
        for (; i < n && last[i] >= 0; i++)
            if (last[i] < lowest)
                lowest = last[i];
        if (i < n || (int64_t)all[k].pos - lowest > distance)
            continue;
        count++;
        for (i = 0; fn && i < n; i++)
            members[i] = (uint32_t)last[i];
        if (fn)
            fn(ctx, members, n);
    }
    free(all);
    free(last);
    free(members);
    return count;
}
