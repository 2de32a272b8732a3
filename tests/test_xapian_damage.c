/*
 * test_xapian_damage.c - damaged Xapian tables never take our binaries
 * down (indexer/listing.c's --check in a child process, common/util/sandbox.c;
 * searcher/snapshot.c's probe of a new generation in a child).
 *
 * A small Xapian-backend index of corpus/ is built once.  `indexer --check`
 * runs on copies with one byte flipped in a table or in iamglass (spread
 * over every file, plus a termlist flip known to crash libxapian 1.4.22):
 * it must never die by a signal, must exit 0 or 2, and 2 comes with a
 * message.  The crashing flips are found, not assumed: a flip is known to
 * crash when libxapian's own check, called directly in a child, dies on
 * it; the flips that crashed 1.4.22 are tried first, then a sweep of the
 * table (the tables' bytes move with the documents' paths and times, so a
 * fixed offset alone would test nothing on another checkout).  Then `searcher --serve` serves the index while a damaged
 * generation (a copy with that crashing flip, renamed over the served
 * database's files) appears: the server stays up and answers /healthz and
 * a search with 200 from the old snapshot, and a good generation after it
 * is served again.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/xapian/xapian_c.h"
#include "support.h"

#define TABLE_COUNT 5
#define FLIPS_PER_FILE 30

static const char *const tables[TABLE_COUNT] = {"iamglass", "postlist.glass", "termlist.glass",
                                                "docdata.glass", "position.glass"};
/* Flips that crashed libxapian 1.4.22 (SIGSEGV) on this index: in the
 * termlist, its check; in iamglass, every opening of the database.  The
 * index is built from a copy of corpus/ named by the relative path
 * "corpus", so its tables do not depend on where the source tree is checked
 * out (document paths are terms; an absolute path would move the offset). */
#define CRASHING_TABLE "termlist.glass"
#define CRASHING_OFFSET 4204
#define CRASHING_IAMGLASS_OFFSET 34
#define CRASHING_IAMGLASS_MASK 0x40
#define START_SECONDS 60 /* generous: sanitizer builds start slowly */

typedef struct db_file {
    char *data;
    size_t len;
} db_file;

typedef struct fixture {
    char *tmp, *index;
    db_file files[TABLE_COUNT];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    fx->index = ts_strf("%s/index", fx->tmp);
    char *cmd = ts_strf("cp -r '%s' '%s/corpus' && cd '%s' && '%s' -q --backend xapian --index index corpus",
                        CORPUS_DIR, fx->tmp, fx->tmp, INDEXER_BIN);
    assert_int_equal(ts_run(cmd, NULL, NULL), 0);
    free(cmd);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        char *path = ts_strf("%s/xapian/%s", fx->index, tables[i]);
        fx->files[i].data = ts_read_file(path, &fx->files[i].len);
        assert_non_null(fx->files[i].data);
        free(path);
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    ts_rmtree(fx->tmp);
    for (size_t i = 0; i < TABLE_COUNT; i++)
        free(fx->files[i].data);
    free(fx->tmp);
    free(fx->index);
    free(fx);
    return 0;
}

/* A copy of the database in dir/xapian with file `which` flipped at `at`. */
static void write_damaged_copy(const fixture *fx, const char *dir, size_t which, size_t at,
                               unsigned char mask)
{
    char *sub = ts_strf("%s/xapian", dir);
    for (size_t i = 0; i < TABLE_COUNT; i++) {
        char *copy = ts_exact_copy(fx->files[i].data, fx->files[i].len);
        if (i == which)
            copy[at] ^= (char)mask;
        free(ts_write_file(sub, tables[i], copy, fx->files[i].len));
        free(copy);
    }
    free(ts_write_file(sub, "flintlock", "", 0));
    free(sub);
}

static size_t table_index(const char *name)
{
    for (size_t i = 0; i < TABLE_COUNT; i++)
        if (strcmp(tables[i], name) == 0)
            return i;
    fail_msg("no table %s", name);
    return 0;
}

/* indexer --check on the damaged copy: no signal, exit 0 or 2 with a message.
 * Returns the exit code. */
static int check_copy(const fixture *fx, size_t which, size_t at, unsigned char mask)
{
    char *dir = ts_strf("%s/damaged", fx->tmp);
    ts_rmtree(dir);
    write_damaged_copy(fx, dir, which, at, mask);
    const char *argv[] = {INDEXER_BIN, "--check", dir, NULL};
    char *out = NULL, *err = NULL;
    int signo = 0;
    int rc = ts_spawn(argv, fx->tmp, NULL, &out, &err, &signo);
    if (signo)
        fail_msg("indexer --check killed by signal %d (%s at %zu, mask %u)", signo, tables[which], at,
                 mask);
    if (rc != 0 && rc != 2)
        fail_msg("indexer --check: exit %d (%s at %zu): %s", rc, tables[which], at, err);
    if (rc == 2 && !strstr(err, "check failed"))
        fail_msg("exit 2 without a message (%s at %zu): %s", tables[which], at, err);
    free(out);
    free(err);
    ts_rmtree(dir);
    free(dir);
    return rc;
}

/* Does libxapian's own check, called directly in a child (no sandbox of
 * ours), die on the database in dir?  Any end but a normal exit 0 counts
 * (a sanitizer build reports the fault and exits non-zero). */
static bool raw_check_crashes(const char *dir)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka catches faults to report them: a fault here must end this
         * child, not run the rest of the tests (and their teardown) in it. */
        const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
            signal(faults[i], SIG_DFL);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        char report[256];
        uint64_t errors = 0;
        shelf_err err;
        char *db = ts_strf("%s/xapian", dir);
        shelf_xdb_check(db, report, sizeof report, &errors, &err);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A flip of `table` that crashes libxapian: `at`/`mask` when it does, else
 * the first crashing one of a sweep over the table (with `mask`, then 0xff,
 * at SWEEP offsets spread over it).  false when none does. */
static bool find_crashing_flip(const fixture *fx, size_t which, size_t *at, unsigned char *mask)
{
    enum { SWEEP = 256 };
    char *dir = ts_strf("%s/probe", fx->tmp);
    size_t len = fx->files[which].len;
    bool found = false;
    for (size_t i = 0; i <= 2 * SWEEP && !found && len; i++) {
        size_t try_at = i == 0 ? *at : (len * ((i - 1) / 2)) / SWEEP;
        unsigned char try_mask = i == 0 || i % 2 ? *mask : 0xff;
        if (try_at >= len)
            continue;
        ts_rmtree(dir);
        write_damaged_copy(fx, dir, which, try_at, try_mask);
        if (raw_check_crashes(dir)) {
            *at = try_at;
            *mask = try_mask;
            found = true;
        }
    }
    ts_rmtree(dir);
    free(dir);
    return found;
}

/* A flip that crashes libxapian is reported as damage by indexer --check
 * (exit 2, a message), never by a signal. */
static bool check_known_crash(const fixture *fx, const char *table, size_t at, unsigned char mask)
{
    size_t which = table_index(table);
    if (!find_crashing_flip(fx, which, &at, &mask))
        return false;
    char *dir = ts_strf("%s/damaged", fx->tmp);
    write_damaged_copy(fx, dir, which, at, mask);
    const char *argv[] = {INDEXER_BIN, "--check", dir, NULL};
    char *err = NULL;
    int signo = 0;
    int rc = ts_spawn(argv, fx->tmp, NULL, NULL, &err, &signo);
    assert_int_equal(signo, 0);
    if (rc != 2)
        fail_msg("%s flipped at %zu (mask 0x%x) crashes libxapian, but --check exits %d: %s", table,
                 at, mask, rc, err);
    if (!strstr(err, "damaged Xapian table") && !strstr(err, "check failed"))
        fail_msg("no message: %s", err);
    free(err);
    ts_rmtree(dir);
    free(dir);
    return true;
}

static void test_check_known_crashes(void **state)
{
    fixture *fx = *state;
    bool termlist = check_known_crash(fx, CRASHING_TABLE, CRASHING_OFFSET, 0xff);
    bool iamglass = check_known_crash(fx, "iamglass", CRASHING_IAMGLASS_OFFSET,
                                      CRASHING_IAMGLASS_MASK);
    if (!termlist && !iamglass)
        skip(); /* this libxapian survives every flip tried: nothing to contain */
}

static void test_check_flip_sweep(void **state)
{
    fixture *fx = *state;
    unsigned damaged = 0, total = 0;
    for (size_t f = 0; f < TABLE_COUNT; f++) {
        size_t len = fx->files[f].len;
        for (size_t i = 0; i < FLIPS_PER_FILE && len; i++) {
            size_t at = (len * i + len / 2) / FLIPS_PER_FILE;
            damaged += check_copy(fx, f, at, (unsigned char)(i % 2 ? 0xff : 1u << (i % 8))) == 2;
            total++;
        }
    }
    fprintf(stderr, "xapian flips: %u of %u reported damaged, none crashed\n", damaged, total);
}

/* ---- the server ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn_server(const char *idx, const char *err_path)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDWR);
    if (err < 0 || null < 0)
        _exit(127);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    execl(SEARCHER_BIN, SEARCHER_BIN, "--serve", "--index", idx, "--listen", "127.0.0.1:0", (char *)NULL);
    _exit(127);
}

/* The port from "... at http://127.0.0.1:PORT/", or 0. */
static unsigned announced_port(const char *err_path)
{
    char *text = ts_read_file(err_path, NULL);
    const char *url = text ? strstr(text, "http://127.0.0.1:") : NULL;
    unsigned port = url ? (unsigned)strtoul(url + strlen("http://127.0.0.1:"), NULL, 10) : 0;
    free(text);
    return port;
}

/* GET target; the status of the answer, 0 when there was none. */
static int http_status(unsigned port, const char *target)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return 0;
    }
    char *req = ts_strf("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", target, port);
    send(fd, req, strlen(req), MSG_NOSIGNAL);
    free(req);
    char head[16] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof head - 1 && (n = recv(fd, head + got, sizeof head - 1 - got, 0)) > 0)
        got += (size_t)n;
    char rest[4096];
    while (recv(fd, rest, sizeof rest, 0) > 0)
        ;
    close(fd);
    return strncmp(head, "HTTP/1.", 7) == 0 ? atoi(head + 9) : 0;
}

static void test_serve_survives_damaged_generation(void **state)
{
    fixture *fx = *state;
    char *err_path = ts_strf("%s/server.err", fx->tmp);
    pid_t pid = spawn_server(fx->index, err_path);
    assert_true(pid > 0);
    unsigned port = 0;
    for (int i = 0; i < START_SECONDS * 100 && !(port = announced_port(err_path)); i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("the server exited at start");
        sleep_ms(10);
    }
    assert_true(port > 0);
    assert_int_equal(http_status(port, "/healthz"), 200);

    /* A damaged generation appears: a new iamglass, with a flip that crashes
     * libxapian, renamed into place. */
    size_t at = CRASHING_IAMGLASS_OFFSET;
    unsigned char mask = CRASHING_IAMGLASS_MASK;
    if (!find_crashing_flip(fx, table_index("iamglass"), &at, &mask)) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        skip(); /* this libxapian survives every flip tried */
    }
    char *dir = ts_strf("%s/next", fx->tmp);
    write_damaged_copy(fx, dir, table_index("iamglass"), at, mask);
    char *from = ts_strf("%s/xapian/iamglass", dir), *to = ts_strf("%s/xapian/iamglass", fx->index);
    assert_int_equal(rename(from, to), 0);

    int healthz = http_status(port, "/healthz");
    int search = http_status(port, "/api/search?q=nato");
    int status = 0;
    int gone = waitpid(pid, &status, WNOHANG) == pid;
    char *log = ts_read_file(err_path, NULL);
    if (gone || healthz != 200 || search != 200)
        fail_msg("server %s (signal %d); /healthz %d, search %d; log: %s", gone ? "died" : "alive",
                 gone && WIFSIGNALED(status) ? WTERMSIG(status) : 0, healthz, search, log);
    if (!strstr(log, "still serving the previous one") || !strstr(log, "damaged Xapian table"))
        fail_msg("the damaged generation is not reported: %s", log);
    free(log);

    /* A good generation is picked up again. */
    free(ts_write_file(dir, "xapian/iamglass.good", fx->files[table_index("iamglass")].data,
                       fx->files[table_index("iamglass")].len));
    char *good = ts_strf("%s/xapian/iamglass.good", dir);
    assert_int_equal(rename(good, to), 0);
    assert_int_equal(http_status(port, "/api/search?q=nato"), 200);

    kill(pid, SIGTERM);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    log = ts_read_file(err_path, NULL);
    if (!strstr(log, "now serving the new commit"))
        fail_msg("the good generation is not served: %s", log);
    free(log);
    free(good);
    free(from);
    free(to);
    ts_rmtree(dir);
    free(dir);
    free(err_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_known_crashes),
        cmocka_unit_test(test_check_flip_sweep),
        cmocka_unit_test(test_serve_survives_damaged_generation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
