/* filter.c - --include and --exclude globs; see filter.h. */
#include "filter.h"
#include "extract/extract.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static int add(const char ***list, size_t *count, const char *glob)
{
    const char **p = realloc(*list, (*count + 1) * sizeof *p);
    if (!p)
        return -1;
    p[(*count)++] = glob;
    *list = p;
    return 0;
}

int filter_include(file_filter *f, const char *glob)
{
    return add(&f->include, &f->include_count, glob);
}

int filter_exclude(file_filter *f, const char *glob)
{
    return add(&f->exclude, &f->exclude_count, glob);
}

void filter_free(file_filter *f)
{
    free(f->include);
    free(f->exclude);
    memset(f, 0, sizeof *f);
}

static const char *name_of(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--; /* "dir/" names "dir" (fnmatch sees the rest as its name) */
    const char *slash = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (path[i] == '/')
            slash = path + i;
    return slash ? slash + 1 : path;
}

static bool matches(const char *glob, const char *path)
{
    if (strchr(glob, '/'))
        return fnmatch(glob, path, 0) == 0;
    return fnmatch(glob, name_of(path), 0) == 0;
}

static bool any_match(const char *const *globs, size_t count, const char *path)
{
    for (size_t i = 0; i < count; i++)
        if (matches(globs[i], path))
            return true;
    return false;
}

bool filter_wants_file(const file_filter *f, const char *path)
{
    if (any_match(f->exclude, f->exclude_count, path))
        return false;
    if (f->include_count)
        return any_match(f->include, f->include_count, path);
    return shelf_extract_supported(path);
}

bool filter_wants_dir(const file_filter *f, const char *path)
{
    return !any_match(f->exclude, f->exclude_count, path);
}
