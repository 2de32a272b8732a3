/*
 * test_crash.c - crash safety of the indexer, end to end.
 *
 * The writer calls a crash point at every step where a crash could leave a
 * half-done state (util/crashpoint.h); SHELF_CRASH_AFTER=N makes the Nth one
 * SIGKILL the process.  Two series run N = 1, 2, 3, ... until the run ends
 * normally:
 *   (a) an incremental batch (add 2 files, modify 1, delete 1) on a
 *       two-segment index;
 *   (b) --optimize of a four-segment index with deletions files.
 * After each kill: `indexer --check` passes; the searcher opens the index and
 * sees exactly the old or exactly the new state (results with scores of a
 * set of queries, the --list lines, --count of a marker word), never a mix;
 * re-running the same command completes, and the result equals a fresh
 * index of the same files, with no stale file and no lock left held.
 * Together the series must have at least 50 kill points.
 *
 * Write errors: the indexer under a file-size limit (ulimit -f, SIGXFSZ
 * ignored, so writes fail with EFBIG) on a batch and on --optimize exits 2
 * naming a file in the index folder, and the committed index is untouched
 * (same MANIFEST bytes, --check OK, same --list and results).
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

#include "backend/native/index.h"
#include "support.h"
#include "support_results.h"

extern char **environ;

/* ---- running programs ---- */

static char *g_scratch;

/* Run argv with SHELF_CRASH_AFTER=crash_after (NULL: unset).  Returns the
 * exit code, or -1 when killed by a signal (then *signo is set). */
static int run_argv(const char *const *argv, const char *crash_after, char **out, char **err,
                    int *signo)
{
    return ts_spawn(argv, g_scratch, crash_after, out, err, signo);
}

static int run_va(const char *prog, char **out, char **err, va_list ap)
{
    return ts_spawn_va(prog, g_scratch, out, err, ap);
}

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

/* The lines of text, sorted (text is consumed). */
static char *sorted_lines(char *text)
{
    char **lines = NULL;
    size_t n = 0;
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        lines = realloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = line;
        line = end ? end + 1 : NULL;
    }
    if (n > 1)
        qsort(lines, n, sizeof *lines, cmp_str);
    ts_sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        ts_sb_add(&b, lines[i]);
        ts_sb_add(&b, "\n");
    }
    free(lines);
    return ts_sb_take(&b);
}

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

/* ---- files ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
    free(ts_write_file(dir, name, text, strlen(text)));
}

static time_t g_mtime = 1600000000;

static void set_mtime(const char *dir, const char *name)
{
    char *p = ts_strf("%s/%s", dir, name);
    struct timespec ts[2] = {{g_mtime, 0}, {g_mtime, 0}};
    g_mtime += 10;
    if (utimensat(AT_FDCWD, p, ts, 0) != 0)
        fail_msg("utimensat %s: %s", p, strerror(errno));
    free(p);
}

static char *copy_corpus(const char *dir)
{
    char *dst = ts_strf("%s/src", dir);
    const char *argv[] = {"/bin/cp", "-R", CORPUS_DIR, dst, NULL};
    assert_int_equal(run_argv(argv, NULL, NULL, NULL, NULL), 0);
    return dst;
}

/* Replace folder `to` by a copy of the (flat) folder `from`. */
static void remove_flat(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = ts_strf("%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            fail_msg("unlink %s: %s", p, strerror(errno));
        free(p);
    }
    closedir(d);
    if (rmdir(dir) != 0)
        fail_msg("rmdir %s: %s", dir, strerror(errno));
}

static void copy_index(const char *from, const char *to)
{
    remove_flat(to);
    assert_int_equal(mkdir(to, 0755), 0);
    DIR *d = opendir(from);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *src = ts_strf("%s/%s", from, e->d_name);
        size_t len;
        char *data = ts_read_file(src, &len);
        assert_non_null(data);
        free(ts_write_file(to, e->d_name, data, len));
        free(data);
        free(src);
    }
    closedir(d);
}

/* ---- what the index shows ---- */

typedef struct stats {
    unsigned long segments, documents, deleted;
} stats;

static stats check_index(const char *index, const char *when)
{
    char *out = NULL, *err = NULL;
    int rc = indexer(&out, &err, "--check", index, NULL);
    if (rc != 0 || !strstr(out, ": OK"))
        fail_msg("%s: indexer --check: exit %d: %s%s", when, rc, out, err);
    stats s;
    const char *a = strstr(out, "segments"), *b = strstr(out, "documents"), *c = strstr(out, "deleted");
    if (!a || !b || !c || sscanf(a, "segments %lu", &s.segments) != 1 ||
        sscanf(b, "documents %lu", &s.documents) != 1 || sscanf(c, "deleted %lu", &s.deleted) != 1)
        fail_msg("%s: --check output: %s", when, out);
    free(out);
    free(err);
    return s;
}

/* `indexer --list`, whole lines (tokens, size, time, path, title), sorted. */
static char *list_lines(const char *index, const char *when)
{
    char *out = NULL, *err = NULL;
    int rc = indexer(&out, &err, "--list", "--index", index, NULL);
    if (rc != 0)
        fail_msg("%s: indexer --list: exit %d: %s", when, rc, err);
    free(err);
    char *sorted = sorted_lines(out);
    free(out);
    return sorted;
}

static unsigned long count_of(const char *index, const char *query, const char *when)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--count", query, NULL);
    unsigned long n = 0;
    if ((rc != 0 && rc != 1) || sscanf(out, "%lu", &n) != 1)
        fail_msg("%s: searcher --count %s: exit %d: %s%s", when, query, rc, out, err);
    free(out);
    free(err);
    return n;
}

/* The (path, score) sets and totals of every query in the file. */
static char *signature(const char *index, const char *queries, const char *when)
{
    char *out = NULL, *err = NULL;
    int rc = searcher(&out, &err, "--index", index, "--json", "--exact-total", "-n", "100", "--queries", queries, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("%s: searcher: exit %d: %s", when, rc, err);
    char *sig = ts_results_signature(out);
    free(out);
    free(err);
    return sig;
}

/* A segment's files: the five of every segment, its written words and its
 * filter columns. */
enum { KINDS = 7 };

/* No held LOCK, no temporary file, no file but ROOTS, or of a segment or
 * deletions file the MANIFEST does not name, and every listed segment's five files present. */
static void assert_folder_clean(const char *index, const char *when)
{
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, index, 0, &e) != SHELF_OK)
        fail_msg("%s: open %s: %s", when, index, e.msg);
    const shelf_manifest *m = shelf_index_manifest(idx);
    unsigned found[64][KINDS] = {{0}};
    assert_true(m->segment_count <= 64);
    static const char *const kinds[KINDS] = {"dict", "docs", "pos", "post", "store", "words", "cols"};
    DIR *d = opendir(index);
    assert_non_null(d);
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        const char *name = ent->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "MANIFEST") == 0 ||
            strcmp(name, "ROOTS") == 0) /* the remembered folders (engine/roots.h) */
            continue;
        if (strcmp(name, "LOCK") == 0) { /* permanent; must be free */
            if (!ts_lock_free(index))
                fail_msg("%s: %s: the writer lock is still held", when, index);
            continue;
        }
        unsigned number, gen;
        char tail[16];
        int listed = -1;
        if (sscanf(name, "seg_%6u.%6u.%15s", &number, &gen, tail) == 3 && strcmp(tail, "del") == 0 &&
            strlen(name) == strlen("seg_000000.000000.del")) {
            for (uint32_t i = 0; i < m->segment_count; i++)
                if (m->segments[i].number == number && m->segments[i].del_gen == gen)
                    listed = (int)i;
            if (listed < 0)
                fail_msg("%s: %s/%s: a deletions file the MANIFEST does not name", when, index, name);
            continue;
        }
        size_t k = KINDS;
        if (sscanf(name, "seg_%6u.%15s", &number, tail) == 2 && strlen(name) == 11 + strlen(tail))
            for (k = 0; k < KINDS && strcmp(tail, kinds[k]) != 0; k++)
                ;
        if (k == KINDS)
            fail_msg("%s: %s/%s: unexpected file in the index folder", when, index, name);
        for (uint32_t i = 0; i < m->segment_count; i++)
            if (m->segments[i].number == number)
                listed = (int)i;
        if (listed < 0)
            fail_msg("%s: %s/%s: a segment file the MANIFEST does not name", when, index, name);
        found[listed][k] = 1;
    }
    closedir(d);
    for (uint32_t i = 0; i < m->segment_count; i++)
        for (size_t k = 0; k < KINDS; k++)
            if (!found[i][k])
                fail_msg("%s: %s: segment %u has no .%s file", when, index, m->segments[i].number,
                         kinds[k]);
    shelf_index_close(idx);
}

/* ---- the shelf and its two states ---- */

static const char QUERIES[] =
    "zqmark\n"
    "oldonlyword\n"
    "newonlyword\n"
    "deletedfileword\n"
    "gonebeforeword\n"
    "addedfileword\n"
    "deterrence\n"
    "alliance\n"
    "\"collective defence\"\n"
    "secur*\n"
    "nato AND russia\n"
    "defence NOT cyber\n"
    "title:nato\n";

typedef struct istate {
    char *sig;   /* results of the queries, with scores */
    char *list;  /* `indexer --list` lines (NULL: not taken) */
    char *paths; /* live document paths through the library */
    long zq;     /* `searcher --count zqmark` (-1: not taken) */
} istate;

typedef struct shelf {
    char *tmp, *src, *base, *work, *fresh, *queries;
    istate old, new;
} shelf;

/* The live documents' paths, read through the library, sorted. */
static char *lib_paths(const char *index, const char *when)
{
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, index, 0, &e) != SHELF_OK)
        fail_msg("%s: open %s: %s", when, index, e.msg);
    ts_sbuf b = {0};
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *seg = shelf_index_segment(idx, i);
        const shelf_deletions *del = shelf_index_deletions(idx, i);
        for (uint32_t d = 0; d < shelf_segment_doc_count(seg); d++) {
            if (shelf_deleted(del, d))
                continue;
            shelf_docmeta m;
            if (shelf_segment_doc(seg, d, &m, &e) != SHELF_OK)
                fail_msg("%s: document %u of segment %zu: %s", when, d, i, e.msg);
            ts_sb_addn(&b, m.path, m.path_len);
            ts_sb_add(&b, "\n");
        }
    }
    shelf_index_close(idx);
    char *joined = ts_sb_take(&b);
    char *sorted = sorted_lines(joined);
    free(joined);
    return sorted;
}

enum { TAKE_LIST = 1, TAKE_COUNT = 2 };

/* Results, library paths, and as asked the --list lines and --count zqmark. */
static void state_of_(istate *s, const shelf *sh, const char *index, unsigned take, const char *when)
{
    s->sig = signature(index, sh->queries, when);
    s->paths = lib_paths(index, when);
    s->list = take & TAKE_LIST ? list_lines(index, when) : NULL;
    s->zq = take & TAKE_COUNT ? (long)count_of(index, "zqmark", when) : -1;
}

static void state_of(istate *s, const shelf *sh, const char *index, const char *when)
{
    state_of_(s, sh, index, TAKE_LIST | TAKE_COUNT, when);
}

static void state_free(istate *s)
{
    free(s->sig);
    free(s->list);
    free(s->paths);
}

static void index_src(const shelf *sh, const char *index, const char *policy)
{
    char *err = NULL;
    int rc = indexer(NULL, &err, "--index", index, "--merge-policy", policy, sh->src, NULL);
    if (rc != 0)
        fail_msg("indexer %s: exit %d: %s", sh->src, rc, err);
    free(err);
}

/* The batch's changes to the files: add two, modify one, delete one. */
static void apply_batch(const shelf *sh)
{
    write_text(sh->src, "x_new1.txt", "Added note one\n\nThe addedfileword and zqmark, with nato.\n");
    write_text(sh->src, "notes/x_new2.md", "# Added note two\n\nzqmark in a markdown file about alliance.\n");
    write_text(sh->src, "x_mod.txt", "Modified note\n\nThe newonlyword version keeps zqmark and deterrence.\n");
    set_mtime(sh->src, "x_new1.txt");
    set_mtime(sh->src, "notes/x_new2.md");
    set_mtime(sh->src, "x_mod.txt");
    char *del = ts_strf("%s/x_del.txt", sh->src);
    assert_int_equal(unlink(del), 0);
    free(del);
}

/* A two-segment base index of the corpus and three small files marked with
 * zqmark; `old` is its state.  Then the batch is applied to the files and
 * `new` is the state of a fresh index of them. */
static char *g_current_tmp; /* the running test's folder, for teardown after a failure */

static void make_shelf(shelf *sh)
{
    sh->tmp = ts_mkdtemp();
    g_current_tmp = sh->tmp;
    sh->src = copy_corpus(sh->tmp);
    sh->base = ts_strf("%s/base", sh->tmp);
    sh->work = ts_strf("%s/work", sh->tmp);
    sh->fresh = ts_strf("%s/fresh", sh->tmp);
    sh->queries = ts_write_file(sh->tmp, "queries.txt", QUERIES, sizeof QUERIES - 1);
    write_text(sh->src, "x_keep.txt", "Kept note\n\nzqmark stays here, next to security.\n");
    write_text(sh->src, "x_del.txt", "Doomed note\n\nThe deletedfileword and zqmark, about alliance.\n");
    write_text(sh->src, "x_gone.txt", "Early note\n\nThe gonebeforeword, deleted before the batch.\n");
    set_mtime(sh->src, "x_keep.txt");
    set_mtime(sh->src, "x_del.txt");
    set_mtime(sh->src, "x_gone.txt");
    index_src(sh, sh->base, "none");
    /* Second run: the first segment gets a deletions file, x_mod a segment. */
    char *gone = ts_strf("%s/x_gone.txt", sh->src);
    assert_int_equal(unlink(gone), 0);
    free(gone);
    write_text(sh->src, "x_mod.txt", "Modified note\n\nThe oldonlyword version has zqmark and defence.\n");
    set_mtime(sh->src, "x_mod.txt");
    index_src(sh, sh->base, "none");
    stats s = check_index(sh->base, "base");
    assert_int_equal(s.segments, 2);
    assert_int_equal(s.documents, 8);
    assert_int_equal(s.deleted, 1);
    state_of(&sh->old, sh, sh->base, "old state");
    assert_int_equal(sh->old.zq, 3);

    apply_batch(sh);
    char *err = NULL;
    int rc = indexer(NULL, &err, "-q", "--rebuild", "--index", sh->fresh, sh->src, NULL);
    if (rc != 0)
        fail_msg("fresh index: exit %d: %s", rc, err);
    free(err);
    state_of(&sh->new, sh, sh->fresh, "new state");
    assert_int_equal(sh->new.zq, 4);
    assert_true(strcmp(sh->old.sig, sh->new.sig) != 0);
    assert_true(strcmp(sh->old.list, sh->new.list) != 0);
    assert_true(strcmp(sh->old.paths, sh->new.paths) != 0);
}

static void free_shelf(shelf *sh)
{
    state_free(&sh->old);
    state_free(&sh->new);
    g_current_tmp = NULL;
    ts_rmtree(sh->tmp);
    free(sh->tmp);
    free(sh->src);
    free(sh->base);
    free(sh->work);
    free(sh->fresh);
    free(sh->queries);
}

/* The state of `index` must be exactly `a` or exactly `b` (results with
 * scores, live paths, and what `take` asks for): returns 0 or 1. */
static int which_state_(const shelf *sh, const char *index, const istate *a, const istate *b,
                        unsigned take, const char *when)
{
    istate now;
    state_of_(&now, sh, index, take, when);
    int which = strcmp(now.sig, a->sig) == 0 ? 0 : strcmp(now.sig, b->sig) == 0 ? 1 : -1;
    if (which < 0) {
        char *what = ts_strf("%s: results match neither state; against the first one, results", when);
        assert_same_text(now.sig, a->sig, what);
        free(what);
    }
    const istate *s = which ? b : a;
    char *what = ts_strf("%s: live paths (state %d)", when, which);
    assert_same_text(now.paths, s->paths, what);
    free(what);
    if (take & TAKE_LIST) {
        what = ts_strf("%s: --list lines (state %d)", when, which);
        assert_same_text(now.list, s->list, what);
        free(what);
    }
    if ((take & TAKE_COUNT) && now.zq != s->zq)
        fail_msg("%s: --count zqmark %ld, state %d has %ld", when, now.zq, which, s->zq);
    state_free(&now);
    return which;
}

/* After a kill: exactly `a` or `b`, --count zqmark included. */
static int which_state(const shelf *sh, const char *index, const istate *a, const istate *b,
                       const char *when)
{
    return which_state_(sh, index, a, b, TAKE_COUNT, when);
}

/* After a completed run: exactly the state `want`, --list lines included. */
static void assert_final_state(const shelf *sh, const char *index, const istate *want, const char *when)
{
    which_state_(sh, index, want, want, TAKE_LIST, when);
}

/* Segments, live and deleted documents, through the library (checksums
 * verified). */
static stats lib_stats(const char *index, const char *when)
{
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, index, SHELF_OPEN_VERIFY, &e) != SHELF_OK)
        fail_msg("%s: open %s: %s", when, index, e.msg);
    stats s = {shelf_index_segment_count(idx), shelf_index_doc_count(idx),
               shelf_index_numbered(idx) - shelf_index_doc_count(idx)};
    shelf_index_close(idx);
    return s;
}

/* ---- the crash series ---- */

static int g_points_batch = -1, g_points_optimize = -1;

/* Run `args` (on sh->work, restored from `start` each time) with
 * SHELF_CRASH_AFTER = 1, 2, ...; after each kill call verify().  Returns the
 * number of kills. */
typedef void verify_fn(shelf *sh, int n, int signo_or_zero, const char *err);

static int crash_series(shelf *sh, const char *start, const char *const *args, verify_fn *verify)
{
    for (int n = 1; n <= 1000; n++) {
        copy_index(start, sh->work);
        char crash[16];
        snprintf(crash, sizeof crash, "%d", n);
        int signo = 0;
        char *err = NULL;
        int rc = run_argv(args, crash, NULL, &err, &signo);
        if (rc < 0 && signo != SIGKILL)
            fail_msg("SHELF_CRASH_AFTER=%d: killed by signal %d: %s", n, signo, err);
        if (rc > 0)
            fail_msg("SHELF_CRASH_AFTER=%d: exit %d: %s", n, rc, err);
        verify(sh, n, signo, err);
        free(err);
        if (rc == 0)
            return n - 1;
    }
    fail_msg("still killed after 1000 crash points");
    return -1;
}

static int g_seen[2];

static void verify_batch(shelf *sh, int n, int signo, const char *err)
{
    char when[64];
    snprintf(when, sizeof when, "batch, SHELF_CRASH_AFTER=%d%s", n, signo ? " (killed)" : "");
    check_index(sh->work, when);
    int which = which_state(sh, sh->work, &sh->old, &sh->new, when);
    if (!signo && which != 1)
        fail_msg("%s: the run ended normally but the index is in the old state: %s", when, err);
    if (signo)
        g_seen[which]++;
    /* Re-running the batch completes it, whatever the kill left. */
    char *err2 = NULL;
    int rc = indexer(NULL, &err2, "--index", sh->work, "--merge-policy", "none", sh->src, NULL);
    if (rc != 0 && rc != 1)
        fail_msg("%s: re-run: exit %d: %s", when, rc, err2);
    const char *want = which ? "added 0, updated 0, unchanged 9, removed 0 documents"
                             : "added 2, updated 1, unchanged 6, removed 1 documents";
    if (!strstr(err2, want))
        fail_msg("%s: re-run from state %d: wanted \"%s\", got: %s", when, which, want, err2);
    free(err2);
    assert_final_state(sh, sh->work, &sh->new, when);
    assert_folder_clean(sh->work, when);
}

static void test_crash_during_batch(void **state)
{
    shelf sh = {0};
    make_shelf(&sh);
    const char *args[] = {INDEXER_BIN, "--index", sh.work, "--merge-policy", "none", sh.src, NULL};
    g_seen[0] = g_seen[1] = 0;
    int kills = crash_series(&sh, sh.base, args, verify_batch);
    print_message("batch: %d kill points (%d left the old state, %d the new one)\n", kills, g_seen[0],
                  g_seen[1]);
    assert_true(g_seen[0] > 0);
    assert_true(g_seen[1] > 0);
    g_points_batch = kills;
    free_shelf(&sh);
}

static unsigned long g_opt_segments;

static void verify_optimize(shelf *sh, int n, int signo, const char *err)
{
    char when[64];
    snprintf(when, sizeof when, "optimize, SHELF_CRASH_AFTER=%d%s", n, signo ? " (killed)" : "");
    stats s = check_index(sh->work, when);
    if (s.segments != g_opt_segments && s.segments != 1)
        fail_msg("%s: %lu segments, neither %lu nor 1", when, s.segments, g_opt_segments);
    if (s.segments == 1 && s.deleted != 0)
        fail_msg("%s: one segment with %lu deleted documents", when, s.deleted);
    if (!signo && s.segments != 1)
        fail_msg("%s: ended normally with %lu segments: %s", when, s.segments, err);
    /* Optimizing changes nothing a search can see. */
    assert_int_equal(which_state(sh, sh->work, &sh->new, &sh->new, when), 0);
    if (signo)
        g_seen[s.segments == 1]++;
    char *out = NULL, *err2 = NULL;
    int rc = indexer(&out, &err2, "--index", sh->work, "--optimize", NULL);
    if (rc != 0)
        fail_msg("%s: re-run: exit %d: %s", when, rc, err2);
    free(out);
    free(err2);
    s = lib_stats(sh->work, when);
    assert_int_equal(s.segments, 1);
    assert_int_equal(s.deleted, 0);
    assert_final_state(sh, sh->work, &sh->new, when);
    assert_folder_clean(sh->work, when);
}

static void test_crash_during_optimize(void **state)
{
    shelf sh = {0};
    make_shelf(&sh);
    /* Four segments, three with deletions files: the batch, then one more
     * change to a file of each of the two newest segments. */
    char *start = ts_strf("%s/start", sh.tmp);
    copy_index(sh.base, start);
    index_src(&sh, start, "none");
    write_text(sh.src, "x_keep.txt", "Kept note\n\nzqmark stays here, next to security, edited.\n");
    set_mtime(sh.src, "x_keep.txt");
    write_text(sh.src, "x_new1.txt", "Added note one\n\nThe addedfileword and zqmark, with nato, edited.\n");
    set_mtime(sh.src, "x_new1.txt");
    index_src(&sh, start, "none");
    stats s = check_index(start, "optimize start");
    g_opt_segments = s.segments;
    assert_int_equal(s.segments, 3);
    assert_int_equal(s.deleted, 4);
    /* The expected state: a fresh index of the files as they are now. */
    char *err = NULL;
    int rc = indexer(NULL, &err, "-q", "--rebuild", "--index", sh.fresh, sh.src, NULL);
    if (rc != 0)
        fail_msg("fresh index: exit %d: %s", rc, err);
    free(err);
    state_free(&sh.new);
    state_of(&sh.new, &sh, sh.fresh, "fresh");
    assert_int_equal(which_state(&sh, start, &sh.new, &sh.new, "optimize start"), 0);

    const char *args[] = {INDEXER_BIN, "--index", sh.work, "--optimize", NULL};
    g_seen[0] = g_seen[1] = 0;
    int kills = crash_series(&sh, start, args, verify_optimize);
    print_message("optimize: %d kill points (%d before the merge committed, %d after)\n", kills,
                  g_seen[0], g_seen[1]);
    assert_true(g_seen[0] > 0);
    assert_true(g_seen[1] > 0);
    g_points_optimize = kills;
    free(start);
    free_shelf(&sh);
}

static void test_crash_points_enough(void **state)
{
    if (g_points_batch < 0 || g_points_optimize < 0)
        fail_msg("a crash series did not complete (batch %d, optimize %d points)", g_points_batch,
                 g_points_optimize);
    print_message("kill points: batch %d + optimize %d = %d\n", g_points_batch, g_points_optimize,
                  g_points_batch + g_points_optimize);
    assert_true(g_points_batch + g_points_optimize >= 50);
}

/* ---- write errors ---- */

/* Run the indexer with a file-size limit of 64 blocks and SIGXFSZ ignored. */
static int indexer_limited(const char *args_quoted, char **err)
{
    char *cmd = ts_strf("trap '' XFSZ; ulimit -f 64 && exec '%s' %s", INDEXER_BIN, args_quoted);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    int signo = 0;
    int rc = run_argv(argv, NULL, NULL, err, &signo);
    if (rc < 0)
        fail_msg("indexer under ulimit -f killed by signal %d", signo);
    free(cmd);
    return rc;
}

typedef struct snapshot {
    char *manifest, *list, *sig;
    size_t manifest_len;
} snapshot;

static void take_snapshot(snapshot *s, const shelf *sh, const char *index)
{
    char *p = ts_strf("%s/MANIFEST", index);
    s->manifest = ts_read_file(p, &s->manifest_len);
    assert_non_null(s->manifest);
    free(p);
    s->list = list_lines(index, "snapshot");
    s->sig = signature(index, sh->queries, "snapshot");
}

static void assert_snapshot(const snapshot *s, const shelf *sh, const char *index, const char *when)
{
    check_index(index, when);
    snapshot now;
    take_snapshot(&now, sh, index);
    if (now.manifest_len != s->manifest_len || memcmp(now.manifest, s->manifest, s->manifest_len) != 0)
        fail_msg("%s: MANIFEST changed", when);
    assert_same_text(now.list, s->list, "--list lines");
    assert_same_text(now.sig, s->sig, "results");
    free(now.manifest);
    free(now.list);
    free(now.sig);
}

static void free_snapshot(snapshot *s)
{
    free(s->manifest);
    free(s->list);
    free(s->sig);
}

/* Thirty more documents (copies of the corpus files, each a little
 * different): far more than 64 blocks of index files. */
static void add_big_folder(const shelf *sh)
{
    DIR *d = opendir(CORPUS_DIR);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strstr(e->d_name, ".txt"))
            continue;
        char *p = ts_strf("%s/%s", CORPUS_DIR, e->d_name);
        size_t len;
        char *text = ts_read_file(p, &len);
        for (int i = 0; i < 6; i++) {
            char *name = ts_strf("big/copy%d-%s", i, e->d_name);
            char *variant = ts_strf("%s\nbigcopyword%d\n", text, i);
            write_text(sh->src, name, variant);
            free(variant);
            free(name);
        }
        free(text);
        free(p);
    }
    closedir(d);
}

static void test_write_error_leaves_index_intact(void **state)
{
    shelf sh = {0};
    make_shelf(&sh);
    snapshot before;
    take_snapshot(&before, &sh, sh.base);
    add_big_folder(&sh);

    /* A batch that cannot be written. */
    char *args = ts_strf("--index '%s' '%s'", sh.base, sh.src);
    char *err = NULL;
    int rc = indexer_limited(args, &err);
    char *in_folder = ts_strf("%s/", sh.base);
    if (rc != 2 || !strstr(err, in_folder))
        fail_msg("batch under ulimit -f: exit %d (wanted 2 and a file of %s named): %s", rc, sh.base, err);
    print_message("batch under ulimit: %s", err);
    free(err);
    assert_snapshot(&before, &sh, sh.base, "after the failed batch");
    assert_int_equal(count_of(sh.base, "bigcopyword1", "after the failed batch"), 0);

    /* Without the limit the same batch goes through and leaves nothing stale. */
    char *out = NULL;
    rc = indexer(&out, &err, "--index", sh.base, "--merge-policy", "none", sh.src, NULL);
    if (rc != 0)
        fail_msg("batch without limit: exit %d: %s", rc, err);
    assert_non_null(strstr(err, "added 32, updated 1, unchanged 6, removed 1 documents"));
    free(out);
    free(err);
    stats s = check_index(sh.base, "after the batch");
    assert_int_equal(s.documents, 39);
    assert_int_equal(s.segments, 2); /* the old x_mod's segment is all deleted: dropped */
    assert_int_equal(s.deleted, 2);
    assert_folder_clean(sh.base, "after the batch");
    assert_int_equal(count_of(sh.base, "bigcopyword1", "after the batch"), 5);

    /* --optimize of the now large, multi-segment index cannot be written either. */
    snapshot multi;
    take_snapshot(&multi, &sh, sh.base);
    char *opt_args = ts_strf("--index '%s' --optimize", sh.base);
    rc = indexer_limited(opt_args, &err);
    if (rc != 2 || !strstr(err, in_folder))
        fail_msg("--optimize under ulimit -f: exit %d (wanted 2 and a file of %s named): %s", rc,
                 sh.base, err);
    print_message("optimize under ulimit: %s", err);
    free(err);
    assert_snapshot(&multi, &sh, sh.base, "after the failed --optimize");
    assert_int_equal(check_index(sh.base, "after the failed --optimize").segments, s.segments);

    rc = indexer(&out, &err, "--index", sh.base, "--optimize", NULL);
    if (rc != 0)
        fail_msg("--optimize without limit: exit %d: %s", rc, err);
    free(out);
    free(err);
    s = check_index(sh.base, "optimized");
    assert_int_equal(s.segments, 1);
    assert_int_equal(s.deleted, 0);
    assert_folder_clean(sh.base, "optimized");

    free_snapshot(&multi);
    free(opt_args);
    free(in_folder);
    free(args);
    free_snapshot(&before);
    free_shelf(&sh);
}

/* Remove the folder of a test that failed before cleaning up. */
static int teardown(void **state)
{
    if (g_current_tmp)
        ts_rmtree(g_current_tmp);
    g_current_tmp = NULL;
    return 0;
}

int main(void)
{
    g_scratch = ts_mkdtemp();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_crash_during_batch, teardown),
        cmocka_unit_test_teardown(test_crash_during_optimize, teardown),
        cmocka_unit_test(test_crash_points_enough),
        cmocka_unit_test_teardown(test_write_error_leaves_index_intact, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ts_rmtree(g_scratch);
    free(g_scratch);
    return rc;
}
