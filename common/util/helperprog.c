/* helperprog.c - finding shelf-helper; the rules are in helperprog.h. */
#include "util/helperprog.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/progname.h"

static bool is_program(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Copies candidate into out when it is a program that fits. */
static bool take(const char *candidate, char *out, size_t size)
{
    return is_program(candidate) && (size_t)snprintf(out, size, "%s", candidate) < size;
}

int shelf_helper_path(char *out, size_t size, shelf_err *err)
{
    const char *env = getenv("SHELF_HELPER");
    if (env && *env) {
        if (take(env, out, size))
            return SHELF_OK;
        return shelf_errf(err, SHELF_ENOTFOUND, "$SHELF_HELPER (%s) is not an executable file",
                          env);
    }
    char dir[PATH_MAX];
    char candidate[PATH_MAX + 64];
    bool have_dir = shelf_program_folder(dir, sizeof dir);
    if (have_dir) {
        snprintf(candidate, sizeof candidate, "%s/%s", dir, SHELF_HELPER_NAME);
        if (take(candidate, out, size))
            return SHELF_OK;
        snprintf(candidate, sizeof candidate, "%s/../libexec/shelf/%s", dir, SHELF_HELPER_NAME);
        if (take(candidate, out, size))
            return SHELF_OK;
    }
    if (take(SHELF_BUILD_HELPER, out, size) || take(SHELF_INSTALLED_HELPER, out, size))
        return SHELF_OK;
    return shelf_errf(err, SHELF_ENOTFOUND,
                      "cannot find the helper program %s (looked beside %s and in %s; is the "
                      "installation complete?)",
                      SHELF_HELPER_NAME, have_dir ? dir : "this program", SHELF_INSTALLED_HELPER);
}
