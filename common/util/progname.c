/* progname.c - the programs' names from argv[0]; see progname.h. */
#include "util/progname.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { NAME_MAX_LEN = 64 };

static char self[NAME_MAX_LEN] = "shelf";
static char indexer[NAME_MAX_LEN] = "indexer";
static char searcher[NAME_MAX_LEN] = "searcher";

/* Does name end with role?  Then its length before the role, else -1. */
static int prefix_length(const char *name, const char *role)
{
    size_t n = strlen(name), r = strlen(role);
    if (n < r || strcmp(name + n - r, role) != 0)
        return -1;
    return (int)(n - r);
}

void shelf_progname_set(const char *argv0, const char *role)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    const char *base = slash ? slash + 1 : argv0 ? argv0 : "";
    int prefix = prefix_length(base, role);
    if (prefix < 0 || strlen(base) >= NAME_MAX_LEN) {
        base = role;
        prefix = 0;
    }
    snprintf(self, sizeof self, "%s", base);
    snprintf(indexer, sizeof indexer, "%.*sindexer", prefix, base);
    snprintf(searcher, sizeof searcher, "%.*ssearcher", prefix, base);
}

const char *shelf_progname(void) { return self; }
const char *shelf_indexer_name(void) { return indexer; }
const char *shelf_searcher_name(void) { return searcher; }

bool shelf_program_folder(char *out, size_t size)
{
    if (size < 2)
        return false;
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (!slash)
        return false;
    *slash = '\0';
    return true;
}
