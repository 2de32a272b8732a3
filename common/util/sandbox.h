/*
 * sandbox.h - work done in another process, so that a crash, hang or
 * runaway allocation inside a library we cannot guard (libxapian on a
 * damaged table, poppler on a damaged PDF, libzip and libxml2 on a damaged
 * DOCX) kills that process, not us.  Two forms:
 *   - shelf_sandbox_run: a function in a forked child; its exit code is its
 *     only answer;
 *   - shelf_sandbox_collect: a helper program (util/helperprog.h) started
 *     afresh with exec, given the input on its standard input; the bytes it
 *     writes are collected over a pipe, under a size limit, a memory cap and
 *     a budget;
 *   - shelf_sandbox_collect_kept: the same, but the program is kept running
 *     between jobs (one job at a time), so that starting it (about 25 ms for
 *     shelf-helper and its libraries) is paid once, not per file.
 *
 * shelf_sandbox_run() forks (no exec); the child disables core dumps, calls
 * fn(ctx) and leaves with _exit(its return value & 0xff) (never exit(): no
 * atexit handlers, no stdio flush, no leak check; fn flushes what it
 * printed).  The parent waits at most budget_ms (0: no limit) and reports
 * how the child ended; over budget the child is killed with SIGKILL.  The
 * child is always reaped before returning.
 *
 * Only for single-threaded callers: forking copies the calling thread alone,
 * and a lock another thread held (an allocator's, the dynamic loader's,
 * a library's) stays held in the child, which then hangs on it.  That is
 * why shelf_sandbox_collect, which the server's request threads use, and
 * shelf_sandbox_collect_kept, which the indexer's readers use, never fork
 * without exec: they start a program afresh, which holds no lock of ours.
 */
#ifndef SHELF_SANDBOX_H
#define SHELF_SANDBOX_H

#include "util/buf.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum shelf_sandbox_end {
    SHELF_SANDBOX_EXITED,   /* status holds the exit code */
    SHELF_SANDBOX_SIGNALED, /* status holds the signal number */
    SHELF_SANDBOX_TIMED_OUT
} shelf_sandbox_end;

typedef struct shelf_sandbox_result {
    shelf_sandbox_end end;
    int status;
} shelf_sandbox_result;

/* SHELF_OK with *out filled, SHELF_EIO when no child could be made, or
 * SHELF_EINVAL, without forking, when this process has ever started a
 * thread (glibc's __libc_single_threaded). */
int shelf_sandbox_run(int (*fn)(void *ctx), void *ctx, unsigned budget_ms,
                      shelf_sandbox_result *out, shelf_err *err);

/*
 * shelf_sandbox_collect(job, out, err)
 *
 * The child is job->program, started with posix_spawn (no fork of this
 * process's memory, so nothing of its threads' state is copied) as
 *     PROGRAM HEADROOM ARGS...
 * HEADROOM being job->memory_headroom in decimal.  It gets: the input
 * (job->input[0..input_len), copied into a memory file) on its standard
 * input; the pipe on its standard output; /dev/null as standard error; no
 * other descriptor of ours (in particular not the index's writer lock,
 * which an open-file lock keeps alive while any copy of its descriptor is
 * open); its signals unblocked and at their defaults; our environment.  A
 * helper built on the functions below caps its own memory, answers on the
 * pipe (u64 little-endian length, then the bytes) and exits 0.
 *
 * The parent: waits at most job->budget_ms of wall-clock time from the
 * start (0: no limit), reading the pipe as data arrives (so a large result
 * cannot dead-lock on a full pipe) with poll() in slices of at most 100
 * ms; on each idle slice it also checks whether the child is gone (a
 * process forked elsewhere at the wrong moment may hold a copy of the
 * pipe's write end, so end-of-file alone is not trusted).  A result
 * announced longer than job->max_result is not read.  Over budget the child
 * is killed with SIGKILL.  Every child is reaped and every descriptor
 * closed before returning.
 *
 * Returns SHELF_OK with *out filled; SHELF_EIO when no input file, pipe or
 * child could be made ("<subject>: cannot hand the file to <worker>",
 * "... cannot create a pipe for <worker>", "... cannot set up a pipe for
 * <worker>", "... cannot start <worker> (<program>)", with the system's
 * reason); SHELF_ENOTFOUND, with that last message, when the program
 * cannot be run at all (missing, not executable: every later job would
 * fail the same way); SHELF_ENOMEM ("<subject>: out of memory collecting
 * the result of <worker>").  On any return but
 * SHELF_OK with COMPLETE, out->result is empty.
 */
#define SHELF_SANDBOX_MAX_ARGS 8

typedef struct shelf_sandbox_job {
    const char *program;     /* the helper's path */
    const char *const *args; /* its arguments after HEADROOM, NULL-terminated (at
                                most SHELF_SANDBOX_MAX_ARGS) */
    const void *input;       /* its standard input */
    size_t input_len;
    unsigned budget_ms;      /* wall clock from the start; 0: no limit */
    size_t max_result;       /* longest result the parent accepts */
    size_t memory_headroom;  /* address space on top of the start; 0: no cap */
    const char *subject;     /* what is worked on, first in messages (a path) */
    const char *worker;      /* who works, in messages ("the PDF reader") */
} shelf_sandbox_job;

typedef enum shelf_collect_end {
    SHELF_COLLECT_COMPLETE,  /* the whole result arrived and the child exited 0 */
    SHELF_COLLECT_TOO_LARGE, /* the announced result exceeds max_result */
    SHELF_COLLECT_FAILED,    /* result incomplete, non-zero exit, or a signal */
    SHELF_COLLECT_TIMED_OUT  /* over budget: the child was killed */
} shelf_collect_end;

typedef struct shelf_collected {
    shelf_collect_end end;
    /* How the child ended, as far as known: EXITED with status -1 when it
     * was already reaped by someone else (SIGCHLD ignored), which counts
     * as a clean exit when the result is complete. */
    shelf_sandbox_result child;
    shelf_buf result; /* COMPLETE only: the bytes the helper sent; caller frees */
} shelf_collected;

int shelf_sandbox_collect(const shelf_sandbox_job *job, shelf_collected *out, shelf_err *err);

/*
 * shelf_sandbox_collect_kept(kept, job, out, err)
 *
 * Does job as shelf_sandbox_collect does, with the same results, errors
 * and messages, but in a program kept running in *kept between calls:
 *     PROGRAM 0 serve
 * started as above (the same descriptors, signals and environment), but
 * with one socket as both its standard input and output.  Each job is a
 * request on the socket: the input as a memory file passed with
 * SCM_RIGHTS, the job's memory headroom (the helper caps its address
 * space at what it has then + headroom, for that job) and its arguments.
 * The answer comes back framed as shelf_sandbox_child_send frames it.
 *
 * The program is started when *kept holds none, when it has died since
 * its last job, when the job names another program, and after SHELF_KEPT_HELPER_JOBS jobs (so that whatever a
 * library leaks or fragments stays bounded).  It is kept only after a
 * complete answer: after a failure, a crash, an over-long answer or the
 * budget it is killed and reaped, and the next job starts a fresh one.
 * A job that fails in a program that had done jobs before is done once
 * more in a fresh one, within what is left of the budget, so that no file
 * fails because of what an earlier file left behind.
 *
 * One *kept serves one thread at a time (each of the indexer's reading
 * threads has its own).  shelf_kept_helper_stop ends the program (SIGKILL,
 * reaped); a process that exits without it leaves the program to see end
 * of file on the socket and exit by itself.
 */
#define SHELF_KEPT_HELPER_JOBS 256
#define SHELF_KEPT_PROGRAM_MAX 4096

typedef struct shelf_kept_helper {
    int pid;       /* the program's process, or -1 */
    int fd;        /* our end of the socket (non-blocking), or -1 */
    unsigned jobs; /* jobs sent to this program */
    char program[SHELF_KEPT_PROGRAM_MAX]; /* its path: another job's program starts another */
} shelf_kept_helper;
#define SHELF_KEPT_HELPER_INIT {-1, -1, 0, ""}

int shelf_sandbox_collect_kept(shelf_kept_helper *kept, const shelf_sandbox_job *job,
                               shelf_collected *out, shelf_err *err);
void shelf_kept_helper_stop(shelf_kept_helper *kept);

/*
 * The helper's half.  shelf_sandbox_child_begin(argc, argv) reads HEADROOM
 * (argv[1]), disables core dumps and caps the address space at what the
 * process has now + HEADROOM (no cap for 0, nor under AddressSanitizer,
 * whose shadow memory needs a huge address space), so that a runaway
 * allocation fails rather than calling the OOM killer; SHELF_EINVAL when
 * argv[1] is not a number.  The helper's own arguments start at argv[2].
 * shelf_sandbox_child_input() gives the whole standard input as
 * (*data, *len): mapped when it is a regular file (the memory file made
 * above; the mapping lasts until the helper exits), else read into
 * *scratch (which the caller frees).
 * shelf_sandbox_child_send() writes the answer as the parent reads it.
 *
 * A kept helper (PROGRAM 0 serve) calls shelf_sandbox_child_begin, then
 * shelf_sandbox_child_serve(fn), which answers request after request:
 * for each it caps the address space for that job, maps the input, calls
 * fn(argc, argv, data, len, &answer) with the request's arguments, and
 * sends the answer.  It returns the helper's exit code: 0 when the parent
 * hung up, 1 when fn failed (no answer: the parent sees end of file) or a
 * request could not be read or answered.
 */
int shelf_sandbox_child_begin(int argc, char **argv);
int shelf_sandbox_child_input(const void **data, size_t *len, shelf_buf *scratch);
int shelf_sandbox_child_send(const shelf_buf *result);

typedef int (*shelf_sandbox_serve_fn)(int argc, char **argv, const void *data, size_t len,
                                      shelf_buf *answer);
int shelf_sandbox_child_serve(shelf_sandbox_serve_fn fn);

/* "SIGSEGV", "SIGBUS", ... or "signal N" (into buf) for the others. */
const char *shelf_signal_name(int signo, char *buf, size_t size);

#endif
