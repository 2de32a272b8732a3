/* crashpoint.c - SIGKILL at the Nth crash point when asked; see crashpoint.h.
 * The count is atomic: the index writer's store compressor and its
 * written-words thread reach crash points beside the writing thread. */
#include "util/crashpoint.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#define NOT_READ (-2)
#define DISABLED (-1)

static atomic_long remaining = NOT_READ;

static long read_setting(void)
{
    const char *s = getenv("SHELF_CRASH_AFTER");
    long n = s && *s ? strtol(s, NULL, 10) : DISABLED;
    return n <= 0 ? DISABLED : n;
}

void shelf_crashpoint(void)
{
    long now = atomic_load(&remaining);
    if (now == NOT_READ) {
        long setting = read_setting();
        atomic_compare_exchange_strong(&remaining, &now, setting); /* the first reader wins */
        now = atomic_load(&remaining);
    }
    if (now < 0)
        return;
    if (atomic_fetch_sub(&remaining, 1) == 1)
        raise(SIGKILL);
}
