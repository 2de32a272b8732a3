/* output_quote.c - quotations as the citation forms walk and write them;
 * see output_quote.h. */
#include "output_quote.h"

#include <stdlib.h>
#include <string.h>

#include "extract/textnav.h"

#define ELLIPSIS "…"

void output_each_quote(FILE *out, const output_hit *h, size_t shown, output_quote_fn *put)
{
    for (size_t i = 0; i < h->passages.count; i++) {
        const shelf_passage *p = &h->passages.at[i];
        shelf_quote q;
        shelf_quote_of(h->text, h->len, h->layout, p, &q);
        put(out, h, p, &q, shown == 0 && i == 0);
    }
}

char *output_flat_quote(const output_hit *h, const shelf_quote *q, size_t *len)
{
    const char *s = h->text + q->start;
    size_t n = q->end - q->start, mark = strlen(ELLIPSIS);
    char *flat = malloc(n + 2 * mark + 1);
    if (!flat)
        return NULL;
    size_t k = 0;
    if (!q->whole_sentences)
        memcpy(flat + k, ELLIPSIS, mark), k += mark;
    size_t text_from = k;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        if (shelf_is_space(s[i])) {
            space = k > text_from;
            continue;
        }
        if (space)
            flat[k++] = ' ';
        space = false;
        flat[k++] = s[i];
    }
    if (!q->whole_sentences)
        memcpy(flat + k, ELLIPSIS, mark), k += mark;
    flat[k] = '\0';
    *len = k;
    return flat;
}

void output_cite_no_footer(FILE *out, const output_style *st, const query_result *qr, size_t shown)
{
    /* citations end with their last quotation, entries with their blank line */
}
