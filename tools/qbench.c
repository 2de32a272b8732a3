/*
 * qbench.c - query benchmark driver for our engine (either backend), the
 * counterpart of fts5_driver.c: runs every query of a file R times in one
 * process with warm caches and prints one JSON object with latency
 * percentiles, queries per second, hits and errors, and the work done per
 * query (means over the queries that succeeded: postings_decoded, the
 * document ids decoded from posting lists, and candidates_scored, the
 * documents whose scoring started; 0 on the Xapian backend).
 *
 *   qbench INDEX QUERYFILE [--k N] [--count] [--repeat R] [--snippets]
 *          [--exact-total] [--exact-upto N] [--paths] [--proximity-weight W]
 *          [--heading-weight H] [--rescore-depth N] [--priming auto|always|never]
 *          [--also DIR]...
 *   qbench INDEX QUERYFILE --matches
 *   qbench INDEX QUERYFILE --ranked [--k N] [--proximity-weight W] [--heading-weight H]
 *          [--rescore-depth N]
 *
 * --matches prints, per query, the number of matching documents and their
 * sorted paths (count<TAB>path<TAB>path...), for comparing engines (BM25F
 * alone: the order does not matter there).  --ranked prints, per query, the
 * paths of its best k hits, best first, tab-separated (an empty line for
 * none, "error<TAB>message" for a failed query), for tools/bench/known-item.
 * --proximity-weight, --heading-weight and --rescore-depth set the searcher's
 * options of those names (their defaults are the searcher's).
 * --also DIR (repeatable, at most 15) searches DIR with INDEX as one
 * collection (engine.h shelf_engine_open_set, as `searcher --index INDEX
 * --index DIR`).
 * --count asks for the number of matches only (k = 0); --snippets also builds
 * the passages of every hit and reports the mean time per hit; --paths also
 * fetches every hit's path inside the timed run (as searcher does to print
 * it).  --exact-upto N: pruning may start once N documents matched
 * (default 1,000, as the searcher; 0 prunes from the first document, as
 * before totals were exact up to 1,000).  --priming never starts MaxScore
 * with no threshold (maxscore_prime.h), the behaviour before priming;
 * always primes segments of any size; auto (the default, as the searcher)
 * those of SHELF_PRIMING_MIN_DOCS documents or more.  Results are the same.
 * Exit 2 on
 * usage errors or when the index cannot be opened.
 */
#include "engine/engine.h"
#include "present/snippets.h"
#include "query/parse.h"
#include "query/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct bench_opts {
    const char *index, *queries;
    size_t k, repeat;
    uint64_t exact_upto;
    bool count, snippets, exact, matches, paths, ranked;
    int priming;
    double proximity_weight, heading_weight;
    size_t rescore_depth;
    const char *dirs[16]; /* INDEX, then every --also DIR */
    size_t ndirs;
} bench_opts;

typedef struct tally {
    double *lat; /* microseconds, one per run */
    size_t runs, cap;
    uint64_t hits, errors, snippet_hits;
    uint64_t decoded, scored, counted; /* work counters of the last repeat, over `counted` queries */
    double snippet_us;
} tally;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int parse_args(int argc, char **argv, bench_opts *o)
{
    *o = (bench_opts){.k = 10, .repeat = 3, .exact_upto = SHELF_TOTAL_EXACT_UPTO,
                      .proximity_weight = SHELF_DEFAULT_PROXIMITY_WEIGHT,
                      .heading_weight = SHELF_DEFAULT_HEADING_WEIGHT,
                      .rescore_depth = SHELF_DEFAULT_RESCORE_DEPTH};
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--k") == 0 && i + 1 < argc)
            o->k = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--proximity-weight") == 0 && i + 1 < argc)
            o->proximity_weight = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--heading-weight") == 0 && i + 1 < argc)
            o->heading_weight = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--rescore-depth") == 0 && i + 1 < argc)
            o->rescore_depth = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--ranked") == 0)
            o->ranked = true;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            o->repeat = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--exact-upto") == 0 && i + 1 < argc)
            o->exact_upto = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--count") == 0)
            o->count = true;
        else if (strcmp(argv[i], "--snippets") == 0)
            o->snippets = true;
        else if (strcmp(argv[i], "--exact-total") == 0)
            o->exact = true;
        else if (strcmp(argv[i], "--paths") == 0)
            o->paths = true;
        else if (strcmp(argv[i], "--priming") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "auto") == 0)
                o->priming = SHELF_PRIMING_AUTO;
            else if (strcmp(argv[i], "always") == 0)
                o->priming = SHELF_PRIMING_ALWAYS;
            else if (strcmp(argv[i], "never") == 0)
                o->priming = SHELF_PRIMING_NEVER;
            else
                return -1;
        }
        else if (strcmp(argv[i], "--matches") == 0)
            o->matches = true;
        else if (strcmp(argv[i], "--also") == 0 && i + 1 < argc && o->ndirs < 15)
            o->dirs[1 + o->ndirs++] = argv[++i];
        else if (positional == 0 && argv[i][0] != '-')
            o->index = argv[i], positional++;
        else if (positional == 1 && argv[i][0] != '-')
            o->queries = argv[i], positional++;
        else
            return -1;
    }
    o->dirs[0] = o->index;
    o->ndirs++;
    return positional == 2 && (o->repeat > 0 || o->matches || o->ranked) ? 0 : -1;
}

static void record(tally *t, double us)
{
    if (t->runs == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->lat = realloc(t->lat, t->cap * sizeof *t->lat);
        if (!t->lat)
            abort();
    }
    t->lat[t->runs++] = us;
}

static void time_snippets(shelf_engine *e, shelf_analyzer *a, const shelf_plan *plan,
                          const shelf_results *r, tally *t)
{
    shelf_passage_opts po = {SHELF_DEFAULT_PASSAGES, SHELF_DEFAULT_WIDTH, 0, false};
    shelf_buf text = SHELF_BUF_INIT;
    for (size_t i = 0; i < r->count; i++) {
        shelf_passages p;
        shelf_err err = {0};
        double start = now_us();
        if (shelf_snippets_for_engine_hit(e, &r->hits[i], plan, a, &po, &text, NULL, &p, &err) == SHELF_OK) {
            t->snippet_us += now_us() - start;
            t->snippet_hits++;
            shelf_passages_free(&p);
        }
    }
    shelf_buf_free(&text);
}

/* One run of one query, timed from parsing to results. */
static void run_once(shelf_engine *e, shelf_analyzer *a, const bench_opts *o, const char *query,
                     bool last, tally *t)
{
    shelf_err err = {0};
    int column;
    double start = now_us();
    shelf_qnode *tree = shelf_query_parse(query, NULL, &err, &column);
    shelf_plan *plan = tree ? shelf_plan_for_engine(e, a, tree, NULL, 0, &err, &column) : NULL;
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = o->count ? 0 : o->k;
    so.exact_total = o->exact;
    so.total_exact_upto = o->exact_upto;
    so.priming = o->priming;
    so.proximity_weight = o->proximity_weight;
    so.heading_weight = o->heading_weight;
    so.rescore_depth = o->rescore_depth;
    shelf_results r = {0};
    int rc = plan ? shelf_engine_search(e, plan, &so, &r, &err) : SHELF_EINVAL;
    for (size_t i = 0; rc == SHELF_OK && o->paths && i < r.count; i++) {
        shelf_docview v;
        rc = shelf_engine_doc(e, &r.hits[i], &v, &err);
    }
    double us = now_us() - start;
    if (rc == SHELF_OK) {
        record(t, us);
        if (last) {
            t->hits += r.total;
            t->decoded += r.postings_decoded;
            t->scored += r.candidates_scored;
            t->counted++;
        }
        if (last && o->snippets)
            time_snippets(e, a, plan, &r, t);
    } else if (last) {
        t->errors++;
    }
    shelf_results_free(&r);
    shelf_plan_free(plan);
    shelf_query_free(tree);
}

static int by_string(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Parse, plan and run one query with so; the plan and tree are freed.
 * SHELF_OK, or the error (err filled) of whichever step failed. */
static int search_query(shelf_engine *e, shelf_analyzer *a, const char *query,
                        const shelf_search_opts *so, shelf_results *r, shelf_err *err)
{
    int column;
    shelf_qnode *tree = shelf_query_parse(query, NULL, err, &column);
    shelf_plan *plan = tree ? shelf_plan_for_engine(e, a, tree, NULL, 0, err, &column) : NULL;
    int rc = plan ? shelf_engine_search(e, plan, so, r, err) : SHELF_EINVAL;
    shelf_plan_free(plan);
    shelf_query_free(tree);
    return rc;
}

/* --matches: every matching document of one query, paths sorted. */
static void print_matches(shelf_engine *e, shelf_analyzer *a, const char *query)
{
    shelf_err err = {0};
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = (size_t)shelf_engine_doc_count(e);
    so.exact_total = true;
    so.proximity_weight = 0; /* a set: no need to re-score every match */
    so.heading_weight = 0;
    shelf_results r = {0};
    if (search_query(e, a, query, &so, &r, &err) != SHELF_OK) {
        printf("error\t%s\n", err.msg);
    } else {
        char **paths = calloc(r.count + 1, sizeof *paths);
        for (size_t i = 0; i < r.count; i++) {
            shelf_docview v;
            if (shelf_engine_doc(e, &r.hits[i], &v, &err) == SHELF_OK)
                paths[i] = strndup(v.path, v.path_len);
        }
        qsort(paths, r.count, sizeof *paths, by_string);
        printf("%llu", (unsigned long long)r.total);
        for (size_t i = 0; i < r.count; i++) {
            printf("\t%s", paths[i] ? paths[i] : "?");
            free(paths[i]);
        }
        printf("\n");
        free(paths);
    }
    shelf_results_free(&r);
}

/* --ranked: the best k documents of one query, best first. */
static void print_ranked(shelf_engine *e, shelf_analyzer *a, const bench_opts *o, const char *query)
{
    shelf_err err = {0};
    shelf_search_opts so;
    shelf_search_opts_default(&so);
    so.k = o->k;
    so.proximity_weight = o->proximity_weight;
    so.heading_weight = o->heading_weight;
    so.rescore_depth = o->rescore_depth;
    shelf_results r = {0};
    if (search_query(e, a, query, &so, &r, &err) != SHELF_OK) {
        printf("error\t%s\n", err.msg);
    } else {
        for (size_t i = 0; i < r.count; i++) {
            shelf_docview v;
            if (shelf_engine_doc(e, &r.hits[i], &v, &err) == SHELF_OK)
                printf("%s%.*s", i ? "\t" : "", (int)v.path_len, v.path);
            else
                printf("%s?", i ? "\t" : "");
        }
        printf("\n");
    }
    shelf_results_free(&r);
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double percentile(const tally *t, double p)
{
    if (t->runs == 0)
        return 0;
    size_t i = (size_t)(p * (double)(t->runs - 1) + 0.5);
    return t->lat[i];
}

static double mean(const tally *t)
{
    double sum = 0;
    for (size_t i = 0; i < t->runs; i++)
        sum += t->lat[i];
    return t->runs ? sum / (double)t->runs : 0;
}

static void report(const bench_opts *o, size_t queries, const tally *t, double seconds)
{
    qsort(t->lat, t->runs, sizeof *t->lat, by_value);
    printf("{\"engine\":\"shelf\",\"queries\":%zu,\"repeats\":%zu,\"k\":%zu,\"count_only\":%s,"
           "\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,\"qps\":%.1f,\"hits\":%llu,\"errors\":%llu",
           queries, o->repeat, o->count ? 0 : o->k, o->count ? "true" : "false", percentile(t, 0.5),
           percentile(t, 0.95), percentile(t, 0.99), seconds > 0 ? (double)t->runs / seconds : 0,
           (unsigned long long)t->hits, (unsigned long long)t->errors);
    printf(",\"mean_us\":%.1f", mean(t));
    printf(",\"postings_decoded\":%.1f,\"candidates_scored\":%.1f",
           t->counted ? (double)t->decoded / (double)t->counted : 0,
           t->counted ? (double)t->scored / (double)t->counted : 0);
    if (o->snippets)
        printf(",\"snippet_us_per_hit\":%.1f",
               t->snippet_hits ? t->snippet_us / (double)t->snippet_hits : 0);
    printf("}\n");
}

int main(int argc, char **argv)
{
    bench_opts o;
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: qbench INDEX QUERYFILE [--k N] [--count] [--repeat R] [--snippets] "
                        "[--exact-total] [--exact-upto N] [--paths] [--proximity-weight W] "
                        "[--heading-weight H] [--rescore-depth N] [--priming auto|always|never] "
                        "[--also DIR]... [--matches | --ranked]\n");
        return 2;
    }
    shelf_err err = {0};
    shelf_engine *e;
    if (shelf_engine_open_set(&e, o.dirs, o.ndirs, 0, &err) != SHELF_OK) {
        fprintf(stderr, "qbench: %s\n", err.msg);
        return 2;
    }
    shelf_analyzer *a = shelf_analyzer_new(shelf_engine_language(e), &err);
    FILE *f = fopen(o.queries, "r");
    if (!a || !f) {
        fprintf(stderr, "qbench: %s: %s\n", o.queries, a ? "cannot open" : err.msg);
        return 2;
    }
    char **lines = NULL, buf[4096];
    size_t n = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (!buf[0])
            continue;
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = strdup(buf);
    }
    fclose(f);
    if (o.matches) {
        for (size_t i = 0; i < n; i++)
            print_matches(e, a, lines[i]);
    }
    if (o.ranked) {
        for (size_t i = 0; i < n; i++)
            print_ranked(e, a, &o, lines[i]);
    }
    tally t = {0};
    double start = now_us();
    if (o.matches || o.ranked)
        o.repeat = 0;
    for (size_t r = 0; r < o.repeat; r++)
        for (size_t i = 0; i < n; i++)
            run_once(e, a, &o, lines[i], r + 1 == o.repeat, &t);
    if (!o.matches && !o.ranked)
        report(&o, n, &t, (now_us() - start) / 1e6);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(t.lat);
    shelf_analyzer_free(a);
    shelf_engine_close(e);
    return 0;
}
