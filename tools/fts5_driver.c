/*
 * fts5_driver.c - the SQLite FTS5 reference for the benchmarks: builds an
 * FTS5 index over the same files our indexer reads and runs the same query
 * sets, printing one JSON line a run (see tools/bench/README.md).
 *
 *   fts5_driver index DB FOLDER... [--optimize] [--cache-mb N]
 *   fts5_driver query DB QUERYFILE [--k N] [--count] [--repeat R] [--warmup W]
 *                     [--snippets] [--paths] [--cache-mb N]
 *   fts5_driver matches DB QUERYFILE [--cache-mb N]
 *   fts5_driver ranked DB QUERYFILE [--k N] [--cache-mb N]
 *
 * index   replaces DB with a table docs(path UNINDEXED, title, body) using
 *         tokenize='porter unicode61 remove_diacritics 2'.  Files are chosen
 *         like the indexer chooses them: folders walked recursively in byte
 *         order of names, hidden entries skipped, each folder entered once;
 *         names ending in .txt .text .md .markdown .rst (any case); empty and
 *         binary files skipped.  Paths are stored as given, tidied ("./a//b/"
 *         is "a/b"); the title is the first non-empty line without '#' marks
 *         and surrounding blanks, at most 200 bytes, else the file name.  All
 *         rows go in one transaction.
 * query   runs every non-empty line of QUERYFILE as an FTS5 MATCH expression,
 *         W unmeasured passes then R measured ones, reusing one prepared
 *         statement; a query SQLite rejects is counted in "errors" once.
 *         --paths: the top-k statement also reads each hit's stored path.
 * matches prints per query "count<TAB>path<TAB>path..." (paths in byte order),
 *         or "error<TAB>message" for a rejected query (as qbench --matches).
 * ranked  prints per query the paths of its best k hits by bm25(), best
 *         first, tab-separated (an empty line for none; "error<TAB>message"
 *         for a rejected query), as qbench --ranked (tools/bench/known-item).
 *
 * Exit status: 0 done (query errors are reported, not fatal); 2 bad usage, an
 * unreadable file, or an SQLite error.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* scandir, getline, clock_gettime, strcasecmp */
#endif

#include <sqlite3.h>

#include "extract/extract.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_FATAL = 2 };

#define ELLIPSIS "\xe2\x80\xa6"
#define SQL_CREATE "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, " \
                   "tokenize='porter unicode61 remove_diacritics 2')"
#define SQL_INSERT "INSERT INTO docs(path, title, body) VALUES (?1, ?2, ?3)"
#define SQL_TOPK "SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ?1 " \
                 "ORDER BY bm25(docs) LIMIT ?2"
#define SQL_TOPK_PATHS "SELECT rowid, bm25(docs), path FROM docs WHERE docs MATCH ?1 " \
                       "ORDER BY bm25(docs) LIMIT ?2"
#define SQL_COUNT "SELECT count(*) FROM docs WHERE docs MATCH ?1"
#define SQL_SNIPPET "SELECT snippet(docs, 2, '[', ']', '" ELLIPSIS "', 20) FROM docs " \
                    "WHERE docs MATCH ?1 AND rowid = ?2"
#define SQL_PATHS "SELECT path FROM docs WHERE docs MATCH ?1"
#define SQL_RANKED "SELECT path FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT ?2"

/* ---- errors and memory ---- */

_Noreturn static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fts5_driver: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_FATAL);
}

_Noreturn static void die_db(sqlite3 *db, const char *what)
{
    die("%s: %s", what, sqlite3_errmsg(db));
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* ---- string lists ---- */

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void strlist_push(strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- options ---- */

typedef struct options {
    const char *cmd, *db;
    strlist args;  /* positional arguments after DB (borrowed strings) */
    long k, repeat, warmup, cache_mb;
    bool count, snippets, optimize, paths;
} options;

_Noreturn static void usage(FILE *out)
{
    fputs("Usage: fts5_driver index DB FOLDER... [--optimize] [--cache-mb N]\n"
          "       fts5_driver query DB QUERYFILE [--k N] [--count] [--repeat R] [--warmup W]\n"
          "                         [--snippets] [--paths] [--cache-mb N]\n"
          "       fts5_driver matches DB QUERYFILE [--cache-mb N]\n"
          "       fts5_driver ranked DB QUERYFILE [--k N] [--cache-mb N]\n"
          "See tools/bench/README.md.\n",
          out);
    exit(out == stdout ? EXIT_OK : EXIT_FATAL);
}

static long parse_long(const char *name, const char *s, long lo)
{
    char *end = NULL;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || *s == '\0' || *end != '\0' || errno || v < lo)
        die("%s wants a whole number >= %ld, got '%s'", name, lo, s ? s : "");
    return v;
}

/* Handles argv[*i] when it is an option; false when it is not one. */
static bool parse_option(options *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    bool takes_value = true;
    if (strcmp(a, "--k") == 0)
        o->k = parse_long(a, next, 1);
    else if (strcmp(a, "--repeat") == 0)
        o->repeat = parse_long(a, next, 1);
    else if (strcmp(a, "--warmup") == 0)
        o->warmup = parse_long(a, next, 0);
    else if (strcmp(a, "--cache-mb") == 0)
        o->cache_mb = parse_long(a, next, 1);
    else {
        takes_value = false;
        if (strcmp(a, "--count") == 0)
            o->count = true;
        else if (strcmp(a, "--snippets") == 0)
            o->snippets = true;
        else if (strcmp(a, "--paths") == 0)
            o->paths = true;
        else if (strcmp(a, "--optimize") == 0)
            o->optimize = true;
        else if (strncmp(a, "--", 2) == 0)
            die("unknown option '%s'", a);
        else
            return false;
    }
    *i += takes_value;
    return true;
}

static void parse_args(options *o, int argc, char **argv)
{
    *o = (options){.k = 10, .repeat = 3};
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        usage(stdout);
    if (argc < 2)
        usage(stderr);
    o->cmd = argv[1];
    bool index = strcmp(o->cmd, "index") == 0;
    if (!index && strcmp(o->cmd, "query") != 0 && strcmp(o->cmd, "matches") != 0 &&
        strcmp(o->cmd, "ranked") != 0) {
        fprintf(stderr, "fts5_driver: unknown command '%s'\n", o->cmd);
        usage(stderr);
    }
    for (int i = 2; i < argc; i++)
        if (!parse_option(o, argc, argv, &i))
            strlist_push(&o->args, argv[i]);
    if (index ? o->args.n < 2 : o->args.n != 2)
        usage(stderr);
    o->db = o->args.v[0];
    if (o->count && (o->snippets || o->paths))
        die("--snippets and --paths need ranked hits, not --count");
}

/* ---- the database ---- */

static sqlite3 *open_db(const char *path, bool create, long cache_mb)
{
    sqlite3 *db = NULL;
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
        die("%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    if (cache_mb > 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = -%ld", cache_mb * 1024);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            die_db(db, "PRAGMA cache_size");
    }
    return db;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die("%s: %s", sql, sqlite3_errmsg(db));
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die("%s (is this a database made by 'fts5_driver index'?)", sqlite3_errmsg(db));
    return st;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static long long db_bytes(const char *db)
{
    char wal[4096];
    snprintf(wal, sizeof wal, "%s-wal", db);
    return file_size(db) + file_size(wal);
}

static void remove_db(const char *db)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char path[4096];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            die("%s: cannot remove: %s", path, strerror(errno));
    }
}

/* ---- reading documents ---- */

static bool supported(const char *name)
{
    static const char *const exts[] = {".txt", ".text", ".md", ".markdown", ".rst"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcasecmp(name + n - e, exts[i]) == 0)
            return true;
    }
    return false;
}

/* The whole file, NUL-terminated; exits when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xrealloc(NULL, cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            buf = xrealloc(buf, cap *= 2);
    }
    if (ferror(f))
        die("%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- walking folders ---- */

typedef struct walker {
    sqlite3 *db;
    sqlite3_stmt *insert;
    struct stat *seen; /* folders entered: dev and inode */
    size_t nseen;
    long long files, bytes, skipped;
} walker;

/* "./a//b/" -> "a/b", like the indexer. */
static char *tidy_path(const char *in)
{
    char *out = xstrdup(in), *w = out;
    const char *r = in;
    while (r[0] == '.' && r[1] == '/' && r[2] != '\0')
        r += 2;
    for (; *r; r++)
        if (!(*r == '/' && w > out && w[-1] == '/'))
            *w++ = *r;
    *w = '\0';
    while (w - out > 1 && w[-1] == '/')
        *--w = '\0';
    return out;
}

static bool first_visit(walker *w, const struct stat *sb)
{
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i].st_dev == sb->st_dev && w->seen[i].st_ino == sb->st_ino)
            return false;
    w->seen = xrealloc(w->seen, (w->nseen + 1) * sizeof *w->seen);
    w->seen[w->nseen++] = *sb;
    return true;
}

static void insert_doc(walker *w, const char *path, const char *text, size_t len)
{
    const char *base = strrchr(path, '/');
    size_t tlen; /* the indexer's own title rule (extract.h) */
    const char *title = shelf_title_of(text, len, base ? base + 1 : path, &tlen);
    sqlite3_stmt *st = w->insert;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, title, (int)tlen, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, text, (int)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        die_db(w->db, path);
    sqlite3_reset(st);
}

static void visit_file(walker *w, const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (len > INT32_MAX)
        die("%s: too large for one SQLite value", path);
    if (len == 0 || shelf_looks_binary(text, len)) { /* the indexer's rule */
        fprintf(stderr, "fts5_driver: skipped %s: %s\n", path, len ? "binary file" : "empty file");
        w->skipped++;
    } else {
        insert_doc(w, path, text, len);
        w->files++;
        w->bytes += (long long)len;
    }
    free(text);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static void visit(walker *w, const char *path, bool named);

static void visit_dir(walker *w, const char *path)
{
    struct dirent **list;
    int n = scandir(path, &list, not_hidden, by_name);
    if (n < 0)
        die("%s: cannot list folder: %s", path, strerror(errno));
    for (int i = 0; i < n; i++) {
        size_t size = strlen(path) + strlen(list[i]->d_name) + 2;
        char *child = xrealloc(NULL, size);
        snprintf(child, size, "%s%s%s", path, strcmp(path, "/") ? "/" : "", list[i]->d_name);
        visit(w, child, false);
        free(child);
        free(list[i]);
    }
    free(list);
}

/* A file or folder; named: given on the command line (a failure is fatal
 * there, and only reported below it). */
static void visit(walker *w, const char *path, bool named)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (named)
            die("%s: %s", path, strerror(errno));
        fprintf(stderr, "fts5_driver: skipped %s: %s\n", path, strerror(errno));
        w->skipped++;
    } else if (S_ISDIR(sb.st_mode)) {
        if (first_visit(w, &sb))
            visit_dir(w, path);
        else
            fprintf(stderr, "fts5_driver: %s: folder already visited\n", path);
    } else if (S_ISREG(sb.st_mode) && supported(path)) {
        visit_file(w, path);
    }
}

/* ---- index ---- */

static void print_index_summary(const walker *w, const char *db, double seconds,
                                double optimize_seconds)
{
    double mb = (double)w->bytes / 1e6;
    printf("{\"engine\":\"fts5\",\"files\":%lld,\"bytes\":%lld,\"skipped\":%lld,"
           "\"seconds\":%.3f,\"mb_per_s\":%.2f,\"optimize_seconds\":%.3f,\"db_bytes\":%lld}\n",
           w->files, w->bytes, w->skipped, seconds, seconds > 0 ? mb / seconds : 0,
           optimize_seconds, db_bytes(db));
}

static int cmd_index(const options *o)
{
    struct stat sb;
    for (size_t i = 1; i < o->args.n; i++) /* before the old database goes */
        if (stat(o->args.v[i], &sb) != 0)
            die("%s: %s", o->args.v[i], strerror(errno));
    remove_db(o->db);
    double start = now_us();
    walker w = {.db = open_db(o->db, true, o->cache_mb)};
    exec_sql(w.db, SQL_CREATE);
    exec_sql(w.db, "BEGIN");
    w.insert = prepare(w.db, SQL_INSERT);
    for (size_t i = 1; i < o->args.n; i++) {
        char *path = tidy_path(o->args.v[i]);
        visit(&w, path, true);
        free(path);
    }
    sqlite3_finalize(w.insert);
    exec_sql(w.db, "COMMIT");
    double opt_start = now_us();
    if (o->optimize)
        exec_sql(w.db, "INSERT INTO docs(docs) VALUES ('optimize')");
    double opt_us = o->optimize ? now_us() - opt_start : 0;
    if (sqlite3_close(w.db) != SQLITE_OK)
        die_db(w.db, "close");
    print_index_summary(&w, o->db, (now_us() - start) / 1e6, opt_us / 1e6);
    free(w.seen);
    return EXIT_OK;
}

/* ---- query files ---- */

static strlist read_queries(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        die("%s: cannot open: %s", path, strerror(errno));
    strlist qs = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            strlist_push(&qs, xstrdup(line));
    }
    if (ferror(f))
        die("%s: cannot read: %s", path, strerror(errno));
    free(line);
    if (f != stdin)
        fclose(f);
    return qs;
}

/* ---- running queries ---- */

/* Outcome of one statement run: rows seen, and whether SQLite rejected the
 * query (SQLITE_ERROR: a syntax error, an unknown column...).  Any other
 * failure is fatal. */
typedef struct outcome {
    long long rows, value; /* value: column 0 of the last row */
    bool rejected;
} outcome;

typedef void (*row_fn)(sqlite3_stmt *st, void *ctx);

static outcome run_stmt(sqlite3 *db, sqlite3_stmt *st, row_fn on_row, void *ctx)
{
    outcome out = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out.rows++;
        out.value = sqlite3_column_int64(st, 0);
        if (on_row)
            on_row(st, ctx);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ERROR)
        die_db(db, "query");
    out.rejected = rc == SQLITE_ERROR;
    return out;
}

typedef struct bench {
    sqlite3 *db;
    sqlite3_stmt *main, *count, *snippet;
    const options *o;
    double *lat; /* microseconds of every measured successful run */
    size_t nlat;
    bool *failed; /* per query: rejected by SQLite */
    long long hits, matches, errors, snippets;
    double snippet_us;
    long long *rowids; /* the current query's hits, for snippets */
    size_t nrowids;
} bench;

static void collect_rowid(sqlite3_stmt *st, void *ctx)
{
    bench *b = ctx;
    b->rowids = xrealloc(b->rowids, (b->nrowids + 1) * sizeof *b->rowids);
    b->rowids[b->nrowids++] = sqlite3_column_int64(st, 0);
}

static void touch_text(sqlite3_stmt *st, void *ctx)
{
    (void)ctx;
    (void)sqlite3_column_text(st, 0);
}

/* Per hit of a top-k run: read its path (--paths), keep its rowid (--snippets). */
static void on_hit(sqlite3_stmt *st, void *ctx)
{
    bench *b = ctx;
    if (b->o->paths)
        (void)sqlite3_column_text(st, 2);
    if (b->o->snippets)
        collect_rowid(st, ctx);
}

/* The snippet of every hit of the current query; time goes to snippet_us. */
static void make_snippets(bench *b, const char *query)
{
    double start = now_us();
    for (size_t i = 0; i < b->nrowids; i++) {
        sqlite3_bind_text(b->snippet, 1, query, -1, SQLITE_STATIC);
        sqlite3_bind_int64(b->snippet, 2, b->rowids[i]);
        run_stmt(b->db, b->snippet, touch_text, NULL);
        sqlite3_reset(b->snippet);
    }
    b->snippet_us += now_us() - start;
    b->snippets += (long long)b->nrowids;
}

/* One run of query i; measured runs record their latency (snippets included). */
static void run_query(bench *b, size_t i, const char *query, bool measured, bool first)
{
    if (b->failed[i])
        return;
    b->nrowids = 0;
    double start = now_us();
    sqlite3_bind_text(b->main, 1, query, -1, SQLITE_STATIC);
    if (!b->o->count)
        sqlite3_bind_int64(b->main, 2, b->o->k);
    outcome out = run_stmt(b->db, b->main, b->o->snippets || b->o->paths ? on_hit : NULL, b);
    if (out.rejected) {
        fprintf(stderr, "fts5_driver: query %zu rejected: %s: %s\n", i + 1, sqlite3_errmsg(b->db),
                query);
        sqlite3_reset(b->main);
        b->failed[i] = true;
        b->errors++;
        return;
    }
    sqlite3_reset(b->main);
    if (b->o->snippets && measured)
        make_snippets(b, query);
    if (measured)
        b->lat[b->nlat++] = now_us() - start;
    if (first)
        b->hits += b->o->count ? out.value : out.rows;
}

/* Total matches of query i, unmeasured (top-k mode only). */
static void count_matches(bench *b, size_t i, const char *query)
{
    if (b->failed[i])
        return;
    sqlite3_bind_text(b->count, 1, query, -1, SQLITE_STATIC);
    outcome out = run_stmt(b->db, b->count, NULL, NULL);
    sqlite3_reset(b->count);
    if (!out.rejected)
        b->matches += out.value;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, c = *(const double *)y;
    return a < c ? -1 : a > c;
}

/* Sorted lat: the value at rank p*(n-1), rounded. */
static double percentile(const double *lat, size_t n, double p)
{
    return n ? lat[(size_t)(p * (double)(n - 1) + 0.5)] : 0;
}

static void print_query_report(bench *b, size_t queries, double wall_us)
{
    const options *o = b->o;
    qsort(b->lat, b->nlat, sizeof *b->lat, by_value);
    double sum = 0;
    for (size_t i = 0; i < b->nlat; i++)
        sum += b->lat[i];
    printf("{\"engine\":\"fts5\",\"queries\":%zu,\"repeats\":%ld,\"warmup\":%ld,\"k\":%ld,"
           "\"count_only\":%s,\"p50_us\":%.1f,\"p95_us\":%.1f,\"p99_us\":%.1f,\"mean_us\":%.1f,"
           "\"qps\":%.1f,\"hits\":%lld,\"errors\":%lld",
           queries, o->repeat, o->warmup, o->count ? 0 : o->k, o->count ? "true" : "false",
           percentile(b->lat, b->nlat, 0.50), percentile(b->lat, b->nlat, 0.95),
           percentile(b->lat, b->nlat, 0.99), b->nlat ? sum / (double)b->nlat : 0,
           wall_us > 0 ? (double)b->nlat * 1e6 / wall_us : 0, b->hits, b->errors);
    if (!o->count)
        printf(",\"matches\":%lld", b->matches);
    if (o->snippets)
        printf(",\"snippets\":%lld,\"snippet_us_per_hit\":%.1f", b->snippets,
               b->snippets ? b->snippet_us / (double)b->snippets : 0);
    printf("}\n");
}

static int cmd_query(const options *o)
{
    bench b = {.db = open_db(o->db, false, o->cache_mb), .o = o};
    strlist qs = read_queries(o->args.v[1]);
    b.main = prepare(b.db, o->count ? SQL_COUNT : o->paths ? SQL_TOPK_PATHS : SQL_TOPK);
    b.count = prepare(b.db, SQL_COUNT);
    b.snippet = prepare(b.db, SQL_SNIPPET);
    b.lat = xrealloc(NULL, qs.n * (size_t)o->repeat * sizeof *b.lat);
    b.failed = xrealloc(NULL, qs.n * sizeof *b.failed);
    memset(b.failed, 0, qs.n * sizeof *b.failed);
    for (long r = 0; r < o->warmup; r++)
        for (size_t i = 0; i < qs.n; i++)
            run_query(&b, i, qs.v[i], false, false);
    double start = now_us();
    for (long r = 0; r < o->repeat; r++)
        for (size_t i = 0; i < qs.n; i++)
            run_query(&b, i, qs.v[i], true, r == 0);
    double wall = now_us() - start;
    for (size_t i = 0; i < qs.n && !o->count; i++)
        count_matches(&b, i, qs.v[i]);
    print_query_report(&b, qs.n, wall);
    sqlite3_finalize(b.main);
    sqlite3_finalize(b.count);
    sqlite3_finalize(b.snippet);
    sqlite3_close(b.db);
    free(b.lat);
    free(b.failed);
    free(b.rowids);
    strlist_free(&qs);
    return EXIT_OK;
}

/* ---- matches ---- */

static void collect_path(sqlite3_stmt *st, void *ctx)
{
    const char *p = (const char *)sqlite3_column_text(st, 0);
    strlist_push(ctx, xstrdup(p ? p : ""));
}

static void print_matches(sqlite3 *db, sqlite3_stmt *st, const char *query)
{
    strlist paths = {0};
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    outcome out = run_stmt(db, st, collect_path, &paths);
    if (out.rejected) {
        printf("error\t%s\n", sqlite3_errmsg(db));
    } else {
        qsort(paths.v, paths.n, sizeof *paths.v, by_bytes);
        printf("%zu", paths.n);
        for (size_t i = 0; i < paths.n; i++)
            printf("\t%s", paths.v[i]);
        putchar('\n');
    }
    sqlite3_reset(st);
    strlist_free(&paths);
}

static int cmd_matches(const options *o)
{
    sqlite3 *db = open_db(o->db, false, o->cache_mb);
    strlist qs = read_queries(o->args.v[1]);
    sqlite3_stmt *st = prepare(db, SQL_PATHS);
    for (size_t i = 0; i < qs.n; i++)
        print_matches(db, st, qs.v[i]);
    sqlite3_finalize(st);
    sqlite3_close(db);
    strlist_free(&qs);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_FATAL;
}

/* ---- ranked ---- */

static void print_ranked(sqlite3 *db, sqlite3_stmt *st, const char *query, long k)
{
    strlist paths = {0};
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, k);
    outcome out = run_stmt(db, st, collect_path, &paths);
    if (out.rejected) {
        printf("error\t%s\n", sqlite3_errmsg(db));
    } else {
        for (size_t i = 0; i < paths.n; i++)
            printf("%s%s", i ? "\t" : "", paths.v[i]);
        putchar('\n');
    }
    sqlite3_reset(st);
    strlist_free(&paths);
}

static int cmd_ranked(const options *o)
{
    sqlite3 *db = open_db(o->db, false, o->cache_mb);
    strlist qs = read_queries(o->args.v[1]);
    sqlite3_stmt *st = prepare(db, SQL_RANKED);
    for (size_t i = 0; i < qs.n; i++)
        print_ranked(db, st, qs.v[i], o->k);
    sqlite3_finalize(st);
    sqlite3_close(db);
    strlist_free(&qs);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_FATAL;
}

int main(int argc, char **argv)
{
    options o;
    parse_args(&o, argc, argv);
    int rc = strcmp(o.cmd, "index") == 0  ? cmd_index(&o)
             : strcmp(o.cmd, "query") == 0 ? cmd_query(&o)
             : strcmp(o.cmd, "ranked") == 0 ? cmd_ranked(&o)
                                           : cmd_matches(&o);
    free(o.args.v);
    return rc;
}
