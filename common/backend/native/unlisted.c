/* unlisted.c - removing the files no manifest names; see unlisted.h. */
#include "backend/native/unlisted.h"
#include "util/crashpoint.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int lists_segment(const shelf_manifest *m, unsigned number, unsigned *del_gen)
{
    for (uint32_t i = 0; i < m->segment_count; i++) {
        if (m->segments[i].number == number) {
            *del_gen = m->segments[i].del_gen;
            return 1;
        }
    }
    return 0;
}

static int is_stale(const char *name, const shelf_manifest *m)
{
    unsigned number, gen, listed_gen;
    char tail[8];
    size_t n = strlen(name);
    if (strcmp(name, "MANIFEST.tmp") == 0)
        return 1;
    if (strncmp(name, "seg_", 4) != 0)
        return 0;
    if (n > 4 && strcmp(name + n - 4, ".tmp") == 0)
        return 1;
    if (sscanf(name, "seg_%6u.%6u.%3s", &number, &gen, tail) == 3 && strcmp(tail, "del") == 0)
        return !lists_segment(m, number, &listed_gen) || listed_gen != gen;
    if (sscanf(name, "seg_%6u.", &number) == 1)
        return !lists_segment(m, number, &listed_gen);
    return 0;
}

void shelf_remove_unlisted(const char *dir, const shelf_manifest *m)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_stale(e->d_name, m))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
        shelf_crashpoint();
    }
    closedir(d);
}
