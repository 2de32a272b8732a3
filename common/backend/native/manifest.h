/*
 * manifest.h - the MANIFEST file: which segments make up the index right now
 * and which language analysed them (FORMAT.md, "MANIFEST").
 *
 * Writing is the commit point of the whole index: MANIFEST.tmp is written,
 * fsynced and renamed over MANIFEST, then the folder is fsynced.  Readers
 * that opened the old manifest keep their already-open segment files.
 */
#ifndef SHELF_MANIFEST_H
#define SHELF_MANIFEST_H

#include <stdint.h>

#include "analysis/analyzer.h"
#include "util/error.h"

#define SHELF_MANIFEST_NAME "MANIFEST"

typedef struct shelf_manifest_segment {
    uint32_t number;
    uint32_t doc_count;          /* documents in the segment's files */
    uint32_t live_count;         /* of which not deleted */
    uint32_t del_gen;            /* its deletions file "seg_N.G.del"; 0: none */
    uint64_t total_tokens;       /* body tokens of all its documents */
    uint64_t live_tokens;        /* body tokens of its live documents */
    uint64_t live_title_tokens;  /* title tokens of its live documents */
} shelf_manifest_segment;

typedef struct shelf_manifest {
    uint64_t generation;
    char language[SHELF_LANGUAGE_MAX + 1];
    uint32_t next_segment;
    uint32_t segment_count;
    shelf_manifest_segment *segments; /* owned */
} shelf_manifest;

/* Read dir/MANIFEST.  SHELF_ENOTFOUND when the folder holds no index (no
 * MANIFEST); SHELF_ECORRUPT / SHELF_EVERSION naming the file otherwise. */
int shelf_manifest_read(const char *dir, shelf_manifest *m, shelf_err *err);

/* Atomically replace dir/MANIFEST with m. */
int shelf_manifest_write(const char *dir, const shelf_manifest *m, shelf_err *err);

void shelf_manifest_free(shelf_manifest *m);

#endif
