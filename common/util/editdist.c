/* editdist.c - bounded optimal string alignment distance; see editdist.h.
 * Three rows of the classic table (the one two rows up serves
 * transpositions); a row whose smallest cell passes max ends the work. */
#include "util/editdist.h"

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

unsigned shelf_edit_distance(const char *a, size_t la, const char *b, size_t lb, unsigned max)
{
    size_t diff = la > lb ? la - lb : lb - la;
    if (diff > max || la > SHELF_EDITDIST_MAX_LEN || lb > SHELF_EDITDIST_MAX_LEN)
        return max + 1;
    unsigned rows[3][SHELF_EDITDIST_MAX_LEN + 1];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        unsigned row_min = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            cur[j] = d;
            if (d < row_min)
                row_min = d;
        }
        if (row_min > max)
            return max + 1;
        unsigned *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] <= max ? prev[lb] : max + 1;
}
