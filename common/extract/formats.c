/* formats.c - the table of document formats and its lookups; see formats.h. */
#include "extract/formats.h"

#include <string.h>
#include <strings.h>

static const char *const text_extensions[] = {".txt", ".text", NULL};
static const char *const markdown_extensions[] = {".md", ".markdown", NULL};
static const char *const html_extensions[] = {".html", ".htm", ".xhtml", NULL};
static const char *const pdf_extensions[] = {".pdf", NULL};
static const char *const docx_extensions[] = {".docx", NULL};
static const char *const odt_extensions[] = {".odt", NULL};
static const char *const epub_extensions[] = {".epub", NULL};

const shelf_format_info shelf_text_format = {SHELF_FORMAT_TEXT, "text", "text", "text/plain",
                                             text_extensions};
const shelf_format_info shelf_markdown_format = {SHELF_FORMAT_MARKDOWN, "markdown", "Markdown",
                                                 "text/markdown", markdown_extensions};
const shelf_format_info shelf_html_format = {SHELF_FORMAT_HTML, "html", "HTML", "text/html",
                                             html_extensions};
const shelf_format_info shelf_pdf_format = {SHELF_FORMAT_PDF, "pdf", "PDF", "application/pdf",
                                            pdf_extensions};
const shelf_format_info shelf_docx_format = {
    SHELF_FORMAT_DOCX, "docx", "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_extensions};
const shelf_format_info shelf_odt_format = {SHELF_FORMAT_ODT, "odt", "ODT",
                                            "application/vnd.oasis.opendocument.text",
                                            odt_extensions};
const shelf_format_info shelf_epub_format = {SHELF_FORMAT_EPUB, "epub", "EPUB",
                                             "application/epub+zip", epub_extensions};

/* In sniffing order (readers.h): the zip formats first, then PDF, HTML,
 * Markdown and text. */
static const shelf_format_info *const formats[] = {
    &shelf_docx_format, &shelf_odt_format,      &shelf_epub_format, &shelf_pdf_format,
    &shelf_html_format, &shelf_markdown_format, &shelf_text_format,
};

#define FORMAT_COUNT (sizeof formats / sizeof *formats)

size_t shelf_format_count(void)
{
    return FORMAT_COUNT;
}

const shelf_format_info *shelf_format_at(size_t i)
{
    return i < FORMAT_COUNT ? formats[i] : NULL;
}

const shelf_format_info *shelf_format_info_of(shelf_format f)
{
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        if (formats[i]->format == f)
            return formats[i];
    return NULL;
}

const char *shelf_format_name(shelf_format f)
{
    const shelf_format_info *info = shelf_format_info_of(f);
    return info ? info->name : "unknown";
}

/* The path's tail is ext (case-insensitive) and something comes before. */
static bool ends_with_extension(const char *path, size_t path_len, const char *ext)
{
    size_t e = strlen(ext);
    return path_len > e && strcasecmp(path + path_len - e, ext) == 0;
}

const shelf_format_info *shelf_format_named(const char *path)
{
    size_t len = strlen(path);
    for (size_t i = 0; i < FORMAT_COUNT; i++)
        for (const char *const *ext = formats[i]->extensions; *ext; ext++)
            if (ends_with_extension(path, len, *ext))
                return formats[i];
    return NULL;
}

bool shelf_extract_supported(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return true; /* no extension: README, NOTES, ... */
    return shelf_format_named(path) != NULL;
}
