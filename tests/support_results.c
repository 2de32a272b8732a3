/* support_results.c - normalised search results; see support_results.h. */
#include "support_results.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_total(const char *line, size_t qno, unsigned long *total)
{
    if (strstr(line, ",\"error\":"))
        fail_msg("query %zu failed: %s", qno, line);
    const char *t = strstr(line, ",\"total\":");
    if (!t || sscanf(t, ",\"total\":%lu", total) != 1)
        fail_msg("no total in: %s", line);
    if (*total > 100)
        fail_msg("query %zu has %lu hits, more than the 100 compared", qno, *total);
    if (!strstr(line, "\"total_exact\":true"))
        fail_msg("query %zu: total not exact with --exact-total: %.300s", qno, line);
}

/* The "  path score" lines of the line's hits; *n receives their number. */
static char **hit_lines(const char *line, size_t *n)
{
    char **hits = NULL;
    *n = 0;
    for (const char *h = strstr(line, "{\"rank\":"); h; h = strstr(h + 1, "{\"rank\":")) {
        char score[64];
        int at = 0;
        if (sscanf(h, "{\"rank\":%*u,\"score\":%63[^,],\"doc\":%*u,\"path\":\"%n", score, &at) != 1 ||
            at == 0)
            fail_msg("unexpected hit format: %.200s", h);
        const char *p = h + at, *q = strchr(p, '"');
        assert_non_null(q);
        hits = realloc(hits, (*n + 1) * sizeof *hits);
        assert_non_null(hits);
        hits[(*n)++] = ts_strf("  %.*s %s\n", (int)(q - p), p, score);
    }
    return hits;
}

void ts_results_add_line(ts_sbuf *b, const char *line, size_t qno)
{
    unsigned long total;
    check_total(line, qno, &total);
    size_t n;
    char **hits = hit_lines(line, &n);
    if (n != total)
        fail_msg("query %zu: total %lu but %zu hits listed", qno, total, n);
    if (n > 1)
        qsort(hits, n, sizeof *hits, cmp_str);
    char *head = ts_strf("q%zu total=%lu\n", qno, total);
    ts_sb_add(b, head);
    free(head);
    for (size_t i = 0; i < n; i++) {
        ts_sb_add(b, hits[i]);
        free(hits[i]);
    }
    free(hits);
}

char *ts_results_signature(char *json_lines)
{
    ts_sbuf b = {0};
    size_t qno = 0;
    for (char *line = json_lines; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        ts_results_add_line(&b, line, ++qno);
        line = end ? end + 1 : NULL;
    }
    return ts_sb_take(&b);
}
