/* lock.c - the writer lock of an index folder; see lock.h. */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "backend/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The pid the file names, or -1 when it is empty or unreadable. */
static long read_holder(int fd)
{
    char line[32];
    ssize_t n = pread(fd, line, sizeof line - 1, 0);
    if (n <= 0)
        return -1;
    line[n] = '\0';
    long pid = -1;
    if (sscanf(line, "%ld", &pid) != 1 || pid <= 0)
        return -1;
    return pid;
}

/* A hint for the next contender's message; failing to write it (a full disk)
 * costs only the pid in that message. */
static void write_holder(int fd)
{
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n)
        (void)ftruncate(fd, 0);
}

static int busy(int fd, const char *path, shelf_err *err)
{
    long pid = read_holder(fd);
    if (pid > 0)
        return shelf_errf(err, SHELF_ELOCKED, "%s: another indexer (pid %ld) is writing this index",
                          path, pid);
    return shelf_errf(err, SHELF_ELOCKED, "%s: another indexer is writing this index", path);
}

/* 0, or the errno of a failed F_OFD_SETLK(W); a wait a signal interrupts
 * goes on. */
static int lock_file(int fd, bool wait)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    for (;;) {
        if (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) == 0)
            return 0;
        if (errno != EINTR)
            return errno;
    }
}

int shelf_lock_acquire(shelf_lock *lock, const char *dir, bool wait, shelf_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_LOCK_NAME);
    lock->fd = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return shelf_errno(err, errno, "%s: cannot open lock file", path);
    int e = lock_file(fd, wait);
    if (e != 0) {
        int rc = e == EAGAIN || e == EACCES ? busy(fd, path, err)
                                            : shelf_errno(err, e, "%s: cannot lock", path);
        close(fd);
        return rc;
    }
    write_holder(fd);
    lock->fd = fd;
    return SHELF_OK;
}

void shelf_lock_release(shelf_lock *lock)
{
    if (lock->fd < 0)
        return;
    (void)ftruncate(lock->fd, 0); /* no pid of a finished writer lingers */
    close(lock->fd);               /* drops the lock */
    lock->fd = -1;
}
