/* runpaths.c - a run's PATHs as walked and as stored; see runpaths.h. */
#include "runpaths.h"
#include "backend/path_under.h"
#include "util/canonpath.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tidy_path(char *path)
{
    char *r = path, *w = path;
    while (r[0] == '.' && r[1] == '/' && r[2] != '\0')
        r += 2;
    for (; *r; r++) {
        if (*r == '/' && w > path && w[-1] == '/')
            continue;
        *w++ = *r;
    }
    *w = '\0';
    while (w - path > 1 && w[-1] == '/')
        *--w = '\0';
}

int run_paths_add(run_paths *rp, const char *path, shelf_err *err)
{
    char canon[PATH_MAX];
    int rc = shelf_canonical_path(path, canon, sizeof canon, err);
    if (rc != SHELF_OK)
        return rc;
    char **g = realloc(rp->given, (rp->count + 1) * sizeof *g);
    if (g)
        rp->given = g;
    char **c = g ? realloc(rp->canon, (rp->count + 1) * sizeof *c) : NULL;
    if (c)
        rp->canon = c;
    char *given = c ? strdup(path) : NULL;
    char *stored = given ? strdup(canon) : NULL;
    if (!stored) {
        free(given);
        return shelf_errf(err, SHELF_ENOMEM, "out of memory");
    }
    tidy_path(given);
    rp->given[rp->count] = given;
    rp->canon[rp->count++] = stored;
    return SHELF_OK;
}

const char *run_paths_stored(const run_paths *rp, const char *walked, char *buf, size_t size)
{
    size_t best = SIZE_MAX, best_len = 0;
    for (size_t i = 0; i < rp->count; i++) {
        size_t n = strlen(rp->given[i]);
        if (shelf_path_under(walked, rp->given[i]) && (best == SIZE_MAX || n > best_len)) {
            best = i;
            best_len = n;
        }
    }
    if (best == SIZE_MAX)
        return walked;
    const char *rest = walked + best_len;
    const char *canon = rp->canon[best];
    size_t cn = strlen(canon);
    if (*rest == '/' && cn > 0 && canon[cn - 1] == '/')
        rest++;
    else if (*rest != '\0' && *rest != '/' && !(cn > 0 && canon[cn - 1] == '/'))
        return walked; /* cannot happen: path_under matched at a boundary */
    if ((size_t)snprintf(buf, size, "%s%s", canon, rest) >= size)
        return walked;
    return buf;
}

void run_paths_free(run_paths *rp)
{
    for (size_t i = 0; i < rp->count; i++) {
        free(rp->given[i]);
        free(rp->canon[i]);
    }
    free(rp->given);
    free(rp->canon);
    memset(rp, 0, sizeof *rp);
}
