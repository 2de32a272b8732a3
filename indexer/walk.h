/*
 * walk.h - visits the files under the paths named on the command line.
 *
 * Folders are walked recursively in byte order of names, so the same tree
 * always gives the same documents in the same order.  Hidden entries (names
 * starting with '.') inside folders are skipped; a path named explicitly is
 * always visited.  A folder reached twice (a symlink loop, or two links to
 * one folder) is visited once, and the repeat is reported.
 *
 * Symlinks.  A path named explicitly is followed (like find -H).  A symlink
 * met inside a folder is skipped (and passed to `link_skipped`) unless the
 * walk follows links: WALK_LINKS_INSIDE follows those whose target's real
 * path is one of the given paths' real paths or lies under one of them,
 * WALK_LINKS_ANY follows every link.  A dangling link that is followed is
 * reported as a problem.
 *
 * Cost.  Folders are held open while they are walked and every entry is
 * looked at relative to its folder (fstatat), so no full path is resolved
 * per file: one fstatat per entry (two for a symlink).  A file is handed
 * over with its folder's descriptor, its name in it and that stat, so the
 * caller can open it with openat and need not stat it again.  The folder's
 * descriptor stays open until `leaving_dir` has been called for it.
 *
 * A caller that will open nearly every file (a fresh index) sets
 * `files_unstatted`: an entry the folder listing already calls a regular
 * file (d_type) is then handed over without a stat (st NULL), and the
 * caller opens it and stats the descriptor, one path lookup a file instead
 * of two.  Other entries (folders, symlinks, a file system that gives no
 * d_type) are stat'ed as always.
 */
#ifndef SHELF_WALK_H
#define SHELF_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* A regular file found by the walk; valid during the `file` call, except
 * dirfd which stays open until the next `leaving_dir` call. */
typedef struct walk_file {
    const char *path;      /* the given path joined with the names below it */
    int dirfd;             /* its folder, or AT_FDCWD for a path named explicitly */
    const char *name;      /* its name relative to dirfd */
    const struct stat *st; /* its stat (the target's, for a symlink followed);
                              NULL: left to the caller (files_unstatted) */
    bool via_link;         /* a symlink (followed): opening must follow it too */
} walk_file;

typedef struct walk_callbacks {
    /* A regular file (or a symlink to one).  Return nonzero to stop. */
    int (*file)(void *ctx, const walk_file *f);
    /* Something that could not be visited, with the reason. */
    void (*problem)(void *ctx, const char *path, const char *reason);
    /* May the walk enter this folder?  NULL: every folder. */
    bool (*want_dir)(void *ctx, const char *path);
    void *ctx;
    /* A symlink not followed; `outside` when it was not followed because
     * its target lies outside the given paths.  NULL: not told. */
    void (*link_skipped)(void *ctx, const char *path, bool outside);
    /* Called before a folder's descriptor given in `file` calls is closed
     * (and once at the end).  Return nonzero to stop.  NULL: not told. */
    int (*leaving_dir)(void *ctx);
    /* Hand regular files over unstatted when the listing says what they
     * are (above). */
    bool files_unstatted;
} walk_callbacks;

typedef enum walk_links { WALK_LINKS_SKIP, WALK_LINKS_INSIDE, WALK_LINKS_ANY } walk_links;

/* Returns 0, or the first nonzero value a callback returned. */
int walk_paths(char *const *paths, size_t count, const walk_callbacks *cb, walk_links links);

#endif
