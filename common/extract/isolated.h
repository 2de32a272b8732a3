/*
 * isolated.h - a sandboxed reader's parsing (PDF, DOCX, ODT, EPUB), done in
 * shelf-helper, a program of its own (util/helperprog.h finds it), kept
 * running by each reading thread from one file to the next
 * (util/sandbox.h, shelf_sandbox_collect_kept):
 *
 *     shelf-helper 0 serve    requests: read FORMAT PATH, the file's bytes
 *
 * For each file the helper finds FORMAT's half (helper_halves.h), calls
 * it on the bytes and sends back what
 * that encoded (each reader's file documents its encoding; PATH is only
 * for messages).  A crash, a failure or the budget ends that helper and
 * the file is reported as sandbox.h says; the next file gets a fresh one.
 *
 * Why a program and not a fork of ours: the caller may have other threads
 * (the indexer's readers, the server's requests), and a child forked from a
 * threaded process inherits whatever locks those threads held at that
 * instant (the allocator's, the loader's) and can hang on them.  Why kept:
 * loading shelf-helper and its libraries costs about 25 ms, more than
 * reading a small PDF.
 */
#ifndef SHELF_ISOLATED_H
#define SHELF_ISOLATED_H

#include <stddef.h>

#include "util/error.h"
#include "util/sandbox.h"

typedef struct shelf_isolated_job {
    const char *format; /* the reader's format name, "pdf" (formats.h) */
    const char *path;   /* the file, for messages */
    const char *data;   /* its bytes */
    size_t len;
    unsigned budget_ms;     /* 0: no limit */
    size_t max_result;      /* longest answer accepted */
    size_t memory_headroom; /* the helper's address space on top of its start; 0: no cap */
    const char *worker;     /* "the PDF reader", in messages */
} shelf_isolated_job;

/* Runs the helper on job; *got as shelf_sandbox_collect fills it.  Errors:
 * those of shelf_sandbox_collect, and SHELF_ENOTFOUND when the helper
 * program cannot be found (helperprog.h). */
int shelf_isolated_read(const shelf_isolated_job *job, shelf_collected *got, shelf_err *err);

#endif
