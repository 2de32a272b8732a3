/*
 * zipdoc.h - running a zip-based format reader (DOCX, ODT, EPUB) on an
 * untrusted file: the whole reading (libzip, libxml2) happens in
 * shelf-helper, a process of its own (extract/isolated.h), as for PDF: no
 * descriptor of ours, output silenced, no core dumps, a wall-clock budget,
 * an address-space cap of what the helper started with + 1 GiB + 2 x the
 * result limit (not under AddressSanitizer).  The parent gets back the
 * finished document and checks it before trusting it.
 *
 * What the child sends (little-endian; str is len:u32 then the bytes):
 *   kind:u8 = 0 (read): text:str title:str author:str date:str
 *                       layout:str (shelf_layout_encode)
 *           | 1 (refused): code:u8 (1 skipped, 2 out of memory) message:str
 * The parent accepts at most shelf_zip_unpack_budget(file size) + 1 MiB
 * of result (the text cannot be longer than what was unpacked).  It checks
 * that the text, title, author and date are valid UTF-8 without NUL bytes,
 * that the layout decodes against the text and is structured,
 * paragraph-cited, unpaged, without source map, its headings ascending and
 * not overlapping, and that a refusal's message starts with the path.
 * Anything else, a crash or a non-zero exit is "LABEL reader crashed
 * (damaged file?)"; over budget "LABEL took longer than N s to read
 * (skipped)".  All SHELF_ESKIP but SHELF_ENOMEM and SHELF_EIO (no child
 * could be made).
 */
#ifndef SHELF_ZIPDOC_H
#define SHELF_ZIPDOC_H

#include <stddef.h>

#include "extract/doctext.h"
#include "extract/formats.h"
#include "extract/zipread.h"
#include "util/buf.h"
#include "util/error.h"

/* Same budget and size limit as PDF (readers.h). */
#define SHELF_ZIP_BUDGET_MS 30000
#define SHELF_MAX_ZIP_BYTES ((uint64_t)512 << 20)

/* A format's reading of an open zip, run in the child: fills *out (text,
 * title, author, date, layout) or returns an error whose message starts
 * with path. */
typedef int (*shelf_zipdoc_fn)(const char *path, shelf_zip *zip, shelf_doctext *out,
                               shelf_err *err);

/* Reads data[0..len) in shelf-helper with the reader of format (budget_ms
 * 0: no limit), whose half there is shelf_zipdoc_encode with its fn;
 * format->label names it in messages ("DOCX").  On error *out holds
 * nothing. */
int shelf_zipdoc_extract(const char *path, const shelf_format_info *format, const char *data,
                         size_t len, unsigned budget_ms, shelf_doctext *out, shelf_err *err);

/* The helper's half: reads data[0..len) with fn and encodes the document or
 * the refusal as above into *wire. */
int shelf_zipdoc_encode(const char *path, const char *label, const char *data, size_t len,
                        shelf_zipdoc_fn fn, shelf_buf *wire);

/* The same without a child process (the fuzz targets and tests of the
 * formats' rules; never for untrusted files in the indexer). */
int shelf_zipdoc_extract_here(const char *path, const char *label, const char *data, size_t len,
                              shelf_zipdoc_fn fn, shelf_doctext *out, shelf_err *err);

#endif
