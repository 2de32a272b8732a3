/*
 * readers.c - the table of format readers and the lookups over it; the
 * rules are in readers.h.  This file knows no format: each row lives in
 * its reader's file.
 */
#include "extract/readers.h"

#include <string.h>


/* In sniffing order: the zip formats first (a zip starts with "PK\3\4",
 * which nothing else does, though a stored member may hold "%PDF-"); a PDF
 * may contain "<html" and still be a PDF. */
static const shelf_reader *const readers[] = {
    &shelf_reader_docx,
    &shelf_reader_odt,
    &shelf_reader_epub,
    &shelf_reader_pdf,
    &shelf_reader_html,
    &shelf_reader_markdown,
    &shelf_reader_text,
};

#define READER_COUNT (sizeof readers / sizeof *readers)

size_t shelf_reader_count(void)
{
    return READER_COUNT;
}

const shelf_reader *shelf_reader_at(size_t i)
{
    return i < READER_COUNT ? readers[i] : NULL;
}

shelf_sniff shelf_sniff_by_name_only(const char *data, size_t len)
{
    (void)data;
    (void)len;
    return SHELF_SNIFF_IF_NAMED;
}

const shelf_reader *shelf_reader_of_format(shelf_format f)
{
    for (size_t i = 0; i < READER_COUNT; i++)
        if (readers[i]->info->format == f)
            return readers[i];
    return NULL;
}

bool shelf_reader_sandboxed(const shelf_reader *r)
{
    return r->sandboxed;
}

const shelf_reader *shelf_reader_of_name(const char *name)
{
    for (size_t i = 0; i < READER_COUNT; i++)
        if (strcmp(readers[i]->info->name, name) == 0)
            return readers[i];
    return NULL;
}

/* The reader of the format whose extension the path ends with, or NULL. */
static const shelf_reader *reader_named(const char *path)
{
    const shelf_format_info *named = shelf_format_named(path);
    return named ? shelf_reader_of_format(named->format) : NULL;
}

const shelf_reader *shelf_reader_detect(const char *path, const char *data, size_t len)
{
    for (size_t i = 0; i < READER_COUNT; i++)
        if (readers[i]->sniff(data, len) == SHELF_SNIFF_YES)
            return readers[i];
    const shelf_reader *named = reader_named(path);
    if (named && named->sniff(data, len) != SHELF_SNIFF_NO)
        return named;
    return &shelf_reader_text;
}
