/* segpath.c - the names of a segment's files; see segpath.h. */
#include "backend/native/segpath.h"

#include <stdio.h>

void shelf_segment_path(char *out, size_t out_size, const char *dir, uint32_t number, const char *ext)
{
    snprintf(out, out_size, "%s/seg_%06u.%s", dir, number, ext);
}
