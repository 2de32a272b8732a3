/* xapian_backend.c - the Xapian backend's row; see xapian_backend.h. */
#include "backend/xapian/xapian_backend.h"

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

static bool xapian_detect(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_XAPIAN_SUBDIR);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The glass backend rewrites its version file on every commit. */
static void xapian_stamp_path(const char *dir, char *out, size_t size)
{
    snprintf(out, size, "%s/%s/iamglass", dir, SHELF_XAPIAN_SUBDIR);
}

const shelf_backend_row shelf_xapian_backend = {
    .name = "xapian",
    .label = "Xapian",
    .id = SHELF_BACKEND_XAPIAN,
    .reader = &shelf_xapian_ops,
    .writer = &shelf_xapian_writer_ops,
    .detect = xapian_detect,
    .stamp_path = xapian_stamp_path,
    .crash_prone = true,
    .shared_reads = false,
};
