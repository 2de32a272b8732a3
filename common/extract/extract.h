/*
 * extract.h - from a file on disk to the text, title, layout and metadata
 * that get indexed.
 *
 * Which files are read (README, "What gets indexed"): files whose extension
 * is known (.txt .text .md .markdown .html .htm .xhtml .pdf .docx .odt
 * .epub) and files with no extension; with --include, exactly the files
 * matching an include glob.
 *
 * The format is decided by content first, then by extension (the rules
 * and the table of readers: readers.h):
 *   - a zip naming word/document.xml, or whose "mimetype" member says
 *     OpenDocument text or EPUB: DOCX, ODT, EPUB (docx.c, odt.c, epub.c,
 *     libzip and libxml2 in a sandboxed child, zipdoc.h);
 *   - "%PDF-" within the first 1 KiB: PDF (pdf.c, poppler, page layout);
 *   - an HTML start (shelf_sniff_html): HTML (html.c, libxml2);
 *   - otherwise the bytes are decoded as text (text.c: BOMs, UTF-16,
 *     the Windows-1252 heuristic, the binary rule) and, for .md and
 *     .markdown, rendered as Markdown (markdown.c, cmark).
 * The reader of the chosen row gets the bytes: all of them for a sandboxed
 * reader (PDF, DOCX, ODT, EPUB), else the first SHELF_MAX_TEXT_BYTES.
 * An empty file is skipped (SHELF_ESKIP, "empty file"); so is a binary one
 * and a PDF with no text layer, encrypted or damaged (the message says
 * which).
 *
 * The title is the format's own (PDF metadata, HTML <title>, Markdown
 * front matter `title:`) when present, cut to at most 200 bytes at a
 * character boundary, else the title-line rule of title.h; a document with
 * no such line is titled by its file name made readable (title.h).
 *
 * Author and date come from the format (PDF metadata, HTML <meta> and
 * <time>, Markdown front matter); plain text has no author, and its date
 * is the one a dateline near its top gives (dateline.h), if any.  The author is
 * cleaned as docauthor.h says; a date is kept only in the ISO form of
 * docdate.h ("YYYY", "YYYY-MM", "YYYY-MM-DD"), else dropped.
 */
#ifndef SHELF_EXTRACT_H
#define SHELF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "extract/doctext.h"
#include "extract/layout.h"
#include "extract/readers.h"
#include "extract/title.h"
#include "util/error.h"

/* Of a text, Markdown or HTML file only the first 64 MiB are indexed (cut
 * at a line break; the content hash still covers the whole file); a PDF
 * larger than SHELF_MAX_PDF_BYTES (readers.h) is skipped.  These bound the
 * indexer's memory. */
#define SHELF_MAX_TEXT_BYTES ((size_t)64 << 20)

typedef struct shelf_extracted {
    char *text; /* owned */
    size_t len;
    const char *title; /* points into text, title_buf or the path */
    size_t title_len;
    char *title_buf; /* owned, may be NULL */
    char *author;    /* owned, NUL-terminated; NULL when unknown */
    char *date;      /* owned, ISO 8601 (doctext.h); NULL when unknown */
    shelf_layout layout;
    shelf_format format;
    shelf_encoding encoding;
    bool invalid_utf8;
    bool truncated; /* only the first SHELF_MAX_TEXT_BYTES were read */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash; /* XXH3-64 of the file's bytes */
} shelf_extracted;

/* Read and describe one file.  SHELF_EIO (unreadable, names the file and the
 * reason), SHELF_ESKIP (not indexable; the message says why), SHELF_ENOMEM. */
int shelf_extract_file(const char *path, shelf_extracted *out, shelf_err *err);

/* A reading buffer kept by one thread across files, so reading a small file
 * costs no allocation: it grows to the largest file read and is given back
 * when it exceeds SHELF_READBUF_KEEP.  Zero-initialise; free when done. */
#define SHELF_READBUF_KEEP ((size_t)256 << 10)
typedef struct shelf_readbuf {
    char *data;
    size_t cap;
} shelf_readbuf;
void shelf_readbuf_free(shelf_readbuf *b);

/* Open a file for shelf_extract_fd: `name` relative to the folder open as
 * dirfd (AT_FDCWD: the working folder); a symlink is followed only when
 * follow.  Errors name `path`.  Returns SHELF_OK and *fd, or SHELF_EIO. */
int shelf_source_open(int dirfd, const char *name, const char *path, bool follow, int *fd,
                      shelf_err *err);
/* shelf_extract_file on an open file (fd is closed here, whatever happens),
 * reading through buf: its size and time come from fstat, small files take
 * one read. */
int shelf_extract_fd(int fd, const char *path, shelf_readbuf *buf, shelf_extracted *out, shelf_err *err);
/* The same when the caller has stat'ed the descriptor already: fd_stat is
 * fstat of this very fd (not a stat by name, which could be of another
 * file by now), and is used in place of a second fstat. */
int shelf_extract_fd_statted(int fd, const struct stat *fd_stat, const char *path,
                             shelf_readbuf *buf, shelf_extracted *out, shelf_err *err);
void shelf_extracted_free(shelf_extracted *e);

/* The format the content and name select (readers.h). */
shelf_format shelf_detect_format(const char *path, const char *data, size_t len);


#endif
