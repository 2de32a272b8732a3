/*
 * test_incremental.c - incremental indexing end to end, through the `indexer`
 * and `searcher` binaries and the reader library, on copies of the sample
 * corpus in temporary folders.
 *
 * Covers: re-runs with nothing changed (summary and generation unchanged),
 * a touched file (same hash: unchanged), changed, added and deleted files,
 * pruning and --no-prune, --remove of a file and of a folder (and not of a
 * sibling folder sharing the prefix), --list listing exactly the live paths;
 * --count agreeing with the JSON total on an index with deletions; exact
 * score equality (bitwise, as printed with %.17g) between an index built by
 * many incremental batches (merge policy none and the default tiered,
 * before and after --optimize, and after tiered merges) and a fresh
 * --rebuild of the same files, for about twenty queries; superseded and
 * deleted versions never found; tiered merging keeping the segment count
 * below 9, --optimize leaving one segment and no stale file, also when the
 * dictionary's first term belongs only to deleted documents; the writer
 * lock (live holder: exit 2 naming the pid; --wait: waits, then completes;
 * dead holder: taken over); searches running in two other processes (the
 * searcher binary, and a tight open/search/close loop through the library)
 * during ~15 batches, merges and optimizes only ever seeing committed
 * states, in order.
 *
 * KEEP_TMP=1 in the environment keeps each test's temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analyzer.h"
#include "backend/native/index.h"
#include "backend/lock.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"
#include "support.h"
#include "support_results.h"

extern char **environ;

/* ---- running programs (fork/exec, output captured in files) ---- */

static char *g_scratch; /* a temporary folder for captured output */

/* Run argv (NULL-terminated); stdout/stderr go to *out / *err (malloc'd,
 * may be NULL).  Returns the exit code, or -1 when killed by a signal. */
static int run_argv(const char *const *argv, char **out, char **err)
{
    return ts_spawn(argv, g_scratch, NULL, out, err, NULL);
}

#define MAX_ARGS 64

static int run_va(const char *prog, char **out, char **err, va_list ap)
{
    return ts_spawn_va(prog, g_scratch, out, err, ap);
}

/* indexer ARGS... (NULL-terminated) */
static int indexer(char **out, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = run_va(INDEXER_BIN, out, err, ap);
    va_end(ap);
    return rc;
}

static int searcher(char **out, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = run_va(SEARCHER_BIN, out, err, ap);
    va_end(ap);
    return rc;
}

/* ---- strings (ts_sbuf from support.h) ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- files ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
    free(ts_write_file(dir, name, text, strlen(text)));
}

static void remove_file(const char *dir, const char *name)
{
    char *p = ts_strf("%s/%s", dir, name);
    if (unlink(p) != 0)
        fail_msg("unlink %s: %s", p, strerror(errno));
    free(p);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Give dir/name a distinct modification time (seconds since the epoch), so a
 * rewrite is seen as a change whatever the file system's time resolution. */
static void set_mtime(const char *dir, const char *name, time_t secs)
{
    char *p = ts_strf("%s/%s", dir, name);
    struct timespec ts[2] = {{secs, 0}, {secs, 0}};
    if (utimensat(AT_FDCWD, p, ts, 0) != 0)
        fail_msg("utimensat %s: %s", p, strerror(errno));
    free(p);
}

/* Copy the sample corpus to dir/c; returns the malloc'd path of the copy. */
static char *copy_corpus(const char *dir)
{
    char *dst = ts_strf("%s/c", dir);
    const char *argv[] = {"/bin/cp", "-R", CORPUS_DIR, dst, NULL};
    assert_int_equal(run_argv(argv, NULL, NULL), 0);
    return dst;
}

/* ---- the corpus, for synthetic documents ---- */

static char *g_corpus[16];
static size_t g_corpus_len[16];
static int g_corpus_n;

static void load_corpus(void)
{
    DIR *d = opendir(CORPUS_DIR);
    if (!d)
        abort();
    char *names[16];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 16)
        if (strstr(e->d_name, ".txt"))
            names[n++] = strdup(e->d_name);
    closedir(d);
    if (n > 1)
        qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (int i = 0; i < n; i++) {
        char *p = ts_strf("%s/%s", CORPUS_DIR, names[i]);
        g_corpus[i] = ts_read_file(p, &g_corpus_len[i]);
        free(p);
        free(names[i]);
    }
    g_corpus_n = n;
    if (n == 0)
        abort();
}

/* A document made of whole lines cut from the corpus, titled `title`, with
 * `extra` (may be NULL) appended. */
static char *synth_doc(uint64_t *rng, const char *title, const char *extra)
{
    ts_sbuf b = {0};
    ts_sb_add(&b, title);
    ts_sb_add(&b, "\n\n");
    for (int w = 0; w < 3; w++) {
        int f = (int)ts_rand_below(rng, (uint64_t)g_corpus_n);
        const char *t = g_corpus[f];
        size_t len = g_corpus_len[f];
        size_t start = (size_t)ts_rand_below(rng, len / 2);
        while (start < len && t[start] != '\n')
            start++;
        if (start < len)
            start++;
        size_t end = start + 300 + (size_t)ts_rand_below(rng, 900);
        if (end > len)
            end = len;
        while (end < len && t[end] != '\n')
            end++;
        ts_sb_addn(&b, t + start, end - start);
        ts_sb_add(&b, "\n\n");
    }
    if (extra) {
        ts_sb_add(&b, extra);
        ts_sb_add(&b, "\n");
    }
    return ts_sb_take(&b);
}

/* ---- what the indexer reports ---- */

typedef struct counts {
    unsigned long added, updated, unchanged, removed;
} counts;

static counts summary_of(const char *err)
{
    counts c = {0};
    const char *at = err ? strstr(err, "added ") : NULL;
    if (!at || sscanf(at, "added %lu, updated %lu, unchanged %lu, removed %lu documents", &c.added,
                      &c.updated, &c.unchanged, &c.removed) != 4)
        fail_msg("no summary line in: %s", err ? err : "(null)");
    return c;
}

static void expect_counts(const char *err, unsigned long a, unsigned long u, unsigned long c,
                          unsigned long r)
{
    counts got = summary_of(err);
    if (got.added != a || got.updated != u || got.unchanged != c || got.removed != r)
        fail_msg("summary: wanted added %lu, updated %lu, unchanged %lu, removed %lu; got: %s", a, u,
                 c, r, err);
}

/* Run an incremental indexing of `root` into `index`; expect exit 0 and
 * return stderr (the summary). `policy` may be NULL. */
static char *index_run(const char *index, const char *root, const char *policy, const char *extra)
{
    char *err = NULL;
    int rc;
    if (policy && extra)
        rc = indexer(NULL, &err, "--index", index, "--merge-policy", policy, extra, root, NULL);
    else if (policy)
        rc = indexer(NULL, &err, "--index", index, "--merge-policy", policy, root, NULL);
    else if (extra)
        rc = indexer(NULL, &err, "--index", index, extra, root, NULL);
    else
        rc = indexer(NULL, &err, "--index", index, root, NULL);
    if (rc != 0)
        fail_msg("indexer %s %s: exit %d: %s", extra ? extra : "", root, rc, err);
    return err;
}

typedef struct stats {
    unsigned long segments, documents, deleted;
} stats;

/* `indexer --check DIR`: exit 0, OK, and its counts. */
static stats check_index(const char *index)
{
    char *out = NULL, *err = NULL;
    int rc = indexer(&out, &err, "--check", index, NULL);
    if (rc != 0 || !strstr(out, ": OK"))
        fail_msg("indexer --check %s: exit %d: %s%s", index, rc, out, err);
    stats s;
    const char *a = strstr(out, "segments"), *b = strstr(out, "documents"), *c = strstr(out, "deleted");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal(sscanf(a, "segments %lu", &s.segments), 1);
    assert_int_equal(sscanf(b, "documents %lu", &s.documents), 1);
    assert_int_equal(sscanf(c, "deleted %lu", &s.deleted), 1);
    free(out);
    free(err);
    return s;
}

static uint64_t generation_of(const char *index)
{
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, index, 0, &e) != SHELF_OK)
        fail_msg("open %s: %s", index, e.msg);
    uint64_t g = shelf_index_generation(idx);
    shelf_index_close(idx);
    return g;
}

/* `indexer --list`: the paths (4th field), sorted, one per line. */
static char *list_paths(const char *index)
{
    char *out = NULL, *err = NULL;
    int rc = indexer(&out, &err, "--list", "--index", index, NULL);
    if (rc != 0)
        fail_msg("indexer --list %s: exit %d: %s", index, rc, err);
    char **paths = NULL;
    size_t n = 0;
    for (char *line = out; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *f = line;
        for (int i = 0; i < 3 && f; i++) {
            f = strchr(f, '\t');
            if (f)
                f++;
        }
        if (!f)
            fail_msg("--list line without a path: %s", line);
        char *tab = strchr(f, '\t');
        paths = realloc(paths, (n + 1) * sizeof *paths);
        paths[n++] = tab ? strndup(f, (size_t)(tab - f)) : strdup(f);
        line = end ? end + 1 : NULL;
    }
    if (n > 1)
        qsort(paths, n, sizeof *paths, cmp_str);
    ts_sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        ts_sb_add(&b, paths[i]);
        ts_sb_add(&b, "\n");
        free(paths[i]);
    }
    free(paths);
    free(out);
    free(err);
    return ts_sb_take(&b);
}

/* The expected listing: root/name for each name, sorted. */
static char *expected_paths(const char *root, char **names, size_t n)
{
    char **full = calloc(n ? n : 1, sizeof *full);
    for (size_t i = 0; i < n; i++)
        full[i] = ts_strf("%s/%s", root, names[i]);
    if (n > 1)
        qsort(full, n, sizeof *full, cmp_str);
    ts_sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        ts_sb_add(&b, full[i]);
        ts_sb_add(&b, "\n");
        free(full[i]);
    }
    free(full);
    return ts_sb_take(&b);
}

/* Two texts are equal, else fail showing the first differing line. */
static void assert_same_text(const char *got, const char *want, const char *what)
{
    if (strcmp(got, want) == 0)
        return;
    size_t i = 0, line = 1, start = 0;
    while (got[i] && got[i] == want[i]) {
        if (got[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    const char *ge = strchr(got + start, '\n'), *we = strchr(want + start, '\n');
    int gl = ge ? (int)(ge - got - start) : (int)strlen(got + start);
    int wl = we ? (int)(we - want - start) : (int)strlen(want + start);
    fail_msg("%s differ at line %zu:\n  got:    %.*s\n  wanted: %.*s", what, line, gl, got + start,
             wl, want + start);
}

/* ---- search results ---- */

/* How many documents match: the "total" of `searcher --json -n 1`, with
 * exit 0 when some matched and 1 when none (fails on an error). */
static unsigned long count_of(const char *index, const char *query)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--json", "--exact-total", "-n", "1", query, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("searcher %s: exit %d: %s", query, rc, err);
    unsigned long n = 0;
    const char *t = strstr(out, ",\"total\":");
    if (!t || sscanf(t, ",\"total\":%lu", &n) != 1)
        fail_msg("searcher --json %s: output %s", query, out);
    if (!strstr(out, "\"total_exact\":true"))
        fail_msg("searcher --json --exact-total %s: total not exact: %.300s", query, out);
    assert_int_equal(rc, n ? 0 : 1);
    free(out);
    free(err);
    return n;
}

/* `searcher --count --index DIR QUERY`: the number printed. */
static unsigned long count_only(const char *index, const char *query)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--count", query, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("searcher --count %s: exit %d: %s", query, rc, err);
    unsigned long n = 0;
    if (sscanf(out, "%lu", &n) != 1)
        fail_msg("searcher --count %s: output %s", query, out);
    assert_int_equal(rc, n ? 0 : 1);
    free(out);
    free(err);
    return n;
}

/* Every query of the file, as (path, score) sets and totals. */
static char *signature(const char *index, const char *queries)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--json", "--exact-total", "-n", "100", "--queries", queries, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("searcher --queries on %s: exit %d: %s", index, rc, err);
    char *sig = ts_results_signature(out);
    free(out);
    free(err);
    return sig;
}

/* One query, normalised like signature(). */
static char *signature_of_query(const char *index, const char *query)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--json", "--exact-total", "-n", "100", query, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("searcher %s on %s: exit %d: %s", query, index, rc, err);
    char *end = strchr(out, '\n');
    if (end)
        *end = '\0';
    ts_sbuf b = {0};
    ts_results_add_line(&b, out, 1);
    free(out);
    free(err);
    return ts_sb_take(&b);
}

/* How many queries of a signature have hits. */
static size_t queries_with_hits(const char *sig)
{
    size_t n = 0;
    for (const char *p = strstr(sig, " total="); p; p = strstr(p + 1, " total="))
        n += strncmp(p, " total=0\n", 9) != 0;
    return n;
}

static const char *const QUERIES[] = {
    "deterrence",
    "alliance",
    "\"collective defence\"",
    "\"member states\"",
    "nato AND russia",
    "defence NOT cyber",
    "secur*",
    "deter*",
    "title:nato",
    "ukraine",
    "cyber OR space",
    "+nato -ukraine",
    "\"secretary general\"",
    "partner*",
    "(allies OR alliance) AND summit",
    "nato NEAR/5 russia",
    "operations",
    "climate security",
    "\"annual report\"",
    "military diplomacy",
    "zqmark",
    "title:synthetic",
};
#define QUERY_COUNT (sizeof QUERIES / sizeof *QUERIES)

static char *write_queries(const char *dir)
{
    ts_sbuf b = {0};
    for (size_t i = 0; i < QUERY_COUNT; i++) {
        ts_sb_add(&b, QUERIES[i]);
        ts_sb_add(&b, "\n");
    }
    char *path = ts_write_file(dir, "queries.txt", b.s, b.n);
    free(b.s);
    return path;
}

/* ---- the folder against its manifest ---- */

/* A segment's files: the five of every segment, its written words and its
 * filter columns. */
enum { KINDS = 7 };

/* Every file of the folder is MANIFEST or a file of a listed segment (with
 * its listed deletions file) or a LOCK no one holds; no temporary file; every listed
 * segment has its five files. */
static void assert_folder_clean(const char *index)
{
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, index, 0, &e) != SHELF_OK)
        fail_msg("open %s: %s", index, e.msg);
    const shelf_manifest *m = shelf_index_manifest(idx);
    unsigned found[64][KINDS] = {{0}};
    assert_true(m->segment_count <= 64);
    DIR *d = opendir(index);
    assert_non_null(d);
    struct dirent *ent;
    static const char *const kinds[KINDS] = {"dict", "docs", "pos", "post", "store", "words", "cols"};
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "MANIFEST") == 0 ||
            strcmp(name, "ROOTS") == 0) /* the remembered folders (engine/roots.h) */
            continue;
        if (strcmp(name, "LOCK") == 0) { /* permanent; must be free */
            if (!ts_lock_free(index))
                fail_msg("%s: the writer lock is still held", index);
            continue;
        }
        unsigned number, gen;
        char tail[16];
        size_t k;
        int listed = -1;
        if (sscanf(name, "seg_%6u.%6u.%15s", &number, &gen, tail) == 3 && strcmp(tail, "del") == 0 &&
            strlen(name) == strlen("seg_000000.000000.del")) {
            for (uint32_t i = 0; i < m->segment_count; i++)
                if (m->segments[i].number == number && m->segments[i].del_gen == gen)
                    listed = (int)i;
            if (listed < 0)
                fail_msg("%s/%s: a deletions file the MANIFEST does not name", index, name);
            continue;
        }
        if (sscanf(name, "seg_%6u.%15s", &number, tail) != 2 || strlen(name) != 11 + strlen(tail))
            fail_msg("%s/%s: unexpected file in the index folder", index, name);
        for (k = 0; k < KINDS && strcmp(tail, kinds[k]) != 0; k++)
            ;
        if (k == KINDS)
            fail_msg("%s/%s: unexpected file in the index folder", index, name);
        for (uint32_t i = 0; i < m->segment_count; i++)
            if (m->segments[i].number == number)
                listed = (int)i;
        if (listed < 0)
            fail_msg("%s/%s: a segment file the MANIFEST does not name", index, name);
        found[listed][k] = 1;
    }
    closedir(d);
    for (uint32_t i = 0; i < m->segment_count; i++)
        for (size_t k = 0; k < KINDS; k++)
            if (!found[i][k])
                fail_msg("%s: segment %u has no .%s file", index, m->segments[i].number, kinds[k]);
    shelf_index_close(idx);
}

/* The names of the segment files in the folder, sorted, one per line. */
static char *segment_files(const char *index)
{
    DIR *d = opendir(index);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (strncmp(ent->d_name, "seg_", 4) != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    ts_sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        ts_sb_add(&b, names[i]);
        ts_sb_add(&b, "\n");
        free(names[i]);
    }
    free(names);
    return ts_sb_take(&b);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    *state = ts_mkdtemp();
    return 0;
}

/* Children a test started (killed by teardown if a failure left them). */
static pid_t g_children[8];
static int g_child_count;

static void track_child(pid_t pid)
{
    if (g_child_count < 8)
        g_children[g_child_count++] = pid;
}

/* In a forked child: stop holding the test's output open. */
static void detach_output(void)
{
    int fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
}

static int teardown(void **state)
{
    for (int i = 0; i < g_child_count; i++) {
        if (waitpid(g_children[i], NULL, WNOHANG) == 0) {
            kill(g_children[i], SIGKILL);
            waitpid(g_children[i], NULL, 0);
        }
    }
    g_child_count = 0;
    if (getenv("KEEP_TMP"))
        fprintf(stderr, "kept %s\n", (char *)*state);
    else
        ts_rmtree(*state);
    free(*state);
    return 0;
}

/* ---- add, update, delete, prune ---- */

static const char *const CORPUS_NAMES[] = {
    "military-diplomacy-in-nato.txt", "nato-command-defense-policy-alignment.txt",
    "nato-map-2024-future-of-alliance-operations.txt", "nato-overview.txt",
    "secretary-generals-annual-report-2023.txt"};

static void assert_listing(const char *index, const char *root, char **names, size_t n)
{
    char *got = list_paths(index), *want = expected_paths(root, names, n);
    assert_same_text(got, want, "--list");
    free(got);
    free(want);
}

static void test_add_update_delete_prune(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    char *names[16];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        names[n++] = (char *)CORPUS_NAMES[i];

    char *err = index_run(index, root, NULL, NULL);
    expect_counts(err, 5, 0, 0, 0);
    free(err);
    uint64_t gen = generation_of(index);
    assert_int_equal(gen, 1);
    char *manifest_path = ts_strf("%s/MANIFEST", index);
    size_t mlen1, mlen2;
    char *manifest1 = ts_read_file(manifest_path, &mlen1);

    /* Nothing changed: nothing written. */
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 0, 0, 5, 0);
    free(err);
    assert_int_equal(generation_of(index), gen);
    char *manifest2 = ts_read_file(manifest_path, &mlen2);
    assert_int_equal(mlen1, mlen2);
    assert_memory_equal(manifest1, manifest2, mlen1);
    free(manifest2);

    /* A new modification time, same bytes: the hash decides, unchanged. */
    set_mtime(root, "nato-overview.txt", time(NULL) + 1000);
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 0, 0, 5, 0);
    free(err);
    assert_int_equal(generation_of(index), gen);
    manifest2 = ts_read_file(manifest_path, &mlen2);
    assert_int_equal(mlen1, mlen2);
    assert_memory_equal(manifest1, manifest2, mlen1);
    free(manifest2);
    assert_int_equal(check_index(index).deleted, 0);

    /* Changed content: updated 1, one deleted document, the new word found. */
    assert_int_equal(count_of(index, "appendedwordalpha"), 0);
    char *p = ts_strf("%s/nato-overview.txt", root);
    size_t len;
    char *text = ts_read_file(p, &len);
    char *more = ts_strf("%s\nA closing line with appendedwordalpha.\n", text);
    write_text(root, "nato-overview.txt", more);
    set_mtime(root, "nato-overview.txt", time(NULL) + 2000);
    free(more);
    free(text);
    free(p);
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 0, 1, 4, 0);
    free(err);
    assert_int_equal(generation_of(index), gen + 1);
    stats s = check_index(index);
    assert_int_equal(s.documents, 5);
    assert_int_equal(s.deleted, 1);
    assert_int_equal(count_of(index, "appendedwordalpha"), 1);
    assert_int_equal(count_of(index, "nato"), 5);
    assert_listing(index, root, names, n);

    /* A new file, in a new folder. */
    write_text(root, "extra/added-notes.md", "# Added notes\n\nThe addedwordbeta is here, with nato.\n");
    names[n++] = "extra/added-notes.md";
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 1, 0, 5, 0);
    free(err);
    assert_int_equal(generation_of(index), gen + 2);
    assert_int_equal(count_of(index, "addedwordbeta"), 1);
    assert_int_equal(count_of(index, "nato"), 6);
    assert_listing(index, root, names, n);

    /* A deleted file is pruned. */
    remove_file(root, "military-diplomacy-in-nato.txt");
    memmove(&names[0], &names[1], (n - 1) * sizeof *names);
    n--;
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 0, 0, 5, 1);
    free(err);
    assert_int_equal(count_of(index, "nato"), 5);
    assert_int_equal(check_index(index).documents, 5);
    assert_listing(index, root, names, n);

    /* With --no-prune a deleted file's document stays, and is still found. */
    remove_file(root, "extra/added-notes.md");
    uint64_t g = generation_of(index);
    err = index_run(index, root, NULL, "--no-prune");
    expect_counts(err, 0, 0, 4, 0);
    free(err);
    assert_int_equal(generation_of(index), g);
    assert_int_equal(count_of(index, "addedwordbeta"), 1);
    assert_listing(index, root, names, n);

    /* The next run without it prunes it. */
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 0, 0, 4, 1);
    free(err);
    assert_int_equal(count_of(index, "addedwordbeta"), 0);
    n--; /* extra/added-notes.md was last */
    assert_listing(index, root, names, n);
    assert_int_equal(check_index(index).documents, 4);

    /* Pruning is limited to the given paths: indexing only one file leaves
     * the others alone. */
    char *one = ts_strf("%s/nato-overview.txt", root);
    err = index_run(index, one, NULL, NULL);
    expect_counts(err, 0, 0, 1, 0);
    free(err);
    assert_listing(index, root, names, n);
    free(one);

    free(manifest1);
    free(manifest_path);
    free(index);
    free(root);
}

static void test_remove_file_and_folder(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    write_text(root, "sub/one.txt", "Sub one\n\nremovedwordgamma in the sub folder.\n");
    write_text(root, "sub/two.md", "# Sub two\n\nremovedwordgamma again.\n");
    write_text(root, "sub/deeper/three.txt", "Sub three\n\nremovedwordgamma deeper.\n");
    write_text(root, "sub2/four.txt", "Sub2 four\n\nremovedwordgamma next door.\n");
    char *names[16];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        names[n++] = (char *)CORPUS_NAMES[i];
    names[n++] = "sub/one.txt";
    names[n++] = "sub/two.md";
    names[n++] = "sub/deeper/three.txt";
    names[n++] = "sub2/four.txt";
    char *err = index_run(index, root, NULL, NULL);
    expect_counts(err, 9, 0, 0, 0);
    free(err);
    assert_listing(index, root, names, n);
    assert_int_equal(count_of(index, "removedwordgamma"), 4);

    /* One file. */
    char *file = ts_strf("%s/nato-overview.txt", root);
    int rc = indexer(NULL, &err, "--index", index, "--remove", file, NULL);
    if (rc != 0)
        fail_msg("--remove %s: exit %d: %s", file, rc, err);
    assert_non_null(strstr(err, "removed 1 documents"));
    free(err);
    memmove(&names[3], &names[4], (n - 4) * sizeof *names);
    n--;
    assert_listing(index, root, names, n);
    assert_int_equal(count_of(index, "nato"), 4);

    /* A folder (given with a trailing slash): everything under it, but not
     * the sibling folder sub2 that shares its prefix. */
    char *folder = ts_strf("%s/sub/", root);
    rc = indexer(NULL, &err, "--index", index, "--remove", folder, NULL);
    if (rc != 0)
        fail_msg("--remove %s: exit %d: %s", folder, rc, err);
    assert_non_null(strstr(err, "removed 3 documents"));
    free(err);
    n = 4;
    names[n++] = "sub2/four.txt";
    assert_listing(index, root, names, n);
    assert_int_equal(count_of(index, "removedwordgamma"), 1);
    stats s = check_index(index);
    assert_int_equal(s.documents, 5);
    assert_int_equal(s.deleted, 4);

    /* Nothing to remove: exit 1, a message, no new generation. */
    uint64_t g = generation_of(index);
    char *missing = ts_strf("%s/no-such-file.txt", root);
    rc = indexer(NULL, &err, "--index", index, "--remove", missing, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no such document"));
    free(err);
    assert_int_equal(generation_of(index), g);
    assert_listing(index, root, names, n);

    /* The files are still on disk: the next run adds them back. */
    err = index_run(index, root, NULL, NULL);
    expect_counts(err, 4, 0, 5, 0);
    free(err);
    assert_int_equal(count_of(index, "removedwordgamma"), 4);
    assert_int_equal(check_index(index).documents, 9);

    free(missing);
    free(folder);
    free(file);
    free(index);
    free(root);
}

/* --count prints the same number as the JSON total, on an index with
 * several segments and deleted documents (only live ones count). */
static void test_count_matches_json_total(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    free(index_run(index, root, "none", NULL));
    write_text(root, "extra.txt", "Extra note\n\ndeterrence and zqmark in an added file.\n");
    remove_file(root, "nato-overview.txt");
    free(index_run(index, root, "none", NULL));
    assert_int_equal(check_index(index).deleted, 1);
    /* All queries in one process each way. */
    char *queries = write_queries(tmp);
    char *sig = signature(index, queries);
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--count", "--queries", queries, NULL);
    if (rc != 0)
        fail_msg("searcher --count --queries: exit %d: %s", rc, err);
    const char *c = out, *t = sig;
    for (size_t i = 0; i < QUERY_COUNT; i++) {
        unsigned long json, count;
        int used = 0;
        t = strstr(t, " total=");
        while (*c == '\n')
            c++;
        if (strncmp(c, "line ", 5) != 0 || !(c = strchr(c, '\n'))) /* the label "line N: QUERY" */
            fail_msg("query %s: no label (--count output: %s)", QUERIES[i], out);
        c++;
        if (!t || sscanf(t, " total=%lu", &json) != 1 || sscanf(c, "%lu%n", &count, &used) != 1)
            fail_msg("query %s: no count (--count output: %s)", QUERIES[i], out);
        if (json != count)
            fail_msg("query %s: --count %lu, --json total %lu", QUERIES[i], count, json);
        t++;
        c += used;
    }
    free(out);
    free(err);
    free(sig);
    free(queries);
    assert_int_equal(count_only(index, "zqmark"), 1);
    assert_int_equal(count_only(index, "nosuchwordanywhere"), 0);
    free(index);
    free(root);
}

/* ---- superseded and deleted versions ---- */

static void test_superseded_never_found(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    write_text(root, "ver.txt", "Versioned note\n\nThe oldversiononly marker sits in sharedversionword text.\n");
    write_text(root, "gone.txt", "Doomed note\n\ngoneforgoodword and sharedversionword.\n");
    free(index_run(index, root, "none", NULL));
    assert_int_equal(count_of(index, "oldversiononly"), 1);
    assert_int_equal(count_of(index, "goneforgoodword"), 1);
    assert_int_equal(count_of(index, "sharedversionword"), 2);

    write_text(root, "ver.txt", "Versioned note\n\nThe midversiononly marker sits in sharedversionword text.\n");
    set_mtime(root, "ver.txt", time(NULL) + 1000);
    remove_file(root, "gone.txt");
    char *err = index_run(index, root, "none", NULL);
    expect_counts(err, 0, 1, 5, 1);
    free(err);
    write_text(root, "ver.txt", "Versioned note\n\nThe newversiononly marker sits in sharedversionword text.\n");
    set_mtime(root, "ver.txt", time(NULL) + 2000);
    err = index_run(index, root, "none", NULL);
    expect_counts(err, 0, 1, 5, 0);
    free(err);
    stats s = check_index(index);
    assert_true(s.segments >= 2); /* the second run's segment is all deleted: dropped */
    assert_int_equal(s.deleted, 2);

    static const char *const gone[] = {"oldversiononly", "midversiononly", "goneforgoodword",
                                       "\"oldversiononly marker\"", "oldversion*", "midversion*",
                                       "goneforgood*", "title:doomed"};
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof gone / sizeof *gone; i++) {
            char *out = NULL;
            int rc = searcher(&out, &err, "--index", index, "--json", gone[i], NULL);
            if (rc != 1 || !strstr(out, "\"total\":0,"))
                fail_msg("query %s (round %d): exit %d, %s%s", gone[i], round, rc, out, err);
            free(out);
            free(err);
        }
        assert_int_equal(count_of(index, "newversiononly"), 1);
        /* The shared word: one hit, the current version. */
        char *sig = signature_of_query(index, "sharedversionword");
        char *want_path = ts_strf("%s/ver.txt", root);
        assert_non_null(strstr(sig, "total=1\n"));
        assert_non_null(strstr(sig, want_path));
        free(want_path);
        free(sig);
        /* Round two: the same after everything was merged. */
        char *out = NULL;
        int rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
        if (rc != 0)
            fail_msg("--optimize: exit %d: %s", rc, err);
        free(out);
        free(err);
    }
    free(index);
    free(root);
}

/* ---- score equality with a fresh index ---- */

typedef struct fileset {
    char *names[64];
    size_t n;
} fileset;

static void fs_add(fileset *f, const char *name)
{
    assert_true(f->n < 64);
    f->names[f->n++] = strdup(name);
}

static void fs_drop(fileset *f, size_t i)
{
    free(f->names[i]);
    memmove(&f->names[i], &f->names[i + 1], (f->n - i - 1) * sizeof *f->names);
    f->n--;
}

static void fs_free(fileset *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->names[i]);
    f->n = 0;
}

/* `indexer --rebuild` of root into fresh (kept between calls, so --rebuild
 * replaces an existing index), then the same results and listing as index. */
static void assert_same_as_fresh(const char *index, const char *fresh, const char *root,
                                 const char *queries, const char *when)
{
    char *err = NULL;
    int rc = indexer(NULL, &err, "-q", "--rebuild", "--index", fresh, root, NULL);
    if (rc != 0)
        fail_msg("%s: rebuild: exit %d: %s", when, rc, err);
    free(err);
    stats fs = check_index(fresh);
    assert_int_equal(fs.segments, 1);
    assert_int_equal(fs.deleted, 0);
    assert_folder_clean(fresh);
    char *a = signature(index, queries), *b = signature(fresh, queries);
    print_message("%s: %zu of %zu queries with hits\n", when, queries_with_hits(b), QUERY_COUNT);
    assert_true(queries_with_hits(b) >= QUERY_COUNT / 2);
    char *what = ts_strf("%s: incremental vs fresh results", when);
    assert_same_text(a, b, what);
    free(what);
    char *la = list_paths(index), *lb = list_paths(fresh);
    assert_same_text(la, lb, "--list of incremental vs fresh index");
    assert_int_equal(check_index(index).documents, fs.documents);
    free(la);
    free(lb);
    free(a);
    free(b);
}

static time_t g_mtime = 1600000000;

static void put_doc(uint64_t *rng, const char *root, const char *name, int serial)
{
    char *title = ts_strf(serial % 3 == 0 ? "Synthetic NATO note %d" : "Synthetic note %d", serial);
    char *doc = synth_doc(rng, title, serial % 2 ? "zqmark closes this note." : NULL);
    write_text(root, name, doc);
    set_mtime(root, name, g_mtime += 10);
    free(doc);
    free(title);
}

/* Batches of adds, modifications and deletions (and a --remove, and a
 * touched file), checked against a fresh index after each batch, then
 * after --optimize, then after one more batch.  policy "tiered" is the
 * default: no --merge-policy option is given then. */
static void score_scenario(const char *tmp, const char *policy, uint64_t seed)
{
    const char *option = strcmp(policy, "tiered") == 0 ? NULL : policy;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp), *fresh = ts_strf("%s/fresh", tmp);
    char *queries = write_queries(tmp);
    uint64_t rng = seed;
    fileset files = {0};
    for (size_t i = 0; i < 5; i++)
        fs_add(&files, CORPUS_NAMES[i]);
    int serial = 0;
    free(index_run(index, root, option, NULL));
    assert_same_as_fresh(index, fresh, root, queries, "initial");

    for (int batch = 1; batch <= 9; batch++) {
        size_t before = files.n;
        /* Batch 9 runs after --optimize. */
        if (batch == 9) {
            char *out = NULL, *err = NULL;
            int rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
            if (rc != 0)
                fail_msg("--optimize: exit %d: %s", rc, err);
            free(out);
            free(err);
            stats s = check_index(index);
            assert_int_equal(s.segments, 1);
            assert_int_equal(s.deleted, 0);
            assert_folder_clean(index);
            assert_same_as_fresh(index, fresh, root, queries, "after --optimize");
        }
        if (batch == 4) { /* --remove a file, and delete it */
            size_t i = (size_t)ts_rand_below(&rng, files.n);
            char *path = ts_strf("%s/%s", root, files.names[i]);
            char *err = NULL;
            int rc = option ? indexer(NULL, &err, "--index", index, "--merge-policy", option, "--remove", path, NULL)
                            : indexer(NULL, &err, "--index", index, "--remove", path, NULL);
            if (rc != 0)
                fail_msg("--remove %s: exit %d: %s", path, rc, err);
            free(err);
            assert_int_equal(unlink(path), 0);
            free(path);
            fs_drop(&files, i);
            before--;
        }
        if (batch == 6) /* touched only */
            set_mtime(root, files.names[ts_rand_below(&rng, files.n)], g_mtime += 10);
        for (int k = 0; k < 2; k++) {
            char *name = ts_strf(batch % 2 ? "notes/batch-%d-%d.txt" : "batch-%d-%d.md", batch, k);
            put_doc(&rng, root, name, ++serial);
            fs_add(&files, name);
            free(name);
        }
        size_t mod = (size_t)ts_rand_below(&rng, before);
        put_doc(&rng, root, files.names[mod], ++serial);
        size_t del = (size_t)ts_rand_below(&rng, before - 1);
        if (del >= mod)
            del++;
        remove_file(root, files.names[del]);
        fs_drop(&files, del);

        char *err = index_run(index, root, option, NULL);
        expect_counts(err, 2, 1, before - 2, 1);
        free(err);
        char *when = ts_strf("policy %s, batch %d", policy, batch);
        assert_same_as_fresh(index, fresh, root, queries, when);
        free(when);
        stats s = check_index(index);
        print_message("%s: %lu segments, %lu deleted\n", policy, s.segments, s.deleted);
        if (strcmp(policy, "none") == 0 && batch == 8) {
            /* The scenario really has many segments and deletions files. */
            assert_true(s.segments >= 5);
            assert_true(s.deleted >= 5);
        }
        if (strcmp(policy, "tiered") == 0)
            assert_true(s.segments < 9);
        else /* one segment per batch, none merged (some may be all deleted) */
            assert_true(s.segments <= (batch < 9 ? (unsigned long)batch + 1 : 2));
    }
    fs_free(&files);
    free(queries);
    free(fresh);
    free(index);
    free(root);
}

static void test_scores_equal_fresh_policy_none(void **state)
{
    score_scenario(*state, "none", 42);
}

static void test_scores_equal_fresh_policy_tiered(void **state)
{
    score_scenario(*state, "tiered", 4242);
}

/* ---- merging ---- */

static void test_tiered_merging_keeps_segments_few(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    uint64_t rng = 7;
    free(index_run(index, root, "tiered", NULL));
    int merging_runs = 0;
    unsigned long most = 0;
    for (int b = 1; b <= 12; b++) {
        char *name = ts_strf("small-%02d.txt", b);
        put_doc(&rng, root, name, b);
        free(name);
        if (b > 1) { /* and modify the previous batch's file */
            char *prev = ts_strf("small-%02d.txt", b - 1);
            put_doc(&rng, root, prev, 100 + b);
            free(prev);
        }
        char *err = index_run(index, root, "tiered", NULL);
        expect_counts(err, 1, b > 1, (unsigned long)(5 + b - 1 - (b > 1)), 0);
        merging_runs += strstr(err, " merges") != NULL;
        free(err);
        stats s = check_index(index);
        assert_int_equal(s.documents, 5 + b);
        if (s.segments > most)
            most = s.segments;
        if (s.segments >= 9)
            fail_msg("batch %d: %lu segments with the tiered policy", b, s.segments);
    }
    print_message("tiered: at most %lu segments over 12 batches; %d runs merged\n", most, merging_runs);
    assert_true(merging_runs >= 1);
    assert_folder_clean(index);
    /* Merged segments score exactly like a fresh index. */
    char *fresh = ts_strf("%s/fresh", tmp), *queries = write_queries(tmp);
    assert_same_as_fresh(index, fresh, root, queries, "after tiered merges");
    free(queries);
    free(fresh);
    free(index);
    free(root);
}

static void test_policy_none_then_optimize(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    uint64_t rng = 11;
    free(index_run(index, root, "none", NULL));
    for (int b = 1; b <= 9; b++) {
        char *name = ts_strf("small-%02d.txt", b);
        put_doc(&rng, root, name, b);
        free(name);
        unsigned long updated = 0, removed = 0;
        if (b == 3 || b == 6) { /* deletions in the first segment */
            put_doc(&rng, root, CORPUS_NAMES[b == 3 ? 3 : 0], 100 + b);
            updated = 1;
        }
        if (b == 8) {
            remove_file(root, CORPUS_NAMES[1]);
            removed = 1;
        }
        char *err = index_run(index, root, "none", NULL);
        expect_counts(err, 1, updated, (unsigned long)(5 + b - 1) - (b >= 8) - updated, removed);
        assert_null(strstr(err, " merges"));
        free(err);
        stats s = check_index(index);
        assert_int_equal(s.segments, b + 1);
    }
    stats s = check_index(index);
    assert_int_equal(s.deleted, 3);
    assert_int_equal(s.documents, 13);
    assert_folder_clean(index);
    char *before = segment_files(index);
    assert_non_null(strstr(before, ".del\n"));
    char *fresh_sig_dir = ts_strf("%s/fresh", tmp);
    char *queries = write_queries(tmp);
    char *sig_before = signature(index, queries);

    char *out = NULL, *err = NULL;
    int rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
    if (rc != 0)
        fail_msg("--optimize: exit %d: %s", rc, err);
    assert_non_null(strstr(err, "merged into one segment"));
    free(out);
    free(err);
    s = check_index(index);
    assert_int_equal(s.segments, 1);
    assert_int_equal(s.deleted, 0);
    assert_int_equal(s.documents, 13);
    assert_folder_clean(index);
    /* None of the old files is left. */
    char *after = segment_files(index);
    for (char *line = before; *line;) {
        char *end = strchr(line, '\n');
        *end = '\0';
        char *path = ts_strf("%s/%s", index, line);
        if (file_exists(path))
            fail_msg("%s survived --optimize", path);
        free(path);
        line = end + 1;
    }
    assert_null(strstr(after, ".del"));
    /* The results did not change, and equal a fresh index's. */
    char *sig_after = signature(index, queries);
    assert_same_text(sig_after, sig_before, "results before and after --optimize");
    assert_same_as_fresh(index, fresh_sig_dir, root, queries, "policy none, optimized");

    /* Optimizing an optimal index changes nothing. */
    uint64_t g = generation_of(index);
    rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "already optimal"));
    free(out);
    free(err);
    assert_int_equal(generation_of(index), g);
    char *again = segment_files(index);
    assert_string_equal(again, after);

    free(again);
    free(sig_after);
    free(sig_before);
    free(queries);
    free(fresh_sig_dir);
    free(after);
    free(before);
    free(index);
    free(root);
}

/* A merge where the first term of the dictionary belongs only to deleted
 * documents (the dropped term is the very first one written). */
static void test_optimize_drops_first_term(void **state)
{
    const char *tmp = *state;
    char *root = ts_strf("%s/small", tmp);
    char *index = ts_strf("%s/index", tmp);
    write_text(root, "a.txt", "Aardvark note\n\naardvarks amble about.\n");
    write_text(root, "b.txt", "Zebra note\n\nzebras roam the plains quietly.\n");
    write_text(root, "c.txt", "Yak note\n\nyaks roam the plains slowly.\n");
    free(index_run(index, root, "none", NULL));
    remove_file(root, "a.txt");
    char *err = index_run(index, root, "none", NULL);
    expect_counts(err, 0, 0, 2, 1);
    free(err);
    stats s = check_index(index);
    assert_int_equal(s.deleted, 1);
    char *out = NULL;
    int rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
    if (rc != 0)
        fail_msg("--optimize: exit %d: %s", rc, err);
    free(out);
    free(err);
    s = check_index(index);
    assert_int_equal(s.segments, 1);
    assert_int_equal(s.documents, 2);
    assert_int_equal(s.deleted, 0);
    assert_int_equal(count_of(index, "plains"), 2);
    assert_int_equal(count_of(index, "aardvark"), 0);
    free(index);
    free(root);
}

/* ---- the writer lock ---- */

/* A child process that takes the index's writer lock and holds it (at most
 * two minutes, whatever happens); returns once the lock is held. */
static pid_t spawn_holder(const char *index)
{
    int ready[2];
    if (pipe(ready) != 0)
        abort();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        detach_output();
        close(ready[0]);
        shelf_lock lock;
        if (shelf_lock_acquire(&lock, index, false, NULL) != SHELF_OK || write(ready[1], "x", 1) != 1)
            _exit(1);
        for (int i = 0; i < 120; i++)
            sleep(1);
        _exit(0);
    }
    track_child(pid);
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1)
        fail_msg("the lock holder could not take the lock");
    close(ready[0]);
    return pid;
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* A pid that names no process: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0)
        _exit(0);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return pid;
}

static void write_lock(const char *index, long pid)
{
    char *text = ts_strf("%ld\n", pid);
    write_text(index, "LOCK", text);
    free(text);
}

/* s contains the decimal number n, not as part of a longer number. */
static int names_number(const char *s, long n)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", n);
    size_t len = strlen(digits);
    for (const char *p = strstr(s, digits); p; p = strstr(p + 1, digits))
        if ((p == s || p[-1] < '0' || p[-1] > '9') && (p[len] < '0' || p[len] > '9'))
            return 1;
    return 0;
}

/* Start the indexer in the background, stderr to err_path. */
static pid_t spawn_indexer(const char *err_path, const char *const *args)
{
    const char *argv[MAX_ARGS];
    int n = 0;
    argv[n++] = INDEXER_BIN;
    for (; *args; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || fe < 0)
            _exit(126);
        dup2(in, 0);
        dup2(in, 1);
        dup2(fe, 2);
        unsetenv("SHELF_CRASH_AFTER");
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    track_child(pid);
    return pid;
}

/* Wait for pid at most `seconds`; its exit code (-1: killed).  A process
 * still running then is killed and the test fails. */
static int wait_bounded(pid_t pid, int seconds)
{
    for (int i = 0; i < seconds * 20; i++) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0 && errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
        usleep(50 * 1000);
    }
    kill_and_reap(pid);
    fail_msg("process %ld still running after %d s", (long)pid, seconds);
    return -1;
}

static void test_lock_live_holder_and_wait(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    free(index_run(index, root, NULL, NULL));
    uint64_t g = generation_of(index);
    write_text(root, "late.txt", "Late note\n\nlockedoutword waits for the lock.\n");

    pid_t holder = spawn_holder(index);
    char *lock_path = ts_strf("%s/LOCK", index);
    char *lock_before = ts_read_file(lock_path, NULL);

    /* Every writing mode refuses, naming the holder's pid. */
    char *file = ts_strf("%s/nato-overview.txt", root);
    const char *const modes[][6] = {
        {"--index", index, root, NULL},
        {"--index", index, "--optimize", NULL},
        {"--index", index, "--remove", file, NULL},
        {"--index", index, "--rebuild", root, NULL},
    };
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        const char *argv[8] = {INDEXER_BIN};
        for (int k = 0; modes[i][k]; k++)
            argv[k + 1] = modes[i][k];
        char *err = NULL;
        int rc = run_argv(argv, NULL, &err);
        if (rc != 2 || !names_number(err, holder))
            fail_msg("mode %zu with a live lock: exit %d: %s", i, rc, err);
        free(err);
        char *lock_now = ts_read_file(lock_path, NULL);
        assert_non_null(lock_now);
        assert_string_equal(lock_now, lock_before);
        free(lock_now);
    }
    assert_int_equal(generation_of(index), g);
    assert_int_equal(count_of(index, "lockedoutword"), 0);
    assert_int_equal(count_of(index, "nato"), 5);
    /* Reading needs no lock. */
    assert_int_equal(check_index(index).documents, 5);

    /* --wait: waits while the holder lives, then does the work. */
    char *err_path = ts_strf("%s/wait.err", tmp);
    const char *args[] = {"--wait", "--index", index, root, NULL};
    pid_t waiter = spawn_indexer(err_path, args);
    /* At least half a second, and until it says it waits (however slowly
     * it starts); it must not finish while the holder lives. */
    int status;
    for (int i = 0;; i++) {
        usleep(100 * 1000);
        pid_t r = waitpid(waiter, &status, WNOHANG);
        if (r == waiter) {
            char *err = ts_read_file(err_path, NULL);
            fail_msg("indexer --wait finished while the lock was held: status %d: %s", status, err);
        }
        assert_int_equal(r, 0);
        char *said = ts_read_file(err_path, NULL);
        int waiting = said && strstr(said, "waiting") != NULL;
        free(said);
        if (i >= 5 && waiting)
            break;
        if (i > 600) {
            kill_and_reap(waiter);
            fail_msg("indexer --wait never said it was waiting");
        }
    }
    assert_int_equal(generation_of(index), g);
    kill_and_reap(holder); /* the kernel drops its lock */
    int rc = wait_bounded(waiter, 60);
    char *err = ts_read_file(err_path, NULL);
    if (rc != 0)
        fail_msg("indexer --wait: exit %d: %s", rc, err);
    assert_non_null(strstr(err, "waiting"));
    assert_true(names_number(err, holder));
    expect_counts(err, 1, 0, 5, 0);
    free(err);
    assert_int_equal(count_of(index, "lockedoutword"), 1);
    assert_true(ts_lock_free(index));

    free(err_path);
    free(file);
    free(lock_before);
    free(lock_path);
    free(index);
    free(root);
}

static void test_lock_dead_holder_taken_over(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    free(index_run(index, root, NULL, NULL));
    char *lock_path = ts_strf("%s/LOCK", index);

    long pids[2] = {dead_pid(), 999999};
    int rounds = (kill(999999, 0) != 0 && errno == ESRCH) ? 2 : 1;
    for (int i = 0; i < rounds; i++) {
        write_lock(index, pids[i]);
        char *name = ts_strf("taken-%d.txt", i);
        char *text = ts_strf("Taken over\n\ntakenoverword%d after a dead writer.\n", i);
        write_text(root, name, text);
        char *err = index_run(index, root, NULL, NULL);
        expect_counts(err, 1, 0, 5 + (unsigned long)i, 0);
        free(err);
        char *word = ts_strf("takenoverword%d", i);
        assert_int_equal(count_of(index, word), 1);
        assert_true(ts_lock_free(index));
        free(word);
        free(text);
        free(name);
    }
    /* --optimize and --remove take a stale lock over too. */
    write_lock(index, pids[0]);
    char *out = NULL, *err = NULL;
    assert_int_equal(indexer(&out, &err, "--index", index, "--optimize", NULL), 0);
    free(out);
    free(err);
    assert_true(ts_lock_free(index));
    assert_int_equal(check_index(index).segments, 1);
    write_lock(index, pids[0]);
    char *file = ts_strf("%s/taken-0.txt", root);
    assert_int_equal(indexer(&out, &err, "--index", index, "--remove", file, NULL), 0);
    free(out);
    free(err);
    assert_true(ts_lock_free(index));
    assert_int_equal(count_of(index, "takenoverword0"), 0);
    free(file);
    free(lock_path);
    free(index);
    free(root);
}

/* ---- searching while indexing ---- */

/* The exact number of matches of a parsed query in an open index. */
static int lib_count(const shelf_index *idx, shelf_analyzer *an, const shelf_qnode *q, long *count,
                     shelf_err *err)
{
    int col = 0;
    shelf_plan *plan = shelf_plan_for_index(idx, an, q, NULL, 0, err, &col);
    if (!plan)
        return err->code ? err->code : SHELF_EINVAL;
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = 1;
    o.exact_total = true;
    shelf_results res;
    int rc = shelf_search(idx, plan, &o, &res, err);
    if (rc == SHELF_OK) {
        *count = res.total_exact ? (long)res.total : -1;
        shelf_results_free(&res);
    }
    shelf_plan_free(plan);
    return rc;
}

/* Open the index, search both queries, close. */
static int lib_counts(const char *index, shelf_analyzer *an, const shelf_qnode *qd,
                      const shelf_qnode *qz, long *det, long *zq, shelf_err *err)
{
    shelf_index *idx;
    int rc = shelf_index_open(&idx, index, 0, err);
    if (rc != SHELF_OK)
        return rc;
    rc = lib_count(idx, an, qd, det, err);
    if (rc == SHELF_OK)
        rc = lib_count(idx, an, qz, zq, err);
    shelf_index_close(idx);
    return rc;
}

/* The library reader's loop (in a child): open, search both words, close,
 * as fast as it can; checks every observation itself and logs each new
 * state, any error or impossible state, and the number of searches. */
static void library_reader(const char *index, const char *stop_path, pid_t parent, long base,
                           long batches, const char *log_path)
{
    FILE *log = fopen(log_path, "w");
    if (!log)
        _exit(3);
    shelf_err err = {0};
    shelf_analyzer *an = shelf_analyzer_new("english", &err);
    int col = 0;
    shelf_qnode *qd = shelf_query_parse("deterrence", NULL, &err, &col);
    shelf_qnode *qz = shelf_query_parse("zqmark", NULL, &err, &col);
    if (!an || !qd || !qz) {
        fprintf(log, "BAD setup: %s\n", err.msg);
        fclose(log);
        _exit(4);
    }
    time_t started = time(NULL);
    long last = -1, n = 0;
    for (; n < 1000000; n++) {
        long det = -1, zq = -1;
        int rc = lib_counts(index, an, qd, qz, &det, &zq, &err);
        if (rc != SHELF_OK) {
            fprintf(log, "BAD search %ld failed: %s\n", n + 1, err.msg);
            break;
        }
        if (zq < 0 || zq > batches || zq < last || det != base + (zq > 0)) {
            fprintf(log, "BAD search %ld: a state never committed or gone back: zqmark %ld after "
                         "%ld, deterrence %ld\n", n + 1, zq, last, det);
            break;
        }
        if (zq != last)
            fprintf(log, "state %ld\n", zq);
        last = zq;
        if ((n & 15) == 0 &&
            (file_exists(stop_path) || getppid() != parent || time(NULL) - started > 150))
            break;
    }
    fprintf(log, "searches %ld\n", n + 1);
    fclose(log);
    shelf_query_free(qd);
    shelf_query_free(qz);
    shelf_analyzer_free(an);
    _exit(0);
}

/* Batch k adds batch-k.txt (deterrence, zqmark) and rewrites batch-(k-1).txt
 * without deterrence: in every committed state k, zqmark matches k documents
 * and deterrence base+1 (base for k = 0).  A state mixing a batch's new
 * segment with the old deletions would show k+1 and base+2. */
static void test_search_during_indexing(void **state)
{
    const char *tmp = *state;
    char *root = copy_corpus(tmp);
    char *index = ts_strf("%s/index", tmp);
    free(index_run(index, root, "tiered", NULL));
    unsigned long base = count_of(index, "deterrence");
    assert_int_equal(base, 5);
    assert_int_equal(count_of(index, "zqmark"), 0);
    char *queries = ts_write_file(tmp, "q.txt", "deterrence\nzqmark\n", 18);
    char *log_path = ts_strf("%s/reader.log", tmp), *stop_path = ts_strf("%s/stop", tmp);
    enum { BATCHES = 15 };

    pid_t parent = getpid();
    fflush(NULL);
    pid_t reader = fork();
    assert_true(reader >= 0);
    if (reader == 0) {
        detach_output();
        FILE *log = fopen(log_path, "w");
        if (!log)
            _exit(3);
        time_t started = time(NULL);
        for (int i = 0; i < 20000; i++) {
            char *out = NULL, *err = NULL;
            int rc = searcher(&out, &err, "--index", index, "--json", "--exact-total", "-n", "1", "--queries", queries, NULL);
            long det = -1, zq = -1;
            const char *t1 = out ? strstr(out, ",\"total\":") : NULL;
            const char *t2 = t1 ? strstr(t1 + 1, ",\"total\":") : NULL;
            if (!t2 || sscanf(t1, ",\"total\":%ld", &det) != 1 || sscanf(t2, ",\"total\":%ld", &zq) != 1)
                det = zq = -1;
            char *nl = err ? strchr(err, '\n') : NULL;
            if (nl)
                *nl = '\0';
            fprintf(log, "%d %ld %ld %s\n", rc, det, zq, err ? err : "");
            fflush(log);
            free(out);
            free(err);
            if (file_exists(stop_path) || getppid() != parent || time(NULL) - started > 150)
                break;
        }
        fclose(log);
        _exit(0);
    }
    track_child(reader);

    char *lib_log_path = ts_strf("%s/library-reader.log", tmp);
    fflush(NULL);
    pid_t lib_reader = fork();
    assert_true(lib_reader >= 0);
    if (lib_reader == 0) {
        detach_output();
        library_reader(index, stop_path, parent, (long)base, BATCHES, lib_log_path);
    }
    track_child(lib_reader);

    for (int k = 1; k <= BATCHES; k++) {
        char *name = ts_strf("batch-%02d.txt", k);
        char *text = ts_strf("Batch note %d\n\nThe deterrence note %d carries zqmark.\n", k, k);
        write_text(root, name, text);
        set_mtime(root, name, g_mtime += 10);
        free(text);
        free(name);
        if (k > 1) {
            name = ts_strf("batch-%02d.txt", k - 1);
            text = ts_strf("Batch note %d\n\nThe rewritten note %d carries zqmark only.\n", k - 1, k - 1);
            write_text(root, name, text);
            set_mtime(root, name, g_mtime += 10);
            free(text);
            free(name);
        }
        char *err = index_run(index, root, "tiered", NULL);
        expect_counts(err, 1, k > 1, (unsigned long)(5 + k - 1 - (k > 1)), 0);
        free(err);
        if (k == 8 || k == BATCHES) {
            char *out = NULL;
            int rc = indexer(&out, &err, "--index", index, "--optimize", NULL);
            if (rc != 0)
                fail_msg("--optimize: exit %d: %s", rc, err);
            free(out);
            free(err);
        }
        assert_int_equal(count_of(index, "zqmark"), k);
        assert_int_equal(count_of(index, "deterrence"), base + 1);
    }
    free(ts_write_file(tmp, "stop", "", 0));
    int rc = wait_bounded(reader, 200);
    assert_int_equal(rc, 0);
    rc = wait_bounded(lib_reader, 200);
    char *lib_log = ts_read_file(lib_log_path, NULL);
    if (rc != 0 || !lib_log || strstr(lib_log, "BAD") || !strstr(lib_log, "searches "))
        fail_msg("library reader: exit %d, log:\n%s", rc, lib_log ? lib_log : "(none)");
    const char *searches = strstr(lib_log, "searches ");
    print_message("library reader: %s", searches);
    free(lib_log);
    free(lib_log_path);

    char *log = ts_read_file(log_path, NULL);
    assert_non_null(log);
    long last = 0, reads = 0, states_seen = 0;
    for (char *line = log; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        int code;
        long det, zq;
        if (sscanf(line, "%d %ld %ld", &code, &det, &zq) != 3)
            fail_msg("reader log line: %s", line);
        if (code != 0)
            fail_msg("read %ld during indexing: exit %d: %s", reads + 1, code, line);
        if (zq < 0 || zq > BATCHES || det != (long)base + (zq > 0))
            fail_msg("read %ld saw a state that was never committed: deterrence %ld, zqmark %ld",
                     reads + 1, det, zq);
        if (zq < last)
            fail_msg("read %ld went back in time: zqmark %ld after %ld", reads + 1, zq, last);
        states_seen += zq != last;
        last = zq;
        reads++;
        line = end ? end + 1 : line + strlen(line);
    }
    print_message("reader: %ld searches, %ld state changes seen\n", reads, states_seen);
    assert_true(reads >= 1);
    free(log);
    free(stop_path);
    free(log_path);
    free(queries);
    free(index);
    free(root);
}

int main(void)
{
    g_scratch = ts_mkdtemp();
    load_corpus();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_update_delete_prune, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_file_and_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_matches_json_total, setup, teardown),
        cmocka_unit_test_setup_teardown(test_superseded_never_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scores_equal_fresh_policy_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scores_equal_fresh_policy_tiered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tiered_merging_keeps_segments_few, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_none_then_optimize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optimize_drops_first_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_live_holder_and_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_dead_holder_taken_over, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_during_indexing, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (int i = 0; i < g_corpus_n; i++)
        free(g_corpus[i]);
    ts_rmtree(g_scratch);
    free(g_scratch);
    return rc;
}
