/* fdio.c - whole-range reads of open files; see fdio.h. */
#include "util/fdio.h"

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

int shelf_pread_full(int fd, uint64_t off, void *buf, size_t len)
{
    uint8_t *to = buf;
    while (len > 0) {
        ssize_t n = pread(fd, to, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 1;
        to += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}
