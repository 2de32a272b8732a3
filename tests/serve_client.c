/* serve_client.c - a server process and a raw HTTP client; see serve_client.h. */
#include "serve_client.h"

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
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define START_SECONDS 60 /* generous: sanitizer builds start slowly */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pid_t spawn(const char *const *args, size_t nargs, const char *err_path)
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
    const char *argv[SC_MAX_ARGS + 5] = {SEARCHER_BIN, "--serve", "--listen", "127.0.0.1:0"};
    size_t argc = 4;
    for (size_t i = 0; i < nargs && i < SC_MAX_ARGS; i++)
        argv[argc++] = args[i];
    execv(SEARCHER_BIN, (char *const *)argv);
    _exit(127);
}

static unsigned announced_port(const char *err_path)
{
    char *text = ts_read_file(err_path, NULL);
    unsigned port = 0;
    const char *at = text ? strstr(text, "serving ") : NULL;
    const char *url = at ? strstr(at, "http://127.0.0.1:") : NULL;
    if (url)
        port = (unsigned)strtoul(url + strlen("http://127.0.0.1:"), NULL, 10);
    free(text);
    return port;
}

void sc_start(sc_server *s, const char *idx, const char *scratch)
{
    sc_start_many(s, &idx, 1, scratch);
}

void sc_start_many(sc_server *s, const char *const *idx, size_t n, const char *scratch)
{
    const char *args[SC_MAX_ARGS];
    size_t nargs = 0;
    for (size_t i = 0; i < n && nargs + 2 <= SC_MAX_ARGS; i++) {
        args[nargs++] = "--index";
        args[nargs++] = idx[i];
    }
    sc_start_args(s, args, nargs, scratch);
}

void sc_start_args(sc_server *s, const char *const *args, size_t nargs, const char *scratch)
{
    static int count;
    s->err_path = ts_strf("%s/server-%d.err", scratch, count++);
    s->port = 0;
    s->pid = spawn(args, nargs, s->err_path);
    assert_true(s->pid > 0);
    for (int i = 0; i < START_SECONDS * 100 && !(s->port = announced_port(s->err_path)); i++) {
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            char *err = ts_read_file(s->err_path, NULL);
            fail_msg("the server exited at start: %s", err ? err : "");
        }
        sleep_ms(10);
    }
    if (!s->port)
        fail_msg("the server did not say where it listens");
}

bool sc_sanitizer_clean(const sc_server *s)
{
    char *err = ts_read_file(s->err_path, NULL);
    bool clean = !err || (!strstr(err, "Sanitizer") && !strstr(err, "runtime error"));
    if (!clean)
        fprintf(stderr, "serve_client: the server reported:\n%s\n", err);
    free(err);
    return clean;
}

int sc_stop(sc_server *s)
{
    int status = 0;
    kill(s->pid, SIGTERM);
    for (int i = 0; i < 3000; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && sc_sanitizer_clean(s);
            return ok ? 0 : -1;
        }
        sleep_ms(10);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
    return -1;
}

static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The blank line ending the head, or NULL (the body may hold NUL bytes). */
static const char *head_end(const char *raw, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(raw + i, "\r\n\r\n", 4) == 0)
            return raw + i;
    return NULL;
}

static void parse_response(const char *raw, size_t len, sc_resp *r)
{
    const char *end = head_end(raw, len);
    size_t head_len = end ? (size_t)(end - raw) : len;
    r->head = strndup(raw, head_len);
    r->status = len > 12 && strncmp(raw, "HTTP/1.", 7) == 0 ? atoi(raw + 9) : 0;
    size_t body_at = end ? head_len + 4 : len;
    r->body_len = len - body_at;
    r->body = malloc(r->body_len + 1);
    memcpy(r->body, raw + body_at, r->body_len);
    r->body[r->body_len] = '\0';
}

void sc_send(const sc_server *s, const char *request, size_t n, sc_resp *r)
{
    memset(r, 0, sizeof *r);
    int fd = connect_to(s->port);
    assert_true(fd >= 0);
    for (size_t sent = 0; sent < n;) {
        ssize_t w = send(fd, request + sent, n - sent, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may answer and close before reading it all */
        sent += (size_t)w;
    }
    ts_sbuf b = {0};
    char chunk[16384];
    ssize_t got;
    while ((got = recv(fd, chunk, sizeof chunk, 0)) > 0)
        ts_sb_addn(&b, chunk, (size_t)got);
    close(fd);
    size_t len = b.n;
    char *raw = ts_sb_take(&b);
    parse_response(raw ? raw : "", raw ? len : 0, r);
    free(raw);
}

void sc_request(const sc_server *s, const char *method, const char *target,
                const char *extra_headers, sc_resp *r)
{
    char *req = ts_strf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n%s\r\n", method,
                        target, s->port, extra_headers ? extra_headers : "");
    sc_send(s, req, strlen(req), r);
    free(req);
}

void sc_resp_free(sc_resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
}

char *sc_header(const sc_resp *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = strstr(r->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        const char *at = line + 2;
        if (strncasecmp(at, name, n) == 0 && at[n] == ':') {
            at += n + 1;
            while (*at == ' ')
                at++;
            return strndup(at, strcspn(at, "\r\n"));
        }
    }
    return NULL;
}

void sc_expect_header(const sc_resp *r, const char *name, const char *want)
{
    char *v = sc_header(r, name);
    if (!v || !strstr(v, want))
        fail_msg("header %s: want '%s', got '%s'", name, want, v ? v : "(none)");
    free(v);
}

char *sc_enc(const char *s)
{
    ts_sbuf b = {0};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[4];
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            snprintf(tmp, sizeof tmp, "%c", *p);
        else
            snprintf(tmp, sizeof tmp, "%%%02X", *p);
        ts_sb_add(&b, tmp);
    }
    return ts_sb_take(&b);
}
