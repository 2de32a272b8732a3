/*
 * sandbox.c - work done in another process: a function in a forked child
 * answering with its exit code (shelf_sandbox_run), or a helper program
 * answering with bytes sent over a pipe (shelf_sandbox_collect, and the
 * helper's half: shelf_sandbox_child_*); the rules are in sandbox.h.
 *
 * Invariants: every child started here is reaped before the call returns;
 * no pipe end or input file outlives the call; a forked child never
 * returns into the caller.
 */
#define _GNU_SOURCE /* pipe2, memfd_create, posix_spawn_file_actions_addclosefrom_np */
#include "util/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SHELF_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHELF_UNDER_ASAN 1
#endif
#endif

#define RUN_WAIT_SLICE_MS 10      /* shelf_sandbox_run: sleep between checks */
#define COLLECT_POLL_SLICE_MS 100 /* shelf_sandbox_collect: longest poll() */
#define HEADER_BYTES 8            /* the result's length: u64 little-endian */
#define CHILD_EXIT_OK 0
#define CHILD_EXIT_FAIL 1

extern char **environ;

/* ------------------------------------------------------------------------
 * Shared: the clock, reaping, the child's limits.
 * ------------------------------------------------------------------------ */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* waitpid without EINTR; true when the child was reaped (status valid) or
 * is already gone (ECHILD: SIGCHLD ignored; *status is then -1). */
static bool reap(pid_t pid, int *status, bool block)
{
    for (;;) {
        pid_t r = waitpid(pid, status, block ? 0 : WNOHANG);
        if (r == pid)
            return true;
        if (r == 0)
            return false;
        if (errno == EINTR)
            continue;
        *status = -1;
        return true;
    }
}

static void kill_and_reap(pid_t pid)
{
    int status;
    kill(pid, SIGKILL);
    reap(pid, &status, true);
}

static shelf_sandbox_result how_it_ended(int status)
{
    if (status == -1)
        return (shelf_sandbox_result){SHELF_SANDBOX_EXITED, -1};
    if (WIFSIGNALED(status))
        return (shelf_sandbox_result){SHELF_SANDBOX_SIGNALED, WTERMSIG(status)};
    return (shelf_sandbox_result){SHELF_SANDBOX_EXITED, WEXITSTATUS(status)};
}

static void disable_core_dumps(void)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
}

/* ------------------------------------------------------------------------
 * shelf_sandbox_run
 * ------------------------------------------------------------------------ */

int shelf_sandbox_run(int (*fn)(void *ctx), void *ctx, unsigned budget_ms,
                      shelf_sandbox_result *out, shelf_err *err)
{
    if (!__libc_single_threaded) /* the child could hang on another thread's lock */
        return shelf_errf(err, SHELF_EINVAL,
                          "a child process cannot be forked safely once threads have run");
    pid_t pid = fork();
    if (pid < 0)
        return shelf_errno(err, errno, "cannot start a child process");
    if (pid == 0) {
        disable_core_dumps();
        _exit(fn(ctx) & 0xff);
    }
    int64_t deadline = budget_ms ? now_ms() + budget_ms : 0;
    int status = 0;
    while (!reap(pid, &status, deadline == 0)) {
        if (deadline && now_ms() >= deadline) {
            kill_and_reap(pid);
            *out = (shelf_sandbox_result){SHELF_SANDBOX_TIMED_OUT, 0};
            return SHELF_OK;
        }
        struct timespec slice = {0, RUN_WAIT_SLICE_MS * 1000000L};
        nanosleep(&slice, NULL);
    }
    *out = how_it_ended(status);
    return SHELF_OK;
}

/* ------------------------------------------------------------------------
 * Shared by both kinds of child: writing, limits
 * ------------------------------------------------------------------------ */

static bool write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

#ifndef SHELF_UNDER_ASAN
/* This process's address space now, or 0. */
static size_t current_address_space(void)
{
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long pages = strtoull(buf, NULL, 10);
    long page_size = sysconf(_SC_PAGESIZE);
    if (page_size <= 0 || pages > SIZE_MAX / (size_t)page_size)
        return 0;
    return (size_t)pages * (size_t)page_size;
}
#endif

/* No core files, and the address space capped at now + headroom (no cap
 * when headroom is 0, the sum overflows, or under AddressSanitizer). */
static void limit_resources(size_t headroom)
{
    disable_core_dumps();
#ifndef SHELF_UNDER_ASAN
    size_t base = current_address_space();
    if (headroom == 0 || base == 0 || headroom > SIZE_MAX - base)
        return;
    struct rlimit as = {base + headroom, base + headroom};
    setrlimit(RLIMIT_AS, &as);
#else
    (void)headroom;
#endif
}

/* ------------------------------------------------------------------------
 * The program's half (a helper started by shelf_sandbox_collect)
 * ------------------------------------------------------------------------ */

int shelf_sandbox_child_begin(int argc, char **argv)
{
    if (argc < 2 || !argv[1][0])
        return SHELF_EINVAL;
    char *end;
    errno = 0;
    unsigned long long headroom = strtoull(argv[1], &end, 10);
    if (*end || errno || headroom > SIZE_MAX)
        return SHELF_EINVAL;
    limit_resources((size_t)headroom);
    return SHELF_OK;
}

/* Standard input as a regular file (the memory file shelf_sandbox_collect
 * makes) is mapped, not copied: a 500 MB PDF is not held twice. */
static bool map_input(const void **data, size_t *len)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > SIZE_MAX)
        return false;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, STDIN_FILENO, 0);
    if (p == MAP_FAILED)
        return false;
    *data = p;
    *len = (size_t)st.st_size;
    return true;
}

int shelf_sandbox_child_input(const void **data, size_t *len, shelf_buf *scratch)
{
    if (map_input(data, len))
        return SHELF_OK;
    for (;;) {
        if (scratch->cap - scratch->len < 4096 && shelf_buf_reserve(scratch, 65536) != SHELF_OK)
            return SHELF_ENOMEM;
        ssize_t n = read(STDIN_FILENO, scratch->data + scratch->len, scratch->cap - scratch->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return SHELF_EIO;
        if (n == 0)
            break;
        scratch->len += (size_t)n;
    }
    *data = scratch->data ? (const void *)scratch->data : (const void *)"";
    *len = scratch->len;
    return SHELF_OK;
}

int shelf_sandbox_child_send(const shelf_buf *result)
{
    shelf_buf header = SHELF_BUF_INIT;
    int rc = shelf_buf_put_u64le(&header, result->len);
    if (rc == SHELF_OK && (!write_all(STDOUT_FILENO, header.data, header.len) ||
                           !write_all(STDOUT_FILENO, result->data, result->len)))
        rc = SHELF_EIO;
    shelf_buf_free(&header);
    return rc;
}

/* ------------------------------------------------------------------------
 * shelf_sandbox_collect: the parent's reading of the pipe
 * ------------------------------------------------------------------------ */

typedef struct collector {
    uint8_t header[HEADER_BYTES];
    size_t header_got;
    shelf_buf body; /* reserved to the announced length once known */
    size_t body_len;
    bool body_ready; /* the header was read and the body reserved */
    size_t limit;
    bool eof;       /* the pipe reported end-of-file */
    bool too_large; /* the announced body exceeds limit */
} collector;

static uint64_t get_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static bool collector_complete(const collector *c)
{
    return c->body_ready && c->body.len == c->body_len;
}

static bool collector_done(const collector *c)
{
    return c->eof || c->too_large || collector_complete(c);
}

/* Where the next bytes go, after the header has been read and checked.
 * Returns NULL when nothing more is wanted; *room receives the space. */
static uint8_t *collector_space(collector *c, size_t *room)
{
    if (c->header_got < HEADER_BYTES) {
        *room = HEADER_BYTES - c->header_got;
        return c->header + c->header_got;
    }
    if (!c->body_ready) {
        uint64_t n = get_u64le(c->header);
        if (n > c->limit) {
            c->too_large = true;
            return NULL;
        }
        c->body_len = (size_t)n;
        if (shelf_buf_reserve(&c->body, c->body_len ? c->body_len : 1) != SHELF_OK)
            return NULL;
        c->body_ready = true;
    }
    *room = c->body_len - c->body.len;
    return *room ? c->body.data + c->body.len : NULL;
}

static void collector_advance(collector *c, size_t n)
{
    if (c->header_got < HEADER_BYTES)
        c->header_got += n;
    else
        c->body.len += n;
}

/* Read whatever the (non-blocking) pipe holds now.  SHELF_OK or
 * SHELF_ENOMEM. */
static int collect_available(int fd, collector *c)
{
    while (!collector_done(c)) {
        size_t room;
        uint8_t *dst = collector_space(c, &room);
        if (!dst)
            return c->too_large || collector_complete(c) ? SHELF_OK : SHELF_ENOMEM;
        ssize_t n = read(fd, dst, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return SHELF_OK;
        if (n <= 0) {
            c->eof = true; /* end of file, or a read error treated as one */
            return SHELF_OK;
        }
        collector_advance(c, (size_t)n);
    }
    return SHELF_OK;
}

typedef enum wait_outcome { WAIT_FINISHED, WAIT_OVER_BUDGET, WAIT_NOMEM } wait_outcome;

/* Collect the child's result until the pipe is done (complete, too large or
 * at end of file) or the child is gone, within the budget.  Sets *reaped
 * (and *status) when it found the child gone; otherwise the caller reaps. */
static wait_outcome collect_from_child(pid_t pid, int fd, int64_t deadline, collector *c,
                                       bool *reaped, int *status)
{
    while (!collector_done(c)) {
        int slice = COLLECT_POLL_SLICE_MS;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return WAIT_OVER_BUDGET;
            if (left < slice)
                slice = (int)left;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int r = poll(&pfd, 1, slice);
        if (r < 0 && errno != EINTR)
            return WAIT_NOMEM; /* poll's only real failure */
        if (r > 0 && collect_available(fd, c) != SHELF_OK)
            return WAIT_NOMEM;
        if (r == 0 && reap(pid, status, false)) {
            *reaped = true; /* whatever it wrote is in the pipe now */
            if (collect_available(fd, c) != SHELF_OK)
                return WAIT_NOMEM;
            return WAIT_FINISHED;
        }
    }
    return WAIT_FINISHED;
}

/* ------------------------------------------------------------------------
 * shelf_sandbox_collect: starting the child, judging the end
 * ------------------------------------------------------------------------ */

static pthread_mutex_t spawn_lock = PTHREAD_MUTEX_INITIALIZER;

/* A sealed-off copy of the input for the child's standard input: a memory
 * file holding input[0..len), at offset 0.  -1 with errno on failure. */
static int input_file(const void *input, size_t len)
{
    int fd = memfd_create("shelf-input", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (!write_all(fd, input, len) || lseek(fd, 0, SEEK_SET) != 0) {
        int e = errno;
        close(fd);
        errno = e ? e : EIO;
        return -1;
    }
    return fd;
}

/* The child's descriptors: stdin the input, stdout the pipe, stderr
 * /dev/null, nothing else; its signals at their defaults and unblocked. */
static int spawn_program(const shelf_sandbox_job *job, int in_fd, int out_fd, pid_t *pid)
{
    char headroom[32];
    snprintf(headroom, sizeof headroom, "%zu", job->memory_headroom);
    const char *argv[SHELF_SANDBOX_MAX_ARGS + 3] = {job->program, headroom};
    size_t argc = 2;
    for (size_t i = 0; i < SHELF_SANDBOX_MAX_ARGS && job->args[i]; i++)
        argv[argc++] = job->args[i];
    argv[argc] = NULL;

    posix_spawn_file_actions_t acts;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&acts);
    if (rc != 0)
        return rc;
    if ((rc = posix_spawnattr_init(&attr)) != 0) {
        posix_spawn_file_actions_destroy(&acts);
        return rc;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    if ((rc = posix_spawn_file_actions_adddup2(&acts, in_fd, STDIN_FILENO)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&acts, out_fd, STDOUT_FILENO)) == 0 &&
        (rc = posix_spawn_file_actions_addopen(&acts, STDERR_FILENO, "/dev/null", O_WRONLY, 0)) ==
            0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&acts, STDERR_FILENO + 1)) == 0 &&
        (rc = posix_spawnattr_setsigmask(&attr, &none)) == 0 &&
        (rc = posix_spawnattr_setsigdefault(&attr, &all)) == 0 &&
        (rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0)
        rc = posix_spawn(pid, job->program, &acts, &attr, (char *const *)argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&acts);
    return rc;
}

/* The forked child of a process that has never started a thread: set up as
 * a spawned program is (stdout the pipe, stderr /dev/null, nothing else
 * open, the limits), then job->produce answers. */
static _Noreturn void forked_child(const shelf_sandbox_job *job, int out_fd)
{
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(null_fd, STDERR_FILENO) < 0)
        _exit(CHILD_EXIT_FAIL);
    close_range(STDERR_FILENO + 1, ~0u, 0);
    limit_resources(job->memory_headroom);
    shelf_buf answer = SHELF_BUF_INIT;
    if (job->produce(job->ctx, &answer) != SHELF_OK || shelf_sandbox_child_send(&answer) != SHELF_OK)
        _exit(CHILD_EXIT_FAIL);
    _exit(CHILD_EXIT_OK);
}

/* Fork when that is safe and the job can be done without its program. */
static bool may_fork(const shelf_sandbox_job *job)
{
    return job->produce && __libc_single_threaded;
}

static int fork_child(const shelf_sandbox_job *job, int out_fd, pid_t *pid)
{
    *pid = fork();
    if (*pid == 0)
        forked_child(job, out_fd);
    return *pid < 0 ? errno : 0;
}

/* A program that cannot be run at all (missing, not executable, on a
 * noexec mount) fails every file alike: SHELF_ENOTFOUND, a setup problem
 * the caller stops on.  A shortage (no process, no memory) is SHELF_EIO. */
static int start_failed(const shelf_sandbox_job *job, int e, shelf_err *err)
{
    shelf_errno(err, e, "%s: cannot start %s (%s)", job->subject, job->worker, job->program);
    if (e == ENOENT || e == EACCES || e == ENOEXEC || e == EPERM || e == ENOTDIR || e == ELIBBAD)
        err->code = SHELF_ENOTFOUND;
    return err->code;
}

/* Start the child; *rfd receives the parent's (non-blocking) read end. */
static int start_child(const shelf_sandbox_job *job, pid_t *pid, int *rfd, shelf_err *err)
{
    int fds[2];
    bool forking = may_fork(job);
    int in_fd = forking ? -1 : input_file(job->input, job->input_len);
    if (!forking && in_fd < 0)
        return shelf_errno(err, errno, "%s: cannot hand the file to %s", job->subject, job->worker);
    pthread_mutex_lock(&spawn_lock);
    if (pipe2(fds, O_CLOEXEC) != 0) {
        int e = errno;
        pthread_mutex_unlock(&spawn_lock);
        if (in_fd >= 0)
            close(in_fd);
        return shelf_errno(err, e, "%s: cannot create a pipe for %s", job->subject, job->worker);
    }
    int fl = fcntl(fds[0], F_GETFL); /* the read end only: the child writes blocking */
    bool piped = fl >= 0 && fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) == 0;
    int e;
    if (!piped)
        e = errno;
    else if (forking)
        e = fork_child(job, fds[1], pid);
    else
        e = spawn_program(job, in_fd, fds[1], pid);
    close(fds[1]);
    if (in_fd >= 0)
        close(in_fd);
    pthread_mutex_unlock(&spawn_lock);
    if (e != 0)
        close(fds[0]);
    if (!piped)
        return shelf_errno(err, e, "%s: cannot set up a pipe for %s", job->subject, job->worker);
    if (e != 0)
        return start_failed(job, e, err);
    *rfd = fds[0];
    return SHELF_OK;
}

/* The end of a collection whose wait finished (the child reaped). */
static shelf_collect_end judge(const collector *c, int status)
{
    if (c->too_large)
        return SHELF_COLLECT_TOO_LARGE;
    bool exited_ok = status == -1 || (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EXIT_OK);
    return collector_complete(c) && exited_ok ? SHELF_COLLECT_COMPLETE : SHELF_COLLECT_FAILED;
}

int shelf_sandbox_collect(const shelf_sandbox_job *job, shelf_collected *out, shelf_err *err)
{
    *out = (shelf_collected){.end = SHELF_COLLECT_FAILED, .result = SHELF_BUF_INIT};
    int64_t deadline = job->budget_ms ? now_ms() + (int64_t)job->budget_ms : -1;
    pid_t pid = -1;
    int fd = -1;
    int rc = start_child(job, &pid, &fd, err);
    if (rc != SHELF_OK)
        return rc;
    collector c = {.limit = job->max_result, .body = SHELF_BUF_INIT};
    bool reaped = false;
    int status = 0;
    wait_outcome w = collect_from_child(pid, fd, deadline, &c, &reaped, &status);
    close(fd);
    if (w != WAIT_FINISHED) {
        if (!reaped)
            kill_and_reap(pid);
        shelf_buf_free(&c.body);
        if (w == WAIT_NOMEM)
            return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory collecting the result of %s",
                              job->subject, job->worker);
        out->end = SHELF_COLLECT_TIMED_OUT;
        out->child = (shelf_sandbox_result){SHELF_SANDBOX_TIMED_OUT, 0};
        return SHELF_OK;
    }
    if (!reaped) {
        if (!collector_complete(&c))
            kill(pid, SIGKILL); /* gave up on it (end of file, too large): no waiting */
        reap(pid, &status, true);
    }
    out->end = judge(&c, status);
    out->child = how_it_ended(status);
    if (out->end == SHELF_COLLECT_COMPLETE)
        out->result = c.body;
    else
        shelf_buf_free(&c.body);
    return SHELF_OK;
}

const char *shelf_signal_name(int signo, char *buf, size_t size)
{
    static const struct {
        int signo;
        const char *name;
    } names[] = {{SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"}, {SIGILL, "SIGILL"}, {SIGFPE, "SIGFPE"},
                 {SIGABRT, "SIGABRT"}, {SIGKILL, "SIGKILL"}, {SIGSYS, "SIGSYS"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i].signo == signo)
            return names[i].name;
    snprintf(buf, size, "signal %d", signo);
    return buf;
}
