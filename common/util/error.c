/* error.c - filling shelf_err messages; see error.h. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int shelf_errf(shelf_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

int shelf_errno(shelf_err *err, int errno_value, const char *fmt, ...)
{
    if (!err)
        return SHELF_EIO;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof err->msg)
        snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", strerror(errno_value));
    err->code = SHELF_EIO;
    return SHELF_EIO;
}

void shelf_err_clear(shelf_err *err)
{
    if (!err)
        return;
    err->code = SHELF_OK;
    err->msg[0] = '\0';
}
