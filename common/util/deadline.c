/* deadline.c - the monotonic clock and time limits; see deadline.h. */
#include "util/deadline.h"

#include <time.h>

uint64_t shelf_clock_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t shelf_deadline_after(double seconds)
{
    if (!(seconds > 0))
        return 0;
    return shelf_clock_ns() + (uint64_t)(seconds * 1e9);
}

bool shelf_deadline_passed(uint64_t deadline_ns)
{
    return deadline_ns != 0 && shelf_clock_ns() >= deadline_ns;
}

void shelf_ticker_init(shelf_ticker *t, uint64_t deadline_ns)
{
    t->deadline_ns = deadline_ns;
    t->ticks = 0;
    t->expired = false;
}

int shelf_timeout_err(shelf_err *err, const char *doing)
{
    return shelf_errf(err, SHELF_ETIMEOUT, "time limit reached while %s", doing);
}
