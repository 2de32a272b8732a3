/*
 * error.h - how errors travel through the engine library.
 *
 * Every fallible function in common/ returns an int status (SHELF_OK or one
 * of the codes below) and, on failure, fills a caller-supplied shelf_err with
 * a one-line message that names the file and the problem.  Library code never
 * prints and never exits; the binaries decide what to show and how to exit.
 *
 * A NULL shelf_err pointer is allowed: the message is then discarded.
 */
#ifndef SHELF_ERROR_H
#define SHELF_ERROR_H

#include <stddef.h>

enum shelf_status {
    SHELF_OK = 0,
    SHELF_EIO = -1,       /* a system call failed (open, read, write, fsync...) */
    SHELF_ECORRUPT = -2,  /* an index file fails a checksum or an invariant     */
    SHELF_EVERSION = -3,  /* an index file from another format version          */
    SHELF_ENOMEM = -4,    /* allocation failed                                  */
    SHELF_EINVAL = -5,    /* bad argument or malformed input (query, option)    */
    SHELF_ENOTFOUND = -6, /* no index, no such term or document                 */
    SHELF_ELOCKED = -7,   /* another writer holds the index lock                */
    SHELF_ESKIP = -8,     /* input not indexable (binary, unsupported); skipped */
    SHELF_ETIMEOUT = -9   /* the work's deadline passed (deadline.h); stopped  */
};

#define SHELF_ERR_MAX 512

typedef struct shelf_err {
    int code;
    char msg[SHELF_ERR_MAX];
} shelf_err;

/* Fill err (if not NULL) with a printf-style message; returns code. */
int shelf_errf(shelf_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, appending ": strerror(errno_value)". */
int shelf_errno(shelf_err *err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear an error to SHELF_OK with an empty message. */
void shelf_err_clear(shelf_err *err);

#endif
