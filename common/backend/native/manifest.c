/* manifest.c - reading and atomically committing MANIFEST; see manifest.h. */
#include "backend/native/manifest.h"
#include "backend/native/filewriter.h"
#include "backend/native/format.h"
#include "backend/native/mapped.h"
#include "util/bytes.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEGMENT_RECORD_BYTES 40

/* The language must be one this build analyses: a damaged name would
 * otherwise pass the check and stop every search with a message about an
 * unknown language that names no file. */
static int check_language(const shelf_mapped *f, const char *language, size_t len, shelf_err *err)
{
    for (size_t i = 0; i < len; i++)
        if (language[i] < 'a' || language[i] > 'z')
            return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (bad language field)", f->path);
    if (!shelf_analyzer_knows(language))
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged, or from another build (unknown "
                          "language '%s')", f->path, language);
    return SHELF_OK;
}

static int parse_body(const shelf_mapped *f, shelf_manifest *m, shelf_err *err)
{
    const uint8_t *p = f->body, *end = f->body + f->body_len;
    if (end - p < 9)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (body too short)", f->path);
    m->generation = shelf_load_u64le(p);
    uint8_t lang_len = p[8];
    p += 9;
    if (lang_len == 0 || lang_len > SHELF_LANGUAGE_MAX || end - p < lang_len + 8)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (bad language field)", f->path);
    memcpy(m->language, p, lang_len);
    m->language[lang_len] = '\0';
    int rc = check_language(f, m->language, lang_len, err);
    if (rc != SHELF_OK)
        return rc;
    p += lang_len;
    m->next_segment = shelf_load_u32le(p);
    m->segment_count = shelf_load_u32le(p + 4);
    p += 8;
    if ((uint64_t)(end - p) != (uint64_t)m->segment_count * SEGMENT_RECORD_BYTES)
        return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (segment list length)", f->path);
    m->segments = calloc(m->segment_count ? m->segment_count : 1, sizeof *m->segments);
    if (!m->segments)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", f->path);
    for (uint32_t i = 0; i < m->segment_count; i++, p += SEGMENT_RECORD_BYTES) {
        shelf_manifest_segment *seg = &m->segments[i];
        seg->number = shelf_load_u32le(p);
        seg->doc_count = shelf_load_u32le(p + 4);
        seg->live_count = shelf_load_u32le(p + 8);
        seg->del_gen = shelf_load_u32le(p + 12);
        seg->total_tokens = shelf_load_u64le(p + 16);
        seg->live_tokens = shelf_load_u64le(p + 24);
        seg->live_title_tokens = shelf_load_u64le(p + 32);
        if (seg->number >= m->next_segment || seg->live_count > seg->doc_count ||
            seg->live_tokens > seg->total_tokens || seg->del_gen > m->generation ||
            (seg->del_gen == 0 && seg->live_count != seg->doc_count))
            return shelf_errf(err, SHELF_ECORRUPT, "%s: damaged (segment %u record)", f->path, i);
    }
    return SHELF_OK;
}

int shelf_manifest_read(const char *dir, shelf_manifest *m, shelf_err *err)
{
    memset(m, 0, sizeof *m);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_MANIFEST_NAME);
    if (access(path, F_OK) != 0) {
        if (errno == ENOENT)
            return shelf_errf(err, SHELF_ENOTFOUND, "%s: no index here (no %s)", dir,
                              SHELF_MANIFEST_NAME);
        return shelf_errno(err, errno, "%s: cannot access", path);
    }
    shelf_mapped f;
    int rc = shelf_map_open(&f, path, SHELF_MAGIC_MANIFEST, 0, true, err);
    if (rc != SHELF_OK)
        return rc;
    rc = parse_body(&f, m, err);
    shelf_map_close(&f);
    if (rc != SHELF_OK)
        shelf_manifest_free(m);
    return rc;
}

int shelf_manifest_write(const char *dir, const shelf_manifest *m, shelf_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, SHELF_MANIFEST_NAME);
    size_t lang_len = strlen(m->language);
    if (lang_len == 0 || lang_len > SHELF_LANGUAGE_MAX)
        return shelf_errf(err, SHELF_EINVAL, "%s: bad language name", path);
    shelf_fwriter w;
    int rc = shelf_fw_open(&w, path, SHELF_MAGIC_MANIFEST, err);
    if (rc != SHELF_OK)
        return rc;
    shelf_fw_u64(&w, m->generation);
    uint8_t len8 = (uint8_t)lang_len;
    shelf_fw_write(&w, &len8, 1);
    shelf_fw_write(&w, m->language, lang_len);
    shelf_fw_u32(&w, m->next_segment);
    shelf_fw_u32(&w, m->segment_count);
    for (uint32_t i = 0; i < m->segment_count; i++) {
        const shelf_manifest_segment *seg = &m->segments[i];
        shelf_fw_u32(&w, seg->number);
        shelf_fw_u32(&w, seg->doc_count);
        shelf_fw_u32(&w, seg->live_count);
        shelf_fw_u32(&w, seg->del_gen);
        shelf_fw_u64(&w, seg->total_tokens);
        shelf_fw_u64(&w, seg->live_tokens);
        shelf_fw_u64(&w, seg->live_title_tokens);
    }
    rc = shelf_fw_finish(&w, err);
    if (rc == SHELF_OK)
        rc = shelf_fw_commit(&w, err);
    shelf_fw_abort(&w);
    if (rc == SHELF_OK)
        rc = shelf_fsync_dir(dir, err);
    return rc;
}

void shelf_manifest_free(shelf_manifest *m)
{
    free(m->segments);
    m->segments = NULL;
    m->segment_count = 0;
}
