/*
 * test_serve_load.c - `searcher --serve` under hostile load and with
 * ambiguous requests (searcher/conn_watch.c, http_head.c).
 *
 * The group setup indexes the sample shelf and starts SEARCHER_BIN --serve
 * on a free loopback port (the server prints the port and its connection
 * cap on stderr).  The tests open hundreds of raw sockets, so the test
 * raises its own RLIMIT_NOFILE first.  Every wait is bounded: a server that
 * does not answer fails the test, it does not hang it.
 *
 *   - 300 connections sending their head one byte a second: a normal
 *     request on a new connection is still answered within 1 s, and the
 *     slow ones are closed once their head's time is over;
 *   - a kept-alive connection that trickles its next request is closed too;
 *   - past the cap, new connections get a 503 (or are closed) at once,
 *     while a connection opened before them is still answered;
 *   - at the cap, a connection idle for long enough gives way to a new one;
 *   - a NUL byte in the request line or a header, two Host headers and the
 *     like are answered 400.
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
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define START_SECONDS 60   /* generous: sanitizer builds start slowly */
#define HEAD_SECONDS 5     /* SERVE_HEADER_TIMEOUT_S */
#define SLOW_CLIENTS 300
#define ANSWER_MS 1000     /* a normal request under load */
#define PAST_CAP 20        /* connections opened past the cap */
#define EVICT_MS 2500      /* SERVE_EVICT_AFTER_S, and some */

static char *g_tmp, *g_idx, *g_err_path;
static int *g_fds;    /* a test's many connections, closed after it even */
static unsigned g_nfds; /* when it fails, so the next test starts clean */
static pid_t g_pid;
static unsigned g_port, g_cap;

/* ================= time ================= */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ================= the server ================= */

static void raise_fd_limit(void)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 2 * 1024 + 256)
        fprintf(stderr, "test_serve_load: only %llu descriptors\n", (unsigned long long)rl.rlim_cur);
}

static pid_t spawn_server(void)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int err = open(g_err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDWR);
    if (err < 0 || null < 0)
        _exit(127);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    execl(SEARCHER_BIN, SEARCHER_BIN, "--serve", "--index", g_idx, "--listen", "127.0.0.1:0",
          (char *)NULL);
    _exit(127);
}

/* From "serving ... at http://127.0.0.1:PORT/ (T threads, C connections;":
 * the port, and the cap (256, the old fixed cap, when not announced). */
static bool read_announcement(void)
{
    char *text = ts_read_file(g_err_path, NULL);
    const char *at = text ? strstr(text, "serving ") : NULL;
    const char *url = at ? strstr(at, "http://127.0.0.1:") : NULL;
    if (url) {
        g_port = (unsigned)strtoul(url + strlen("http://127.0.0.1:"), NULL, 10);
        const char *conns = strstr(url, " connections");
        const char *num = conns ? conns : NULL;
        while (num && num > url && num[-1] >= '0' && num[-1] <= '9')
            num--;
        g_cap = num && num != conns ? (unsigned)strtoul(num, NULL, 10) : 256;
    }
    free(text);
    return url != NULL;
}

static int setup(void **state)
{
    raise_fd_limit();
    g_tmp = ts_mkdtemp();
    g_idx = ts_strf("%s/index", g_tmp);
    g_err_path = ts_strf("%s/server.err", g_tmp);
    char *err = NULL;
    const char *argv[] = {INDEXER_BIN, "--index", g_idx, CORPUS_DIR, NULL};
    if (ts_spawn(argv, g_tmp, NULL, NULL, &err, NULL) != 0) {
        fprintf(stderr, "test_serve_load: indexer failed: %s\n", err ? err : "");
        free(err);
        return -1;
    }
    free(err);
    g_pid = spawn_server();
    if (g_pid <= 0)
        return -1;
    for (int i = 0; i < START_SECONDS * 100 && !read_announcement(); i++) {
        int status;
        if (waitpid(g_pid, &status, WNOHANG) == g_pid)
            return -1;
        sleep_ms(10);
    }
    return g_port ? 0 : -1;
}

/* SIGTERM; -1 unless it exits 0 without a sanitizer report. */
static int stop_server(void)
{
    int status = 0;
    kill(g_pid, SIGTERM);
    for (int i = 0; i < 3000; i++) {
        if (waitpid(g_pid, &status, WNOHANG) == g_pid) {
            char *err = ts_read_file(g_err_path, NULL);
            bool clean = !err || (!strstr(err, "Sanitizer") && !strstr(err, "runtime error"));
            if (!clean)
                fprintf(stderr, "test_serve_load: the server reported:\n%s\n", err);
            free(err);
            return WIFEXITED(status) && WEXITSTATUS(status) == 0 && clean ? 0 : -1;
        }
        sleep_ms(10);
    }
    kill(g_pid, SIGKILL);
    waitpid(g_pid, &status, 0);
    return -1;
}

static int teardown(void **state)
{
    int rc = stop_server();
    ts_rmtree(g_tmp);
    free(g_tmp);
    free(g_idx);
    free(g_err_path);
    return rc;
}

/* ================= raw connections ================= */

/* A connection to the server, or -1; connecting waits at most 2 s. */
static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const char *data, size_t n)
{
    while (n) {
        ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
        if (w <= 0)
            return false;
        data += w;
        n -= (size_t)w;
    }
    return true;
}

/* Waits at most ms for fd to be readable. */
static bool readable_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) == 1;
}

/* Everything the server sends until it closes, waiting at most ms in all;
 * *closed tells whether it did close. */
static char *read_until_close(int fd, int ms, bool *closed)
{
    ts_sbuf b = {0};
    double until = now_s() + ms / 1000.0;
    *closed = false;
    for (;;) {
        int left = (int)((until - now_s()) * 1000);
        if (left <= 0 || !readable_within(fd, left))
            break;
        char chunk[8192];
        ssize_t n = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            *closed = true;
            break;
        }
        ts_sb_addn(&b, chunk, (size_t)n);
    }
    return ts_sb_take(&b);
}

static int status_of(const char *answer)
{
    return strncmp(answer, "HTTP/1.", 7) == 0 ? atoi(answer + 9) : 0;
}

/* Send raw request bytes on a new connection: the answer's status, 0 when
 * none came within ms. */
static int raw_request(const char *request, size_t n, int ms, char **answer)
{
    int fd = connect_server();
    if (fd < 0)
        return 0;
    send_all(fd, request, n);
    bool closed;
    char *got = read_until_close(fd, ms, &closed);
    close(fd);
    int status = status_of(got);
    if (answer)
        *answer = got;
    else
        free(got);
    return status;
}

#define HEALTHZ "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

/* A normal request: its status if answered within ANSWER_MS (else 0) and
 * how long it took. */
static int timed_healthz(double *ms)
{
    double t0 = now_s();
    int status = raw_request(HEALTHZ, strlen(HEALTHZ), ANSWER_MS, NULL);
    *ms = (now_s() - t0) * 1000;
    return *ms <= ANSWER_MS ? status : 0;
}

/* An array of n connections to fill (-1 for none yet), closed by
 * close_many_fds() after the test. */
static int *many_fds(unsigned n)
{
    g_fds = malloc(n * sizeof *g_fds);
    assert_non_null(g_fds);
    for (unsigned i = 0; i < n; i++)
        g_fds[i] = -1;
    g_nfds = n;
    return g_fds;
}

static int close_many_fds(void **state)
{
    for (unsigned i = 0; i < g_nfds; i++)
        if (g_fds[i] >= 0)
            close(g_fds[i]);
    free(g_fds);
    g_fds = NULL;
    g_nfds = 0;
    return 0;
}

/* ================= slow clients ================= */

static const char SLOW_HEAD[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa";

/* Is fd closed by the server (end of stream or reset)?  Never blocks. */
static bool closed_by_server(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void test_slow_clients_do_not_block_others(void **state)
{
    int *fds = many_fds(SLOW_CLIENTS);
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        fds[i] = connect_server();
        assert_true(fds[i] >= 0);
    }
    double start = now_s();
    int probes = 0;
    size_t sent = 0;
    /* One byte a second on each slow connection, a normal request every
     * 0.5 s, until the head's time is well over. */
    while (now_s() - start < HEAD_SECONDS + 2.5) {
        if (sent < (size_t)(now_s() - start) + 1 && sent < sizeof SLOW_HEAD - 1) {
            for (int i = 0; i < SLOW_CLIENTS; i++)
                send(fds[i], SLOW_HEAD + sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            sent++;
        }
        double ms;
        int status = timed_healthz(&ms);
        if (status != 200)
            fail_msg("with %d slow clients, a normal request got %d after %.0f ms (%.1f s in)",
                     SLOW_CLIENTS, status, ms, now_s() - start);
        probes++;
        sleep_ms(500);
    }
    assert_true(probes >= 10);
    int still_open = 0;
    for (int i = 0; i < SLOW_CLIENTS; i++)
        still_open += !closed_by_server(fds[i]);
    close_many_fds(NULL);
    if (still_open)
        fail_msg("%d of %d slow connections still open %.1f s after they started (the head's time "
                 "is %d s)", still_open, SLOW_CLIENTS, now_s() - start, HEAD_SECONDS);
}

/* The time for a head starts again after each request on a kept-alive
 * connection: one that trickles its second request is closed as well. */
static void test_kept_alive_connection_trickling_is_closed(void **state)
{
    int fd = connect_server();
    assert_true(fd >= 0);
    const char *first = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    assert_true(send_all(fd, first, strlen(first)));
    assert_true(readable_within(fd, 5000));
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_int_equal(status_of(buf), 200);
    double start = now_s();
    bool closed = false;
    for (size_t i = 0; i < sizeof SLOW_HEAD - 1 && !closed; i++) {
        send(fd, SLOW_HEAD + i, 1, MSG_NOSIGNAL);
        closed = readable_within(fd, 1000) && closed_by_server(fd);
        if (now_s() - start > HEAD_SECONDS + 3)
            break;
    }
    close(fd);
    if (!closed)
        fail_msg("a kept-alive connection trickling its next request is still open after %.1f s",
                 now_s() - start);
    assert_true(now_s() - start >= HEAD_SECONDS - 0.5);
}

/* ================= the connection cap ================= */

/* Was fd refused: a 503 or the end of the stream, nothing else? */
static bool refused(int fd)
{
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    if (n <= 0)
        return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    buf[n] = '\0';
    return status_of(buf) == 503;
}

/* How many of fds have something to read (or are closed), within ms. */
static unsigned count_readable(const int *fds, unsigned n, unsigned want, int ms)
{
    struct pollfd *p = calloc(n, sizeof *p);
    assert_non_null(p);
    double until = now_s() + ms / 1000.0;
    unsigned ready = 0;
    do {
        for (unsigned i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        int left = (int)((until - now_s()) * 1000);
        ready = (unsigned)poll(p, n, ready >= want ? 0 : (left > 0 ? (left < 50 ? left : 50) : 0));
    } while (ready < want && now_s() < until);
    free(p);
    return ready;
}

/* The connections past the cap are told so at once (503 or closed), while
 * those under it stay open and are answered. */
static void test_past_the_cap_answered_at_once(void **state)
{
    assert_true(g_cap >= 16);
    int keeper = connect_server(); /* opened first, asked at the end */
    assert_true(keeper >= 0);
    sleep_ms(100);
    unsigned n = g_cap - 1 + PAST_CAP;
    int *fds = many_fds(n);
    double start = now_s();
    for (unsigned i = 0; i < n; i++)
        if ((fds[i] = connect_server()) < 0)
            fail_msg("connection %u of %u (the cap is %u): not accepted", i + 1, n + 1, g_cap);
    unsigned ready = count_readable(fds, n, PAST_CAP, ANSWER_MS);
    double refusing = now_s() - start;
    unsigned refusals = 0;
    for (unsigned i = 0; i < n; i++)
        refusals += refused(fds[i]);
    if (ready != PAST_CAP || refusals != PAST_CAP)
        fail_msg("%u connections past the cap of %u: %u refused (%u answered) within %.0f ms",
                 PAST_CAP, g_cap, refusals, ready, refusing * 1000);
    double t0 = now_s();
    assert_true(send_all(keeper, HEALTHZ, strlen(HEALTHZ)));
    bool closed;
    char *got = read_until_close(keeper, ANSWER_MS, &closed);
    if (status_of(got) != 200)
        fail_msg("a connection under the cap got %d after %.0f ms", status_of(got),
                 (now_s() - t0) * 1000);
    free(got);
    close(keeper);
    assert_true(now_s() - start < HEAD_SECONDS); /* none was closed for its head's time */
    close_many_fds(NULL);
    /* Once they are gone, new connections are served again. */
    double ms = 0;
    int status = 0;
    for (int i = 0; i < 50 && status != 200; i++) {
        status = timed_healthz(&ms);
        if (status != 200)
            sleep_ms(100);
    }
    assert_int_equal(status, 200);
}

/* At the cap, a new connection takes the place of one that has waited
 * long enough (SERVE_EVICT_AFTER_S) for a request's head: more slow clients
 * than the cap cannot keep a normal request out. */
static void test_at_the_cap_a_waiting_connection_gives_way(void **state)
{
    unsigned n = g_cap;
    int *fds = many_fds(n);
    double start = now_s();
    for (unsigned i = 0; i < n; i++)
        if ((fds[i] = connect_server()) < 0)
            fail_msg("connection %u of %u (the cap): not accepted", i + 1, n);
    sleep_ms(EVICT_MS);
    double ms;
    int status = timed_healthz(&ms);
    if (status != 200)
        fail_msg("with %u idle connections (the cap) for %d ms, a normal request got %d after %.0f ms",
                 n, EVICT_MS, status, ms);
    unsigned gone = count_readable(fds, n, 1, 1000);
    assert_true(now_s() - start < HEAD_SECONDS);
    close_many_fds(NULL);
    if (gone != 1)
        fail_msg("%u connections made way for one (want 1)", gone);
}

/* ================= ambiguous requests ================= */

static void expect_status(const char *what, const char *request, size_t n, int want)
{
    char *answer = NULL;
    int status = raw_request(request, n, 5000, &answer);
    if (status != want)
        fail_msg("%s: want %d, got %d: %.300s", what, want, status, answer);
    if (want == 400 && !strstr(answer, "malformed request"))
        fail_msg("%s: the 400 does not say why: %.300s", what, answer);
    free(answer);
}

#define REQ(lit) lit, sizeof lit - 1

static void test_nul_bytes_are_refused(void **state)
{
    expect_status("a plain request", REQ(HEALTHZ), 200);
    expect_status("NUL in the target",
                  REQ("GET /healthz\0/../x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
    expect_status("NUL at the end of the target",
                  REQ("GET /healthz\0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
    expect_status("NUL in the query string",
                  REQ("GET /api/search?q=nato\0x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("NUL in the method",
                  REQ("GE\0T /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
    expect_status("NUL in a header value",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\0.evil.com\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("NUL at the end of a header value",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\0\r\nConnection: close\r\n\r\n"), 400);
    expect_status("a header line that is a NUL",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\0\r\nConnection: close\r\n\r\n"), 400);
}

static void test_ambiguous_headers_are_refused(void **state)
{
    expect_status("two Host headers",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("two Host headers, other case",
                  REQ("GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nHOST: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("a space before the colon",
                  REQ("GET /healthz HTTP/1.1\r\nHost : evil.com\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("Content-Length and Transfer-Encoding",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"),
                  400);
    expect_status("two Content-Length headers",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nContent-Length: 5\r\n"
                      "Connection: close\r\n\r\n"),
                  400);
    expect_status("a folded header line",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n"),
                  400);
    expect_status("a bare CR in a value",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\nConnection: close\r\n\r\n"),
                  400);
    /* What stays allowed. */
    expect_status("bare LF line ends", REQ("GET /healthz HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n"),
                  200);
    expect_status("an empty header value",
                  REQ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Empty:\r\nConnection: close\r\n\r\n"), 200);
    expect_status("HTTP/1.0 without headers", REQ("GET /healthz HTTP/1.0\r\n\r\n"), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_bytes_are_refused),
        cmocka_unit_test(test_ambiguous_headers_are_refused),
        cmocka_unit_test_teardown(test_past_the_cap_answered_at_once, close_many_fds),
        cmocka_unit_test_teardown(test_at_the_cap_a_waiting_connection_gives_way, close_many_fds),
        cmocka_unit_test_teardown(test_slow_clients_do_not_block_others, close_many_fds),
        cmocka_unit_test(test_kept_alive_connection_trickling_is_closed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
