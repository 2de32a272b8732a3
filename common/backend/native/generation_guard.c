/* generation_guard.c - is the committed manifest still ours; see generation_guard.h. */
#include "backend/native/generation_guard.h"
#include "backend/native/manifest.h"

int shelf_manifest_generation_moved(const char *dir, uint64_t expected, uint64_t found, shelf_err *err)
{
    return shelf_errf(err, SHELF_ELOCKED,
                      "%s/%s: generation %llu replaced by %llu by another writer while this one "
                      "held the lock; nothing committed",
                      dir, SHELF_MANIFEST_NAME, (unsigned long long)expected, (unsigned long long)found);
}

int shelf_manifest_still_current(const char *dir, uint64_t expected, shelf_err *err)
{
    shelf_manifest now;
    shelf_err read_err = {0};
    uint64_t found = 0;
    /* A manifest of another format version counts as generation 0: only a
     * rebuild (which starts from 0) writes over one. */
    int rc = shelf_manifest_read(dir, &now, &read_err);
    if (rc == SHELF_OK) {
        found = now.generation;
        shelf_manifest_free(&now);
    } else if (rc != SHELF_ENOTFOUND && rc != SHELF_EVERSION) {
        return shelf_errf(err, rc, "%s", read_err.msg);
    }
    return found == expected ? SHELF_OK : shelf_manifest_generation_moved(dir, expected, found, err);
}
