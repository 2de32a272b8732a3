/*
 * fuzz.h - what the fuzz targets share: the one scratch folder of the
 * process, the failure report, and checks on UTF-8 text and layouts.
 *
 * Every target (tests/fuzz/fuzz_<name>.c) defines LLVMFuzzerTestOneInput.
 * The libFuzzer build links each one alone with libFuzzer's main; the
 * replay build (replay.c) compiles each under its own name
 * (shelf_fuzz_<name>, by a compile definition) and calls them all.
 *
 * Invariants every target keeps:
 *   - deterministic: the outcome depends only on the input bytes (state kept
 *     across calls, such as an analyzer or a template index, is built the
 *     same way every time and never changed by an input);
 *   - nothing leaks: per-call memory is freed before returning, per-process
 *     memory is freed at exit;
 *   - files live only under fuzz_scratch_dir(), removed at exit;
 *   - a broken expectation calls fuzz_fail, which prints one line to stderr
 *     and aborts, so libFuzzer and the replay test both see a crash.
 */
#ifndef SHELF_FUZZ_H
#define SHELF_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/layout.h"

/* The process's scratch folder (created on first use under $TMPDIR or /tmp,
 * removed with everything in it at exit).  Aborts when it cannot be made. */
const char *fuzz_scratch_dir(void);

/* Remove a folder and everything in it (best effort). */
void fuzz_remove_tree(const char *path);

/* Write n bytes to path, replacing it.  Aborts on failure. */
void fuzz_write_file(const char *path, const void *data, size_t n);

/* Print "fuzz check failed (target): what" and abort. */
_Noreturn void fuzz_fail(const char *target, const char *what);

/* fuzz_fail unless ok. */
void fuzz_require(bool ok, const char *target, const char *what);

/* True when text[0..len) is well-formed UTF-8 (the analyzer's strict rules). */
bool fuzz_utf8_valid(const char *text, size_t len);

/* Character boundaries of text[0..len), decoding from the start the way
 * the analyzer does (an invalid byte is a character of its own): a malloc'd
 * array of len + 1 flags, true where an offset is not inside a well-formed
 * multi-byte character (0 and len always are).  Aborts on failure. */
bool *fuzz_utf8_boundaries(const char *text, size_t len);

/* The layout invariants of layout.h against a text of len bytes: page
 * starts strictly ascending from 0 and inside the text; headings inside the
 * text with strictly ascending starts, no overlap, level 1..6; source
 * anchors strictly ascending inside the text, line and column >= 1.  And the
 * layout survives shelf_layout_encode / shelf_layout_decode unchanged. */
void fuzz_check_layout(const char *target, const shelf_layout *l, size_t len);

/* What shelf_layout_decode promises of a layout read from an index: the
 * same without the overlap rule (a damaged file may make headings overlap). */
void fuzz_check_decoded_layout(const char *target, const shelf_layout *l, size_t len);

/* A malloc'd NUL-terminated copy of data[0..n).  Aborts on failure. */
char *fuzz_copy(const uint8_t *data, size_t n);

#endif
