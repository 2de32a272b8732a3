/*
 * formats.h - the document formats the engine knows, as data: one row per
 * format with its names, MIME type and file extensions, and the lookups
 * over them.  No row points at code: a program that only names formats
 * (the searcher's `type:` filter, its served originals, the Xapian type
 * terms) links this table and none of the parsers, so it does not load
 * the PDF, HTML and zip libraries at start-up.  The parsers are in
 * readers.h, one reader per row here.
 *
 * Invariants: rows are in sniffing order (readers.h); every row has a
 * name, a label, one MIME type (no two rows sharing one) and a
 * NULL-terminated non-empty list of extensions (each ".x", lower case, no
 * two rows sharing one); rows' formats are distinct.
 */
#ifndef SHELF_FORMATS_H
#define SHELF_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

/* Public values: stored with each document (listings, the index). */
typedef enum shelf_format {
    SHELF_FORMAT_TEXT = 0,
    SHELF_FORMAT_MARKDOWN = 1,
    SHELF_FORMAT_HTML = 2,
    SHELF_FORMAT_PDF = 3,
    SHELF_FORMAT_DOCX = 4,
    SHELF_FORMAT_ODT = 5,
    SHELF_FORMAT_EPUB = 6
} shelf_format;

typedef struct shelf_format_info {
    shelf_format format;
    const char *name;              /* "pdf": --list, `type:` and messages */
    const char *label;             /* "PDF": in sentences */
    const char *mime;              /* "application/pdf": served originals, Xapian's type terms */
    const char *const *extensions; /* ".pdf", ..., NULL */
} shelf_format_info;

extern const shelf_format_info shelf_text_format;
extern const shelf_format_info shelf_markdown_format;
extern const shelf_format_info shelf_html_format;
extern const shelf_format_info shelf_pdf_format;
extern const shelf_format_info shelf_docx_format;
extern const shelf_format_info shelf_odt_format;
extern const shelf_format_info shelf_epub_format;

/* The table, in sniffing order. */
size_t shelf_format_count(void);
const shelf_format_info *shelf_format_at(size_t i);

/* The row of a format; NULL for a value no row has. */
const shelf_format_info *shelf_format_info_of(shelf_format f);

/* The format's name for --list and messages ("text", "markdown", "html",
 * "pdf"); "unknown" for a value no row has. */
const char *shelf_format_name(shelf_format f);

/* The row whose extension the path ends with (case-insensitive, something
 * before it), or NULL. */
const shelf_format_info *shelf_format_named(const char *path);

/* True when the file name is one the walk reads without --include: it has
 * no extension (no '.' in the base name but at its start) or a row's. */
bool shelf_extract_supported(const char *path);

#endif
