/* sample_shelf.c - finding the sample shelf; see sample_shelf.h. */
#include "sample_shelf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/progname.h"

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PREFIX/share/shelf/corpus for the program at PREFIX/bin/NAME; false when
 * the program's own path cannot be read or does not fit. */
static bool beside_program(char *out, size_t size)
{
    char bin[PATH_MAX];
    if (!shelf_program_folder(bin, sizeof bin)) /* PREFIX/bin */
        return false;
    return (size_t)snprintf(out, size, "%s/../share/shelf/corpus", bin) < size;
}

int sample_shelf_find(char *out, size_t size)
{
    if (beside_program(out, size) && is_folder(out))
        return 0;
    static const char *const built_in[] = {SHELF_SOURCE_CORPUS, SHELF_INSTALLED_CORPUS};
    for (size_t i = 0; i < sizeof built_in / sizeof *built_in; i++) {
        if (is_folder(built_in[i]) && (size_t)snprintf(out, size, "%s", built_in[i]) < size)
            return 0;
    }
    return -1;
}
