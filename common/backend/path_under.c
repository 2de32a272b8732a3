/* path_under.c - whether a path lies at or under a root; see path_under.h. */
#include "backend/path_under.h"

#include <string.h>

bool shelf_path_under(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || (n > 0 && root[n - 1] == '/'));
}
