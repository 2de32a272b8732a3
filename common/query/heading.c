/* heading.c - does one heading hold all the query's words; see heading.h. */
#include "query/heading.h"

#include <math.h>
#include <stdbool.h>

void shelf_heading_begin(shelf_heading_match *m, const shelf_word_positions *words, const double *idf,
                         size_t n)
{
    if (n > SHELF_PROXIMITY_MAX_WORDS)
        n = SHELF_PROXIMITY_MAX_WORDS;
    *m = (shelf_heading_match){.words = words, .n = n};
    for (size_t i = 0; i < n; i++)
        m->mass += fmin(1.0, idf[i]);
}

void shelf_heading_offer(shelf_heading_match *m, shelf_token_span s)
{
    if (m->n == 0 || s.end <= s.start || m->best.coverage >= 1.0)
        return;
    bool all = true;
    for (size_t i = 0; i < m->n; i++) {
        const shelf_word_positions *w = &m->words[i];
        uint32_t c = m->cursor[i];
        while (c < w->len && w->at[c] < s.start)
            c++;
        m->cursor[i] = c; /* starts only grow, so this never has to go back */
        if (c == w->len || w->at[c] >= s.end)
            all = false;
    }
    if (!all)
        return;
    uint32_t tokens = s.end - s.start;
    double coverage = (double)m->n / (double)tokens;
    if (coverage > 1.0) /* a word repeated is still one word: cannot happen with distinct words */
        coverage = 1.0;
    if (coverage > m->best.coverage)
        m->best = (shelf_heading_parts){coverage * m->mass, coverage, tokens};
}

shelf_heading_parts shelf_heading_end(const shelf_heading_match *m)
{
    return m->best;
}
