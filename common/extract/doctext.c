/* doctext.c - the reader output type's life cycle and the encoding names;
 * see doctext.h. */
#include "extract/doctext.h"

#include <stdlib.h>
#include <string.h>

void shelf_doctext_free(shelf_doctext *d)
{
    free(d->text);
    free(d->title);
    free(d->author);
    free(d->date);
    shelf_layout_free(&d->layout);
    memset(d, 0, sizeof *d);
}

const char *shelf_encoding_name(shelf_encoding e)
{
    static const char *const names[] = {"utf-8", "utf-16le", "utf-16be", "windows-1252", "declared"};
    return (unsigned)e < sizeof names / sizeof *names ? names[e] : "unknown";
}
