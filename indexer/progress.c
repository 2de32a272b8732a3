/* progress.c - terminal progress bar; see progress.h. */
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define BAR_WIDTH 28

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(progress *p, uint64_t total_files, uint64_t total_bytes)
{
    *p = (progress){.total_files = total_files, .total_bytes = total_bytes,
                    .started = progress_now(), .active = 1};
}

static void draw(progress *p, double now)
{
    double elapsed = now - p->started;
    double mb = (double)p->bytes / 1e6;
    double rate = elapsed > 0 ? mb / elapsed : 0;
    double frac = p->total_bytes ? (double)p->bytes / (double)p->total_bytes : 0;
    if (frac > 1)
        frac = 1;
    int filled = (int)(frac * BAR_WIDTH);
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    double eta = (frac > 0 && frac < 1) ? elapsed * (1 - frac) / frac : 0;
    fprintf(stderr, "\r[%s] %llu/%llu files  %.1f MB  %.1f MB/s  ETA %.0fs \033[K", bar,
            (unsigned long long)p->files, (unsigned long long)p->total_files, mb, rate, eta);
    fflush(stderr);
    p->last_draw = now;
}

void progress_update(progress *p, uint64_t files, uint64_t bytes)
{
    if (!p->active)
        return;
    p->files = files;
    p->bytes = bytes;
    double now = progress_now();
    if (now - p->last_draw >= 0.1)
        draw(p, now);
}

void progress_clear(progress *p)
{
    if (!p->active)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    p->last_draw = 0;
}
