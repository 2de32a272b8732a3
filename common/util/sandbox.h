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
 *     a budget.
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
 * why shelf_sandbox_collect, which the indexer's reading threads and the
 * server's request threads use, forks without exec only in a process that
 * has never started a thread: otherwise it starts a program afresh, which
 * holds no lock of ours.
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
 * The short cut: when job->produce is set and this process has never
 * started a thread (glibc's __libc_single_threaded; the indexer with one
 * thread), nothing can hold a lock at the fork, so the child is a fork of
 * this process instead, set up the same way (stdout the pipe, stderr
 * /dev/null, no other descriptor, the same limits), in which
 * produce(ctx, &answer) does the program's work on the inherited memory and
 * the answer is sent as the program sends it.  That saves loading the
 * program and its libraries: about 25 ms a file for shelf-helper.
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
    /* The program's work as a function, for the short cut; NULL: none. */
    int (*produce)(void *ctx, shelf_buf *answer);
    void *ctx;
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
 */
int shelf_sandbox_child_begin(int argc, char **argv);
int shelf_sandbox_child_input(const void **data, size_t *len, shelf_buf *scratch);
int shelf_sandbox_child_send(const shelf_buf *result);

/* "SIGSEGV", "SIGBUS", ... or "signal N" (into buf) for the others. */
const char *shelf_signal_name(int signo, char *buf, size_t size);

#endif
