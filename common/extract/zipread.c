/* zipread.c - zip members read under the zip-bomb limits; see zipread.h. */
#include "extract/zipread.h"

#include <stdlib.h>
#include <string.h>

#include <zip.h>

#define READ_CHUNK ((size_t)64 << 10)

struct shelf_zip {
    zip_t *archive;
    const char *path, *label;
    uint64_t file_size;
    uint64_t budget;   /* what may still be unpacked */
    uint64_t unpacked; /* what has been */
};

uint64_t shelf_zip_unpack_budget(uint64_t file_size)
{
    uint64_t by_size = SHELF_ZIP_MAX_UNPACKED;
    if (file_size <= (SHELF_ZIP_MAX_UNPACKED - SHELF_ZIP_UNPACK_SLACK) / SHELF_ZIP_UNPACK_FACTOR)
        by_size = file_size * SHELF_ZIP_UNPACK_FACTOR + SHELF_ZIP_UNPACK_SLACK;
    return by_size < SHELF_ZIP_MAX_UNPACKED ? by_size : SHELF_ZIP_MAX_UNPACKED;
}

/* libzip's error code as our refusal. */
static int zip_refusal(const char *path, const char *label, int code, shelf_err *err)
{
    if (code == ZIP_ER_MEMORY)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    if (code == ZIP_ER_NOZIP)
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged %s: not a zip file", path, label);
    if (code == ZIP_ER_MULTIDISK)
        return shelf_errf(err, SHELF_ESKIP, "%s: %s is a split zip archive (not supported)", path,
                          label);
    if (code == ZIP_ER_INCONS)
        return shelf_errf(err, SHELF_ESKIP,
                          "%s: damaged %s: the zip's headers contradict each other", path, label);
    if (code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD)
        return shelf_errf(err, SHELF_ESKIP, "%s: encrypted %s (needs a password)", path, label);
    if (code == ZIP_ER_COMPNOTSUPP)
        return shelf_errf(err, SHELF_ESKIP, "%s: %s uses a zip compression method not supported",
                          path, label);
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    int rc = shelf_errf(err, SHELF_ESKIP, "%s: damaged %s: %s", path, label, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return rc;
}

int shelf_zip_open(const char *path, const char *label, const char *data, size_t len,
                   shelf_zip **out, shelf_err *err)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    }
    zip_t *archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!archive) {
        int code = zip_error_code_zip(&ze);
        zip_error_fini(&ze);
        zip_source_free(src);
        return zip_refusal(path, label, code, err);
    }
    zip_error_fini(&ze);
    zip_int64_t entries = zip_get_num_entries(archive, 0);
    if (entries < 0 || entries > SHELF_ZIP_MAX_ENTRIES) {
        zip_discard(archive);
        return shelf_errf(err, SHELF_ESKIP, "%s: %s holds more than %d zip members (refused)", path,
                          label, SHELF_ZIP_MAX_ENTRIES);
    }
    shelf_zip *z = calloc(1, sizeof *z);
    if (!z) {
        zip_discard(archive);
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", path, label);
    }
    *z = (shelf_zip){archive, path, label, len, shelf_zip_unpack_budget(len), 0};
    *out = z;
    return SHELF_OK;
}

bool shelf_zip_has(shelf_zip *z, const char *name)
{
    return zip_name_locate(z->archive, name, 0) >= 0;
}

uint64_t shelf_zip_unpacked(const shelf_zip *z)
{
    return z->unpacked;
}

/* The declared sizes against the limits, before unpacking anything. */
static int check_declared(shelf_zip *z, const char *name, const zip_stat_t *st, shelf_err *err)
{
    if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE)
        return shelf_errf(err, SHELF_ESKIP, "%s: encrypted %s (needs a password)", z->path, z->label);
    if ((st->valid & ZIP_STAT_COMP_METHOD) && !zip_compression_method_supported(st->comp_method, 0))
        return shelf_errf(err, SHELF_ESKIP,
                          "%s: %s member %s uses a zip compression method not supported", z->path,
                          z->label, name);
    if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE))
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged %s: member %s has no size", z->path,
                          z->label, name);
    if (st->size > SHELF_ZIP_RATIO_FLOOR && st->size / SHELF_ZIP_MAX_RATIO > st->comp_size)
        return shelf_errf(err, SHELF_ESKIP,
                          "%s: zip bomb? %s member %s would unpack to %llu bytes from %llu (more "
                          "than %d times)",
                          z->path, z->label, name, (unsigned long long)st->size,
                          (unsigned long long)st->comp_size, SHELF_ZIP_MAX_RATIO);
    if (st->size > z->budget)
        return shelf_errf(err, SHELF_ESKIP,
                          "%s: zip bomb? %s member %s would unpack to %llu bytes, more than the "
                          "%llu left of this file's limit",
                          z->path, z->label, name, (unsigned long long)st->size,
                          (unsigned long long)z->budget);
    return SHELF_OK;
}

/* Unpacks the open member into buf: at most `declared` bytes (one more is
 * read to catch a member longer than it says). */
static int unpack(shelf_zip *z, const char *name, zip_file_t *f, uint64_t declared, char *buf,
                  size_t *got, shelf_err *err)
{
    size_t n = 0;
    for (;;) {
        size_t room = (size_t)declared + 1 - n;
        size_t want = room < READ_CHUNK ? room : READ_CHUNK;
        zip_int64_t r = zip_fread(f, buf + n, want);
        if (r < 0)
            return zip_refusal(z->path, z->label, zip_error_code_zip(zip_file_get_error(f)), err);
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > declared)
            return shelf_errf(err, SHELF_ESKIP,
                              "%s: zip bomb? %s member %s unpacks to more than the %llu bytes it "
                              "declares",
                              z->path, z->label, name, (unsigned long long)declared);
    }
    *got = n;
    return SHELF_OK;
}

int shelf_zip_read(shelf_zip *z, const char *name, char **bytes, size_t *len, shelf_err *err)
{
    *bytes = NULL;
    *len = 0;
    zip_int64_t index = zip_name_locate(z->archive, name, 0);
    if (index < 0)
        return shelf_errf(err, SHELF_ENOTFOUND, "%s: %s has no member %s", z->path, z->label, name);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z->archive, (zip_uint64_t)index, 0, &st) != 0)
        return zip_refusal(z->path, z->label, zip_error_code_zip(zip_get_error(z->archive)), err);
    int rc = check_declared(z, name, &st, err);
    if (rc != SHELF_OK)
        return rc;
    char *buf = malloc((size_t)st.size + 2);
    if (!buf)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the %s", z->path, z->label);
    zip_file_t *f = zip_fopen_index(z->archive, (zip_uint64_t)index, 0);
    if (!f) {
        free(buf);
        return zip_refusal(z->path, z->label, zip_error_code_zip(zip_get_error(z->archive)), err);
    }
    size_t got = 0;
    rc = unpack(z, name, f, st.size, buf, &got, err);
    zip_fclose(f);
    if (rc != SHELF_OK) {
        free(buf);
        return rc;
    }
    z->unpacked += got;
    z->budget -= got;
    buf[got] = '\0';
    *bytes = buf;
    *len = got;
    return SHELF_OK;
}

void shelf_zip_close(shelf_zip *z)
{
    if (!z)
        return;
    zip_discard(z->archive);
    free(z);
}
