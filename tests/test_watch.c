/*
 * test_watch.c - `indexer --watch` driven by real file operations
 * (indexer/watch.c, changeset.c, watchtable.c, and the batch in main.c).
 *
 * Each test starts INDEXER_BIN --watch as a child process with its stderr
 * in a file, waits for its "watching" line, changes files under the
 * watched folder, and polls `indexer --list` (or the search API of a
 * running `searcher --serve`) until the change shows, with a timeout, so a
 * test never hangs.  Covers: files created, changed, renamed within the
 * folder, moved out and deleted; a folder made with files in it and a
 * folder removed with its files; a 500-file copy committed in a few
 * batches; the Xapian backend with --threads; a running server showing a
 * new file without restarting;
 * SIGTERM in the middle of a batch, many times (SHELF_RACE_TRIALS, else 6,
 * 3 under AddressSanitizer): exit 0, the lock released, the index checks
 * clean and holds the old or the new state, never part of the batch; the
 * inotify watch limit (SHELF_WATCH_LIMIT) named with the folder while the
 * rest is still watched; the kernel's event queue overflowing (the watcher
 * stopped with SIGSTOP meanwhile) and the rescan it causes; another
 * writer's lock; option conflicts.
 * KEEP_TMP=1 keeps the temporary folders.
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

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/lock.h"
#include "support.h"
#include "support_run.h"

#define WAIT_SECONDS 60 /* generous: sanitizer builds are slow */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int trials(void)
{
    const char *env = getenv("SHELF_RACE_TRIALS");
    if (env && atoi(env) > 0)
        return atoi(env);
#if defined(__SANITIZE_ADDRESS__)
    return 3;
#else
    return 6;
#endif
}

/* ---- a fixture per test: docs/, outside/, idx/ in a fresh folder ---- */

typedef struct fixture {
    char *tmp, *docs, *outside, *idx;
} fixture;

static fixture *fixture_new(void)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->docs = ts_strf("%s/docs", fx->tmp);
    fx->outside = ts_strf("%s/outside", fx->tmp);
    fx->idx = ts_strf("%s/idx", fx->tmp);
    mkdir(fx->docs, 0755);
    mkdir(fx->outside, 0755);
    return fx;
}

static void fixture_free(fixture *fx)
{
    if (!getenv("KEEP_TMP"))
        ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->docs);
    free(fx->outside);
    free(fx->idx);
    free(fx);
}

static void put(const char *dir, const char *name, const char *text)
{
    free(ts_write_file(dir, name, text, strlen(text)));
}

/* ---- the watching indexer ---- */

typedef struct watcher {
    pid_t pid;
    char *err_path;
} watcher;

static char *read_err(const watcher *w)
{
    char *text = ts_read_file(w->err_path, NULL);
    return text ? text : strdup("");
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* indexer --index IDX --watch --watch-delay DELAY [EXTRA...] DOCS, its
 * stderr in a file; returns once it says it is watching. */
static watcher watch_start_with(const fixture *fx, const char *delay, const char *extra1,
                                const char *extra2)
{
    static int count;
    watcher w = {.err_path = ts_strf("%s/watch-%d.err", fx->tmp, count++)};
    w.pid = fork();
    assert_true(w.pid >= 0);
    if (w.pid == 0) {
        int err = open(w.err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDWR);
        if (err < 0 || null < 0)
            _exit(127);
        dup2(null, 0);
        dup2(null, 1);
        dup2(err, 2);
        const char *argv[10] = {INDEXER_BIN, "--index", fx->idx, "--watch", "--watch-delay", delay};
        int argc = 6;
        if (extra1)
            argv[argc++] = extra1;
        if (extra2)
            argv[argc++] = extra2;
        argv[argc++] = fx->docs;
        argv[argc] = NULL;
        execv(INDEXER_BIN, (char *const *)argv);
        _exit(127);
    }
    for (double end = now_s() + WAIT_SECONDS; now_s() < end; sleep_ms(10)) {
        char *err = read_err(&w);
        bool ready = strstr(err, "indexer: watching ") != NULL;
        int status;
        if (!ready && waitpid(w.pid, &status, WNOHANG) == w.pid)
            fail_msg("the watcher exited at start: %s", err);
        free(err);
        if (ready)
            return w;
    }
    fail_msg("the watcher did not say it was watching");
    return w;
}

static watcher watch_start(const fixture *fx, const char *delay)
{
    return watch_start_with(fx, delay, NULL, NULL);
}

/* SIGTERM, then its exit status (-1 when it had to be killed or a
 * sanitizer complained). */
static int watch_stop(watcher *w)
{
    kill(w->pid, SIGTERM);
    int status = 0, rc = -1;
    for (double end = now_s() + WAIT_SECONDS; now_s() < end; sleep_ms(5)) {
        if (waitpid(w->pid, &status, WNOHANG) == w->pid) {
            char *err = read_err(w);
            bool clean = !strstr(err, "Sanitizer") && !strstr(err, "runtime error");
            if (!clean)
                fprintf(stderr, "test_watch: the watcher reported:\n%s\n", err);
            free(err);
            rc = WIFEXITED(status) && clean ? WEXITSTATUS(status) : -1;
            w->pid = 0;
            return rc;
        }
    }
    kill(w->pid, SIGKILL);
    waitpid(w->pid, &status, 0);
    w->pid = 0;
    return -1;
}

static void watcher_free(watcher *w)
{
    if (w->pid > 0)
        watch_stop(w);
    free(w->err_path);
}

/* ---- what the index holds ---- */

static char *list_of(const fixture *fx)
{
    char *out = NULL;
    ts_runf(&out, NULL, "'%s' --index '%s' --list 2>/dev/null", INDEXER_BIN, fx->idx);
    return out ? out : strdup("");
}

static bool listed(const fixture *fx, const char *name)
{
    char *list = list_of(fx);
    char *path = ts_strf("%s/%s\t", fx->docs, name);
    bool found = strstr(list, path) != NULL;
    free(path);
    free(list);
    return found;
}

static size_t doc_count(const fixture *fx)
{
    char *list = list_of(fx);
    size_t n = count_of(list, "\n");
    free(list);
    return n;
}

/* Wait until docs/name is (or is no longer) a document. */
static void expect_listed(const fixture *fx, const char *name, bool want)
{
    for (double end = now_s() + WAIT_SECONDS; now_s() < end; sleep_ms(50))
        if (listed(fx, name) == want)
            return;
    fail_msg("%s/%s: %s the index", fx->docs, name, want ? "never in" : "still in");
}

/* Wait until a search for word finds docs/name. */
static void expect_found(const fixture *fx, const char *word, const char *name)
{
    char *want = ts_strf("%s/%s", fx->docs, name);
    for (double end = now_s() + WAIT_SECONDS; now_s() < end; sleep_ms(50)) {
        char *out = NULL;
        ts_runf(&out, NULL, "'%s' --index '%s' --json '%s' 2>/dev/null", SEARCHER_BIN, fx->idx, word);
        bool found = out && strstr(out, want);
        free(out);
        if (found) {
            free(want);
            return;
        }
    }
    fail_msg("a search for %s never found %s", word, want);
}

static void expect_check_clean(const fixture *fx)
{
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "'%s' --check '%s'", INDEXER_BIN, fx->idx);
    if (rc != 0)
        fail_msg("indexer --check failed (%d): %s", rc, err ? err : "");
    free(err);
}

/* ---- tests ---- */

static void test_file_operations(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a.txt", "alpha report on harbours\n");
    put(fx->docs, "b.txt", "bravo report on bridges\n");
    put(fx->docs, "c.txt", "charlie report on canals\n");
    watcher w = watch_start(fx, "0.1");
    assert_true(listed(fx, "a.txt") && listed(fx, "b.txt") && listed(fx, "c.txt"));

    put(fx->docs, "new.txt", "a fresh report on lighthouses\n");
    expect_listed(fx, "new.txt", true);

    put(fx->docs, "a.txt", "alpha report rewritten about zeppelins\n");
    expect_found(fx, "zeppelins", "a.txt");

    char *from = ts_strf("%s/b.txt", fx->docs), *to = ts_strf("%s/renamed.txt", fx->docs);
    assert_int_equal(rename(from, to), 0);
    expect_listed(fx, "renamed.txt", true);
    expect_listed(fx, "b.txt", false);
    free(from);
    free(to);

    from = ts_strf("%s/c.txt", fx->docs);
    to = ts_strf("%s/c.txt", fx->outside);
    assert_int_equal(rename(from, to), 0);
    expect_listed(fx, "c.txt", false);
    free(from);
    free(to);

    char *gone = ts_strf("%s/new.txt", fx->docs);
    assert_int_equal(unlink(gone), 0);
    expect_listed(fx, "new.txt", false);
    free(gone);

    /* mkdir and files at once: some may be written before the folder's
     * watch exists; the batch walks the folder, so all are found */
    free(ts_run_ok("mkdir -p '%s/sub/deeper' && echo 'sub one' > '%s/sub/one.txt' && "
                   "echo 'sub two' > '%s/sub/deeper/two.txt'", fx->docs, fx->docs, fx->docs));
    expect_listed(fx, "sub/one.txt", true);
    expect_listed(fx, "sub/deeper/two.txt", true);
    /* a file made later in the new folder's sub-folder: its watch works */
    put(fx->docs, "sub/deeper/three.txt", "sub three\n");
    expect_listed(fx, "sub/deeper/three.txt", true);

    /* a folder moved in from outside, and a hidden file ignored */
    free(ts_run_ok("mkdir -p '%s/moved' && echo 'moved in' > '%s/moved/m.txt' && mv '%s/moved' '%s/'",
                   fx->outside, fx->outside, fx->outside, fx->docs));
    put(fx->docs, ".hidden.txt", "hidden\n");
    expect_listed(fx, "moved/m.txt", true);

    free(ts_run_ok("rm -r '%s/sub'", fx->docs));
    expect_listed(fx, "sub/one.txt", false);
    expect_listed(fx, "sub/deeper/two.txt", false);
    expect_listed(fx, "sub/deeper/three.txt", false);

    /* a folder renamed within: its documents move with it, and it is still
     * watched under its new name */
    free(ts_run_ok("mv '%s/moved' '%s/kept'", fx->docs, fx->docs));
    expect_listed(fx, "kept/m.txt", true);
    expect_listed(fx, "moved/m.txt", false);
    put(fx->docs, "kept/later.txt", "later\n");
    expect_listed(fx, "kept/later.txt", true);

    assert_false(listed(fx, ".hidden.txt"));
    char *err = read_err(&w);
    assert_non_null(strstr(err, "indexer: watch: committed generation "));
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    assert_true(ts_lock_free(fx->idx));
    expect_check_clean(fx);
    assert_int_equal(doc_count(fx), 4); /* a, renamed, kept/m, kept/later */
    watcher_free(&w);
    fixture_free(fx);
}

/* The same on the Xapian backend, reading on two threads. */
static void test_xapian_threads(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a.txt", "alpha\n");
    put(fx->docs, "b.txt", "bravo\n");
    watcher w = watch_start_with(fx, "0.1", "--backend=xapian", "--threads=2");
    put(fx->docs, "c.txt", "charlie\n");
    expect_listed(fx, "c.txt", true);
    put(fx->docs, "a.txt", "alpha rewritten about wombats\n");
    expect_found(fx, "wombats", "a.txt");
    char *b = ts_strf("%s/b.txt", fx->docs);
    assert_int_equal(unlink(b), 0);
    expect_listed(fx, "b.txt", false);
    free(b);
    char *err = read_err(&w);
    ts_expect_in(err, "indexer: watch: committed: ", "the watcher's stderr");
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    assert_true(ts_lock_free(fx->idx));
    expect_check_clean(fx);
    assert_int_equal(doc_count(fx), 2);
    watcher_free(&w);
    fixture_free(fx);
}

/* The index folder inside the watched one is neither walked (its files are
 * no documents) nor watched: its commits are not changes (else each commit
 * would make another, for ever). */
static void test_index_inside(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a.txt", "alpha\n");
    free(fx->idx);
    fx->idx = ts_strf("%s/idx", fx->docs);
    watcher w = watch_start(fx, "0.05");
    put(fx->docs, "b.txt", "bravo\n");
    expect_listed(fx, "b.txt", true);
    assert_int_equal(doc_count(fx), 2); /* not idx/LOCK or idx/MANIFEST */
    sleep_ms(500);
    char *err = read_err(&w);
    size_t commits = count_of(err, "watch: committed generation");
    free(err);
    sleep_ms(500);
    err = read_err(&w);
    if (count_of(err, "watch: committed generation") != commits || commits != 1)
        fail_msg("the watcher commits on its own:\n%s", err);
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    watcher_free(&w);
    fixture_free(fx);
}

/* 500 files copied in at once: one or a few commits, not 500. */
static void test_copy_500(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "first.txt", "the first report\n");
    char *bulk = ts_strf("%s/bulk", fx->outside);
    for (int i = 0; i < 500; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "r%03d.txt", i);
        snprintf(text, sizeof text, "report number %d of the copy\n", i);
        put(bulk, name, text);
    }
    watcher w = watch_start(fx, "0.5");
    free(ts_run_ok("cp -r '%s' '%s/bulk'", bulk, fx->docs));
    for (double end = now_s() + WAIT_SECONDS; now_s() < end && doc_count(fx) < 501; sleep_ms(100))
        ;
    assert_int_equal(doc_count(fx), 501);
    char *err = read_err(&w);
    size_t commits = count_of(err, "watch: committed generation");
    if (commits < 1 || commits > 4)
        fail_msg("%zu commits for a 500-file copy:\n%s", commits, err);
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    expect_check_clean(fx);
    watcher_free(&w);
    free(bulk);
    fixture_free(fx);
}

/* ---- a running server sees the watcher's commits ---- */

static unsigned announced_port(const char *err_path)
{
    char *text = ts_read_file(err_path, NULL);
    const char *url = text ? strstr(text, "http://127.0.0.1:") : NULL;
    unsigned port = url ? (unsigned)strtoul(url + strlen("http://127.0.0.1:"), NULL, 10) : 0;
    free(text);
    return port;
}

static char *http_get(unsigned port, const char *target)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ts_sbuf b = {0};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        char *req = ts_strf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", target);
        if (send(fd, req, strlen(req), 0) == (ssize_t)strlen(req)) {
            char chunk[8192];
            ssize_t n;
            while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
                ts_sb_addn(&b, chunk, (size_t)n);
        }
        free(req);
    }
    close(fd);
    return ts_sb_take(&b);
}

static void test_serve_sees_new_file(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "old.txt", "an old report on harbours\n");
    watcher w = watch_start(fx, "0.1");
    char *serve_err = ts_strf("%s/serve.err", fx->tmp);
    pid_t srv = fork();
    assert_true(srv >= 0);
    if (srv == 0) {
        int err = open(serve_err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDWR);
        if (err < 0 || null < 0)
            _exit(127);
        dup2(null, 0);
        dup2(null, 1);
        dup2(err, 2);
        execl(SEARCHER_BIN, SEARCHER_BIN, "--serve", "--index", fx->idx, "--listen", "127.0.0.1:0",
              (char *)NULL);
        _exit(127);
    }
    unsigned port = 0;
    for (double end = now_s() + WAIT_SECONDS; now_s() < end && !(port = announced_port(serve_err));)
        sleep_ms(10);
    assert_true(port > 0);
    char *body = http_get(port, "/api/search?q=quokkas");
    assert_null(strstr(body, "fresh.txt"));
    free(body);

    put(fx->docs, "fresh.txt", "a fresh report on quokkas\n");
    bool seen = false;
    for (double end = now_s() + WAIT_SECONDS; now_s() < end && !seen; sleep_ms(50)) {
        body = http_get(port, "/api/search?q=quokkas");
        seen = strstr(body, "fresh.txt") != NULL;
        free(body);
    }
    kill(srv, SIGTERM);
    int status;
    waitpid(srv, &status, 0);
    assert_true(seen);
    assert_int_equal(watch_stop(&w), 0);
    watcher_free(&w);
    free(serve_err);
    fixture_free(fx);
}

/* SIGTERM while a batch of STAGED files (one folder moved in) is being
 * indexed, at varying moments (before the batch, during it, after its
 * commit): the index is the old one or the new one. */
#define STAGED 400
static void test_sigterm_during_batch(void **state)
{
    int n = trials();
    uint64_t seed = 20;
    int olds = 0, news = 0, rolled_back = 0;
    for (int t = 0; t < n; t++) {
        fixture *fx = fixture_new();
        put(fx->docs, "base.txt", "the base report\n");
        char *stage = ts_strf("%s/stage", fx->outside);
        for (int i = 0; i < STAGED; i++) {
            char name[32], text[96];
            snprintf(name, sizeof name, "s%03d.txt", i);
            snprintf(text, sizeof text, "staged report %d with words enough to take a moment\n", i);
            put(stage, name, text);
        }
        watcher w = watch_start(fx, "0.02");
        free(ts_run_ok("mv '%s' '%s/batch'", stage, fx->docs));
        sleep_ms((long)ts_rand_below(&seed, 250));
        assert_int_equal(watch_stop(&w), 0);
        assert_true(ts_lock_free(fx->idx));
        expect_check_clean(fx);
        char *err = read_err(&w);
        rolled_back += strstr(err, "rolled back") != NULL;
        free(err);
        size_t docs = doc_count(fx);
        if (docs != 1 && docs != STAGED + 1)
            fail_msg("trial %d: %zu documents: part of a batch was committed", t, docs);
        docs == 1 ? olds++ : news++;
        watcher_free(&w);
        free(stage);
        fixture_free(fx);
    }
    fprintf(stderr, "test_watch: %d trials: %d kept the old state (%d by rolling back a batch "
                    "in progress), %d the new\n", n, olds, rolled_back, news);
}

/* More events than the kernel queues (the watcher stopped with SIGSTOP
 * meanwhile): the overflow makes the next batch a full rescan, which finds
 * a file added and prunes one deleted while events were being dropped. */
static void test_queue_overflow(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a.txt", "alpha\n");
    put(fx->docs, "keep.txt", "kept\n");
    char *q = ts_read_file("/proc/sys/fs/inotify/max_queued_events", NULL);
    long queued = q ? atol(q) : 16384;
    free(q);
    char *churn = ts_strf("%s/churn", fx->docs);
    mkdir(churn, 0755); /* watched from the start */
    watcher w = watch_start(fx, "0.1");
    kill(w.pid, SIGSTOP);
    for (long i = 0; i < queued / 3 + 100; i++) { /* three events each */
        char *path = ts_write_file(churn, "c.txt", "x\n", 2);
        unlink(path);
        free(path);
    }
    char *a = ts_strf("%s/a.txt", fx->docs);
    unlink(a);
    put(fx->docs, "b.txt", "bravo\n");
    kill(w.pid, SIGCONT);
    expect_listed(fx, "b.txt", true);
    expect_listed(fx, "a.txt", false);
    assert_true(listed(fx, "keep.txt"));
    char *err = read_err(&w);
    ts_expect_in(err, "inotify queue overflow", "the watcher's stderr");
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    expect_check_clean(fx);
    watcher_free(&w);
    free(a);
    free(churn);
    fixture_free(fx);
}

/* The watch limit reached: the folder is named with the limit, and the
 * folders already watched keep working. */
static void test_watch_limit(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a/one.txt", "one\n");
    put(fx->docs, "b/two.txt", "two\n");
    put(fx->docs, "c/three.txt", "three\n");
    setenv("SHELF_WATCH_LIMIT", "2", 1);
    watcher w = watch_start(fx, "0.1");
    unsetenv("SHELF_WATCH_LIMIT");
    char *err = read_err(&w);
    ts_expect_in(err, "the limit of 2 inotify watches is reached", "the watcher's stderr");
    ts_expect_in(err, "cannot watch ", "the watcher's stderr");
    free(err);
    put(fx->docs, "top.txt", "top\n"); /* docs itself is watched */
    expect_listed(fx, "top.txt", true);
    assert_int_equal(watch_stop(&w), 0);
    watcher_free(&w);
    fixture_free(fx);
}

/* Another writer holds the lock: the watcher says so and exits 2; while a
 * watcher runs, another indexer is refused naming the watcher's pid. */
static void test_locked_index(void **state)
{
    fixture *fx = fixture_new();
    put(fx->docs, "a.txt", "alpha\n");
    free(ts_run_ok("'%s' --index '%s' -q '%s'", INDEXER_BIN, fx->idx, fx->docs));
    shelf_lock lock;
    shelf_err e = {0};
    assert_int_equal(shelf_lock_acquire(&lock, fx->idx, false, &e), SHELF_OK);
    char *err = NULL;
    int rc = ts_runf(NULL, &err, "timeout 60 '%s' --index '%s' --watch '%s'", INDEXER_BIN, fx->idx,
                     fx->docs);
    shelf_lock_release(&lock);
    assert_int_equal(rc, 2);
    ts_expect_in(err, "another indexer", "indexer --watch on a locked index");
    free(err);

    /* and the other way round: the watcher holds the lock between batches */
    watcher w = watch_start(fx, "0.1");
    rc = ts_runf(NULL, &err, "timeout 60 '%s' --index '%s' '%s'", INDEXER_BIN, fx->idx, fx->docs);
    assert_int_equal(rc, 2);
    char *pid = ts_strf("another indexer (pid %ld)", (long)w.pid);
    ts_expect_in(err, pid, "indexer while a watcher runs");
    free(pid);
    free(err);
    assert_int_equal(watch_stop(&w), 0);
    assert_true(ts_lock_free(fx->idx));
    watcher_free(&w);
    fixture_free(fx);
}

static void test_option_conflicts(void **state)
{
    char *err = NULL;
    assert_int_equal(ts_runf(NULL, &err, "'%s' --list --watch", INDEXER_BIN), 2);
    ts_expect_in(err, "--list and --watch cannot be used together", "--list --watch");
    free(err);
    assert_int_equal(ts_runf(NULL, &err, "'%s' --watch --remove corpus/a.txt", INDEXER_BIN), 2);
    ts_expect_in(err, "--remove and --watch cannot be used together", "--watch --remove");
    free(err);
    assert_int_equal(ts_runf(NULL, &err, "'%s' --watch-delay 2 corpus", INDEXER_BIN), 2);
    ts_expect_in(err, "--watch-delay needs --watch", "--watch-delay alone");
    free(err);
    assert_int_equal(ts_runf(NULL, &err, "'%s' --watch --watch-delay 0 corpus", INDEXER_BIN), 2);
    ts_expect_in(err, "--watch-delay wants seconds", "--watch-delay 0");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_conflicts),
        cmocka_unit_test(test_locked_index),
        cmocka_unit_test(test_file_operations),
        cmocka_unit_test(test_index_inside),
        cmocka_unit_test(test_xapian_threads),
        cmocka_unit_test(test_copy_500),
        cmocka_unit_test(test_serve_sees_new_file),
        cmocka_unit_test(test_watch_limit),
        cmocka_unit_test(test_queue_overflow),
        cmocka_unit_test(test_sigterm_during_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
