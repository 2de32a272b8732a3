/*
 * test_readers.c - the table of format readers (extract/readers.h): every
 * row is complete, extension lookup and content sniffing pick the right
 * row; the sandbox's collect form (util/sandbox.h) returns a normal child's
 * bytes and reports a crashing child, a child that fails, a result over the
 * limit and a child over budget; and the UTF-8 rules (util/utf8.h) that
 * every reader shares.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract/extract.h"
#include "extract/helper_halves.h"
#include "extract/readers.h"
#include "util/error.h"
#include "util/sandbox.h"
#include "util/utf8.h"

/* ---- the table ---------------------------------------------------------- */

static void test_every_row_is_complete(void **state)
{
    (void)state;
    assert_int_equal(shelf_reader_count(), 7);
    assert_int_equal(shelf_format_count(), 7);
    for (size_t i = 0; i < shelf_reader_count(); i++) {
        const shelf_reader *r = shelf_reader_at(i);
        assert_non_null(r);
        const shelf_format_info *f = r->info;
        assert_ptr_equal(f, shelf_format_at(i)); /* the same order: sniffing order */
        assert_non_null(f->name);
        assert_true(f->name[0] != '\0');
        assert_non_null(f->label);
        assert_non_null(f->mime); /* one MIME type a row (Xapian's "T" terms) */
        assert_non_null(strchr(f->mime, '/'));
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(shelf_format_at(j)->mime, f->mime);
            assert_int_not_equal(shelf_format_at(j)->format, f->format);
        }
        assert_non_null(f->extensions);
        assert_non_null(f->extensions[0]);
        for (const char *const *e = f->extensions; *e; e++) {
            assert_int_equal((*e)[0], '.');
            char name[32];
            snprintf(name, sizeof name, "report%s", *e);
            assert_ptr_equal(shelf_format_named(name), f);
            assert_null(shelf_format_named(*e)); /* an extension alone names no file */
        }
        assert_non_null(r->sniff);
        assert_non_null(r->extract);
        assert_ptr_equal(shelf_reader_of_format(f->format), r);
        assert_ptr_equal(shelf_format_info_of(f->format), f);
        assert_string_equal(shelf_format_name(f->format), f->name);
    }
    assert_null(shelf_reader_at(shelf_reader_count()));
    assert_null(shelf_format_at(shelf_format_count()));
    assert_null(shelf_reader_of_format((shelf_format)99));
    assert_null(shelf_format_info_of((shelf_format)99));
    assert_string_equal(shelf_format_name((shelf_format)99), "unknown");
}

/* The readers whose libraries parse untrusted binary formats run in the
 * sandbox: PDF (poppler) and the zip formats (libzip, libxml2). */
static void test_sandboxed_rows(void **state)
{
    (void)state;
    assert_true(shelf_reader_sandboxed(&shelf_reader_pdf));
    assert_true(shelf_reader_pdf.max_file_bytes == SHELF_MAX_PDF_BYTES);
    assert_true(shelf_reader_sandboxed(&shelf_reader_docx));
    assert_true(shelf_reader_sandboxed(&shelf_reader_odt));
    assert_true(shelf_reader_sandboxed(&shelf_reader_epub));
    assert_true(shelf_reader_docx.max_file_bytes == SHELF_MAX_PDF_BYTES);
    assert_true(shelf_reader_odt.max_file_bytes == SHELF_MAX_PDF_BYTES);
    assert_true(shelf_reader_epub.max_file_bytes == SHELF_MAX_PDF_BYTES);
    assert_false(shelf_reader_sandboxed(&shelf_reader_text));
    assert_false(shelf_reader_sandboxed(&shelf_reader_markdown));
    assert_false(shelf_reader_sandboxed(&shelf_reader_html));
    /* Every row is found by its format's name, as shelf-helper finds it,
     * and has a half there (helper_halves.h) exactly when it is sandboxed. */
    for (size_t i = 0; i < shelf_reader_count(); i++) {
        const shelf_reader *r = shelf_reader_at(i);
        assert_ptr_equal(shelf_reader_of_name(r->info->name), r);
        assert_int_equal(shelf_helper_half_of(r->info->format) != NULL, shelf_reader_sandboxed(r));
    }
    assert_null(shelf_helper_half_of((shelf_format)99));
    assert_null(shelf_reader_of_name("pdfx"));
    assert_null(shelf_reader_of_name(""));
}

static void test_extension_lookup(void **state)
{
    (void)state;
    assert_ptr_equal(shelf_format_named("a/notes.txt"), &shelf_text_format);
    assert_ptr_equal(shelf_format_named("a/notes.TEXT"), &shelf_text_format);
    assert_ptr_equal(shelf_format_named("README.md"), &shelf_markdown_format);
    assert_ptr_equal(shelf_format_named("x.Markdown"), &shelf_markdown_format);
    assert_ptr_equal(shelf_format_named("page.html"), &shelf_html_format);
    assert_ptr_equal(shelf_format_named("page.htm"), &shelf_html_format);
    assert_ptr_equal(shelf_format_named("page.xhtml"), &shelf_html_format);
    assert_ptr_equal(shelf_format_named("paper.PDF"), &shelf_pdf_format);
    assert_ptr_equal(shelf_format_named("report.DOCX"), &shelf_docx_format);
    assert_ptr_equal(shelf_format_named("report.odt"), &shelf_odt_format);
    assert_ptr_equal(shelf_format_named("book.epub"), &shelf_epub_format);
    assert_null(shelf_format_named("photo.jpg"));
    assert_null(shelf_format_named("README"));
    assert_null(shelf_format_named(".md")); /* the extension alone is a name */
}

static void test_supported_names(void **state)
{
    (void)state;
    assert_true(shelf_extract_supported("dir/README"));
    assert_true(shelf_extract_supported("dir/.profile"));
    assert_true(shelf_extract_supported("dir/a.b/notes.md"));
    assert_true(shelf_extract_supported("x.pdf"));
    assert_false(shelf_extract_supported("dir/a.md/photo.jpg"));
    assert_false(shelf_extract_supported("archive.tar.gz"));
}

static const shelf_reader *detect(const char *path, const char *bytes)
{
    return shelf_reader_detect(path, bytes, strlen(bytes));
}

static void test_sniffing_small_samples(void **state)
{
    (void)state;
    const char *pdf = "%PDF-1.4\n%...\n";
    const char *html = "<!DOCTYPE html><html><body>hi</body></html>";
    const char *plain = "just some words\n";
    const char binary[] = "\x01\x02\x03\x04\x05\x06\x07\x08 a";

    assert_int_equal(shelf_reader_pdf.sniff(pdf, strlen(pdf)), SHELF_SNIFF_YES);
    assert_int_equal(shelf_reader_pdf.sniff(plain, strlen(plain)), SHELF_SNIFF_NO);
    assert_int_equal(shelf_reader_html.sniff(html, strlen(html)), SHELF_SNIFF_YES);
    assert_int_equal(shelf_reader_html.sniff(plain, strlen(plain)), SHELF_SNIFF_IF_NAMED);
    assert_int_equal(shelf_reader_html.sniff(binary, sizeof binary - 1), SHELF_SNIFF_NO);
    assert_int_equal(shelf_reader_markdown.sniff(plain, strlen(plain)), SHELF_SNIFF_IF_NAMED);

    /* Content first, whatever the name says. */
    assert_ptr_equal(detect("report.txt", pdf), &shelf_reader_pdf);
    assert_ptr_equal(detect("page.md", html), &shelf_reader_html);
    /* Then the name, when the content does not object. */
    assert_ptr_equal(detect("notes.md", plain), &shelf_reader_markdown);
    assert_ptr_equal(detect("page.html", plain), &shelf_reader_html);
    assert_ptr_equal(detect("page.html", binary), &shelf_reader_text);
    assert_ptr_equal(detect("fake.pdf", plain), &shelf_reader_text);
    /* A zip is a zip format only by its content or name. */
    assert_ptr_equal(detect("notes.docx", plain), &shelf_reader_text);
    assert_ptr_equal(detect("archive.docx", "PK\3\4rest"), &shelf_reader_docx);
    assert_ptr_equal(detect("archive.epub", "PK\3\4rest"), &shelf_reader_epub);
    /* Else text. */
    assert_ptr_equal(detect("README", plain), &shelf_reader_text);
    assert_int_equal(shelf_detect_format("README", plain, strlen(plain)), SHELF_FORMAT_TEXT);
}

static void test_text_row_reads(void **state)
{
    (void)state;
    char bytes[] = "Title line\nbody\n";
    shelf_doctext d;
    shelf_err err;
    assert_int_equal(shelf_reader_text.extract("t.txt", bytes, strlen(bytes), &d, &err), SHELF_OK);
    assert_int_equal(d.len, strlen(bytes));
    assert_memory_equal(d.text, bytes, d.len);
    shelf_doctext_free(&d);
}

/* ---- the shared UTF-8 rules -------------------------------------------- */

static bool valid(const char *s)
{
    return shelf_utf8_valid(s, strlen(s));
}

static void test_utf8_rules(void **state)
{
    (void)state;
    assert_true(shelf_utf8_is_continuation(0x80));
    assert_true(shelf_utf8_is_continuation(0xBF));
    assert_false(shelf_utf8_is_continuation(0x7F));
    assert_false(shelf_utf8_is_continuation(0xC0));

    assert_true(valid("plain ASCII"));
    assert_true(valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    assert_true(valid("\xf4\x8f\xbf\xbf"));  /* U+10FFFF */
    assert_false(valid("\xc0\xaf"));         /* overlong '/' */
    assert_false(valid("\xe0\x80\xaf"));     /* overlong, 3 bytes */
    assert_false(valid("\xf0\x80\x80\xaf")); /* overlong, 4 bytes */
    assert_false(valid("\xed\xa0\x80"));     /* surrogate U+D800 */
    assert_false(valid("\xf4\x90\x80\x80")); /* above U+10FFFF */
    assert_false(valid("\xf5\x80\x80\x80"));
    assert_false(valid("\x80"));             /* stray continuation */
    assert_false(valid("\xe2\x82"));         /* truncated */
    assert_true(shelf_utf8_valid("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_is_complete),
        cmocka_unit_test(test_sandboxed_rows),
        cmocka_unit_test(test_extension_lookup),
        cmocka_unit_test(test_supported_names),
        cmocka_unit_test(test_sniffing_small_samples),
        cmocka_unit_test(test_text_row_reads),
        cmocka_unit_test(test_utf8_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
