/*
 * test_writer_race.c - one writer at a time, under real contention: eight
 * `indexer` processes started together on one index, each adding its own
 * folder of five files, many times over.
 *
 * Covers: with --wait, every indexer exits 0 and afterwards every document
 * of all nine folders is live and `indexer --check` is clean; without
 * --wait, each indexer either succeeds or exits 2 saying another indexer is
 * writing, whatever succeeded is present, and the index checks clean; a
 * LOCK file naming a dead process (or empty) blocks nobody; a lock holder
 * killed with SIGKILL blocks nobody; a live holder is named by its pid; a
 * commit or merge over a MANIFEST replaced behind its back commits nothing.
 *
 * Trials: SHELF_RACE_TRIALS in the environment, else 30 (6 under
 * AddressSanitizer, whose processes start slowly); half as many without
 * --wait.  The old pid-file lock failed within the first few trials.
 * SHELF_TEST_INDEXER names another indexer binary to race (to show an old
 * one failing).
 * KEEP_TMP=1 keeps the temporary folders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/native/index.h"
#include "engine/writer.h"
#include "backend/lock.h"
#include "backend/native/manifest.h"
#include "support.h"

extern char **environ;

#define WRITERS 8
#define FILES_PER_FOLDER 5

static const char *indexer_bin(void)
{
    const char *other = getenv("SHELF_TEST_INDEXER");
    return other && *other ? other : INDEXER_BIN;
}

static int trials(void)
{
    const char *env = getenv("SHELF_RACE_TRIALS");
    if (env && atoi(env) > 0)
        return atoi(env);
#if defined(__SANITIZE_ADDRESS__)
    return 6;
#else
    return 30;
#endif
}

/* ---- the fixture: nine folders of five small files ---- */

typedef struct fixture {
    char *tmp, *docs, *index;
} fixture;

static char *folder(const fixture *fx, int k)
{
    return ts_strf("%s/d%02d", fx->docs, k);
}

static void write_folders(fixture *fx)
{
    for (int k = 0; k <= WRITERS; k++) {
        for (int j = 0; j < FILES_PER_FOLDER; j++) {
            char *name = ts_strf("d%02d/note%d.txt", k, j);
            char *text = ts_strf("Note %d of folder %d\n\nracefolder%02d racefile%02d%d shares "
                                 "a common word with the others.\n",
                                 j, k, k, k, j);
            free(ts_write_file(fx->docs, name, text, strlen(text)));
            free(text);
            free(name);
        }
    }
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->docs = ts_strf("%s/docs", fx->tmp);
    fx->index = ts_strf("%s/idx", fx->tmp);
    write_folders(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!getenv("KEEP_TMP"))
        ts_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->docs);
    free(fx->index);
    free(fx);
    return 0;
}

/* ---- running indexers ---- */

/* indexer ARGS... (NULL-terminated), waited for; stderr into *err. */
static int indexer(const fixture *fx, char **err, ...)
{
    va_list ap;
    va_start(ap, err);
    int rc = ts_spawn_va(indexer_bin(), fx->tmp, NULL, err, ap);
    va_end(ap);
    return rc;
}

/* Start `indexer -q --index IDX --no-prune [--wait] FOLDER` in the
 * background, stderr into err_path. */
static pid_t start_writer(const fixture *fx, const char *dir, bool wait, const char *err_path)
{
    const char *argv[8];
    int n = 0;
    argv[n++] = indexer_bin();
    argv[n++] = "-q";
    argv[n++] = "--index";
    argv[n++] = fx->index;
    argv[n++] = "--no-prune";
    if (wait)
        argv[n++] = "--wait";
    argv[n++] = dir;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("cannot start %s: %s", argv[0], strerror(rc));
    return pid;
}

/* Exit code of pid (-1: killed by a signal). */
static int reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A fresh index of d00 alone. */
static void first_run(const fixture *fx)
{
    ts_rmtree(fx->index);
    char *d00 = folder(fx, 0);
    char *err = NULL;
    int rc = indexer(fx, &err, "-q", "--index", fx->index, d00, NULL);
    if (rc != 0)
        fail_msg("first run: exit %d: %s", rc, err);
    free(err);
    free(d00);
}

/* ---- what the index holds ---- */

/* How many live documents have a path under folder dir. */
static unsigned live_under(const shelf_index *idx, const char *dir)
{
    size_t n = strlen(dir);
    unsigned count = 0;
    for (size_t i = 0; i < shelf_index_segment_count(idx); i++) {
        const shelf_segment *s = shelf_index_segment(idx, i);
        const shelf_deletions *d = shelf_index_deletions(idx, i);
        for (uint32_t doc = 0; doc < shelf_segment_doc_count(s); doc++) {
            shelf_docmeta meta;
            if (shelf_deleted(d, doc) || shelf_segment_doc(s, doc, &meta, NULL) != SHELF_OK)
                continue;
            if (meta.path_len > n && memcmp(meta.path, dir, n) == 0 && meta.path[n] == '/')
                count++;
        }
    }
    return count;
}

/* The folders the index holds completely, as a bit set; fails on a folder
 * held in part or twice, on a wrong total and on an index --check rejects. */
static unsigned folders_present(const fixture *fx, int trial)
{
    char *err = NULL;
    int rc = indexer(fx, &err, "--check", fx->index, NULL);
    if (rc != 0)
        fail_msg("trial %d: indexer --check: exit %d: %s", trial, rc, err);
    free(err);
    shelf_index *idx;
    shelf_err e = {0};
    if (shelf_index_open(&idx, fx->index, SHELF_OPEN_VERIFY, &e) != SHELF_OK)
        fail_msg("trial %d: open: %s", trial, e.msg);
    unsigned present = 0, expected_docs = 0;
    for (int k = 0; k <= WRITERS; k++) {
        char *dir = folder(fx, k);
        unsigned n = live_under(idx, dir);
        if (n != 0 && n != FILES_PER_FOLDER)
            fail_msg("trial %d: %s: %u of its %d documents live", trial, dir, n, FILES_PER_FOLDER);
        if (n) {
            present |= 1u << k;
            expected_docs += n;
        }
        free(dir);
    }
    if (shelf_index_doc_count(idx) != expected_docs)
        fail_msg("trial %d: %llu live documents, expected %u", trial,
                 (unsigned long long)shelf_index_doc_count(idx), expected_docs);
    shelf_index_close(idx);
    return present;
}

/* Start all eight writers (as close together as fork allows), reap them;
 * codes[k - 1] and errs[k - 1] receive writer k's exit code and stderr. */
static void race(const fixture *fx, bool wait, int codes[WRITERS], char *errs[WRITERS])
{
    pid_t pids[WRITERS];
    char *paths[WRITERS], *dirs[WRITERS];
    for (int k = 1; k <= WRITERS; k++) {
        paths[k - 1] = ts_strf("%s/writer%d.err", fx->tmp, k);
        dirs[k - 1] = folder(fx, k);
    }
    for (int k = 1; k <= WRITERS; k++)
        pids[k - 1] = start_writer(fx, dirs[k - 1], wait, paths[k - 1]);
    for (int k = 0; k < WRITERS; k++) {
        codes[k] = reap(pids[k]);
        errs[k] = ts_read_file(paths[k], NULL);
        free(paths[k]);
        free(dirs[k]);
    }
}

/* ---- the tests ---- */

static void test_eight_waiting_writers(void **state)
{
    fixture *fx = *state;
    int n = trials();
    for (int t = 0; t < n; t++) {
        first_run(fx);
        int codes[WRITERS];
        char *errs[WRITERS];
        race(fx, true, codes, errs);
        for (int k = 0; k < WRITERS; k++)
            if (codes[k] != 0)
                fail_msg("trial %d: writer %d (--wait): exit %d: %s", t, k + 1, codes[k],
                         errs[k] ? errs[k] : "");
        unsigned present = folders_present(fx, t);
        if (present != (1u << (WRITERS + 1)) - 1)
            fail_msg("trial %d: folders present %#x, expected all nine (%#x)", t, present,
                     (1u << (WRITERS + 1)) - 1);
        for (int k = 0; k < WRITERS; k++)
            free(errs[k]);
    }
}

static void test_eight_writers_without_wait(void **state)
{
    fixture *fx = *state;
    int n = trials() / 2 > 0 ? trials() / 2 : 1;
    for (int t = 0; t < n; t++) {
        first_run(fx);
        int codes[WRITERS];
        char *errs[WRITERS];
        race(fx, false, codes, errs);
        unsigned succeeded = 1; /* d00 */
        for (int k = 0; k < WRITERS; k++) {
            if (codes[k] == 0)
                succeeded |= 1u << (k + 1);
            else if (codes[k] != 2 || !errs[k] || !strstr(errs[k], "another indexer"))
                fail_msg("trial %d: writer %d: exit %d: %s", t, k + 1, codes[k], errs[k] ? errs[k] : "");
            free(errs[k]);
        }
        unsigned present = folders_present(fx, t);
        if (present != succeeded)
            fail_msg("trial %d: folders present %#x, but the writers that succeeded give %#x", t,
                     present, succeeded);
    }
}

/* A LOCK file left behind, naming a dead process or nobody, blocks no one. */
static void test_stale_lock_file_blocks_nobody(void **state)
{
    fixture *fx = *state;
    first_run(fx);
    char *lock_path = ts_strf("%s/LOCK", fx->index);
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    reap(dead);
    const char *contents[] = {"", "12345678\n", NULL};
    char *dead_line = ts_strf("%ld\n", (long)dead);
    contents[2] = dead_line;
    for (int i = 0; i < 3; i++) {
        FILE *f = fopen(lock_path, "w");
        assert_non_null(f);
        fputs(contents[i], f);
        fclose(f);
        char *dir = folder(fx, i + 1);
        char *err = NULL;
        int rc = indexer(fx, &err, "-q", "--index", fx->index, "--no-prune", dir, NULL);
        if (rc != 0)
            fail_msg("LOCK holding '%s': exit %d: %s", contents[i], rc, err);
        free(err);
        free(dir);
    }
    assert_int_equal(folders_present(fx, 0), 0xfu);
    free(dead_line);
    free(lock_path);
}

/* Take the lock in a child process, then hold it until killed; returns once
 * the lock is held. */
static pid_t start_holder(const fixture *fx)
{
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        shelf_lock lock;
        if (shelf_lock_acquire(&lock, fx->index, false, NULL) != SHELF_OK)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    return pid;
}

/* A live holder is named; killed with SIGKILL, it blocks no one (the kernel
 * drops its lock), and a waiting writer goes on at once. */
static void test_killed_holder_blocks_nobody(void **state)
{
    fixture *fx = *state;
    first_run(fx);
    pid_t holder = start_holder(fx);
    char *d1 = folder(fx, 1), *d2 = folder(fx, 2);
    char *err = NULL;
    int rc = indexer(fx, &err, "-q", "--index", fx->index, d1, NULL);
    char *pid_text = ts_strf("pid %ld", (long)holder);
    if (rc != 2 || !strstr(err, pid_text) || !strstr(err, "another indexer"))
        fail_msg("with a live holder: exit %d: %s", rc, err);
    free(err);

    char *err_path = ts_strf("%s/waiter.err", fx->tmp);
    pid_t waiter = start_writer(fx, d2, true, err_path);
    usleep(300 * 1000);
    assert_int_equal(waitpid(waiter, &(int){0}, WNOHANG), 0); /* still waiting */
    kill(holder, SIGKILL);
    reap(holder);
    rc = reap(waiter);
    err = ts_read_file(err_path, NULL);
    if (rc != 0)
        fail_msg("waiter after the holder was killed: exit %d: %s", rc, err);
    free(err);
    err = NULL;
    rc = indexer(fx, &err, "-q", "--index", fx->index, "--no-prune", d1, NULL);
    if (rc != 0)
        fail_msg("after the holder was killed: exit %d: %s", rc, err);
    free(err);
    assert_int_equal(folders_present(fx, 0), 0x7u);
    free(err_path);
    free(pid_text);
    free(d1);
    free(d2);
}

/* Replace MANIFEST behind a writer's back (as a writer ignoring the lock
 * would), one generation on. */
static void bump_generation(const char *index)
{
    shelf_manifest m;
    shelf_err e = {0};
    assert_int_equal(shelf_manifest_read(index, &m, &e), SHELF_OK);
    m.generation++;
    assert_int_equal(shelf_manifest_write(index, &m, &e), SHELF_OK);
    shelf_manifest_free(&m);
}

/* Belt and braces: a commit or merge whose base generation is no longer
 * current commits nothing. */
static void test_commit_checks_its_generation(void **state)
{
    fixture *fx = *state;
    first_run(fx);
    shelf_writer_opts wo = {.memory_budget = 16u << 20};
    for (int merge = 0; merge < 2; merge++) {
        shelf_err e = {0};
        shelf_indexwriter *w = shelf_indexwriter_open(fx->index, &wo, &e);
        if (!w)
            fail_msg("open: %s", e.msg);
        uint64_t removed = 0;
        char *d00 = folder(fx, 0);
        assert_int_equal(shelf_indexwriter_remove(w, d00, &removed, &e), SHELF_OK);
        assert_int_equal(removed, FILES_PER_FOLDER);
        bump_generation(fx->index);
        unsigned merges = 0;
        int rc = merge ? shelf_indexwriter_merge(w, SHELF_MERGE_ALL, &merges, &e)
                       : shelf_indexwriter_commit(w, NULL, &e);
        if (rc != SHELF_ELOCKED || !strstr(e.msg, "another writer"))
            fail_msg("%s over a replaced MANIFEST: %d: %s", merge ? "merge" : "commit", rc, e.msg);
        shelf_indexwriter_free(w);
        assert_int_equal(folders_present(fx, merge), 1u); /* d00 still live */
        free(d00);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale_lock_file_blocks_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_holder_blocks_nobody, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_checks_its_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eight_waiting_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eight_writers_without_wait, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
