/* crashpoint.c - SIGKILL at the Nth crash point when asked; see crashpoint.h. */
#include "util/crashpoint.h"

#include <signal.h>
#include <stdlib.h>

void shelf_crashpoint(void)
{
    static long remaining = -2; /* -2: not read yet; -1: disabled */
    if (remaining == -2) {
        const char *s = getenv("SHELF_CRASH_AFTER");
        remaining = s && *s ? strtol(s, NULL, 10) : -1;
        if (remaining <= 0)
            remaining = -1;
    }
    if (remaining < 0)
        return;
    if (--remaining == 0)
        raise(SIGKILL);
}
