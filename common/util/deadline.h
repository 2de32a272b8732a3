/*
 * deadline.h - a time limit on one piece of work (a search, the passages of
 * a request): an absolute CLOCK_MONOTONIC time in nanoseconds; 0 means no
 * limit.  Options structs carry it (shelf_search_opts, shelf_passage_opts).
 *
 * Long loops check it through a shelf_ticker: counting a unit of work costs
 * an addition and a compare, and the clock is read only once every
 * SHELF_TICKS_PER_CHECK units, so checking stays cheap in the innermost
 * loops.  Once a ticker has seen the deadline pass it stays expired.
 * Work that runs out of time stops with SHELF_ETIMEOUT (error.h).
 */
#ifndef SHELF_DEADLINE_H
#define SHELF_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define SHELF_TICKS_PER_CHECK 1024

/* The monotonic clock, in nanoseconds. */
uint64_t shelf_clock_ns(void);
/* The deadline `seconds` from now; 0 (none) when seconds <= 0. */
uint64_t shelf_deadline_after(double seconds);
/* True when deadline_ns is set and has passed. */
bool shelf_deadline_passed(uint64_t deadline_ns);

typedef struct shelf_ticker {
    uint64_t deadline_ns; /* 0: never expires */
    uint32_t ticks;       /* work counted since the clock was last read */
    bool expired;
} shelf_ticker;

void shelf_ticker_init(shelf_ticker *t, uint64_t deadline_ns);

/* Count `work` units; true when the deadline has passed (the clock is read
 * when SHELF_TICKS_PER_CHECK units have gathered since the last reading). */
static inline bool shelf_ticker_tick(shelf_ticker *t, uint32_t work)
{
    if (t->expired)
        return true;
    if (t->deadline_ns == 0)
        return false;
    t->ticks += work;
    if (t->ticks < SHELF_TICKS_PER_CHECK)
        return false;
    t->ticks = 0;
    t->expired = shelf_deadline_passed(t->deadline_ns);
    return t->expired;
}

/* Fill err with SHELF_ETIMEOUT: "time limit reached while <doing>". */
int shelf_timeout_err(shelf_err *err, const char *doing);

#endif
