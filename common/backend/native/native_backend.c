/* native_backend.c - the native backend's row; see native_backend.h. */
#include "backend/native/native_backend.h"
#include "backend/native/manifest.h"

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

static void native_stamp_path(const char *dir, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, SHELF_MANIFEST_NAME);
}

static bool native_detect(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    native_stamp_path(dir, path, sizeof path);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const shelf_backend_row shelf_native_backend = {
    .name = "native",
    .label = "native",
    .id = SHELF_BACKEND_NATIVE,
    .reader = &shelf_native_ops,
    .writer = &shelf_native_writer_ops,
    .detect = native_detect,
    .stamp_path = native_stamp_path,
    .crash_prone = false,
    .shared_reads = true,
};
