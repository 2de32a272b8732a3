/*
 * test_extract_pdf.c - the PDF reader (common/extract/pdf.c) on real PDFs.
 *
 * Small PDFs are written by a tiny writer below (catalog, page tree, a
 * Helvetica Type1 font, BT/Tf/Td/Tj/ET content streams, an exact xref, an
 * optional /Info /Title).  Others are made with Debian tools at run time:
 * qpdf (encryption) and enscript + ps2pdf (a part of the sample corpus set
 * at 60 lines a page).  Checked:
 *   - pages land between the right layout page starts, joined by exactly one
 *     blank line; the title comes from the metadata (trimmed, controls to
 *     spaces) or is NULL; an empty page keeps its own, strictly ascending
 *     start;
 *   - graphics only: "no text layer"; damaged and garbage PDFs: SHELF_ESKIP,
 *     nothing printed; encrypted: the password message;
 *   - a 1 ms budget on a large PDF: the budget message, promptly, no child
 *     left behind; the same file read in full with a normal budget; a
 *     small PDF of a million nested text draws (poppler needs minutes) is
 *     stopped at its 1.5 s budget;
 *   - concurrent extractions from several threads;
 *   - the corpus as printed by enscript: line i is on page (i-1)/60+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract/extract.h"
#include "present/place.h"
#include "support.h"

#define BUDGET_MS 60000u

/* ---- a tiny PDF writer ---- */

typedef struct pdf_page {
    const char *const *lines; /* NULL-terminated; NULL for a graphics-only page */
    const char *footer;       /* NULL, or a line set apart at the page's foot */
} pdf_page;

static void pdf_escape(ts_sbuf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '(' || *s == ')' || *s == '\\')
            ts_sb_add(b, "\\");
        ts_sb_addn(b, s, 1);
    }
}

/* A content stream: each line 16 points below the previous one. */
static char *page_content(const pdf_page *pg)
{
    ts_sbuf b = {0};
    if (!pg->lines) {
        ts_sb_add(&b, "0 0 1 rg 100 100 200 200 re f\n");
        return ts_sb_take(&b);
    }
    ts_sb_add(&b, "BT\n/F1 12 Tf\n72 720 Td\n");
    for (size_t i = 0; pg->lines[i]; i++) {
        if (i > 0)
            ts_sb_add(&b, "0 -16 Td\n");
        ts_sb_add(&b, "(");
        pdf_escape(&b, pg->lines[i]);
        ts_sb_add(&b, ") Tj\n");
    }
    ts_sb_add(&b, "ET\n");
    if (pg->footer) {
        ts_sb_add(&b, "BT\n/F1 10 Tf\n300 40 Td\n(");
        pdf_escape(&b, pg->footer);
        ts_sb_add(&b, ") Tj\nET\n");
    }
    return ts_sb_take(&b);
}

typedef struct pdf_writer {
    ts_sbuf b;
    size_t *offsets; /* of object 1, 2, ... */
    size_t nobj;
} pdf_writer;

static void obj_begin(pdf_writer *w, size_t num)
{
    assert_int_equal(num, w->nobj + 1); /* objects are written in order */
    w->offsets = realloc(w->offsets, (w->nobj + 1) * sizeof *w->offsets);
    assert_non_null(w->offsets);
    w->offsets[w->nobj++] = w->b.n;
    char *hdr = ts_strf("%zu 0 obj\n", num);
    ts_sb_add(&w->b, hdr);
    free(hdr);
}

static void obj_dict(pdf_writer *w, size_t num, const char *dict)
{
    obj_begin(w, num);
    ts_sb_add(&w->b, dict);
    ts_sb_add(&w->b, "\nendobj\n");
}

static void obj_stream(pdf_writer *w, size_t num, const char *dict, const char *content)
{
    obj_begin(w, num);
    char *head = ts_strf("<< %s /Length %zu >>\nstream\n", dict, strlen(content));
    ts_sb_add(&w->b, head);
    ts_sb_add(&w->b, content);
    ts_sb_add(&w->b, "endstream\nendobj\n");
    free(head);
}

/* The cross-reference table and trailer; returns the file. */
static char *pdf_finish(pdf_writer *w, bool with_info, size_t *len)
{
    size_t xref = w->b.n;
    char *s = ts_strf("xref\n0 %zu\n0000000000 65535 f \n", w->nobj + 1);
    ts_sb_add(&w->b, s);
    free(s);
    for (size_t i = 0; i < w->nobj; i++) {
        s = ts_strf("%010zu 00000 n \n", w->offsets[i]);
        ts_sb_add(&w->b, s);
        free(s);
    }
    s = ts_strf("trailer\n<< /Size %zu /Root 1 0 R%s >>\nstartxref\n%zu\n%%%%EOF\n", w->nobj + 1,
                with_info ? " /Info 4 0 R" : "", xref);
    ts_sb_add(&w->b, s);
    free(s);
    free(w->offsets);
    *len = w->b.n;
    return ts_sb_take(&w->b);
}

#define PDF_HEADER "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"
#define PDF_CATALOG "<< /Type /Catalog /Pages 2 0 R >>"
#define PDF_FONT "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

/* Objects: 1 catalog, 2 page tree, 3 font, 4 info, then page k (0-based) is
 * object 5 + 2k and its content stream 6 + 2k. */
static char *make_pdf(const char *title, const pdf_page *pages, size_t npages, size_t *len)
{
    pdf_writer w = {0};
    ts_sb_add(&w.b, PDF_HEADER);
    obj_dict(&w, 1, PDF_CATALOG);
    ts_sbuf kids = {0};
    for (size_t k = 0; k < npages; k++) {
        char *ref = ts_strf("%s%zu 0 R", k ? " " : "", 5 + 2 * k);
        ts_sb_add(&kids, ref);
        free(ref);
    }
    char *kids_s = ts_sb_take(&kids);
    char *tree = ts_strf("<< /Type /Pages /Kids [%s] /Count %zu >>", kids_s, npages);
    obj_dict(&w, 2, tree);
    free(tree);
    free(kids_s);
    obj_dict(&w, 3, PDF_FONT);
    if (title) {
        ts_sbuf info = {0};
        ts_sb_add(&info, "<< /Title (");
        pdf_escape(&info, title);
        ts_sb_add(&info, ") /Producer (test_extract_pdf) >>");
        char *s = ts_sb_take(&info);
        obj_dict(&w, 4, s);
        free(s);
    } else {
        obj_dict(&w, 4, "<< /Producer (test_extract_pdf) >>");
    }
    for (size_t k = 0; k < npages; k++) {
        char *page = ts_strf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                             "/Resources << /Font << /F1 3 0 R >> >> /Contents %zu 0 R >>",
                             6 + 2 * k);
        obj_dict(&w, 5 + 2 * k, page);
        free(page);
        char *content = page_content(&pages[k]);
        obj_stream(&w, 6 + 2 * k, "", content);
        free(content);
    }
    return pdf_finish(&w, title != NULL, len);
}

/* A small file that takes poppler minutes: one page draws form C 100
 * times, C draws form B 100 times, B draws form A (a line of text) 100
 * times at different places: a million text draws.  Objects: 1 catalog,
 * 2 page tree, 3 font, 4 page, 5 its content, 6 A, 7 B, 8 C. */
static char *make_slow_pdf(size_t *len)
{
    pdf_writer w = {0};
    ts_sb_add(&w.b, PDF_HEADER);
    obj_dict(&w, 1, PDF_CATALOG);
    obj_dict(&w, 2, "<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    obj_dict(&w, 3, PDF_FONT);
    obj_dict(&w, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    "/Resources << /XObject << /C 8 0 R >> >> /Contents 5 0 R >>");
    ts_sbuf page = {0}, b = {0}, c = {0};
    for (int i = 0; i < 100; i++) {
        char *draw_b = ts_strf("q 1 0 0 1 %d %d cm /A Do Q\n", 10 + (i % 5) * 120, 10 + (i / 5) * 7);
        ts_sb_add(&b, draw_b);
        free(draw_b);
        ts_sb_add(&c, "q 1 0 0 1 0 0.01 cm /B Do Q\n");
        ts_sb_add(&page, "/C Do\n");
    }
    char *page_s = ts_sb_take(&page), *b_s = ts_sb_take(&b), *c_s = ts_sb_take(&c);
    obj_stream(&w, 5, "", page_s);
    const char *form = "/Type /XObject /Subtype /Form /BBox [0 0 612 792]";
    char *a_dict = ts_strf("%s /Resources << /Font << /F1 3 0 R >> >>", form);
    obj_stream(&w, 6, a_dict, "BT /F1 1 Tf 0 0 Td (lorem ipsum dolor sit amet) Tj ET\n");
    char *b_dict = ts_strf("%s /Resources << /XObject << /A 6 0 R >> >>", form);
    obj_stream(&w, 7, b_dict, b_s);
    char *c_dict = ts_strf("%s /Resources << /XObject << /B 7 0 R >> >>", form);
    obj_stream(&w, 8, c_dict, c_s);
    free(a_dict);
    free(b_dict);
    free(c_dict);
    free(page_s);
    free(b_s);
    free(c_s);
    return pdf_finish(&w, false, len);
}

/* ---- helpers ---- */

static const char *const P1[] = {"Alpha page one", "second line of alpha", NULL};
static const char *const P2[] = {"Bravo page two", NULL};
static const char *const P3[] = {"Charlie page three", "last line of charlie", NULL};

/* [start, end) of a 1-based page in d. */
static void page_range(const shelf_doctext *d, size_t page, size_t *start, size_t *end)
{
    assert_true(page >= 1 && page <= d->layout.npages);
    *start = (size_t)d->layout.pages[page - 1];
    *end = page < d->layout.npages ? (size_t)d->layout.pages[page] : d->len;
}

/* A copy of d's text on one page. */
static char *page_text(const shelf_doctext *d, size_t page)
{
    size_t a, b;
    page_range(d, page, &a, &b);
    char *s = malloc(b - a + 1);
    assert_non_null(s);
    memcpy(s, d->text + a, b - a);
    s[b - a] = '\0';
    return s;
}

static void assert_well_formed(const shelf_doctext *d)
{
    assert_non_null(d->text);
    assert_int_equal(strlen(d->text), d->len);
    assert_true(d->layout.structured); /* a PDF's sections are its headings (pdfstruct.h) */
    assert_int_equal(d->encoding, SHELF_ENC_UTF8);
    assert_true(d->layout.npages >= 1);
    assert_int_equal(d->layout.pages[0], 0);
    for (size_t i = 1; i < d->layout.npages; i++) {
        assert_true(d->layout.pages[i] > d->layout.pages[i - 1]);
        assert_true(d->layout.pages[i] < d->len);
    }
    assert_null(strstr(d->text, "\n\n\n\n")); /* only empty pages add blank lines */
    assert_null(strchr(d->text, '\r'));
    assert_null(strchr(d->text, '\f'));
    assert_null(strstr(d->text, " \n"));
}

static void assert_empty_doctext(const shelf_doctext *d)
{
    assert_null(d->text);
    assert_null(d->title);
    assert_int_equal(d->len, 0);
    assert_int_equal(d->layout.npages, 0);
    assert_null(d->layout.pages);
}

static void assert_message(const shelf_err *err, const char *path, const char *what)
{
    assert_int_equal(strncmp(err->msg, path, strlen(path)), 0);
    if (!strstr(err->msg, what))
        fail_msg("message \"%s\" lacks \"%s\"", err->msg, what);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The children of this process, from /proc (every thread's list). */
static int count_children(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = ts_strf("/proc/self/task/%s/children", e->d_name);
        FILE *f = fopen(path, "r");
        free(path);
        int pid;
        while (f && fscanf(f, "%d", &pid) == 1)
            n++;
        if (f)
            fclose(f);
    }
    closedir(d);
    return n;
}

/* No child process of ours is left but the calling thread's kept helper
 * (util/sandbox.h), if the last file was read: none after a failure, which
 * ends the helper; and no zombie. */
static void assert_no_children(void)
{
    errno = 0;
    int r = waitpid(-1, NULL, WNOHANG);
    assert_true(r == 0 || (r == -1 && errno == ECHILD));
    assert_true(count_children() <= 1);
}

/* ---- tests ---- */

static void test_pages_and_title(void **state)
{
    pdf_page pages[] = {{P1}, {P2}, {P3}};
    size_t len;
    char *pdf = make_pdf("Field Manual of Tests", pages, 3, &len);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_pdf("three.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_well_formed(&d);
    assert_int_equal(d.layout.npages, 3);
    assert_int_equal(d.layout.nlabels, 0); /* no /PageLabels: cited by physical page */
    assert_string_equal(d.text, "Alpha page one\nsecond line of alpha\n\n"
                                "Bravo page two\n\n"
                                "Charlie page three\nlast line of charlie");
    char *p1 = page_text(&d, 1), *p2 = page_text(&d, 2), *p3 = page_text(&d, 3);
    assert_string_equal(p1, "Alpha page one\nsecond line of alpha\n\n");
    assert_string_equal(p2, "Bravo page two\n\n");
    assert_string_equal(p3, "Charlie page three\nlast line of charlie");
    assert_int_equal(shelf_layout_page_of(&d.layout, (uint64_t)(strstr(d.text, "Bravo") - d.text)),
                     2);
    assert_non_null(d.title);
    assert_string_equal(d.title, "Field Manual of Tests");
    assert_int_equal(d.title_len, strlen(d.title));
    free(p1);
    free(p2);
    free(p3);
    shelf_doctext_free(&d);
    free(pdf);
}

static void test_title_trimmed_or_null(void **state)
{
    pdf_page pages[] = {{P2}};
    size_t len;
    char *pdf = make_pdf(NULL, pages, 1, &len);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_pdf("untitled.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_null(d.title);
    assert_int_equal(d.title_len, 0);
    assert_string_equal(d.text, "Bravo page two");
    assert_int_equal(d.layout.npages, 1);
    shelf_doctext_free(&d);
    free(pdf);

    pdf = make_pdf("  Two\nLines \t", pages, 1, &len);
    assert_int_equal(shelf_extract_pdf("spaced.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_string_equal(d.title, "Two Lines");
    shelf_doctext_free(&d);
    free(pdf);

    pdf = make_pdf("   ", pages, 1, &len); /* white space only: no title */
    assert_int_equal(shelf_extract_pdf("blank.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_null(d.title);
    shelf_doctext_free(&d);
    free(pdf);

    /* producers' placeholders are no titles; a real title that starts alike is */
    static const char *const placeholders[] = {"Enscript Output", "Untitled",
                                               "Microsoft Word - draft.docx"};
    for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++) {
        pdf = make_pdf(placeholders[i], pages, 1, &len);
        assert_int_equal(shelf_extract_pdf("p.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
        assert_null(d.title);
        shelf_doctext_free(&d);
        free(pdf);
    }
    pdf = make_pdf("Untitled Territories", pages, 1, &len);
    assert_int_equal(shelf_extract_pdf("t.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_string_equal(d.title, "Untitled Territories");
    shelf_doctext_free(&d);
    free(pdf);
}

static void test_empty_page_keeps_its_start(void **state)
{
    pdf_page pages[] = {{NULL}, {P1}, {NULL}, {P3}, {NULL}};
    size_t len;
    char *pdf = make_pdf("Gaps", pages, 5, &len);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_pdf("gaps.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    assert_int_equal(d.layout.npages, 5);
    assert_well_formed(&d);
    assert_string_equal(d.text, "\nAlpha page one\nsecond line of alpha\n\n\n"
                                "Charlie page three\nlast line of charlie\n\n\n");
    const uint64_t starts[] = {0, 1, 38, 39, 80};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(d.layout.pages[i], starts[i]);
    char *p2 = page_text(&d, 2), *p4 = page_text(&d, 4);
    assert_non_null(strstr(p2, "Alpha page one"));
    assert_non_null(strstr(p4, "last line of charlie"));
    free(p2);
    free(p4);
    shelf_doctext_free(&d);
    free(pdf);
}

static void test_graphics_only_has_no_text_layer(void **state)
{
    pdf_page pages[] = {{NULL}, {NULL}};
    size_t len;
    char *pdf = make_pdf("Pictures", pages, 2, &len);
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(shelf_extract_pdf("scan.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_ESKIP);
    assert_message(&err, "scan.pdf", ": no text layer (image-only PDF?)");
    assert_empty_doctext(&d);
    free(pdf);
}

/* Runs the reader with fds 1 and 2 sent to a file; asserts nothing was
 * written there. */
static int extract_silently(const char *path, const char *data, size_t len, shelf_doctext *d,
                            shelf_err *err)
{
    char *dir = ts_mkdtemp();
    char *log = ts_strf("%s/output", dir);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved_out >= 0 && saved_err >= 0 && fd >= 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    int rc = shelf_extract_pdf(path, data, len, BUDGET_MS, d, err);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    size_t n = 1;
    char *printed = ts_read_file(log, &n);
    assert_non_null(printed);
    if (n != 0)
        fail_msg("the PDF reader printed: %s", printed);
    free(printed);
    ts_rmtree(dir);
    free(log);
    free(dir);
    return rc;
}

static void test_damaged_pdfs_are_skipped(void **state)
{
    pdf_page pages[] = {{P1}, {P2}};
    size_t len;
    char *pdf = make_pdf("Broken", pages, 2, &len);
    shelf_doctext d;
    shelf_err err = {0};

    /* Garbage after the header. */
    static const char garbage[] = "%PDF-1.7\n\x01\x02 this is not a PDF at all ((( << >> endobj";
    assert_int_equal(extract_silently("garbage.pdf", garbage, sizeof garbage - 1, &d, &err),
                     SHELF_ESKIP);
    assert_message(&err, "garbage.pdf", ": damaged PDF: the file structure is broken");
    assert_empty_doctext(&d);

    /* Cut before the page tree: nothing left to reconstruct. */
    size_t cut = (size_t)(strstr(pdf, "2 0 obj") - pdf);
    assert_int_equal(extract_silently("cut.pdf", pdf, cut, &d, &err), SHELF_ESKIP);
    assert_message(&err, "cut.pdf", ": ");
    assert_empty_doctext(&d);

    /* Cut at every tenth of the file: skipped or (xref reconstructed) read,
     * never a crash, never output. */
    for (size_t k = 1; k < 10; k++) {
        int rc = extract_silently("part.pdf", pdf, len * k / 10, &d, &err);
        assert_true(rc == SHELF_OK || rc == SHELF_ESKIP);
        if (rc == SHELF_OK) {
            assert_well_formed(&d);
            shelf_doctext_free(&d);
        } else {
            assert_message(&err, "part.pdf", ": ");
            assert_empty_doctext(&d);
        }
    }

    /* A well-formed file without pages. */
    char *nopages = make_pdf("Nothing", NULL, 0, &len);
    assert_int_equal(extract_silently("nopages.pdf", nopages, len, &d, &err), SHELF_ESKIP);
    assert_message(&err, "nopages.pdf", ": damaged PDF: ");
    assert_empty_doctext(&d);
    free(nopages);

    /* Only the header; and no bytes at all. */
    assert_int_equal(extract_silently("header.pdf", pdf, 9, &d, &err), SHELF_ESKIP);
    assert_message(&err, "header.pdf", ": damaged PDF: ");
    assert_int_equal(extract_silently("none.pdf", pdf, 0, &d, &err), SHELF_ESKIP);
    assert_message(&err, "none.pdf", ": damaged PDF: ");
    free(pdf);
    assert_no_children();
}

static void require_tool(const char *tool)
{
    char *cmd = ts_strf("command -v %s", tool);
    int rc = ts_run(cmd, NULL, NULL);
    free(cmd);
    if (rc != 0)
        fail_msg("%s is not installed; run tools/install-deps (Debian packages qpdf, enscript, "
                 "ghostscript)",
                 tool);
}

static void test_encrypted_pdf(void **state)
{
    require_tool("qpdf");
    pdf_page pages[] = {{P1}};
    size_t len;
    char *pdf = make_pdf("Secret Plans", pages, 1, &len);
    char *dir = ts_mkdtemp();
    char *in = ts_write_file(dir, "in.pdf", pdf, len);
    char *out = ts_strf("%s/out.pdf", dir);
    char *cmd = ts_strf("qpdf --encrypt secret secret 256 -- '%s' '%s'", in, out);
    char *qerr = NULL;
    int rc = ts_run(cmd, NULL, &qerr);
    if (rc != 0 && rc != 3) /* 3: success with warnings */
        fail_msg("qpdf failed (%d): %s", rc, qerr ? qerr : "");
    size_t elen;
    char *enc = ts_read_file(out, &elen);
    assert_non_null(enc);

    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(extract_silently(out, enc, elen, &d, &err), SHELF_ESKIP);
    assert_message(&err, out, ": encrypted PDF (needs a password)");
    assert_empty_doctext(&d);

    free(enc);
    free(qerr);
    free(cmd);
    free(out);
    free(in);
    ts_rmtree(dir);
    free(dir);
    free(pdf);
}

/* A PDF of n pages of 40 lines each. */
static char *make_large_pdf(size_t n, size_t *len)
{
    static const char *const lines[] = {
        "The quick brown fox jumps over the lazy dog, again and again and again.",
        "Pack my box with five dozen liquor jugs; how vexingly quick daft zebras jump.",
        NULL};
    const char *many[41];
    for (size_t i = 0; i < 40; i++)
        many[i] = lines[i % 2];
    many[40] = NULL;
    pdf_page *pages = malloc(n * sizeof *pages);
    assert_non_null(pages);
    for (size_t k = 0; k < n; k++)
        pages[k] = (pdf_page){many, NULL};
    char *pdf = make_pdf("Large", pages, n, len);
    free(pages);
    return pdf;
}

static void test_budget_kills_slow_reader(void **state)
{
    size_t len;
    char *pdf = make_large_pdf(400, &len);
    shelf_doctext d;
    shelf_err err = {0};
    int64_t t0 = now_ms();
    assert_int_equal(shelf_extract_pdf("large.pdf", pdf, len, 1, &d, &err), SHELF_ESKIP);
    int64_t took = now_ms() - t0;
    assert_string_equal(err.msg, "large.pdf: PDF took longer than 0.001 s to read (skipped)");
    assert_true(took < 2000);
    assert_empty_doctext(&d);
    assert_no_children();
    assert_int_equal(count_children(), 0); /* the helper was killed */

    /* The same file is fine with time to read it. */
    t0 = now_ms();
    assert_int_equal(shelf_extract_pdf("large.pdf", pdf, len, BUDGET_MS, &d, &err), SHELF_OK);
    took = now_ms() - t0;
    assert_true(took > 1); /* so 1 ms was really too little */
    assert_well_formed(&d);
    assert_int_equal(d.layout.npages, 400);
    char *last = page_text(&d, 400);
    assert_non_null(strstr(last, "lazy dog"));
    free(last);
    shelf_doctext_free(&d);
    assert_no_children();
    free(pdf);
}

static void test_budget_kills_hung_reader(void **state)
{
    size_t len;
    char *pdf = make_slow_pdf(&len);
    shelf_doctext d;
    shelf_err err = {0};
    int64_t t0 = now_ms();
    assert_int_equal(shelf_extract_pdf("slow.pdf", pdf, len, 1500, &d, &err), SHELF_ESKIP);
    int64_t took = now_ms() - t0;
    assert_string_equal(err.msg, "slow.pdf: PDF took longer than 1.5 s to read (skipped)");
    assert_true(took >= 1500 && took < 4000); /* killed at the budget, not at the end */
    assert_empty_doctext(&d);
    assert_int_equal(count_children(), 0);
    assert_no_children();
    free(pdf);
}

typedef struct worker_arg {
    const char *pdf;
    size_t len;
    int failures;
} worker_arg;

#define EXTRACTORS 4
#define EXTRACTIONS 8
#define THREADED_BUDGET_MS 20000u

static void *worker(void *p)
{
    worker_arg *a = p;
    for (int i = 0; i < EXTRACTIONS; i++) {
        shelf_doctext d;
        shelf_err err = {0};
        if (shelf_extract_pdf("threaded.pdf", a->pdf, a->len, THREADED_BUDGET_MS, &d, &err) !=
                SHELF_OK ||
            d.layout.npages != 3 || !strstr(d.text, "Charlie page three")) {
            fprintf(stderr, "threaded extraction %d failed: %s\n", i, err.msg);
            a->failures++;
        }
        shelf_doctext_free(&d);
    }
    return NULL;
}

/* PDFs read from several threads at once while two more allocate: every
 * one is read, none runs into the budget.  The reader once forked this
 * process (no exec): under AddressSanitizer a child could inherit an
 * allocator lock another thread held and hang until the budget killed it,
 * and the file was skipped. */
static void test_concurrent_extractions(void **state)
{
    pdf_page pages[] = {{P1}, {P2}, {P3}};
    size_t len;
    char *pdf = make_pdf("Threads", pages, 3, &len);
    pthread_t threads[EXTRACTORS];
    worker_arg args[EXTRACTORS];
    ts_churn *churn = ts_churn_start(2);
    assert_non_null(churn);
    for (int i = 0; i < EXTRACTORS; i++) {
        args[i] = (worker_arg){pdf, len, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < EXTRACTORS; i++)
        pthread_join(threads[i], NULL);
    ts_churn_stop(churn);
    for (int i = 0; i < EXTRACTORS; i++)
        assert_int_equal(args[i].failures, 0);
    assert_no_children();
    free(pdf);
}

/* Collapse runs of white space to one space and trim, and turn the curly
 * quotes that PostScript's StandardEncoding gives ASCII ' and ` (enscript's
 * Courier) back into ASCII; in place. */
static void squeeze(char *s)
{
    char *o = s;
    bool space = true;
    for (char *p = s; *p; p++) {
        if (strncmp(p, "\xE2\x80\x99", 3) == 0 || strncmp(p, "\xE2\x80\x98", 3) == 0) {
            *p = p[2] == '\x99' ? '\'' : '`';
            memmove(p + 1, p + 3, strlen(p + 3) + 1);
        }
        bool ws = *p == ' ' || *p == '\t' || *p == '\n';
        if (ws && !space)
            *o++ = ' ';
        else if (!ws)
            *o++ = *p;
        space = ws;
    }
    if (o > s && o[-1] == ' ')
        o--;
    *o = '\0';
}

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* A report without page labels whose footers print its page numbers: a
 * cover, a contents page "ii", then 1, 2, an unnumbered chapter opening,
 * 4.  Each page's label is its printed number, the footers leave the text,
 * and a passage on the fifth sheet is cited "p. 3". */
static void test_printed_numbers_become_labels(void **state)
{
    static const char *const cover[] = {"Annual Report", NULL};
    static const char *const contents[] = {"Contents", "Introduction 1", "Findings 3", NULL};
    static const char *const b1[] = {"The introduction opens the report.", NULL};
    static const char *const b2[] = {"The second printed page goes on.", NULL};
    static const char *const b3[] = {"Findings", "The third printed page has no number.", NULL};
    static const char *const b4[] = {"The fourth printed page closes it.", NULL};
    pdf_page pages[] = {{cover, NULL}, {contents, "ii"}, {b1, "1"},
                        {b2, "Page 2"}, {b3, NULL},     {b4, "4"}};
    size_t len;
    char *pdf = make_pdf(NULL, pages, 6, &len);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_extract_pdf("report.pdf", pdf, len, BUDGET_MS, &d, &err);
    if (rc != SHELF_OK)
        fail_msg("%s", err.msg);
    assert_well_formed(&d);
    static const char *const want[] = {"i", "ii", "1", "2", "3", "4"};
    assert_int_equal(d.layout.nlabels, 6);
    for (size_t p = 1; p <= 6; p++)
        assert_string_equal(shelf_layout_page_label(&d.layout, p), want[p - 1]);
    char *text = page_text(&d, 4);
    assert_null(strstr(text, "Page 2"));
    free(text);
    text = page_text(&d, 6);
    assert_null(strstr(text, "4"));
    free(text);
    size_t pos = (size_t)(strstr(d.text, "third printed") - d.text);
    char name[SHELF_PAGE_NAME_BYTES];
    assert_string_equal(shelf_page_name(&d.layout, shelf_layout_page_of(&d.layout, pos), name), "3");
    shelf_doctext_free(&d);
    free(pdf);
}

#define ENSCRIPT_LINES_PER_PAGE 60
#define CORPUS_LINES 300
#define CORPUS_FILE "secretary-generals-annual-report-2023.txt"

static void test_corpus_printed_by_enscript(void **state)
{
    require_tool("fold");
    require_tool("enscript");
    require_tool("ps2pdf");
    char *dir = ts_mkdtemp();
    char *src = ts_strf("%s/%s", CORPUS_DIR, CORPUS_FILE);
    char *pdf_path = ts_strf("%s/corpus.pdf", dir);
    char *fold = ts_strf("fold -s -w 80 '%s' | head -n %d", src, CORPUS_LINES);
    char *cmd = ts_strf("%s | enscript -B -q -L %d -f Courier9 -o - | ps2pdf - '%s'", fold,
                        ENSCRIPT_LINES_PER_PAGE, pdf_path);
    char *terr = NULL, *folded = NULL;
    if (ts_run(cmd, NULL, &terr) != 0)
        fail_msg("enscript | ps2pdf failed: %s", terr ? terr : "");
    assert_int_equal(ts_run(fold, &folded, NULL), 0);
    assert_non_null(folded);
    size_t len;
    char *pdf = ts_read_file(pdf_path, &len);
    assert_non_null(pdf);

    shelf_doctext d;
    shelf_err err = {0};
    int rc = shelf_extract_pdf(pdf_path, pdf, len, BUDGET_MS, &d, &err);
    if (rc != SHELF_OK)
        fail_msg("%s", err.msg);
    assert_well_formed(&d);
    const size_t npages = (CORPUS_LINES + ENSCRIPT_LINES_PER_PAGE - 1) / ENSCRIPT_LINES_PER_PAGE;
    assert_int_equal(d.layout.npages, npages);
    char *pages[(CORPUS_LINES + ENSCRIPT_LINES_PER_PAGE - 1) / ENSCRIPT_LINES_PER_PAGE];
    for (size_t p = 0; p < npages; p++) {
        pages[p] = page_text(&d, p + 1);
        squeeze(pages[p]);
    }

    /* The folded lines, 1-based. */
    char *lines[CORPUS_LINES + 1] = {0};
    size_t nlines = 0;
    for (char *s = folded, *nl; nlines < CORPUS_LINES && *s; s = nl + 1) {
        nl = strchr(s, '\n');
        assert_non_null(nl);
        *nl = '\0';
        lines[++nlines] = s;
    }
    assert_int_equal(nlines, CORPUS_LINES);

    /* Lines around page boundaries and inside pages; a line that is short,
     * not ASCII (enscript prints Latin-1) or not unique is replaced by the
     * next one. */
    static const size_t wanted[] = {1, 30, 59, 60, 61, 62, 119, 120, 121, 150,
                                    180, 181, 210, 240, 241, 270, 299, 300};
    size_t checked = 0, per_page[8] = {0};
    for (size_t w = 0; w < sizeof wanted / sizeof *wanted; w++) {
        for (size_t i = wanted[w]; i <= CORPUS_LINES; i++) {
            char *line = ts_strf("%s", lines[i]);
            squeeze(line);
            size_t same = 0;
            for (size_t j = 1; j <= CORPUS_LINES; j++) {
                char *other = ts_strf("%s", lines[j]);
                squeeze(other);
                same += strstr(other, line) != NULL;
                free(other);
            }
            bool usable = strlen(line) >= 25 && ascii_only(line) && same == 1;
            if (usable) {
                size_t expect = (i - 1) / ENSCRIPT_LINES_PER_PAGE + 1;
                for (size_t p = 1; p <= npages; p++) {
                    bool found = strstr(pages[p - 1], line) != NULL;
                    if (found != (p == expect))
                        fail_msg("line %zu \"%s\": expected on page %zu only, %s page %zu", i,
                                 line, expect, found ? "found on" : "missing from", p);
                }
                checked++;
                per_page[expect]++;
            }
            free(line);
            if (usable)
                break;
        }
    }
    assert_true(checked >= 12);
    for (size_t p = 1; p <= npages; p++)
        assert_true(per_page[p] >= 2);

    for (size_t p = 0; p < npages; p++)
        free(pages[p]);
    shelf_doctext_free(&d);
    free(pdf);
    free(folded);
    free(terr);
    free(cmd);
    free(fold);
    free(pdf_path);
    free(src);
    ts_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_and_title),
        cmocka_unit_test(test_title_trimmed_or_null),
        cmocka_unit_test(test_empty_page_keeps_its_start),
        cmocka_unit_test(test_graphics_only_has_no_text_layer),
        cmocka_unit_test(test_damaged_pdfs_are_skipped),
        cmocka_unit_test(test_encrypted_pdf),
        cmocka_unit_test(test_budget_kills_slow_reader),
        cmocka_unit_test(test_budget_kills_hung_reader),
        cmocka_unit_test(test_concurrent_extractions),
        cmocka_unit_test(test_corpus_printed_by_enscript),
        cmocka_unit_test(test_printed_numbers_become_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
