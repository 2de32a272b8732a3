/*
 * suggest_bench.c - how long "did you mean" (present/suggest.h) takes: for
 * every query of a file (one a line), shelf_suggest is run R times in one
 * process (warm caches) as if the query had no hits, so it always does its
 * whole work; prints each query, its suggestion (or "-") and its median
 * time, then one summary line: median, 90th percentile and worst of the
 * per-query medians, in milliseconds, and how many queries got one.  The
 * first line says whether the index has written-words lists (written.h).
 *
 *   suggest_bench INDEX QUERYFILE [--repeat R] [--hits N]
 *
 * --hits N: as if each query had matched N documents (default 0): past
 * SHELF_SUGGEST_MAX_HITS, what an ordinary query pays.
 *
 * Exit 2 on usage errors or when the index cannot be opened.
 */
#include "engine/engine.h"
#include "present/suggest.h"
#include "present/written.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median time of R suggestions for one query; prints the line. */
static size_t suggested; /* queries that got a suggestion */
static uint64_t g_hits;  /* the hits each query is said to have had */

static double time_query(shelf_engine *e, shelf_analyzer *a, const char *q, size_t repeat)
{
    double *t = calloc(repeat, sizeof *t);
    char *suggestion = NULL;
    int rc = SHELF_OK;
    shelf_err err = {0};
    for (size_t r = 0; t && r < repeat && rc == SHELF_OK; r++) {
        free(suggestion);
        suggestion = NULL;
        double start = now_ms();
        rc = shelf_suggest(e, a, q, false, g_hits, 0, &suggestion, &err);
        t[r] = now_ms() - start;
    }
    double median = 0;
    if (t) {
        qsort(t, repeat, sizeof *t, by_value);
        median = t[repeat / 2];
    }
    if (rc != SHELF_OK)
        printf("%s\terror: %s\n", q, err.msg);
    else
        printf("%s\t%s\t%.3f ms\n", q, suggestion ? suggestion : "-", median);
    suggested += rc == SHELF_OK && suggestion;
    free(suggestion);
    free(t);
    return median;
}

int main(int argc, char **argv)
{
    size_t repeat = 5;
    for (int i = 3; i < argc; i += 2) {
        if (i + 1 < argc && strcmp(argv[i], "--repeat") == 0) {
            repeat = strtoul(argv[i + 1], NULL, 10);
        } else if (i + 1 < argc && strcmp(argv[i], "--hits") == 0) {
            g_hits = strtoull(argv[i + 1], NULL, 10);
        } else {
            argc = 0;
            break;
        }
    }
    if (argc < 3) {
        fprintf(stderr, "usage: suggest_bench INDEX QUERYFILE [--repeat R] [--hits N]\n");
        return 2;
    }
    if (repeat == 0)
        repeat = 1;
    shelf_err err = {0};
    shelf_engine *e = NULL;
    if (shelf_engine_open(&e, argv[1], 0, &err) != SHELF_OK) {
        fprintf(stderr, "suggest_bench: %s\n", err.msg);
        return 2;
    }
    shelf_analyzer *a = shelf_analyzer_new(shelf_engine_language(e), &err);
    shelf_written lists;
    bool listed = false;
    if (shelf_written_open(&lists, e, &listed, &err) == SHELF_OK && listed)
        shelf_written_close(&lists);
    printf("written-words lists: %s\n", listed ? "yes" : "no (stored text is read back)");
    FILE *f = fopen(argv[2], "r");
    if (!a || !f) {
        fprintf(stderr, "suggest_bench: %s\n", a ? argv[2] : err.msg);
        return 2;
    }
    double *medians = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            medians = realloc(medians, cap * sizeof *medians);
            if (!medians)
                return 2;
        }
        medians[n++] = time_query(e, a, line, repeat);
    }
    if (n) {
        qsort(medians, n, sizeof *medians, by_value);
        printf("queries %zu  median %.3f ms  p90 %.3f ms  max %.3f ms  suggestions %zu\n", n,
               medians[n / 2], medians[(size_t)(0.9 * (double)(n - 1))], medians[n - 1],
               suggested);
    }
    free(line);
    free(medians);
    fclose(f);
    shelf_analyzer_free(a);
    shelf_engine_close(e);
    return 0;
}
