/*
 * readers.h - the document formats, as a table: one row per format reader
 * (text.c, markdown.c, html.c, pdf.c, docx.c, odt.c, epub.c each export
 * theirs), and the lookups
 * the dispatcher (extract.c) and the file walk use.  Adding a format is one
 * new reader file that defines its row, one line in readers.c's table, one
 * extern and one shelf_format value here.
 *
 * How a file's format is chosen (shelf_reader_detect), from its first bytes
 * and its name:
 *   1. the first row, in table order (DOCX, ODT, EPUB, PDF, HTML,
 *      Markdown, text), whose
 *      sniff says SHELF_SNIFF_YES (the content alone decides);
 *   2. else the row whose extension the path ends with (case-insensitive,
 *      compared with the path's tail), when its sniff does not say
 *      SHELF_SNIFF_NO;
 *   3. else plain text.
 *
 * Invariants: every row has its format's row (formats.h; the tables are
 * in the same order, one reader per format), a sniff and an extract
 * function.  Readers never print.
 */
#ifndef SHELF_READERS_H
#define SHELF_READERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/doctext.h"
#include "extract/formats.h"
#include "util/buf.h"
#include "util/error.h"

/* What a reader's sniff makes of a file's first bytes. */
typedef enum shelf_sniff {
    SHELF_SNIFF_NO,       /* not this format, whatever the name says */
    SHELF_SNIFF_IF_NAMED, /* this format when the name says so */
    SHELF_SNIFF_YES       /* this format, whatever the name says */
} shelf_sniff;

/* Fills *out (zeroed first) or returns an error whose message starts with
 * path (SHELF_ESKIP: not indexable, SHELF_EIO, SHELF_ENOMEM); on error *out
 * holds nothing. */
typedef int (*shelf_reader_fn)(const char *path, const char *data, size_t len,
                               shelf_doctext *out, shelf_err *err);

typedef struct shelf_reader {
    const shelf_format_info *info; /* its format's row (formats.h) */
    shelf_sniff (*sniff)(const char *data, size_t len);
    shelf_reader_fn extract;
    /* Whether the reader parses in shelf-helper (extract/isolated.h), its
     * half there being the row of extract/helper_halves.h for its format
     * (not a pointer here: then every program that links this table would
     * link the parsers' libraries).  A sandboxed reader has a time budget
     * and a memory cap, so it is given the whole file, up to max_file_bytes
     * (larger files are skipped); the others are given at most
     * SHELF_MAX_TEXT_BYTES (extract.h). */
    bool sandboxed;
    uint64_t max_file_bytes;
} shelf_reader;

extern const shelf_reader shelf_reader_text;
extern const shelf_reader shelf_reader_markdown;
extern const shelf_reader shelf_reader_html;
extern const shelf_reader shelf_reader_pdf;
extern const shelf_reader shelf_reader_docx;
extern const shelf_reader shelf_reader_odt;
extern const shelf_reader shelf_reader_epub;

/* The sniff of a format only its name reveals (text, Markdown):
 * SHELF_SNIFF_IF_NAMED for any bytes. */
shelf_sniff shelf_sniff_by_name_only(const char *data, size_t len);

/* The table, in sniffing order. */
size_t shelf_reader_count(void);
const shelf_reader *shelf_reader_at(size_t i);

/* The row of a format; NULL for a value no row has. */
const shelf_reader *shelf_reader_of_format(shelf_format f);

/* Does the row parse in a child process (shelf-helper)? */
bool shelf_reader_sandboxed(const shelf_reader *r);

/* The row whose format is named name ("pdf"); NULL when none is. */
const shelf_reader *shelf_reader_of_name(const char *name);

/* The row the rules above choose (never NULL). */
const shelf_reader *shelf_reader_detect(const char *path, const char *data, size_t len);

/* ---- the readers' own entry points (each file documents its rules) ---- */

/* Wall-clock budget for one PDF (the extraction runs in a child process
 * that is killed when it runs over); a PDF larger than 512 MiB is
 * skipped. */
#define SHELF_PDF_BUDGET_MS 30000
#define SHELF_MAX_PDF_BYTES ((uint64_t)512 << 20)

/* text.c: bytes to UTF-8 (BOMs, UTF-16, the Windows-1252 heuristic, the
 * binary rule). */
int shelf_decode_text(const char *path, const char *data, size_t len, shelf_doctext *out,
                      shelf_err *err);
/* True when the first 8 KiB look binary: more than 1 in 10 bytes are NUL or
 * control characters other than tab, newline, carriage return and form feed. */
bool shelf_looks_binary(const char *data, size_t len);

/* markdown.c: already decoded UTF-8 text to what a reader sees. */
int shelf_extract_markdown(const char *path, const char *utf8, size_t len, shelf_doctext *out,
                           shelf_err *err);

/* html.c */
int shelf_extract_html(const char *path, const char *data, size_t len, shelf_doctext *out,
                       shelf_err *err);
/* True when the bytes start like an HTML document (after an optional BOM,
 * white space and comments: <!DOCTYPE html, <html, or <?xml followed by an
 * <html element within the first 1 KiB), case-insensitively. */
bool shelf_sniff_html(const char *data, size_t len);

/* pdf.c: budget_ms 0 means no limit. */
int shelf_extract_pdf(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err);

/* docx.c, odt.c, epub.c: zip formats, read in a sandboxed child with the
 * zip-bomb limits of zipread.h (zipdoc.h); budget_ms 0 means no limit.
 * The _here forms read in this process (fuzzing and tests only). */
int shelf_extract_docx(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_doctext *out, shelf_err *err);
int shelf_extract_docx_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                            shelf_err *err);
int shelf_extract_odt(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err);
int shelf_extract_odt_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                           shelf_err *err);
int shelf_extract_epub(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_doctext *out, shelf_err *err);
int shelf_extract_epub_here(const char *path, const char *data, size_t len, shelf_doctext *out,
                            shelf_err *err);
/* Their halves in shelf-helper (helper_halves.h). */
int shelf_docx_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire);
int shelf_odt_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire);
int shelf_epub_read_in_helper(const char *path, const char *data, size_t len, shelf_buf *wire);

#endif
