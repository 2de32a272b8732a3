/*
 * progress.h - the indexer's progress bar on stderr (files, MB, rate, ETA),
 * redrawn at most ten times a second; only used when stderr is a terminal.
 */
#ifndef SHELF_PROGRESS_H
#define SHELF_PROGRESS_H

#include <stdint.h>

typedef struct progress {
    uint64_t total_files, total_bytes; /* 0 when unknown */
    uint64_t files, bytes;
    double started, last_draw;
    int active;
} progress;

double progress_now(void);
void progress_start(progress *p, uint64_t total_files, uint64_t total_bytes);
void progress_update(progress *p, uint64_t files, uint64_t bytes);
/* Erase the bar (before printing a message or at the end). */
void progress_clear(progress *p);

#endif
