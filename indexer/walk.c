/* walk.c - recursive, deterministic, loop-safe folder walk over open folder
 * descriptors; see walk.h. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct walker {
    const walk_callbacks *cb;
    walk_links links;
    char **roots; /* real paths of the given paths (NULL where unresolvable) */
    size_t root_count;
    dir_id *seen;
    size_t seen_count, seen_cap;
} walker;

static int seen_before(walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->seen_count; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
            return 1;
    if (w->seen_count == w->seen_cap) {
        size_t cap = w->seen_cap ? w->seen_cap * 2 : 64;
        dir_id *p = realloc(w->seen, cap * sizeof *p);
        if (!p)
            return 0;
        w->seen = p;
        w->seen_cap = cap;
    }
    w->seen[w->seen_count++] = (dir_id){st->st_dev, st->st_ino};
    return 0;
}

/* A folder entry: its name and what the listing says it is (d_type). */
typedef struct dir_entry {
    char *name;
    unsigned char type;
} dir_entry;

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static char *join(const char *dir, const char *name)
{
    size_t ld = strlen(dir), ln = strlen(name);
    char *p = malloc(ld + ln + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, ld);
    size_t at = ld;
    if (ld == 0 || dir[ld - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, ln + 1);
    return p;
}

/* An open folder's visible entries sorted by name; NULL on error (errno
 * set).  The stream stays open (its descriptor is the folder's). */
static dir_entry *list_dir(DIR *d, size_t *count)
{
    dir_entry *entries = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            dir_entry *p = realloc(entries, cap * sizeof *p);
            if (!p)
                break;
            entries = p;
        }
        if (!(entries[n].name = strdup(e->d_name)))
            break;
        entries[n++].type = e->d_type;
    }
    if (n > 1)
        qsort(entries, n, sizeof *entries, compare_entries);
    *count = n;
    return entries ? entries : calloc(1, sizeof *entries);
}

static int visit_child(walker *w, int dirfd, const dir_entry *entry, const char *path);

static int leave(walker *w)
{
    return w->cb->leaving_dir ? w->cb->leaving_dir(w->cb->ctx) : 0;
}

/* Walk the folder open as fd (taken: closed here). */
static int visit_dir(walker *w, int fd, const char *path, const struct stat *st)
{
    if (seen_before(w, st)) {
        close(fd);
        w->cb->problem(w->cb->ctx, path, "folder already visited (symlink loop?), not entered again");
        return 0;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        w->cb->problem(w->cb->ctx, path, strerror(e));
        return 0;
    }
    size_t count = 0;
    dir_entry *entries = list_dir(d, &count);
    if (!entries) {
        int e = errno;
        closedir(d);
        w->cb->problem(w->cb->ctx, path, strerror(e));
        return 0;
    }
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        char *child = rc == 0 ? join(path, entries[i].name) : NULL;
        if (child)
            rc = visit_child(w, dirfd(d), &entries[i], child);
        free(child);
    }
    int left = leave(w); /* before the descriptor closes */
    closedir(d);
    for (size_t i = 0; i < count; i++)
        free(entries[i].name);
    free(entries);
    return rc ? rc : left;
}

/* Is `real` one of the roots or under one of them? */
static bool inside_roots(const walker *w, const char *real)
{
    for (size_t i = 0; i < w->root_count; i++) {
        const char *root = w->roots[i];
        if (!root)
            continue;
        size_t n = strlen(root);
        if (strncmp(real, root, n) == 0 &&
            (real[n] == '\0' || real[n] == '/' || (n > 0 && root[n - 1] == '/')))
            return true;
    }
    return false;
}

/* May the walk go through this symlink met inside a folder? */
static bool follow_link(walker *w, const char *path)
{
    if (w->links == WALK_LINKS_ANY)
        return true;
    bool outside = false;
    if (w->links == WALK_LINKS_INSIDE) {
        char *real = realpath(path, NULL);
        if (!real)
            return true; /* dangling: stat reports why */
        outside = !inside_roots(w, real);
        free(real);
        if (!outside)
            return true;
    }
    if (w->cb->link_skipped)
        w->cb->link_skipped(w->cb->ctx, path, outside);
    return false;
}

/* A file or folder whose stat is known: enter it, hand it over or report
 * it.  dirfd/name open it (following links only when via_link). */
static int visit_stat(walker *w, int dirfd, const char *name, const char *path, const struct stat *st,
                      bool via_link)
{
    if (S_ISDIR(st->st_mode)) {
        if (w->cb->want_dir && !w->cb->want_dir(w->cb->ctx, path))
            return 0;
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (via_link ? 0 : O_NOFOLLOW));
        if (fd < 0) {
            w->cb->problem(w->cb->ctx, path, strerror(errno));
            return 0;
        }
        return visit_dir(w, fd, path, st);
    }
    if (S_ISREG(st->st_mode)) {
        walk_file f = {.path = path, .dirfd = dirfd, .name = name, .st = st, .via_link = via_link};
        return w->cb->file(w->cb->ctx, &f);
    }
    w->cb->problem(w->cb->ctx, path, "not a regular file or folder");
    return 0;
}

static int visit_child(walker *w, int dirfd, const dir_entry *entry, const char *path)
{
    const char *name = entry->name;
    if (entry->type == DT_REG && w->cb->files_unstatted) {
        walk_file f = {.path = path, .dirfd = dirfd, .name = name, .st = NULL, .via_link = false};
        return w->cb->file(w->cb->ctx, &f);
    }
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        w->cb->problem(w->cb->ctx, path, strerror(errno));
        return 0;
    }
    bool link = S_ISLNK(st.st_mode);
    if (link && !follow_link(w, path))
        return 0;
    if (link && fstatat(dirfd, name, &st, 0) != 0) {
        w->cb->problem(w->cb->ctx, path, strerror(errno));
        return 0;
    }
    return visit_stat(w, dirfd, name, path, &st, link);
}

/* A path named explicitly: always followed. */
static int visit_named(walker *w, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        w->cb->problem(w->cb->ctx, path, strerror(errno));
        return 0;
    }
    return visit_stat(w, AT_FDCWD, path, path, &st, true);
}

int walk_paths(char *const *paths, size_t count, const walk_callbacks *cb, walk_links links)
{
    walker w = {.cb = cb, .links = links};
    if (links == WALK_LINKS_INSIDE && count > 0) {
        w.roots = calloc(count, sizeof *w.roots);
        w.root_count = w.roots ? count : 0;
        for (size_t i = 0; i < w.root_count; i++)
            w.roots[i] = realpath(paths[i], NULL);
    }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = visit_named(&w, paths[i]);
    int left = leave(&w);
    for (size_t i = 0; i < w.root_count; i++)
        free(w.roots[i]);
    free(w.roots);
    free(w.seen);
    return rc ? rc : left;
}
