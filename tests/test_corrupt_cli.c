/*
 * test_corrupt_cli.c - the corrupt-index sweep: every file of a real index,
 * damaged one way at a time in many ways, is either detected (exit 2, a
 * message naming the file) or harmless (well-formed output), and never
 * crashes, hangs or makes a reader ask for a huge allocation.
 *
 * Two indexes of corpus/ plus generated notes (so that a common term has a
 * skip table and a bit-packed block): a native one with a deletions file
 * (one document removed, the folder indexed again) and a Xapian one.  Every
 * file of each is damaged in turn and restored afterwards:
 *   - truncated to every length up to 64 bytes, ~50 lengths spread over the
 *     file, and its length - 1;
 *   - (native files) one byte XORed at every offset of the 16-byte header
 *     and footer and at ~100 offsets spread over the body; the same with the
 *     footer's CRC recomputed, so that the damage reaches the decoders; and,
 *     CRC recomputed, every byte of the structure: trailers, block index
 *     starts, first and last document records, every store block's lengths,
 *     a long posting list's skip table and packed block, all of MANIFEST
 *     and of the deletions file.
 * Xapian's files are only truncated: Xapian 1.4 itself (xapian-check too)
 * crashes on some single flipped bytes of iamglass and of table blocks.
 * Its document blobs, which our code decodes, get every truncation and
 * flips near both ends and spread between.
 *
 * Each damaged state is read by the library the way the searcher and
 * `indexer --check` do (a query touching many terms, a query with phrases
 * and snippets, the full check), in a child process, and, for every 41st
 * state (71st under AddressSanitizer), by the binaries themselves:
 * `searcher --json`, `searcher` and `indexer --check`.
 *
 * Every reader must end by itself (no signal; 10 s at most) and never report
 * running out of memory: children run under a 1 GiB address-space limit
 * (not in a sanitized build, whose shadow memory needs far more), so a
 * length read from disk and trusted shows up as ENOMEM.  Detection, naming
 * the damaged file, is required for any truncation (for Xapian: from the
 * check; a search reads only what it needs, and Xapian records no lengths),
 * any flip that leaves the CRC stale, and, CRC recomputed, a native file's
 * magic, version and footer.  Other flips with the CRC recomputed may go
 * unnoticed (a changed byte of stored text, a document id or position still
 * in range...); when noticed, the message must name a file of the index.
 *
 * SHELF_SWEEP_STRIDE=N runs every Nth state through the binaries (1: all);
 * SHELF_SWEEP_SHOW=N prints the first N failed expectations (25).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "analysis/analyzer.h"
#include "engine/engine.h"
#include "backend/xapian/xapian_backend.h"
#include "backend/xapian/record_value.h"
#include "backend/xapian/xapdoc.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "json_reader.h"
#include "present/snippets.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "support.h"
#include "support_run.h"
#include "util/bytes.h"
#include "backend/xapian/xapian_c.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define CHILD_SECONDS 10
#define ADDRESS_LIMIT (1ull << 30)
#define GENERATED_NOTES 200
#define SPREAD_LENGTHS 50
#define SPREAD_FLIPS 100
#define DEFAULT_STRIDE (SANITIZED ? 71 : 41) /* states also read by the binaries: every Nth */
#define MAX_FILES 16
#define MSG_MAX 600
#define HITS 5 /* hits shown per query, with their passages */
#define HITS_ARG "5"

/* A query touching many terms (prefixes, a title term, OR) and one with
 * phrases, whose hits show passages. */
static const char QUERY_MANY[] = "nato OR allianc* OR defen* OR secur* OR alpha OR beta OR gamma "
                                 "OR title:nato OR delta*";
static const char QUERY_SNIPPETS[] = "\"collective defence\" OR \"alpha beta\" OR member";

/* ---- the damage ---- */

typedef enum damage_kind { TRUNCATE, FLIP, FLIP_FIXED_CRC } damage_kind;

typedef struct damage {
    damage_kind kind;
    size_t at;    /* new length, or offset of the flipped byte */
    uint8_t mask; /* XORed into the byte */
} damage;

typedef struct index_file {
    char *name; /* as messages should name it: "seg_000001.post", "postlist.glass" */
    char *path;
    uint8_t *data;
    size_t len;
    bool framed; /* native: header, CRC'd footer */
    size_t *structure; /* offsets of bytes that frame the contents (native) */
    size_t nstructure;
} index_file;

/* What one reader said about a damaged state. */
enum { R_MANY, R_SNIPPETS, R_CHECK, READERS };
static const char *const reader_name[READERS] = {"search (many terms)", "search (snippets)",
                                                 "check"};

typedef struct verdict {
    int status[READERS]; /* exit status (binaries) or 0 / 2 (library) */
    int signo[READERS];
    bool timed_out[READERS];
    char msg[READERS][MSG_MAX];
    bool well_formed[READERS];
} verdict;

/* The library readers' process (see run_library). */
typedef struct shared_state {
    char dir[4096];
    verdict v;
} shared_state;

typedef struct library_reader {
    pid_t pid; /* 0: none running */
    int command, answer;
    shared_state *shared; /* MAP_SHARED */
} library_reader;

typedef struct tally {
    unsigned states, binary_states, must_detect, detected, named_exactly, unnoticed;
} tally;

typedef struct fixture {
    char *tmp;
    char *native_dir, *xapian_dir;
    index_file native[MAX_FILES], xapian[MAX_FILES];
    size_t native_count, xapian_count;
    library_reader reader;
    unsigned stride;
} fixture;

/* ---- children: signals, address-space limit, time limit ---- */

/* cmocka catches crash signals in the test process (and would go on
 * running the tests in a crashed child); children get back the handlers
 * from before cmocka (the sanitizer's, or the defaults). */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
#define CRASH_SIGNALS (sizeof crash_signals / sizeof *crash_signals)
static struct sigaction saved_actions[CRASH_SIGNALS];

static void save_crash_handlers(void)
{
    for (size_t i = 0; i < CRASH_SIGNALS; i++)
        sigaction(crash_signals[i], NULL, &saved_actions[i]);
}

static void prepare_child(void)
{
    for (size_t i = 0; i < CRASH_SIGNALS; i++)
        sigaction(crash_signals[i], &saved_actions[i], NULL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void limit_address_space(void)
{
    if (SANITIZED)
        return;
    struct rlimit rl = {ADDRESS_LIMIT, ADDRESS_LIMIT};
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        _exit(120);
}

/* CPU seconds used by this process and its children so far. */
static double cpu_seconds(void)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    double s = 0;
    const struct rusage *u[] = {&self, &children};
    for (int i = 0; i < 2; i++)
        s += (double)(u[i]->ru_utime.tv_sec + u[i]->ru_stime.tv_sec) +
             (u[i]->ru_utime.tv_usec + u[i]->ru_stime.tv_usec) / 1e6;
    return s;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for pid at most CHILD_SECONDS (SIGCHLD is blocked, see main); kill
 * it when it overstays.  Fills status (exit code or -1), signo, timed_out. */
static void wait_child(pid_t pid, int *status, int *signo, bool *timed_out)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    double deadline = now_seconds() + CHILD_SECONDS;
    int st = 0;
    *timed_out = false;
    for (;;) {
        pid_t got = waitpid(pid, &st, WNOHANG);
        if (got == pid)
            break;
        assert_true(got == 0 || errno == EINTR);
        double left = deadline - now_seconds();
        if (left <= 0) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            *timed_out = true;
            break;
        }
        struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        sigtimedwait(&chld, NULL, &ts);
    }
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    *signo = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* Run argv (argv[0] a path) with stdout and stderr captured into malloc'd
 * strings, under the address-space and time limits. */
static void run_binary(const char *const *argv, const char *scratch, char **out, char **err,
                       int *status, int *signo, bool *timed_out)
{
    char *out_path = ts_strf("%s/out", scratch), *err_path = ts_strf("%s/err", scratch);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        limit_address_space();
        int in = open("/dev/null", O_RDONLY);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(121);
        prepare_child();
        execv(argv[0], (char *const *)argv);
        _exit(122);
    }
    wait_child(pid, status, signo, timed_out);
    *out = ts_read_file(out_path, NULL);
    *err = ts_read_file(err_path, NULL);
    assert_non_null(*out);
    assert_non_null(*err);
    free(out_path);
    free(err_path);
}

/* ---- the library readers (in a child process, see run_library) ---- */

/* Read every byte of a string a reader handed out (ASan checks bounds). */
static unsigned touch(const void *p, size_t len)
{
    volatile unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += ((const unsigned char *)p)[i];
    return sum;
}

static int passages_in_bounds(const shelf_passages *ps, const shelf_buf *text)
{
    for (size_t i = 0; i < ps->count; i++) {
        const shelf_passage *p = &ps->at[i];
        if (p->start > p->end || p->end > text->len)
            return 0;
        touch(text->data + p->start, p->end - p->start);
        for (size_t h = 0; h < p->nhighlights; h++)
            if (p->highlights[h].from > p->highlights[h].to ||
                p->highlights[h].to > p->end - p->start)
                return 0;
    }
    return 1;
}

/* Each hit's document and passages, as the searcher prints them. */
static int read_hits(shelf_engine *e, shelf_analyzer *a, const shelf_plan *plan,
                     const shelf_results *res, bool *well_formed, shelf_err *err)
{
    shelf_passage_opts po = {SHELF_DEFAULT_PASSAGES, SHELF_DEFAULT_WIDTH, 0, false};
    shelf_buf text = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    int rc = SHELF_OK;
    for (size_t i = 0; rc == SHELF_OK && i < res->count; i++) {
        shelf_docview v;
        rc = shelf_engine_doc(e, &res->hits[i], &v, err);
        if (rc != SHELF_OK)
            break;
        touch(v.path, v.path_len);
        touch(v.title, v.title_len);
        shelf_passages ps = {0};
        rc = shelf_snippets_for_engine_hit(e, &res->hits[i], plan, a, &po, &text, &layout, &ps, err);
        if (rc == SHELF_OK && !passages_in_bounds(&ps, &text))
            *well_formed = false;
        shelf_passages_free(&ps);
    }
    shelf_buf_free(&text);
    shelf_layout_free(&layout);
    return rc;
}

/* One query on an open engine, its hits read as the searcher prints them. */
static int library_query(shelf_engine *e, shelf_analyzer *a, const char *query, bool *well_formed,
                         shelf_err *err)
{
    int column = 0, rc = SHELF_OK;
    shelf_plan *plan = NULL;
    shelf_qnode *tree = shelf_query_parse(query, &(shelf_parse_opts){0}, err, &column);
    if (!tree)
        rc = SHELF_EINVAL;
    if (rc == SHELF_OK && !(plan = shelf_plan_for_engine(e, a, tree, NULL, 0, err, &column)))
        rc = err->code ? err->code : SHELF_EINVAL;
    shelf_results res = {0};
    if (rc == SHELF_OK) {
        shelf_search_opts so;
        shelf_search_opts_default(&so);
        so.k = HITS;
        rc = shelf_engine_search(e, plan, &so, &res, err);
    }
    if (rc == SHELF_OK)
        rc = read_hits(e, a, plan, &res, well_formed, err);
    shelf_results_free(&res);
    shelf_plan_free(plan);
    shelf_query_free(tree);
    return rc;
}

/* What the searcher does, for both queries on one opening of the index
 * (the binaries open it once per query). */
static void library_search(const char *dir, verdict *v)
{
    shelf_err err = {0};
    shelf_engine *e = NULL;
    shelf_analyzer *a = NULL;
    int rc = shelf_engine_open(&e, dir, SHELF_OPEN_VERIFY_SMALL, &err);
    if (rc == SHELF_OK && !(a = shelf_analyzer_new(shelf_engine_language(e), &err)))
        rc = err.code;
    for (int r = R_MANY; r <= R_SNIPPETS; r++) {
        shelf_err qerr = err;
        bool ok = true;
        int qrc = rc == SHELF_OK ? library_query(e, a, r == R_MANY ? QUERY_MANY : QUERY_SNIPPETS,
                                                 &ok, &qerr)
                                 : rc;
        v->status[r] = qrc == SHELF_OK ? 0 : 2;
        v->well_formed[r] = ok;
        snprintf(v->msg[r], MSG_MAX, "%s%s", qrc == SHELF_ENOMEM ? "(ENOMEM) " : "", qerr.msg);
    }
    shelf_analyzer_free(a);
    shelf_engine_close(e);
}

static int count_doc(void *ctx, const shelf_docview *v)
{
    touch(v->path, v->path_len);
    touch(v->title, v->title_len);
    ++*(uint64_t *)ctx;
    return 0;
}

/* What `indexer --check` does (indexer/listing.c). */
static int library_check(const char *dir, shelf_err *err)
{
    shelf_backend backend;
    int rc = shelf_engine_detect(dir, &backend, err);
    if (rc == SHELF_OK && backend == SHELF_BACKEND_NATIVE) {
        shelf_index *idx = NULL;
        shelf_check_report r;
        rc = shelf_index_open(&idx, dir, SHELF_OPEN_VERIFY, err);
        if (rc == SHELF_OK)
            rc = shelf_index_check(idx, &r, err);
        shelf_index_close(idx);
        return rc;
    }
    if (rc != SHELF_OK)
        return rc;
    char path[4096], report[4096];
    uint64_t errors = 0, docs = 0;
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_XAPIAN_SUBDIR);
    rc = shelf_xdb_check(path, report, sizeof report, &errors, err);
    if (rc == SHELF_OK && errors)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: Xapian's check found errors: %s", path, report);
    shelf_engine *e = NULL;
    if (rc == SHELF_OK)
        rc = shelf_engine_open(&e, dir, 0, err);
    if (rc == SHELF_OK)
        rc = shelf_engine_each_doc(e, count_doc, &docs, err);
    shelf_engine_close(e);
    return rc;
}

/* The library readers run in a long-lived child process (forking one per
 * state costs more than the reading): it takes the folder to read from
 * shared memory, one byte on its command pipe per state, and answers with
 * one byte when the verdict is in shared memory.  When it dies (a crash) or
 * overstays, the state is judged by that and the next state starts a new
 * one.  It runs under the address-space limit, so a leak adding up over the
 * states shows too. */
static void read_one_state(shared_state *sh)
{
    verdict *v = &sh->v;
    memset(v, 0, sizeof *v);
    library_search(sh->dir, v);
    shelf_err err = {0};
    int rc = library_check(sh->dir, &err);
    v->status[R_CHECK] = rc == SHELF_OK ? 0 : 2;
    v->well_formed[R_CHECK] = true;
    snprintf(v->msg[R_CHECK], MSG_MAX, "%s%s", rc == SHELF_ENOMEM ? "(ENOMEM) " : "", err.msg);
}

static void reader_main(shared_state *sh, int command, int answer)
{
    prepare_child();
    limit_address_space();
    char c;
    while (read(command, &c, 1) == 1) {
        read_one_state(sh);
        if (write(answer, "k", 1) != 1)
            _exit(1);
    }
    exit(0); /* not _exit: LeakSanitizer looks at what every state left behind */
}

static void start_reader(library_reader *lr)
{
    int to[2], from[2];
    assert_int_equal(pipe(to), 0);
    assert_int_equal(pipe(from), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        reader_main(lr->shared, to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    *lr = (library_reader){pid, to[1], from[0], lr->shared};
}

/* End the reader: ask it to (closing its command pipe) or kill it. */
static void stop_reader(library_reader *lr, bool kill_it, int *status, int *signo)
{
    if (kill_it)
        kill(lr->pid, SIGKILL);
    close(lr->command);
    close(lr->answer);
    int st = 0;
    while (waitpid(lr->pid, &st, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    *signo = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    lr->pid = 0;
}

/* End the reader of a sweep: it must exit cleanly (no leaks reported). */
static void finish_reader(library_reader *lr)
{
    if (!lr->pid)
        return;
    int status, signo;
    stop_reader(lr, false, &status, &signo);
    if (status != 0 || signo != 0)
        fail_msg("library reader: exit %d, signal %d at its end (leaks?)", status, signo);
}

static void run_library(library_reader *lr, const char *dir, verdict *v)
{
    if (!lr->pid)
        start_reader(lr);
    snprintf(lr->shared->dir, sizeof lr->shared->dir, "%s", dir);
    struct pollfd pf = {lr->answer, POLLIN, 0};
    char c;
    bool answered = write(lr->command, "r", 1) == 1 && poll(&pf, 1, CHILD_SECONDS * 1000) == 1 &&
                    read(lr->answer, &c, 1) == 1;
    *v = lr->shared->v;
    if (answered)
        return;
    int status, signo;
    bool timed_out = pf.revents == 0;
    stop_reader(lr, timed_out, &status, &signo);
    for (int r = 0; r < READERS; r++) {
        v->status[r] = -1;
        v->signo[r] = timed_out ? 0 : signo;
        v->timed_out[r] = timed_out;
        snprintf(v->msg[r], MSG_MAX, "library reader: exit %d, signal %d%s", status, signo,
                 timed_out ? ", timed out" : "");
    }
}

/* ---- the binaries ---- */

/* Valid UTF-8 with no control characters but tab and newline. */
static bool plain_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                                          : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9 || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
            return false;
        for (unsigned k = 1; k <= n; k++)
            if ((p[k] & 0xC0) != 0x80)
                return false;
        p += n + 1;
    }
    return true;
}

static bool output_ok(int r, int status, const char *out)
{
    if (status != 0 && status != 1)
        return true; /* an error: stdout is not judged */
    if (r == R_MANY) {
        jv v;
        bool ok = json_parse(out, strlen(out), &v);
        if (ok)
            jv_free(&v);
        return ok;
    }
    if (r == R_CHECK)
        return status == 0 && strstr(out, ": OK") != NULL;
    return plain_text_ok(out);
}

static void run_binaries(const fixture *fx, const char *dir, verdict *v)
{
    const char *const argv[READERS][10] = {
        {SEARCHER_BIN, "--index", dir, "--limit", HITS_ARG, "--json", QUERY_MANY, NULL},
        {SEARCHER_BIN, "--index", dir, "--limit", HITS_ARG, "--color", "never", QUERY_SNIPPETS, NULL},
        {INDEXER_BIN, "--check", dir, NULL},
    };
    for (int r = 0; r < READERS; r++) {
        char *out, *err;
        run_binary(argv[r], fx->tmp, &out, &err, &v->status[r], &v->signo[r], &v->timed_out[r]);
        v->well_formed[r] = output_ok(r, v->status[r], out);
        snprintf(v->msg[r], MSG_MAX, "%s", err);
        free(out);
        free(err);
    }
}

/* ---- judging ---- */

static bool ends_with(const char *s, const char *suffix);

/* Must reader r detect this damage, naming the file?  (A written-words
 * list: only the check, since a search reads it for "did you mean" alone,
 * whose failure is left out.  The filter columns likewise: the searches
 * here use no filter; test_filter_columns damages them under filters.) */
static bool must_detect(const index_file *f, const damage *d, int r)
{
    if (!f->framed) /* Xapian: no lengths recorded; a search reads only what it needs */
        return d->kind == TRUNCATE && r == R_CHECK;
    if ((ends_with(f->name, ".words") || ends_with(f->name, ".cols")) && r != R_CHECK)
        return false;
    if (d->kind == TRUNCATE || d->kind == FLIP)
        return true;
    /* CRC recomputed: the magic, the version, the footer's length and end marker. */
    return d->at < 12 || d->at >= f->len - SHELF_FOOTER_BYTES;
}

static bool names_some_file(const index_file *files, size_t count, const char *msg)
{
    for (size_t i = 0; i < count; i++)
        if (strstr(msg, files[i].name))
            return true;
    return strstr(msg, "MANIFEST") != NULL;
}

static const char *describe(const index_file *f, const damage *d, char *buf, size_t size)
{
    static const char *const kinds[] = {"truncated to", "byte flipped at",
                                        "byte flipped (CRC fixed) at"};
    snprintf(buf, size, "%s %s %zu of %zu (mask 0x%02x)", f->name, kinds[d->kind], d->at, f->len,
             d->mask);
    return buf;
}

/* A failed expectation: printed (the first MAX_SHOWN), counted; the test
 * fails at the end of the sweep, so that one run shows every kind of miss. */
#define MAX_SHOWN 25 /* SHELF_SWEEP_SHOW overrides */
static unsigned failures, max_shown = MAX_SHOWN;

static void miss(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void miss(const char *fmt, ...)
{
    if (failures++ >= max_shown)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Judge one reader's answer. */
static void judge(const index_file *files, size_t count, const index_file *f, const damage *d,
                  const verdict *v, int r, const char *how, tally *t)
{
    char what[256];
    describe(f, d, what, sizeof what);
    const char *msg = v->msg[r];
    if (v->timed_out[r] || v->signo[r]) {
        miss("%s: %s %s %s: %s", what, how, reader_name[r],
             v->timed_out[r] ? "did not finish" : "was killed by a signal", msg);
        return;
    }
    if (strstr(msg, "out of memory") || strstr(msg, "ENOMEM")) {
        miss("%s: %s %s ran out of memory (a length trusted?): %s", what, how, reader_name[r], msg);
        return;
    }
    if (v->status[r] != 0 && v->status[r] != 1 && v->status[r] != 2) {
        miss("%s: %s %s exited %d: %s", what, how, reader_name[r], v->status[r], msg);
        return;
    }
    bool detected = v->status[r] == 2;
    if (must_detect(f, d, r)) {
        t->must_detect++;
        if (!detected || !strstr(msg, f->name))
            miss("%s: %s %s: exit %d, wanted 2 with a message naming %s: %s", what, how,
                 reader_name[r], v->status[r], f->name, msg);
    }
    if (detected) {
        t->detected++;
        t->named_exactly += strstr(msg, f->name) != NULL;
        if (!names_some_file(files, count, msg))
            miss("%s: %s %s: the message names no file of the index: %s", what, how,
                 reader_name[r], msg);
    } else {
        t->unnoticed++;
        if (!v->well_formed[r])
            miss("%s: %s %s: exit %d with malformed output", what, how, reader_name[r],
                 v->status[r]);
    }
}

/* ---- damaging and restoring ---- */

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void apply(const index_file *f, const damage *d)
{
    if (d->kind == TRUNCATE) {
        write_bytes(f->path, f->data, d->at);
        return;
    }
    uint8_t *copy = ts_exact_copy(f->data, f->len);
    copy[d->at] ^= d->mask;
    if (d->kind == FLIP_FIXED_CRC && d->at < f->len - 4)
        shelf_store_u32le(copy + f->len - 4,
                          (uint32_t)crc32(crc32(0L, Z_NULL, 0), copy, (uInt)(f->len - 4)));
    write_bytes(f->path, copy, f->len);
    free(copy);
}

static void restore(const index_file *f)
{
    write_bytes(f->path, f->data, f->len);
}

/* ---- the list of damages for one file ---- */

typedef struct damage_list {
    damage *at;
    size_t n, cap;
} damage_list;

static void add(damage_list *l, damage_kind kind, size_t at, uint8_t mask)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->at = realloc(l->at, l->cap * sizeof *l->at);
        assert_non_null(l->at);
    }
    l->at[l->n++] = (damage){kind, at, mask};
}

static uint8_t mask_for(size_t i)
{
    static const uint8_t masks[] = {0xFF, 0x01, 0x80, 0x10, 0x7F, 0x02, 0x40, 0x08};
    return masks[i % sizeof masks];
}

static void add_truncations(damage_list *l, size_t len)
{
    for (size_t n = 0; n <= 64 && n < len; n++)
        add(l, TRUNCATE, n, 0);
    for (size_t i = 1; len > 65 && i < SPREAD_LENGTHS; i++) {
        size_t n = 65 + (len - 66) * i / SPREAD_LENGTHS;
        if (n > l->at[l->n - 1].at && n < len - 1)
            add(l, TRUNCATE, n, 0);
    }
    if (len > 65)
        add(l, TRUNCATE, len - 1, 0);
}

/* Header and footer bytes, then spread offsets over the body. */
static void add_flips(damage_list *l, damage_kind kind, size_t len, size_t spread)
{
    size_t edge = len >= 2 * SHELF_HEADER_BYTES ? SHELF_HEADER_BYTES : len / 2;
    for (size_t i = 0; i < edge; i++)
        add(l, kind, i, mask_for(i));
    for (size_t i = len - edge; i < len; i++)
        if (kind != FLIP_FIXED_CRC || i < len - 4) /* a flipped CRC cannot be fixed */
            add(l, kind, i, mask_for(i));
    size_t body = len - 2 * edge;
    for (size_t i = 0; body && i < spread; i++) {
        size_t at = edge + (body * i + body / 2) / spread;
        if (spread <= body || i == 0 || at != l->at[l->n - 1].at)
            add(l, kind, at, mask_for(i + 3));
    }
}

/* Native files: flips spread and at structural bytes, with and without
 * the CRC recomputed.  Xapian's: truncations only (Xapian 1.4 itself, and
 * xapian-check, crash on some flipped bytes of iamglass and of tables). */
static damage_list damages_for(const index_file *f)
{
    damage_list l = {0};
    add_truncations(&l, f->len);
    if (!f->framed)
        return l;
    add_flips(&l, FLIP, f->len, SPREAD_FLIPS);
    add_flips(&l, FLIP_FIXED_CRC, f->len, SPREAD_FLIPS);
    for (size_t i = 0; i < f->nstructure; i++)
        add(&l, FLIP_FIXED_CRC, f->structure[i], mask_for(i + 5));
    return l;
}

/* ---- where the structure of a native file is ---- */

static void add_range(index_file *f, uint64_t from, uint64_t n)
{
    for (uint64_t at = from; at < from + n; at++) {
        if (at < SHELF_HEADER_BYTES || at + SHELF_FOOTER_BYTES >= f->len)
            continue; /* the header and footer are flipped anyway */
        f->structure = realloc(f->structure, (f->nstructure + 1) * sizeof *f->structure);
        assert_non_null(f->structure);
        f->structure[f->nstructure++] = (size_t)at;
    }
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Trailers and the start of block indexes, the first and last document
 * records and the first dense lengths, every store block's lengths, the
 * postings (skip table, packed blocks) and first positions of a long list;
 * all of small files. */
static void find_structure(index_file *f, const shelf_term_stats *common)
{
    const uint8_t *d = f->data;
    size_t footer = f->len - SHELF_FOOTER_BYTES;
    if (f->len <= 256) {
        add_range(f, 0, f->len);
    } else if (ends_with(f->name, ".dict")) {
        add_range(f, footer - SHELF_DICT_TRAILER_BYTES, SHELF_DICT_TRAILER_BYTES);
        add_range(f, shelf_load_u64le(d + footer - 16), 16); /* block index */
        add_range(f, SHELF_HEADER_BYTES, 24);                  /* first entry */
    } else if (ends_with(f->name, ".docs")) {
        uint64_t count = shelf_load_u64le(d + footer - SHELF_DOCS_TRAILER_BYTES);
        add_range(f, footer - SHELF_DOCS_TRAILER_BYTES, SHELF_DOCS_TRAILER_BYTES);
        add_range(f, SHELF_HEADER_BYTES, SHELF_DOC_RECORD_BYTES);
        add_range(f, SHELF_HEADER_BYTES + (count - 1) * SHELF_DOC_RECORD_BYTES,
                  SHELF_DOC_RECORD_BYTES);
        uint64_t norms = shelf_load_u64le(d + footer - SHELF_DOCS_TRAILER_BYTES + 40);
        add_range(f, norms, 3 * count < 32 ? 3 * count : 32); /* dense lengths */
    } else if (ends_with(f->name, ".store")) {
        uint64_t count = shelf_load_u64le(d + footer - 16), index = shelf_load_u64le(d + footer - 8);
        add_range(f, footer - SHELF_STORE_TRAILER_BYTES, SHELF_STORE_TRAILER_BYTES);
        for (uint64_t b = 0; b < count && b < 64; b++)
            add_range(f, shelf_load_u64le(d + index + 8 * b), 8); /* raw and packed lengths */
    } else if (ends_with(f->name, ".post")) {
        add_range(f, common->post_offset, common->post_len < 96 ? common->post_len : 96);
    } else if (ends_with(f->name, ".pos")) {
        add_range(f, common->pos_offset, 32);
    }
}

/* ---- the sweep ---- */

static void sweep(fixture *fx, const char *dir, const index_file *files, size_t count, tally *t)
{
    for (size_t i = 0; i < count; i++) {
        const index_file *f = &files[i];
        damage_list l = damages_for(f);
        for (size_t k = 0; k < l.n; k++) {
            apply(f, &l.at[k]);
            verdict v;
            run_library(&fx->reader, dir, &v);
            for (int r = 0; r < READERS; r++)
                judge(files, count, f, &l.at[k], &v, r, "library", t);
            if ((t->states + 1) % fx->stride == 0) {
                run_binaries(fx, dir, &v);
                for (int r = 0; r < READERS; r++)
                    judge(files, count, f, &l.at[k], &v, r, "binary", t);
                t->binary_states++;
            }
            t->states++;
            restore(f);
        }
        free(l.at);
    }
}

static void report(const char *what, const tally *t, double seconds, double cpu)
{
    fprintf(stderr,
            "%s: %u damaged states (%u also through the binaries) in %.1f s (%.1f s of CPU); "
            "answers: %u detected (%u naming the damaged file), %u unnoticed; %u had to be "
            "detected\n",
            what, t->states, t->binary_states, seconds, cpu, t->detected, t->named_exactly,
            t->unnoticed, t->must_detect);
}

/* The undamaged indexes read cleanly, through the library and the binaries. */
static void expect_clean(fixture *fx, const char *dir)
{
    verdict v;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0)
            run_library(&fx->reader, dir, &v);
        else
            run_binaries(fx, dir, &v);
        for (int r = 0; r < READERS; r++)
            if (v.status[r] != 0 || v.signo[r] || v.timed_out[r] || !v.well_formed[r])
                fail_msg("%s: healthy index, %s %s: exit %d, signal %d: %s", dir,
                         pass ? "binary" : "library", reader_name[r], v.status[r], v.signo[r],
                         v.msg[r]);
    }
}

static void test_healthy_indexes(void **state)
{
    fixture *fx = *state;
    expect_clean(fx, fx->native_dir);
    expect_clean(fx, fx->xapian_dir);
}

static void test_native_sweep(void **state)
{
    fixture *fx = *state;
    tally t = {0};
    double start = now_seconds(), cpu = cpu_seconds();
    unsigned before = failures;
    sweep(fx, fx->native_dir, fx->native, fx->native_count, &t);
    finish_reader(&fx->reader);
    report("native", &t, now_seconds() - start, cpu_seconds() - cpu);
    if (failures > before)
        fail_msg("%u failed expectations (the first ones are shown above)", failures - before);
    assert_true(t.unnoticed > 0 && t.detected > t.must_detect / 2);
    expect_clean(fx, fx->native_dir);
}

static void test_xapian_sweep(void **state)
{
    fixture *fx = *state;
    tally t = {0};
    double start = now_seconds(), cpu = cpu_seconds();
    unsigned before = failures;
    sweep(fx, fx->xapian_dir, fx->xapian, fx->xapian_count, &t);
    finish_reader(&fx->reader);
    report("xapian", &t, now_seconds() - start, cpu_seconds() - cpu);
    if (failures > before)
        fail_msg("%u failed expectations (the first ones are shown above)", failures - before);
    expect_clean(fx, fx->xapian_dir);
}

/* ---- Xapian document blobs ---- */

/* Decode a damaged blob from an exact-size copy (ASan catches overreads);
 * whatever decodes must lie inside the blob and the text. */
static void decode_damaged(const uint8_t *blob, size_t len, shelf_buf *text, shelf_buf *cps,
                           shelf_layout *layout)
{
    uint8_t *copy = ts_exact_copy(blob, len);
    shelf_docview v;
    int rc = shelf_xapdoc_decode(copy, len, &v, text, cps, layout);
    assert_true(rc == SHELF_OK || rc == SHELF_ECORRUPT);
    if (rc == SHELF_OK) {
        touch(v.path, v.path_len);
        touch(v.title, v.title_len);
        assert_true(text->len <= len);
        for (size_t i = 0; i < cps->len / sizeof(uint64_t); i++)
            assert_true(((const uint64_t *)cps->data)[i] <= text->len);
        for (size_t i = 0; i < layout->npages; i++)
            assert_true(layout->pages[i] <= text->len);
        for (size_t i = 0; i < layout->nheadings; i++)
            assert_true(layout->headings[i].start + layout->headings[i].len <= text->len);
    }
    free(copy);
}

/* Every truncation and, near both ends and spread between, every flipped
 * byte of real document blobs of the Xapian index (shelf_xapdoc_decode,
 * the part of the Xapian backend that is ours). */
static void test_xapian_document_blobs(void **state)
{
    fixture *fx = *state;
    char *path = ts_strf("%s/%s", fx->xapian_dir, SHELF_XAPIAN_SUBDIR);
    shelf_xdb *db = NULL;
    shelf_err err = {0};
    assert_int_equal(shelf_xdb_open(&db, path, &err), SHELF_OK);
    shelf_buf blob = SHELF_BUF_INIT, text = SHELF_BUF_INIT, cps = SHELF_BUF_INIT;
    shelf_layout layout = SHELF_LAYOUT_INIT;
    unsigned trials = 0;
    for (uint32_t docid = 1; docid <= 6; docid++) {
        assert_int_equal(shelf_record_value_get(db, docid, &blob, &err), SHELF_OK);
        assert_true(blob.len > 0);
        size_t len = blob.len;
        for (size_t n = 0; n < len; n += n < 512 ? 1 : len / 200 + 1, trials++)
            decode_damaged(blob.data, n, &text, &cps, &layout);
        for (size_t at = 0; at < len; at += (at < 256 || at + 512 > len) ? 1 : len / 200 + 1) {
            uint8_t saved = blob.data[at];
            for (int k = 0; k < 2; k++, trials++) {
                blob.data[at] = saved ^ (k ? 0x80 : mask_for(at));
                decode_damaged(blob.data, len, &text, &cps, &layout);
            }
            blob.data[at] = saved;
        }
    }
    fprintf(stderr, "xapian document blobs: %u damaged blobs decoded\n", trials);
    shelf_layout_free(&layout);
    shelf_buf_free(&blob);
    shelf_buf_free(&text);
    shelf_buf_free(&cps);
    shelf_xdb_close(db);
    free(path);
}

/* ---- fixture ---- */


/* Notes whose common words make long posting lists: "alpha" in 6 of 7,
 * "beta" in half, "gamma" in a third, with varying frequencies. */
static void write_notes(const char *dir)
{
    for (int i = 0; i < GENERATED_NOTES; i++) {
        ts_sbuf b = {0};
        char line[160];
        snprintf(line, sizeof line, "Note %d\n\nA generated note, number %d, word%d.\n", i, i, i);
        ts_sb_add(&b, line);
        for (int k = 0; i % 7 && k <= i % 4; k++)
            ts_sb_add(&b, "alpha ");
        if (i % 2)
            ts_sb_add(&b, "alpha beta member\n");
        if (i % 3 == 0)
            ts_sb_add(&b, "gamma gamma delta\n");
        snprintf(line, sizeof line, "notes/note%03d.txt", i);
        char *text = ts_sb_take(&b);
        free(ts_write_file(dir, line, text, strlen(text)));
        free(text);
    }
}

/* Every regular, non-empty file of dir except LOCK and ROOTS (which no
 * search reads: its damage is found by --check and by the indexer, see
 * test_indexer_daily.c); framed: native. */
static size_t load_files(const char *dir, index_file *files, bool framed)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *path = ts_strf("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
            strcmp(e->d_name, "LOCK") == 0 || strcmp(e->d_name, "flintlock") == 0 ||
            strcmp(e->d_name, "ROOTS") == 0) {
            free(path);
            continue;
        }
        assert_true(n < MAX_FILES);
        index_file *f = &files[n++];
        f->name = strdup(e->d_name);
        f->path = path;
        f->data = (uint8_t *)ts_read_file(path, &f->len);
        f->framed = framed;
        assert_non_null(f->data);
    }
    closedir(d);
    return n;
}

static bool has_file(const index_file *files, size_t n, const char *suffix)
{
    for (size_t i = 0; i < n; i++)
        if (ends_with(files[i].name, suffix))
            return true;
    return false;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->native_dir = ts_strf("%s/native", fx->tmp);
    fx->xapian_dir = ts_strf("%s/xapian", fx->tmp);
    char *docs = ts_strf("%s/docs", fx->tmp);
    free(ts_run_ok("cp -R '%s' '%s'", CORPUS_DIR, docs));
    write_notes(docs);
    free(ts_run_ok("'%s' -q --index '%s' '%s'", INDEXER_BIN, fx->native_dir, docs));
    free(ts_run_ok("'%s' -q --backend xapian --index '%s' '%s'", INDEXER_BIN, fx->xapian_dir, docs));
    free(ts_run_ok("rm '%s/nato-overview.txt' && '%s' -q --index '%s' '%s'", docs, INDEXER_BIN,
                   fx->native_dir, docs));
    free(docs);
    fx->native_count = load_files(fx->native_dir, fx->native, true);
    shelf_index *idx = NULL;
    shelf_term_stats common;
    if (shelf_index_open(&idx, fx->native_dir, 0, NULL) != SHELF_OK ||
        shelf_segment_lookup(shelf_index_segment(idx, 0), (const uint8_t *)"\001alpha", 6, &common,
                             NULL) != SHELF_OK || common.df <= 128)
        return -1;
    shelf_index_close(idx);
    for (size_t i = 0; i < fx->native_count; i++)
        find_structure(&fx->native[i], &common);
    char *xdb = ts_strf("%s/%s", fx->xapian_dir, SHELF_XAPIAN_SUBDIR);
    fx->xapian_count = load_files(xdb, fx->xapian, false);
    free(xdb);
    static const char *const wanted[] = {"MANIFEST", ".dict", ".post", ".pos", ".docs", ".store",
                                         ".del"};
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
        if (!has_file(fx->native, fx->native_count, wanted[i]))
            return -1;
    if (!has_file(fx->xapian, fx->xapian_count, "postlist.glass") ||
        !has_file(fx->xapian, fx->xapian_count, "docdata.glass"))
        return -1;
    fx->reader.shared = mmap(NULL, sizeof *fx->reader.shared, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (fx->reader.shared == MAP_FAILED)
        return -1;
    /* Read both indexes once here: the forked readers then start with the
     * library's symbols bound and its files cached. */
    verdict warm;
    library_search(fx->native_dir, &warm);
    library_search(fx->xapian_dir, &warm);
    const char *show = getenv("SHELF_SWEEP_SHOW");
    if (show && atoi(show) > 0)
        max_shown = (unsigned)atoi(show);
    const char *env = getenv("SHELF_SWEEP_STRIDE");
    fx->stride = env && atoi(env) > 0 ? (unsigned)atoi(env) : DEFAULT_STRIDE;
    *state = fx;
    return 0;
}

static void free_files(index_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].path);
        free(files[i].data);
        free(files[i].structure);
    }
}

static int teardown(void **state)
{
    fixture *fx = *state;
    free_files(fx->native, fx->native_count);
    free_files(fx->xapian, fx->xapian_count);
    if (fx->reader.pid) {
        int status, signo;
        stop_reader(&fx->reader, false, &status, &signo);
    }
    munmap(fx->reader.shared, sizeof *fx->reader.shared);
    ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->native_dir);
    free(fx->xapian_dir);
    free(fx);
    return 0;
}

int main(void)
{
    /* Children are waited for with sigtimedwait: SIGCHLD stays pending. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    save_crash_handlers();
    signal(SIGPIPE, SIG_IGN); /* a reader that died is seen by its pipe's end */
    unsetenv("SHELF_CRASH_AFTER");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy_indexes),
        cmocka_unit_test(test_native_sweep),
        cmocka_unit_test(test_xapian_sweep),
        cmocka_unit_test(test_xapian_document_blobs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
