/* lock.c - the writer lock file; see lock.h. */
#include "index/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lock_path(char *out, size_t size, const char *dir)
{
    snprintf(out, size, "%s/%s", dir, SHELF_LOCK_NAME);
}

static long read_holder(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long pid = -1;
    if (fscanf(f, "%ld", &pid) != 1)
        pid = -1;
    fclose(f);
    return pid;
}

static int holder_alive(long pid)
{
    if (pid <= 0)
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static int try_create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    int ok = write(fd, line, (size_t)n) == n;
    close(fd);
    return ok ? 0 : -1;
}

int shelf_lock_acquire(const char *dir, shelf_err *err)
{
    char path[PATH_MAX];
    lock_path(path, sizeof path, dir);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (try_create(path) == 0)
            return SHELF_OK;
        if (errno != EEXIST)
            return shelf_errno(err, errno, "%s: cannot create lock file", path);
        long pid = read_holder(path);
        if (holder_alive(pid))
            return shelf_errf(err, SHELF_ELOCKED,
                              "%s: another indexer (pid %ld) is writing this index", path, pid);
        unlink(path); /* stale: its owner is gone */
    }
    return shelf_errf(err, SHELF_ELOCKED, "%s: could not take the lock", path);
}

void shelf_lock_release(const char *dir)
{
    char path[PATH_MAX];
    lock_path(path, sizeof path, dir);
    if (read_holder(path) == (long)getpid())
        unlink(path);
}
