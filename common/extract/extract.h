/*
 * extract.h - from a file on disk to the text, title, layout and metadata
 * that get indexed.
 *
 * Which files are read (README, "What gets indexed"): files whose extension
 * is known (.txt .text .md .markdown .html .htm .xhtml .pdf) and files with
 * no extension; with --include, exactly the files matching an include glob.
 *
 * The format is decided by content first, then by extension:
 *   - "%PDF-" within the first 1 KiB: PDF (pdf.c, poppler, page layout);
 *   - an HTML start (shelf_sniff_html): HTML (html.c, libxml2);
 *   - otherwise the bytes are decoded as text (encoding.c: BOMs, UTF-16,
 *     the Windows-1252 heuristic, the binary rule) and, for .md and
 *     .markdown, rendered as Markdown (markdown.c, cmark).
 * An empty file is skipped (SHELF_ESKIP, "empty file"); so is a binary one
 * and a PDF with no text layer, encrypted or damaged (the message says
 * which).
 *
 * The title is the format's own (PDF metadata, HTML <title>, Markdown
 * front matter `title:`) when present, else the first non-empty line of the
 * extracted text with a Markdown heading's '#' marks and surrounding white
 * space removed, cut to at most 200 bytes at a character boundary; a
 * document with no such line is titled by its file name.
 */
#ifndef SHELF_EXTRACT_H
#define SHELF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/layout.h"
#include "util/error.h"

#define SHELF_TITLE_MAX_BYTES 200
/* Wall-clock budget for one PDF (the extraction runs in a child process
 * that is killed when it runs over). */
#define SHELF_PDF_BUDGET_MS 30000
/* Of a text, Markdown or HTML file only the first 64 MiB are indexed (cut
 * at a line break; the content hash still covers the whole file); a PDF
 * larger than 512 MiB is skipped.  These bound the indexer's memory. */
#define SHELF_MAX_TEXT_BYTES ((size_t)64 << 20)
#define SHELF_MAX_PDF_BYTES ((uint64_t)512 << 20)

typedef enum shelf_format {
    SHELF_FORMAT_TEXT = 0,
    SHELF_FORMAT_MARKDOWN = 1,
    SHELF_FORMAT_HTML = 2,
    SHELF_FORMAT_PDF = 3
} shelf_format;

/* The source's character encoding, before conversion to UTF-8. */
typedef enum shelf_encoding {
    SHELF_ENC_UTF8 = 0,
    SHELF_ENC_UTF16LE = 1,
    SHELF_ENC_UTF16BE = 2,
    SHELF_ENC_CP1252 = 3, /* Windows-1252 (a superset of Latin-1's printables) */
    SHELF_ENC_OTHER = 4   /* another charset an HTML file declared */
} shelf_encoding;

/* What a format reader makes of a file's bytes. */
typedef struct shelf_doctext {
    char *text;        /* owned, NUL-terminated (not counted in len) */
    size_t len;
    char *title;       /* owned; NULL when the format carries none */
    size_t title_len;
    shelf_layout layout;
    shelf_encoding encoding;
    bool invalid_utf8; /* invalid UTF-8 bytes were left in text */
} shelf_doctext;

typedef struct shelf_extracted {
    char *text; /* owned */
    size_t len;
    const char *title; /* points into text, title_buf or the path */
    size_t title_len;
    char *title_buf; /* owned, may be NULL */
    shelf_layout layout;
    shelf_format format;
    shelf_encoding encoding;
    bool invalid_utf8;
    bool truncated; /* only the first SHELF_MAX_TEXT_BYTES were read */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash; /* XXH3-64 of the file's bytes */
} shelf_extracted;

/* True when the file name is one the walk reads without --include (known
 * extension or none). */
bool shelf_extract_supported(const char *path);

/* Read and describe one file.  SHELF_EIO (unreadable, names the file and the
 * reason), SHELF_ESKIP (not indexable; the message says why), SHELF_ENOMEM. */
int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err);
void shelf_extracted_free(shelf_extracted *e);

/* The format the content and name select (the rules above). */
shelf_format shelf_detect_format(const char *path, const char *data, size_t len);

/* Format readers.  Each fills *out (zeroed first) or returns an error whose
 * message starts with path; on error *out holds nothing. */
int shelf_decode_text(const char *path, const char *data, size_t len, shelf_doctext *out,
                      shelf_err *err);
int shelf_extract_markdown(const char *path, const char *utf8, size_t len, shelf_doctext *out,
                           shelf_err *err);
int shelf_extract_html(const char *path, const char *data, size_t len, shelf_doctext *out,
                       shelf_err *err);
int shelf_extract_pdf(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err);
void shelf_doctext_free(shelf_doctext *d);

/* True when the bytes start like an HTML document (after an optional BOM,
 * white space and comments: <!DOCTYPE html, <html, or <?xml followed by an
 * <html element within the first 1 KiB), case-insensitively. */
bool shelf_sniff_html(const char *data, size_t len);

/* The title rule above, over a buffer; fallback is used when there is no
 * non-empty line.  Returns the title's start and sets *len. */
const char *shelf_title_of(const char *text, size_t len, const char *fallback, size_t *title_len);

/* True when the first 8 KiB look binary: more than 1 in 10 bytes are NUL or
 * control characters other than tab, newline, carriage return and form feed. */
bool shelf_looks_binary(const char *data, size_t len);

/* Names for --list and messages. */
const char *shelf_format_name(shelf_format f);
const char *shelf_encoding_name(shelf_encoding e);

#endif
