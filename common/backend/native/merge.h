/*
 * merge.h - rewrites several segments as one new segment, dropping their
 * deleted documents and every posting of those documents.
 *
 * Documents keep their order: the live documents of the first input, then
 * those of the second, and so on, numbered from 0.  Terms are merged in key
 * order straight from the inputs' postings (no re-analysis); positions,
 * stored text and checkpoints are copied unchanged.  The written-words
 * list (wordswriter.h) is the inputs' lists added up, less the words of the
 * dropped documents (their stored text read again); an input without a list
 * has its live documents' words read again.  The new files are
 * written under .tmp names and renamed before this returns; the caller then
 * commits a manifest that lists the new segment instead of the inputs.
 */
#ifndef SHELF_MERGE_H
#define SHELF_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "backend/native/deletions.h"
#include "backend/native/segment.h"
#include "backend/native/segwriter.h"

int shelf_merge_segments(const char *dir, const shelf_segment *const *inputs,
                         const shelf_deletions *const *deleted, size_t count, uint32_t number,
                         shelf_segment_summary *summary, shelf_err *err);

#endif
