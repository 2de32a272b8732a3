/*
 * pdf.c - the PDF reader: the text, title, author, date and page layout of
 * a PDF, read with poppler-glib in a process of its own (shelf-helper).
 *
 * As a row of the readers table (.pdf): chosen by content when "%PDF-"
 * occurs within the first 1 KiB (whatever the name), never by the name
 * alone; sandboxed, so it gets the whole file up to SHELF_MAX_PDF_BYTES, and
 * a budget of SHELF_PDF_BUDGET_MS.
 *
 * Three parts: the child collects pages of lines with poppler
 * (pdf_collect.c), the parent decodes what it sent into a shelf_pdfdoc
 * (pdf_decode.c), and the structure rules (pdfstruct.c) make the text,
 * title and layout of it.  This file runs the child and ties them up.
 *
 * Isolation.  Poppler parses untrusted bytes and can crash, hang or run away
 * with memory on a damaged file.  So all poppler work happens in
 * shelf-helper, which each reading thread keeps running from file to file
 * and replaces after any file it fails on (extract/isolated.h,
 * util/sandbox.h: the bytes passed as a memory file, no other descriptor
 * of ours, output silenced, no core dumps, a time budget), with its address
 * space capped, for each file, at what it holds when the file arrives +
 * 1 GiB + 2 x the result limit (not under AddressSanitizer).  This process never calls
 * poppler or glib.
 *
 * The result the child sends (the sandbox frames it).  Integers are
 * little-endian; f32 is an IEEE 754 single, its bits as a u32; str is
 * len:u32 then len bytes of UTF-8 as poppler gave them:
 *   kind:u8 = RESULT_OK (0):
 *               title:str author:str date:str   (metadata; date "YYYY-MM-DD"
 *                                                 or "")
 *               npages:u32, per page:
 *                 width:f32 height:f32 label:str nlines:u32, per line:
 *                   text:str x0:f32 y0:f32 x1:f32 y1:f32 font_size:f32 flags:u8
 *                   (the box from the page's top left, y downwards; flags
 *                   bit 0: bold; text: the line without '\n', a
 *                   space added where characters stand apart)
 *               noutline:u32, per entry (depth first):
 *                 title:str level:u32 (1 = top) page:u32 (1-based, 0 unknown)
 *                 y:f32 (from the page's top, -1 unknown)
 *               and nothing after;
 *           | RESULT_ENCRYPTED (1)
 *           | RESULT_DAMAGED (2):  reason:str
 * What the child puts in (how lines, boxes, fonts, bold and the outline are
 * found) is described in pdf_collect.c; what the parent makes sure of
 * whatever it gets, in pdf_decode.c.  The child keeps to at most
 * SHELF_PDF_MAX_LINES_PER_PAGE lines a page and SHELF_PDF_MAX_OUTLINE
 * outline entries (pdfwire.h).
 *
 * The parent accepts at most 64 x the input size + 1 MiB of body (the child
 * stops at the same bound): a longer one is "damaged PDF: extracted text too
 * large"; a truncated or malformed result, a non-zero exit or a death by a
 * signal is "PDF reader crashed (damaged PDF?)".
 *
 * Errors, all SHELF_ESKIP with a message that starts with the path:
 * "encrypted PDF (needs a password)" (an empty user password opens fine),
 * "damaged PDF: <reason>", "no text layer (image-only PDF?)", "PDF took
 * longer than N s to read (skipped)", "PDF reader crashed (damaged PDF?)";
 * SHELF_EIO when no pipe or process can be made, SHELF_ENOMEM.  On error
 * *out holds nothing.
 *
 * The budget.  The parent waits at most budget_ms of wall-clock time from
 * the fork (0 means no limit); over budget the child is killed and the file
 * is skipped.
 *
 * The text, title, author, date and layout: pdfstruct.h.
 */
#include "extract/readers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/isolated.h"
#include "extract/pdfstruct.h"
#include "extract/pdfwire.h"
#include "util/buf.h"

#define RESULT_GROWTH 64                  /* body bytes allowed per input byte */
#define RESULT_SLACK ((size_t)1 << 20)    /* plus this much */
#define CHILD_MEMORY_HEADROOM ((size_t)1 << 30) /* address space for poppler */
#define SIGNATURE_SNIFF_BYTES 1024            /* "%PDF-" is looked for this far */

size_t shelf_pdf_result_limit(size_t input_len)
{
    if (input_len > (SIZE_MAX - RESULT_SLACK) / RESULT_GROWTH)
        return SIZE_MAX;
    return input_len * RESULT_GROWTH + RESULT_SLACK;
}

/* The child's address space on top of its start: room for poppler plus
 * twice the result limit (SIZE_MAX, no cap, when that overflows). */
static size_t memory_headroom(size_t input_len)
{
    size_t extra = shelf_pdf_result_limit(input_len);
    if (extra > (SIZE_MAX - CHILD_MEMORY_HEADROOM) / 2)
        return SIZE_MAX;
    return CHILD_MEMORY_HEADROOM + 2 * extra;
}

/* ------------------------------------------------------------------------
 * The parent: run the child in the sandbox, turn its end into our errors.
 * ------------------------------------------------------------------------ */

/* Run the reader on data.  On SHELF_OK *body holds the child's complete
 * result. */
static int run_reader(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_buf *body, shelf_err *err)
{
    shelf_isolated_job job = {.format = shelf_pdf_format.name,
                              .path = path,
                              .data = data,
                              .len = len,
                              .budget_ms = budget_ms,
                              .max_result = shelf_pdf_result_limit(len),
                              .memory_headroom = memory_headroom(len),
                              .worker = "the PDF reader"};
    shelf_collected got;
    int rc = shelf_isolated_read(&job, &got, err);
    if (rc == SHELF_ENOMEM)
        return shelf_errf(err, SHELF_ENOMEM, "%s: out of memory reading the PDF", path);
    if (rc != SHELF_OK)
        return rc;
    switch (got.end) {
    case SHELF_COLLECT_COMPLETE:
        *body = got.result;
        return SHELF_OK;
    case SHELF_COLLECT_TIMED_OUT:
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF took longer than %g s to read (skipped)",
                          path, budget_ms / 1000.0);
    case SHELF_COLLECT_TOO_LARGE:
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged PDF: extracted text too large", path);
    default:
        return shelf_errf(err, SHELF_ESKIP, "%s: PDF reader crashed (damaged PDF?)", path);
    }
}

/* ------------------------------------------------------------------------
 * The reader.
 * ------------------------------------------------------------------------ */

int shelf_pdf_read_doc(const char *path, const char *data, size_t len, unsigned budget_ms,
                       shelf_pdf_read *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_buf body = SHELF_BUF_INIT;
    int rc = run_reader(path, data, len, budget_ms, &body, err);
    if (rc != SHELF_OK)
        return rc;
    return shelf_pdf_decode(path, &body, out, err);
}

int shelf_extract_pdf(const char *path, const char *data, size_t len, unsigned budget_ms,
                      shelf_doctext *out, shelf_err *err)
{
    memset(out, 0, sizeof *out);
    shelf_pdf_read read;
    int rc = shelf_pdf_read_doc(path, data, len, budget_ms, &read, err);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_pdfdoc_build(path, &read.doc, out, err);
    shelf_pdf_read_free(&read);
    return rc;
}

static shelf_sniff sniff_pdf(const char *data, size_t len)
{
    size_t n = len < SIGNATURE_SNIFF_BYTES ? len : SIGNATURE_SNIFF_BYTES;
    for (size_t i = 0; i + 5 <= n; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return SHELF_SNIFF_YES;
    return SHELF_SNIFF_NO;
}

static int read_pdf(const char *path, const char *data, size_t len, shelf_doctext *out,
                    shelf_err *err)
{
    return shelf_extract_pdf(path, data, len, SHELF_PDF_BUDGET_MS, out, err);
}

const shelf_reader shelf_reader_pdf = {
    .info = &shelf_pdf_format,
    .sniff = sniff_pdf,
    .extract = read_pdf,
    .sandboxed = true,
    .max_file_bytes = SHELF_MAX_PDF_BYTES,
};
