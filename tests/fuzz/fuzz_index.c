/*
 * fuzz_index.c - every index-file reader (MANIFEST, dictionary, postings,
 * positions, documents, store, deletions) fed mutated bytes of real index
 * files.
 *
 * A working copy of the template index (index_template.h) lives in the
 * scratch folder.  Input: byte 0 picks the file to replace (low 7 bits,
 * modulo the number of files, in fuzz_template_files order) and, with its
 * high bit set, asks for the footer to be repaired (file length, end magic
 * and CRC-32 recomputed, so the damage passes verification and reaches the
 * decoders); the rest is the file's new content.  The index is opened with
 * SHELF_OPEN_VERIFY and, when that refuses it, without; whatever opens is
 * read completely (index_walk.h).  Then the file is restored.
 *
 * Checked: opening returns SHELF_OK or an error with a message that names
 * a file of the index; nothing crashes, leaks or reads out of bounds; the
 * walk's checks hold.  The undamaged file must open with verification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fuzz.h"
#include "backend/native/format.h"
#include "backend/native/index.h"
#include "index_template.h"
#include "index_walk.h"
#include "util/bytes.h"

#define TARGET "index"
#define REPAIR_BIT 0x80
#define PATH_BYTES 4096

typedef struct original {
    char path[PATH_BYTES];
    uint8_t *data;
    size_t len;
} original;

static original *originals;
static char work_dir[PATH_BYTES / 2];

static uint8_t *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    fuzz_require(f != NULL, TARGET, path);
    uint8_t *data = NULL;
    size_t cap = 0, n;
    *len = 0;
    uint8_t chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (*len + n > cap) {
            cap = 2 * (*len + n);
            data = realloc(data, cap);
            fuzz_require(data != NULL, TARGET, "out of memory");
        }
        memcpy(data + *len, chunk, n);
        *len += n;
    }
    fclose(f);
    return data;
}

static void free_originals(void)
{
    for (size_t i = 0; originals && i < fuzz_template_file_count; i++)
        free(originals[i].data);
    free(originals);
    originals = NULL;
}

/* Copy the template into the working folder, keeping each file's bytes. */
static void set_up(void)
{
    if (originals)
        return;
    const char *template_dir = fuzz_template_dir();
    snprintf(work_dir, sizeof work_dir, "%s/index-work", fuzz_scratch_dir());
    fuzz_remove_tree(work_dir);
    fuzz_require(mkdir(work_dir, 0700) == 0, TARGET, "cannot create the working folder");
    originals = calloc(fuzz_template_file_count, sizeof *originals);
    fuzz_require(originals != NULL, TARGET, "out of memory");
    atexit(free_originals);
    for (size_t i = 0; i < fuzz_template_file_count; i++) {
        char from[PATH_BYTES];
        snprintf(from, sizeof from, "%s/%s", template_dir, fuzz_template_files[i]);
        snprintf(originals[i].path, PATH_BYTES, "%s/%s", work_dir, fuzz_template_files[i]);
        originals[i].data = read_whole(from, &originals[i].len);
        fuzz_write_file(originals[i].path, originals[i].data, originals[i].len);
    }
}

/* Footer: file_length:u64, end magic:u32, crc32:u32 of all bytes before it. */
static void repair_footer(uint8_t *data, size_t len)
{
    if (len < SHELF_FOOTER_BYTES)
        return;
    uint8_t *footer = data + len - SHELF_FOOTER_BYTES;
    shelf_store_u64le(footer, (uint64_t)len);
    shelf_store_u32le(footer + 8, SHELF_END_MAGIC);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)(len - 4));
    shelf_store_u32le(data + len - 4, crc);
}

/* Open with flags; walk what opens.  Returns the open's status. */
static int open_and_walk(unsigned flags)
{
    shelf_index *idx = NULL;
    shelf_err err = {0};
    int rc = shelf_index_open(&idx, work_dir, flags, &err);
    if (rc != SHELF_OK) {
        fuzz_require(idx == NULL && err.code == rc, TARGET, "failed open left an index or no code");
        fuzz_require(strstr(err.msg, work_dir) != NULL || strstr(err.msg, "seg_") ||
                         strstr(err.msg, "MANIFEST"), TARGET,
                     "open error names no file of the index");
        return rc;
    }
    fuzz_walk_index(TARGET, idx);
    shelf_index_close(idx);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    set_up();
    const original *f = &originals[(data[0] & ~REPAIR_BIT) % fuzz_template_file_count];
    uint8_t *bytes = malloc(size > 1 ? size - 1 : 1);
    fuzz_require(bytes != NULL, TARGET, "out of memory");
    memcpy(bytes, data + 1, size - 1);
    if (data[0] & REPAIR_BIT)
        repair_footer(bytes, size - 1);
    fuzz_write_file(f->path, bytes, size - 1);
    bool same = size - 1 == f->len && memcmp(bytes, f->data, f->len) == 0;
    free(bytes);
    int rc = open_and_walk(SHELF_OPEN_VERIFY);
    fuzz_require(!same || rc == SHELF_OK, TARGET, "the undamaged index does not open");
    if (rc != SHELF_OK)
        open_and_walk(0);
    fuzz_write_file(f->path, f->data, f->len);
    return 0;
}
