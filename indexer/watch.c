/*
 * watch.c - the inotify loop of `indexer --watch`; see watch.h.
 *
 * State: the inotify descriptor and the table of what each watch stands
 * for, the signalfd, the paths heard about since the last batch and when
 * the first and last of their events came.
 */
#define _GNU_SOURCE
#include "watch.h"
#include "changeset.h"
#include "util/visible.h"
#include "watchtable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WATCH_MASK (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | \
                    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct watcher {
    const watch_config *cfg;
    int ifd, sfd;
    watch_table table;
    changeset changes;
    double first_event, last_event; /* monotonic seconds; 0: no change pending */
    long limit;                     /* SHELF_WATCH_LIMIT, or -1 */
    dev_t index_dev;                /* the index folder (index_ino 0: none yet) */
    ino_t index_ino;
    size_t added;                   /* watches added (for the limit) */
    size_t refused;                 /* folders not watched: the limit */
    bool limit_said;
    bool failed;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *fmt, const char *path, const char *more)
{
    fputs("indexer: ", stderr);
    char line[PATH_MAX + 512];
    snprintf(line, sizeof line, fmt, path, more);
    shelf_put_visible(stderr, line, strlen(line));
    fputc('\n', stderr);
}

/* ---- signals ---- */

static sigset_t stop_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

int watch_block_signals(void)
{
    sigset_t set = stop_signals();
    return sigprocmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

bool watch_stop_requested(void)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return false;
    return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

/* ---- watches ---- */

static void join(char *out, size_t size, const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n == 0)
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

static bool is_root(const watcher *w, const char *path)
{
    for (size_t i = 0; i < w->cfg->root_count; i++)
        if (strcmp(w->cfg->roots[i], path) == 0)
            return true;
    return false;
}

static long inotify_limit(void)
{
    long n = -1;
    FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "r");
    if (f) {
        if (fscanf(f, "%ld", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

static void note_limit(watcher *w, const char *path)
{
    w->refused++;
    if (w->limit_said)
        return;
    w->limit_said = true;
    char limit[160];
    snprintf(limit, sizeof limit, "the limit of %ld inotify watches is reached "
             "(/proc/sys/fs/inotify/max_user_watches)", w->limit >= 0 ? w->limit : inotify_limit());
    say("cannot watch %s: %s; it and the folders after it are not watched (their changes are "
        "indexed at the next start; raise the limit with sysctl fs.inotify.max_user_watches)",
        path, limit);
}

/* Watch one folder (the folder of a file root when !whole); false when it
 * cannot be (said, unless it vanished meanwhile). */
static bool watch_one(watcher *w, const char *path, bool whole)
{
    int wd;
    if (w->limit >= 0 && w->added >= (size_t)w->limit) {
        wd = -1;
        errno = ENOSPC;
    } else {
        wd = inotify_add_watch(w->ifd, *path ? path : ".", WATCH_MASK);
    }
    if (wd < 0) {
        if (errno == ENOSPC)
            note_limit(w, path);
        else if (errno != ENOENT && errno != ENOTDIR)
            say("warning: cannot watch %s: %s", path, strerror(errno));
        return false;
    }
    w->added++;
    if (watch_table_put(&w->table, wd, path, whole) != 0) {
        say("%s%s: out of memory", path, "");
        w->failed = true;
        return false;
    }
    return true;
}

/* May the watcher enter this entry of a folder (a real folder, not hidden,
 * not left out by --exclude)? */
static bool wanted_subdir(const watcher *w, DIR *d, const struct dirent *e, const char *path)
{
    if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
        return false;
    struct stat sb;
    if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(sb.st_mode))
        return false;
    if (w->index_ino && sb.st_dev == w->index_dev && sb.st_ino == w->index_ino)
        return false;
    return filter_wants_dir(w->cfg->filter, path);
}

/* Watch the folder at path and every folder under it (iteratively: the
 * depth of a tree is not bounded). */
static void watch_tree(watcher *w, const char *top)
{
    changeset stack = {0};
    if (changeset_add(&stack, top) != 0)
        w->failed = true;
    while (stack.count && !w->failed) {
        char *path = stack.paths[--stack.count];
        bool watched = watch_one(w, path, true);
        DIR *d = watched ? opendir(*path ? path : ".") : NULL;
        if (watched && !d && errno == EACCES)
            say("warning: cannot read folder %s: %s", path, strerror(errno));
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char child[PATH_MAX];
            join(child, sizeof child, path, e->d_name);
            if (wanted_subdir(w, d, e, child) && changeset_add(&stack, child) != 0)
                w->failed = true;
        }
        if (d)
            closedir(d);
        free(path);
    }
    changeset_free(&stack);
}

/* The parent folder of a file root ("" for a bare name). */
static void parent_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, size, "%s", "");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

static void watch_roots(watcher *w)
{
    for (size_t i = 0; i < w->cfg->root_count && !w->failed; i++) {
        const char *root = w->cfg->roots[i];
        struct stat sb;
        if (stat(root, &sb) != 0) {
            say("warning: cannot watch %s: %s", root, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            watch_tree(w, root);
        } else {
            char parent[PATH_MAX];
            parent_of(root, parent, sizeof parent);
            watch_one(w, parent, false);
        }
    }
}

static void forget_watch(void *ctx, int wd)
{
    watcher *w = ctx;
    inotify_rm_watch(w->ifd, wd);
}

/* After lost events: every watch set up afresh (moves the watcher never
 * heard of would have left stale paths). */
static void rewatch_all(watcher *w)
{
    for (size_t i = 0; i < w->table.count; i++)
        inotify_rm_watch(w->ifd, w->table.entries[i].wd);
    watch_table_free(&w->table);
    w->refused = 0;
    w->limit_said = false;
    w->added = 0;
    watch_roots(w);
}

/* ---- events ---- */

static void note_change(watcher *w, const char *path)
{
    if (changeset_add(&w->changes, path) != 0) {
        say("%s%s: out of memory", path, "");
        w->failed = true;
    }
}

/* A folder appeared (made, or moved in): watch it and what is under it,
 * then have the batch walk it (which finds files made before the watch). */
static void folder_arrived(watcher *w, const char *path)
{
    struct stat sb;
    if (!filter_wants_dir(w->cfg->filter, path) ||
        (w->index_ino && stat(path, &sb) == 0 && sb.st_dev == w->index_dev && sb.st_ino == w->index_ino))
        return;
    watch_tree(w, path);
    note_change(w, path);
}

/* A file-system entry was created.  A file is looked at once it is closed
 * after writing (IN_CLOSE_WRITE), not while it is being written; a hard
 * link has no such close, and a symlink is walked from its folder, which
 * decides whether it is followed. */
static void entry_created(watcher *w, const char *dir, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISLNK(sb.st_mode) && w->cfg->links != WALK_LINKS_SKIP)
        note_change(w, dir);
    else if (S_ISREG(sb.st_mode) && sb.st_nlink > 1)
        note_change(w, path);
}

static void named_event(watcher *w, const watch_entry *e, const struct inotify_event *ev)
{
    if (ev->name[0] == '.')
        return;
    char path[PATH_MAX];
    join(path, sizeof path, e->path, ev->name);
    if (!e->whole && !is_root(w, path))
        return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", e->path);
    if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
            folder_arrived(w, path);
        } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
            watch_table_drop_under(&w->table, path, forget_watch, w);
            note_change(w, path);
        }
    } else if (ev->mask & IN_CREATE) {
        entry_created(w, dir, path);
    } else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
        note_change(w, path);
    }
}

/* The watched folder itself was deleted or moved: a root's documents go
 * (its parent is not watched, so it is not seen coming back); a folder
 * below a root is handled through its parent's event. */
static void self_event(watcher *w, const watch_entry *e, uint32_t mask)
{
    if (!e->whole || !is_root(w, e->path))
        return;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", e->path);
    say("warning: %s was %s; its documents are deleted and it is no longer watched", path,
        mask & IN_DELETE_SELF ? "deleted" : "moved away");
    watch_table_drop_under(&w->table, path, forget_watch, w);
    note_change(w, path);
}

static void handle_event(watcher *w, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        if (!w->changes.rescan && !w->cfg->quiet)
            fprintf(stderr, "indexer: the kernel dropped file events (inotify queue overflow); "
                            "the next batch rescans every watched path\n");
        w->changes.rescan = true;
        return;
    }
    if (ev->mask & IN_IGNORED) {
        watch_table_drop(&w->table, ev->wd);
        return;
    }
    const watch_entry *e = watch_table_find(&w->table, ev->wd);
    if (!e)
        return;
    if (ev->len)
        named_event(w, e, ev);
    else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
        self_event(w, e, ev->mask);
}

/* Read what the kernel has; returns false on a read error (said). */
static bool read_events(watcher *w)
{
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->ifd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        if (n <= 0) {
            say("reading inotify events failed: %s%s", strerror(errno), "");
            return false;
        }
        size_t before = w->changes.count;
        bool rescan = w->changes.rescan;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            handle_event(w, ev);
            p += sizeof *ev + ev->len;
        }
        if (w->changes.count != before || w->changes.rescan != rescan) {
            w->last_event = now_seconds();
            if (w->first_event == 0)
                w->first_event = w->last_event;
        }
    }
}

/* ---- batches ---- */

/* A symlink met by an event (not a root, which is always followed) is
 * walked from its folder when links are followed, so that --follow's rule
 * (targets inside the roots) decides; else it is no document. */
static void lift_links(watcher *w)
{
    for (size_t i = 0; i < w->changes.count; i++) {
        char *path = w->changes.paths[i];
        struct stat sb;
        if (w->cfg->links == WALK_LINKS_SKIP || is_root(w, path) || lstat(path, &sb) != 0 ||
            !S_ISLNK(sb.st_mode))
            continue;
        char parent[PATH_MAX];
        parent_of(path, parent, sizeof parent);
        memcpy(path, parent, strlen(parent) + 1); /* never longer */
    }
}

static bool gone(const watcher *w, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT || errno == ENOTDIR;
    return S_ISLNK(sb.st_mode) && !is_root(w, path);
}

static watch_result run_batch(watcher *w)
{
    changeset *cs = &w->changes;
    if (cs->rescan)
        rewatch_all(w);
    lift_links(w);
    changeset_reduce(cs);
    char **present = calloc(cs->count + 1, sizeof *present);
    char **vanished = calloc(cs->count + 1, sizeof *vanished);
    watch_result rc = WATCH_FAILED;
    if (present && vanished) {
        watch_batch b = {present, 0, vanished, 0, cs->rescan};
        for (size_t i = 0; i < cs->count; i++) {
            if (gone(w, cs->paths[i]))
                vanished[b.gone_count++] = cs->paths[i];
            else
                present[b.present_count++] = cs->paths[i];
        }
        rc = w->cfg->run_batch(w->cfg->ctx, &b);
    } else {
        say("%s%s", "out of memory", "");
    }
    free(present);
    free(vanished);
    changeset_clear(cs);
    w->first_event = w->last_event = 0;
    return rc;
}

/* Milliseconds until the pending batch is due (-1: nothing pending). */
static int wait_ms(const watcher *w)
{
    if (changeset_empty(&w->changes))
        return -1;
    double delay = w->cfg->delay;
    double due = w->last_event + delay;
    if (due > w->first_event + 10 * delay)
        due = w->first_event + 10 * delay;
    double left = due - now_seconds();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* ---- the loop ---- */

static int open_descriptors(watcher *w)
{
    sigset_t set = stop_signals();
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->ifd < 0) {
        say("cannot watch: inotify: %s%s", strerror(errno), "");
        return -1;
    }
    w->sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (w->sfd < 0) {
        say("cannot watch: signalfd: %s%s", strerror(errno), "");
        return -1;
    }
    return 0;
}

static void announce(const watcher *w)
{
    if (w->refused)
        fprintf(stderr, "indexer: %zu folders not watched: the inotify watch limit is reached\n",
                w->refused);
    if (w->cfg->quiet)
        return;
    size_t folders = w->table.count, paths = w->cfg->root_count;
    fprintf(stderr, "indexer: watching %zu folder%s under %zu path%s; batches after %.3g s "
            "without changes; stop with Ctrl-C or SIGTERM\n",
            folders, folders == 1 ? "" : "s", paths, paths == 1 ? "" : "s", w->cfg->delay);
}

static int loop(watcher *w)
{
    struct pollfd fds[2] = {{.fd = w->sfd, .events = POLLIN}, {.fd = w->ifd, .events = POLLIN}};
    while (!w->failed) {
        int n = poll(fds, 2, wait_ms(w));
        if (n < 0 && errno != EINTR) {
            say("poll failed: %s%s", strerror(errno), "");
            return 2;
        }
        if (fds[0].revents & POLLIN || watch_stop_requested())
            return 0;
        if ((fds[1].revents & POLLIN) && !read_events(w))
            return 2;
        if (wait_ms(w) == 0) {
            watch_result rc = run_batch(w);
            if (rc == WATCH_STOPPED)
                return 0;
            if (rc == WATCH_FAILED)
                return 2;
        }
    }
    return 2;
}

watcher *watch_open(const watch_config *cfg)
{
    watcher *w = calloc(1, sizeof *w);
    if (!w) {
        fprintf(stderr, "indexer: out of memory\n");
        return NULL;
    }
    *w = (watcher){.cfg = cfg, .ifd = -1, .sfd = -1, .limit = -1};
    const char *limit = getenv("SHELF_WATCH_LIMIT");
    if (limit && *limit)
        w->limit = atol(limit);
    struct stat sb;
    if (cfg->index_dir && stat(cfg->index_dir, &sb) == 0) {
        w->index_dev = sb.st_dev;
        w->index_ino = sb.st_ino;
    }
    if (open_descriptors(w) == 0)
        watch_roots(w);
    if (w->ifd < 0 || w->sfd < 0 || w->failed) {
        watch_close(w);
        return NULL;
    }
    return w;
}

int watch_loop(watcher *w)
{
    announce(w);
    int rc = loop(w);
    if (rc == 0 && !w->cfg->quiet)
        fprintf(stderr, "indexer: stopped%s\n",
                changeset_empty(&w->changes) ? "" : "; changes not yet indexed are found at the next start");
    return rc;
}

void watch_close(watcher *w)
{
    if (!w)
        return;
    if (w->ifd >= 0)
        close(w->ifd);
    if (w->sfd >= 0)
        close(w->sfd);
    watch_table_free(&w->table);
    changeset_free(&w->changes);
    free(w);
}
