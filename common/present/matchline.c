/* matchline.c - first line holding a wanted query word; see matchline.h. */
#include "present/matchline.h"

#include <string.h>

/* Does the plan look for this term (body key bytes after the field byte)? */
static int wanted(const shelf_plan *p, const char *term, size_t len)
{
    if (p->occur == SHELF_OCCUR_MUST_NOT)
        return 0;
    for (size_t i = 0; i < p->nkeys; i++)
        if (p->keys[i].len == len + 1 && memcmp(p->keys[i].key + 1, term, len) == 0)
            return 1;
    for (size_t i = 0; i < p->nchildren; i++)
        if (wanted(p->children[i], term, len))
            return 1;
    return 0;
}

void shelf_find_matchline(shelf_analyzer *a, const shelf_plan *plan, const char *text, size_t len,
                          shelf_matchline *out)
{
    memset(out, 0, sizeof *out);
    shelf_token_iter it;
    shelf_token tok;
    shelf_tokens_begin(&it, a, text, len);
    while (shelf_tokens_next(&it, &tok)) {
        if (!wanted(plan, tok.term, tok.term_len))
            continue;
        size_t line = 1, start = 0;
        for (size_t i = 0; i < tok.start; i++) {
            if (text[i] == '\n') {
                line++;
                start = i + 1;
            }
        }
        const char *nl = memchr(text + tok.start, '\n', len - tok.start);
        out->line = line;
        out->start = start;
        out->end = nl ? (size_t)(nl - text) : len;
        out->hit_start = tok.start;
        out->hit_end = tok.end;
        return;
    }
}
