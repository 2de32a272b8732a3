/* index_hint.c - the searcher's words for a folder that is not an index; see index_hint.h. */
#include "index_hint.h"
#include "util/progname.h"

#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

/* Whether dir holds any entry but . and .. (false when it cannot be read). */
static bool holds_something(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *e;
    bool any = false;
    while (!any && (e = readdir(d)) != NULL)
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

void index_hint_not_found(FILE *out, const char *dir, const char *message)
{
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(out, "searcher: %s is a file, not an index: --index names the folder the indexer "
                     "built\n", dir);
        return;
    }
    if (stat(dir, &st) == 0 && holds_something(dir)) {
        fprintf(out, "searcher: %s\n"
                     "searcher: %s is a folder but not an index; --index names the folder the "
                     "indexer built (default ./index), not a folder of documents\n",
                message, dir);
        return;
    }
    fprintf(out, "searcher: %s\nsearcher: build one first: %s --index %s PATH...\n", message,
            shelf_indexer_name(), dir);
}
