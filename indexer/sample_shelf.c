/* sample_shelf.c - finding the sample shelf; see sample_shelf.h. */
#include "sample_shelf.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PREFIX/share/shelf/corpus for the program at PREFIX/bin/NAME; false when
 * the program's own path cannot be read or does not fit. */
static bool beside_program(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0'; /* the program's folder, PREFIX/bin */
    return (size_t)snprintf(out, size, "%s/../share/shelf/corpus", exe) < size;
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
