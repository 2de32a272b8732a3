/* helper_halves.c - the sandboxed readers' halves, by format; see
 * helper_halves.h. */
#include "extract/helper_halves.h"

#include "extract/pdfwire.h"
#include "extract/readers.h"

typedef struct helper_half_row {
    shelf_format format;
    shelf_helper_half read;
} helper_half_row;

static const helper_half_row halves[] = {
    {SHELF_FORMAT_PDF, shelf_pdf_read_in_helper},
    {SHELF_FORMAT_DOCX, shelf_docx_read_in_helper},
    {SHELF_FORMAT_ODT, shelf_odt_read_in_helper},
    {SHELF_FORMAT_EPUB, shelf_epub_read_in_helper},
};

shelf_helper_half shelf_helper_half_of(shelf_format f)
{
    for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++)
        if (halves[i].format == f)
            return halves[i].read;
    return NULL;
}
