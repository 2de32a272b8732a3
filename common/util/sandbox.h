/*
 * sandbox.h - run a function in a child process, so that a crash inside a
 * library we cannot guard (libxapian on a damaged table, poppler on a
 * damaged PDF) kills the child, not us.  Two forms:
 *   - shelf_sandbox_run: the child's exit code is its only answer;
 *   - shelf_sandbox_collect: the child produces bytes that the parent
 *     collects over a pipe, under a size limit, a memory cap and a budget.
 *
 * shelf_sandbox_run() forks (no exec); the child disables core dumps, calls
 * fn(ctx) and leaves with _exit(its return value & 0xff) (never exit(): no
 * atexit handlers, no stdio flush, no leak check; fn flushes what it
 * printed).  The parent waits at most budget_ms (0: no limit) and reports
 * how the child ended; over budget the child is killed with SIGKILL.  The
 * child is always reaped before returning.
 *
 * Caveat: forking from a multithreaded process copies only the calling
 * thread; locks other threads held stay held in the child.  fn must only do
 * what it needs and not touch locks the rest of the program uses (stdio of
 * a shared stream, our own mutexes).  glibc's malloc is safe after fork.
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

/* SHELF_OK with *out filled, or SHELF_EIO when no child could be made. */
int shelf_sandbox_run(int (*fn)(void *ctx), void *ctx, unsigned budget_ms,
                      shelf_sandbox_result *out, shelf_err *err);

/*
 * shelf_sandbox_collect(job, out, err)
 *
 * The child: holds no descriptor of the parent's but stdio and the result
 * pipe (in particular not the index's writer lock, which an open-file
 * lock keeps alive while any copy of its descriptor is open); sends stdout
 * and stderr to /dev/null (libraries that print stay quiet); has core
 * dumps disabled; has its address space capped at what it started with +
 * job->memory_headroom (0: no cap; never under AddressSanitizer, whose
 * shadow memory needs a huge address space), so a runaway allocation fails
 * rather than calling the OOM killer.  It calls job->produce(ctx, &bytes),
 * and when that returns SHELF_OK writes the bytes to the pipe (u64
 * little-endian length, then the bytes) and leaves with _exit(0);
 * otherwise _exit(1).  It never returns into the caller.
 *
 * The parent: waits at most job->budget_ms of wall-clock time from the
 * fork (0: no limit), reading the pipe as data arrives (so a large result
 * cannot dead-lock on a full pipe) with poll() in slices of at most 100
 * ms; on each idle slice it also checks whether the child is gone (another
 * process forked at the wrong moment may hold a copy of the pipe's write
 * end, so end-of-file alone is not trusted).  A result announced longer
 * than job->max_result is not read.  Over budget the child is killed with
 * SIGKILL.  Forks made here are serialised by a mutex, so concurrent
 * collections in other threads never inherit each other's write ends.
 * Every child is reaped and every pipe end closed before returning.
 *
 * Returns SHELF_OK with *out filled; SHELF_EIO when no pipe or child could
 * be made ("<subject>: cannot create a pipe for <worker>", "... cannot set
 * up a pipe for <worker>", "... cannot start <worker>", with the system's
 * reason); SHELF_ENOMEM ("<subject>: out of memory collecting the result
 * of <worker>").  On any return but SHELF_OK with COMPLETE, out->result is
 * empty.
 */
typedef struct shelf_sandbox_job {
    /* Runs in the child: fill result; SHELF_OK to send it. */
    int (*produce)(void *ctx, shelf_buf *result);
    void *ctx;
    unsigned budget_ms;      /* wall clock from the fork; 0: no limit */
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
    shelf_buf result; /* COMPLETE only: the bytes produce() made; caller frees */
} shelf_collected;

int shelf_sandbox_collect(const shelf_sandbox_job *job, shelf_collected *out, shelf_err *err);

/* "SIGSEGV", "SIGBUS", ... or "signal N" (into buf) for the others. */
const char *shelf_signal_name(int signo, char *buf, size_t size);

#endif
