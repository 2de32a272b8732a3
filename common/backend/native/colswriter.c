/* colswriter.c - a segment's filter columns, written as it is built; see colswriter.h. */
#include "backend/native/colswriter.h"

#include <errno.h>
#include <string.h>

#include "backend/filter_match.h"
#include "backend/native/doccols.h"
#include "backend/native/format.h"
#include "util/bytes.h"

enum { ROW_BYTES = 24, ROWS_PER_READ = 2048 };

/* A row: hash u64, day u32, folder u32, author u32, format u8, 3 zero bytes. */
static void pack_row(uint8_t *row, uint64_t hash, int32_t day, uint32_t dir, uint32_t author,
                     int format)
{
    memset(row, 0, ROW_BYTES);
    shelf_store_u64le(row, hash);
    shelf_store_u32le(row + 8, (uint32_t)day);
    shelf_store_u32le(row + 12, dir);
    shelf_store_u32le(row + 16, author);
    row[20] = (uint8_t)format;
}

int shelf_colswriter_open(shelf_colswriter *w, const char *path, shelf_err *err)
{
    memset(w, 0, sizeof *w);
    w->out.fd = -1;
    uint32_t unknown;
    if (shelf_strintern_add(&w->authors, "", 0, &unknown) != SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", path);
    int rc = shelf_fw_open(&w->out, path, SHELF_MAGIC_COLS, err);
    if (rc == SHELF_OK) {
        w->rows = shelf_unlinked_temp(path, err);
        if (!w->rows)
            rc = err && err->code ? err->code : SHELF_EIO;
    }
    if (rc != SHELF_OK)
        shelf_colswriter_close(w);
    return rc;
}

int shelf_colswriter_add(shelf_colswriter *w, const shelf_colsrow *r, shelf_err *err)
{
    uint32_t dir, author;
    size_t dir_len = shelf_path_dir_len(r->path, strlen(r->path));
    if (shelf_strintern_add(&w->dirs, r->path, dir_len, &dir) != SHELF_OK ||
        shelf_strintern_add(&w->authors, r->author ? r->author : "", r->author_len, &author) !=
            SHELF_OK)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory", w->out.path);
    uint8_t row[ROW_BYTES];
    pack_row(row, r->hash, shelf_doc_day(r->date, r->date_len, r->mtime_ns), dir, author,
             shelf_doc_format(r->flags));
    if (fwrite(row, 1, ROW_BYTES, w->rows) != ROW_BYTES)
        return shelf_errno(err, errno, "%s: cannot write temporary rows", w->out.path);
    w->count++;
    return SHELF_OK;
}

static void pad_to(shelf_colswriter *w, uint64_t offset)
{
    static const uint8_t zeros[8];
    while (w->out.offset < offset && w->out.status == SHELF_OK)
        shelf_fw_write(&w->out, zeros, offset - w->out.offset < 8 ? offset - w->out.offset : 8);
}

/* One column: `width` bytes at `at` of every row, in document order. */
static int write_column(shelf_colswriter *w, size_t at, size_t width, shelf_err *err)
{
    if (fseek(w->rows, 0, SEEK_SET) != 0)
        return shelf_errno(err, errno, "%s: cannot read back temporary rows", w->out.path);
    uint8_t rows[ROWS_PER_READ * ROW_BYTES], column[ROWS_PER_READ * 8];
    size_t n;
    while ((n = fread(rows, ROW_BYTES, ROWS_PER_READ, w->rows)) > 0) {
        for (size_t i = 0; i < n; i++)
            memcpy(column + i * width, rows + i * ROW_BYTES + at, width);
        shelf_fw_write(&w->out, column, n * width);
    }
    if (ferror(w->rows))
        return shelf_errno(err, errno, "%s: cannot read back temporary rows", w->out.path);
    return SHELF_OK;
}

static void write_strings(shelf_colswriter *w, const shelf_strintern *t, uint64_t at_offset)
{
    pad_to(w, at_offset);
    for (uint32_t i = 0; i < t->count; i++)
        shelf_fw_u32(&w->out, t->at[i]);
}

int shelf_colswriter_finish(shelf_colswriter *w, shelf_err *err)
{
    if (fflush(w->rows) != 0)
        return shelf_errno(err, errno, "%s: cannot write temporary rows", w->out.path);
    shelf_cols_layout lay;
    shelf_cols_layout_of(w->count, w->dirs.count, w->authors.count, w->dirs.len, w->authors.len,
                         &lay);
    static const struct { size_t at, width; } parts[] = {{20, 1}, {8, 4}, {12, 4}, {16, 4}, {0, 8}};
    const uint64_t starts[] = {lay.format, lay.day, lay.dir, lay.author, lay.hash};
    int rc = SHELF_OK;
    for (size_t i = 0; i < 5 && rc == SHELF_OK; i++) {
        pad_to(w, starts[i]);
        rc = write_column(w, parts[i].at, parts[i].width, err);
    }
    if (rc != SHELF_OK)
        return rc;
    write_strings(w, &w->dirs, lay.dir_at);
    write_strings(w, &w->authors, lay.author_at);
    pad_to(w, lay.dir_strings);
    shelf_fw_write(&w->out, w->dirs.block, w->dirs.len);
    pad_to(w, lay.author_strings);
    shelf_fw_write(&w->out, w->authors.block, w->authors.len);
    pad_to(w, lay.end);
    if (w->out.status == SHELF_OK && w->out.offset != lay.end)
        return shelf_errf(err, SHELF_EINVAL, "%s: columns do not fill their layout", w->out.path);
    shelf_fw_u32(&w->out, w->count);
    shelf_fw_u32(&w->out, w->dirs.count);
    shelf_fw_u32(&w->out, w->authors.count);
    shelf_fw_u32(&w->out, 0);
    shelf_fw_u32(&w->out, (uint32_t)w->dirs.len);
    shelf_fw_u32(&w->out, (uint32_t)w->authors.len);
    return shelf_fw_finish(&w->out, err);
}

int shelf_colswriter_commit(shelf_colswriter *w, shelf_err *err)
{
    return shelf_fw_commit(&w->out, err);
}

void shelf_colswriter_close(shelf_colswriter *w)
{
    shelf_fw_abort(&w->out);
    if (w->rows)
        fclose(w->rows);
    w->rows = NULL;
    shelf_strintern_free(&w->dirs);
    shelf_strintern_free(&w->authors);
}

size_t shelf_colswriter_bytes(const shelf_colswriter *w)
{
    return shelf_strintern_bytes(&w->dirs) + shelf_strintern_bytes(&w->authors);
}
