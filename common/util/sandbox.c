/*
 * sandbox.c - work done in another process: a function in a forked child
 * answering with its exit code (shelf_sandbox_run), or a helper program
 * answering with bytes sent over a pipe (shelf_sandbox_collect, and the
 * helper's half: shelf_sandbox_child_*); the rules are in sandbox.h.
 *
 * Invariants: every child started here is reaped before the call returns,
 * but a kept helper, which lives in its shelf_kept_helper until a job
 * fails or shelf_kept_helper_stop; no pipe end or input file outlives the
 * call, but a kept helper's socket; a forked child never returns into the
 * caller.
 */
#define _GNU_SOURCE /* pipe2, memfd_create, posix_spawn_file_actions_addclosefrom_np */
#include "util/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/single_threaded.h>
#include <sys/socket.h>
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
 * The kept program's half: requests on one socket (stdin and stdout)
 * ------------------------------------------------------------------------ */

#define REQUEST_HEADER_BYTES 12 /* u64 memory headroom, u32 length of the arguments */
#define REQUEST_ARGS_MAX 4096   /* bytes of the arguments, NUL-terminated strings */

typedef struct request {
    uint64_t headroom;
    char args[REQUEST_ARGS_MAX + 1];
    char *argv[SHELF_SANDBOX_MAX_ARGS + 1];
    int argc;
    int input_fd; /* the memory file passed with the header, or -1 */
} request;

static bool read_exact(int fd, void *p, size_t n)
{
    char *s = p;
    while (n > 0) {
        ssize_t r = read(fd, s, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        s += r;
        n -= (size_t)r;
    }
    return true;
}

static uint32_t get_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64le(const uint8_t *p);

/* The header and the descriptor passed with its first byte. */
static int receive_header(uint8_t header[REQUEST_HEADER_BYTES], int *input_fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {header, REQUEST_HEADER_BYTES};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n;
    do
        n = recvmsg(STDIN_FILENO, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n == 0 ? 0 : -1;
    *input_fd = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(input_fd, CMSG_DATA(c), sizeof(int));
    if ((size_t)n < REQUEST_HEADER_BYTES &&
        !read_exact(STDIN_FILENO, header + n, REQUEST_HEADER_BYTES - (size_t)n))
        return -1;
    return 1;
}

/* The next request: 1, 0 when the parent hung up, -1 when it is malformed
 * or cannot be read. */
static int receive_request(request *r)
{
    uint8_t header[REQUEST_HEADER_BYTES];
    int got = receive_header(header, &r->input_fd);
    if (got <= 0)
        return got;
    r->headroom = get_u64le(header);
    uint32_t len = get_u32le(header + 8);
    if (r->input_fd < 0 || len == 0 || len > REQUEST_ARGS_MAX ||
        !read_exact(STDIN_FILENO, r->args, len) || r->args[len - 1] != '\0')
        return -1;
    r->argc = 0;
    for (size_t at = 0; at < len; at += strlen(r->args + at) + 1) {
        if (r->argc == SHELF_SANDBOX_MAX_ARGS)
            return -1;
        r->argv[r->argc++] = r->args + at;
    }
    r->argv[r->argc] = NULL;
    return 1;
}

/* Caps the address space at now + headroom for the next job (0: no cap),
 * raising or lowering the soft limit only: the hard one stays as started. */
static void cap_for_job(uint64_t headroom)
{
#ifndef SHELF_UNDER_ASAN
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) != 0)
        return;
    size_t base = current_address_space();
    rlim_t want = as.rlim_max;
    if (headroom && base && headroom <= SIZE_MAX - base && base + headroom < as.rlim_max)
        want = (rlim_t)(base + headroom);
    as.rlim_cur = want;
    setrlimit(RLIMIT_AS, &as);
#else
    (void)headroom;
#endif
}

/* The memory file as (*data, *len): mapped, or "" when empty. */
static bool map_request_input(int fd, void **map, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > SIZE_MAX)
        return false;
    *len = (size_t)st.st_size;
    *map = NULL;
    if (*len == 0)
        return true;
    void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return false;
    *map = p;
    return true;
}

/* One job, capped as a one-shot helper is: the cap counts from before the
 * input is mapped, so the mapping is inside it. */
static int serve_request(shelf_sandbox_serve_fn fn, request *r)
{
    void *map;
    size_t len;
    cap_for_job(r->headroom);
    bool mapped = map_request_input(r->input_fd, &map, &len);
    close(r->input_fd);
    if (!mapped) {
        cap_for_job(0);
        return SHELF_EIO;
    }
    shelf_buf answer = SHELF_BUF_INIT;
    int rc = fn(r->argc, r->argv, map ? map : "", len, &answer);
    if (map)
        munmap(map, len);
    cap_for_job(0);
    if (rc == SHELF_OK)
        rc = shelf_sandbox_child_send(&answer);
    shelf_buf_free(&answer);
    malloc_trim(0); /* what the job freed goes back before the next one's cap */
    return rc;
}

int shelf_sandbox_child_serve(shelf_sandbox_serve_fn fn)
{
    static request r; /* 4 KiB of arguments: not on the stack */
    for (;;) {
        int got = receive_request(&r);
        if (got == 0)
            return CHILD_EXIT_OK;
        if (got < 0 || serve_request(fn, &r) != SHELF_OK)
            return CHILD_EXIT_FAIL;
    }
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

/* The child's descriptors: stdin in_fd, stdout out_fd, stderr /dev/null,
 * nothing else; its signals at their defaults and unblocked. */
static int spawn_program(const char *const *argv, int in_fd, int out_fd, pid_t *pid)
{
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
        rc = posix_spawn(pid, argv[0], &acts, &attr, (char *const *)argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&acts);
    return rc;
}

/* The one-shot command line: PROGRAM HEADROOM ARGS... */
static void one_shot_argv(const shelf_sandbox_job *job, char headroom[32],
                          const char *argv[SHELF_SANDBOX_MAX_ARGS + 3])
{
    snprintf(headroom, 32, "%zu", job->memory_headroom);
    argv[0] = job->program;
    argv[1] = headroom;
    size_t argc = 2;
    for (size_t i = 0; i < SHELF_SANDBOX_MAX_ARGS && job->args[i]; i++)
        argv[argc++] = job->args[i];
    argv[argc] = NULL;
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
    int in_fd = input_file(job->input, job->input_len);
    if (in_fd < 0)
        return shelf_errno(err, errno, "%s: cannot hand the file to %s", job->subject, job->worker);
    pthread_mutex_lock(&spawn_lock);
    if (pipe2(fds, O_CLOEXEC) != 0) {
        int e = errno;
        pthread_mutex_unlock(&spawn_lock);
        close(in_fd);
        return shelf_errno(err, e, "%s: cannot create a pipe for %s", job->subject, job->worker);
    }
    int fl = fcntl(fds[0], F_GETFL); /* the read end only: the child writes blocking */
    bool piped = fl >= 0 && fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) == 0;
    int e;
    if (!piped) {
        e = errno;
    } else {
        char headroom[32];
        const char *argv[SHELF_SANDBOX_MAX_ARGS + 3];
        one_shot_argv(job, headroom, argv);
        e = spawn_program(argv, in_fd, fds[1], pid);
    }
    close(fds[1]);
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

/* ------------------------------------------------------------------------
 * shelf_sandbox_collect_kept: one program, job after job
 * ------------------------------------------------------------------------ */

void shelf_kept_helper_stop(shelf_kept_helper *kept)
{
    if (kept->fd >= 0)
        close(kept->fd);
    if (kept->pid > 0)
        kill_and_reap(kept->pid);
    kept->pid = -1;
    kept->fd = -1;
    kept->jobs = 0;
    kept->program[0] = '\0';
}

/* Whether the kept program is still there (it may have died, or been
 * killed, since its last job); reaped and forgotten when not. */
static bool kept_alive(shelf_kept_helper *kept)
{
    int status;
    if (!reap(kept->pid, &status, false))
        return true;
    kept->pid = -1;
    shelf_kept_helper_stop(kept);
    return false;
}

static int kept_start(shelf_kept_helper *kept, const shelf_sandbox_job *job, shelf_err *err)
{
    int sv[2];
    pthread_mutex_lock(&spawn_lock);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        int e = errno;
        pthread_mutex_unlock(&spawn_lock);
        return shelf_errno(err, e, "%s: cannot create a pipe for %s", job->subject, job->worker);
    }
    int fl = fcntl(sv[0], F_GETFL);
    bool ready = fl >= 0 && fcntl(sv[0], F_SETFL, fl | O_NONBLOCK) == 0;
    int e = errno;
    pid_t pid = -1;
    if (ready) {
        const char *argv[] = {job->program, "0", "serve", NULL};
        e = spawn_program(argv, sv[1], sv[1], &pid);
    }
    close(sv[1]);
    pthread_mutex_unlock(&spawn_lock);
    if (!ready || e != 0)
        close(sv[0]);
    if (!ready)
        return shelf_errno(err, e, "%s: cannot set up a pipe for %s", job->subject, job->worker);
    if (e != 0)
        return start_failed(job, e, err);
    kept->pid = pid;
    kept->fd = sv[0];
    kept->jobs = 0;
    snprintf(kept->program, sizeof kept->program, "%s", job->program);
    return SHELF_OK;
}

/* The request's header and arguments into *out. */
static int encode_request(const shelf_sandbox_job *job, shelf_buf *out)
{
    size_t args_len = 0;
    for (size_t i = 0; i < SHELF_SANDBOX_MAX_ARGS && job->args[i]; i++)
        args_len += strlen(job->args[i]) + 1;
    if (args_len == 0 || args_len > REQUEST_ARGS_MAX)
        return SHELF_EINVAL;
    int rc = shelf_buf_put_u64le(out, job->memory_headroom);
    rc = rc ? rc : shelf_buf_put_u32le(out, (uint32_t)args_len);
    for (size_t i = 0; rc == SHELF_OK && i < SHELF_SANDBOX_MAX_ARGS && job->args[i]; i++)
        rc = shelf_buf_append(out, job->args[i], strlen(job->args[i]) + 1);
    return rc;
}

/* Waits until the socket takes more bytes, within the deadline (-1: none). */
static bool wait_writable(int fd, int64_t deadline)
{
    int64_t left = deadline < 0 ? COLLECT_POLL_SLICE_MS : deadline - now_ms();
    if (left <= 0)
        return false;
    struct pollfd pfd = {fd, POLLOUT, 0};
    return poll(&pfd, 1, (int)(left < COLLECT_POLL_SLICE_MS ? left : COLLECT_POLL_SLICE_MS)) >= 0;
}

/* Sends the request, the memory file riding on its first byte.  false when
 * the program is gone or stopped reading (it is then judged as ended). */
static bool send_request(int fd, const shelf_buf *req, int input_fd, int64_t deadline)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    size_t sent = 0;
    while (sent < req->len) {
        struct iovec iov = {req->data + sent, req->len - sent};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (sent == 0) {
            msg.msg_control = control.buf;
            msg.msg_controllen = sizeof control.buf;
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &input_fd, sizeof(int));
        }
        ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n;
            continue;
        }
        bool full = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (!full || !wait_writable(fd, deadline))
            return false;
    }
    return true;
}

typedef enum kept_outcome { KEPT_ANSWERED, KEPT_ENDED, KEPT_OVER_BUDGET, KEPT_NOMEM } kept_outcome;

/* One attempt at the job in the kept program.  KEPT_ANSWERED: c holds the
 * answer and the program stays; otherwise the program is gone (reaped,
 * *status how it ended, for KEPT_ENDED). */
static kept_outcome kept_attempt(shelf_kept_helper *kept, const shelf_sandbox_job *job,
                                 int input_fd, const shelf_buf *req, int64_t deadline,
                                 collector *c, int *status)
{
    kept->jobs++;
    bool reaped = false;
    wait_outcome w = WAIT_FINISHED;
    if (send_request(kept->fd, req, input_fd, deadline))
        w = collect_from_child(kept->pid, kept->fd, deadline, c, &reaped, status);
    else
        c->eof = true;
    if (w == WAIT_FINISHED && collector_complete(c) && !reaped)
        return KEPT_ANSWERED;
    if (!reaped) {
        kill(kept->pid, SIGKILL); /* gone already, stuck, or past the budget */
        reap(kept->pid, status, true);
    }
    kept->pid = -1;
    shelf_kept_helper_stop(kept);
    if (w == WAIT_NOMEM)
        return KEPT_NOMEM;
    return w == WAIT_OVER_BUDGET ? KEPT_OVER_BUDGET : KEPT_ENDED;
}

/* A live program to send the job to: the kept one, unless it has died or
 * done its share of jobs, else a fresh one. */
static int kept_ready(shelf_kept_helper *kept, const shelf_sandbox_job *job, shelf_err *err)
{
    if (kept->pid > 0 && (kept->jobs >= SHELF_KEPT_HELPER_JOBS ||
                          strcmp(kept->program, job->program) != 0 || !kept_alive(kept)))
        shelf_kept_helper_stop(kept);
    return kept->pid > 0 ? SHELF_OK : kept_start(kept, job, err);
}

int shelf_sandbox_collect_kept(shelf_kept_helper *kept, const shelf_sandbox_job *job,
                               shelf_collected *out, shelf_err *err)
{
    *out = (shelf_collected){.end = SHELF_COLLECT_FAILED, .result = SHELF_BUF_INIT};
    int64_t deadline = job->budget_ms ? now_ms() + (int64_t)job->budget_ms : -1;
    shelf_buf req = SHELF_BUF_INIT;
    int encoded = encode_request(job, &req);
    if (encoded != SHELF_OK) {
        shelf_buf_free(&req);
        return encoded == SHELF_ENOMEM
                   ? shelf_errf(err, SHELF_ENOMEM, "%s: out of memory handing the file to %s",
                                job->subject, job->worker)
                   : shelf_errf(err, SHELF_EINVAL, "%s: arguments too long for %s", job->subject,
                                job->worker);
    }
    int input_fd = input_file(job->input, job->input_len);
    if (input_fd < 0) {
        shelf_buf_free(&req);
        return shelf_errno(err, errno, "%s: cannot hand the file to %s", job->subject, job->worker);
    }
    int rc = SHELF_OK;
    for (int attempt = 0;; attempt++) {
        if ((rc = kept_ready(kept, job, err)) != SHELF_OK)
            break;
        bool reused = kept->jobs > 0;
        collector c = {.limit = job->max_result, .body = SHELF_BUF_INIT};
        int status = 0;
        kept_outcome k = kept_attempt(kept, job, input_fd, &req, deadline, &c, &status);
        if (k == KEPT_ANSWERED) {
            out->end = SHELF_COLLECT_COMPLETE;
            out->child = (shelf_sandbox_result){SHELF_SANDBOX_EXITED, 0};
            out->result = c.body;
            break;
        }
        shelf_collect_end end = k == KEPT_ENDED ? judge(&c, status) : SHELF_COLLECT_TIMED_OUT;
        bool complete = end == SHELF_COLLECT_COMPLETE;
        if (complete)
            out->result = c.body; /* answered, then exited */
        else
            shelf_buf_free(&c.body);
        if (k == KEPT_NOMEM) {
            rc = shelf_errf(err, SHELF_ENOMEM, "%s: out of memory collecting the result of %s",
                            job->subject, job->worker);
            break;
        }
        if (end == SHELF_COLLECT_FAILED && reused && attempt == 0)
            continue; /* once more, in a fresh program */
        out->end = end;
        out->child = k == KEPT_ENDED ? how_it_ended(status)
                                     : (shelf_sandbox_result){SHELF_SANDBOX_TIMED_OUT, 0};
        break;
    }
    close(input_fd);
    shelf_buf_free(&req);
    return rc;
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
