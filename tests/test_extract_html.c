/*
 * test_extract_html.c - the HTML reader (common/extract/html.c): visible
 * text only, title, entities, heading ranges in the layout, paragraph and
 * line structure, declared and undeclared charsets, hostile nesting, and
 * the sniffing rule.
 *
 * Every input is copied into a heap block of exactly its length, so a read
 * past the end shows up under AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "extract/extract.h"
#include "support.h"

#define PATH "page.html"

static int extract_bytes(const char *src, size_t n, shelf_doctext *d, shelf_err *err)
{
    char *copy = ts_exact_copy(src, n);
    int rc = shelf_extract_html(PATH, copy, n, d, err);
    free(copy);
    return rc;
}

/* Extracts a NUL-terminated document, asserting success and the output
 * invariants. */
static shelf_doctext extract_ok(const char *html)
{
    shelf_doctext d;
    shelf_err err = {0};
    if (extract_bytes(html, strlen(html), &d, &err) != SHELF_OK)
        fail_msg("extract failed: %s", err.msg);
    assert_non_null(d.text);
    assert_int_equal(d.text[d.len], '\0');
    assert_true(d.layout.structured);
    assert_false(d.invalid_utf8);
    return d;
}

static void assert_text(const shelf_doctext *d, const char *expected)
{
    if (d->len != strlen(expected) || memcmp(d->text, expected, d->len) != 0)
        fail_msg("text is\n[%s]\nexpected\n[%s]", d->text, expected);
}

static void assert_heading(const shelf_doctext *d, size_t i, const char *text, uint32_t level)
{
    assert_true(i < d->layout.nheadings);
    const shelf_heading *h = &d->layout.headings[i];
    assert_int_equal(h->level, level);
    assert_int_equal(h->len, strlen(text));
    assert_true(h->start + h->len <= d->len);
    assert_memory_equal(d->text + h->start, text, h->len);
}

static void script_style_head_absent(void **state)
{
    (void)state;
    shelf_doctext d =
        extract_ok("<!DOCTYPE html><html><head><meta name=\"x\" content=\"headmeta\">"
                   "<style>body { color: red }</style><script>var headscript = 1;</script>"
                   "<title>The Title</title></head><body>"
                   "<p>Visible one.</p><script>var bodyscript = '<p>no</p>';</script>"
                   "<style>.x{}</style><noscript>noscript text</noscript>"
                   "<template><p>template text</p></template><!-- a comment -->"
                   "<svg><text>svg text</text></svg><div hidden>hidden text</div>"
                   "<iframe>iframe text</iframe><p>Visible two.</p></body></html>");
    assert_text(&d, "Visible one.\n\nVisible two.");
    assert_string_equal(d.title, "The Title");
    assert_int_equal(d.title_len, strlen("The Title"));
    shelf_doctext_free(&d);
}

static void title_collapsed_and_absent(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><head><title>\n  Caf&eacute;\t  Menu \n</title></head>"
                                 "<body>x</body></html>");
    assert_string_equal(d.title, "Caf\xc3\xa9 Menu");
    shelf_doctext_free(&d);

    d = extract_ok("<html><head><title>  </title></head><body>text</body></html>");
    assert_null(d.title);
    shelf_doctext_free(&d);

    d = extract_ok("<html><body><svg><title>icon</title></svg>text</body></html>");
    assert_null(d.title);
    shelf_doctext_free(&d);
}

static void entities_decoded(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok(
        "<html><body><p>Tom &amp; Jerry&#8217;s caf&eacute; &lt;b&gt;</p></body></html>");
    assert_text(&d, "Tom & Jerry\xe2\x80\x99s caf\xc3\xa9 <b>");
    shelf_doctext_free(&d);
}

static void escaped_markup_stays_text(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok(
        "<html><body><p>Example: &lt;script&gt;alert(1)&lt;/script&gt; done</p></body></html>");
    assert_text(&d, "Example: <script>alert(1)</script> done");
    shelf_doctext_free(&d);
}

static void heading_ranges_exact(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><h1>  Main   <em>Title</em> </h1>"
                                 "<p>Intro text.</p>"
                                 "<h2>Second &amp; more</h2><p>Body.</p>"
                                 "<h3>Third<br>line</h3>tail</body></html>");
    assert_text(&d, "Main Title\n\nIntro text.\n\nSecond & more\n\nBody.\n\nThird line\n\ntail");
    assert_int_equal(d.layout.nheadings, 3);
    assert_heading(&d, 0, "Main Title", 1);
    assert_heading(&d, 1, "Second & more", 2);
    assert_heading(&d, 2, "Third line", 3);
    assert_int_equal(d.layout.headings[0].start, 0);
    shelf_doctext_free(&d);
}

/* Sphinx and MkDocs put a permalink "¶" after each heading, shown only on
 * hover: it is no part of the heading (the section a passage is cited
 * under) nor of the text.  A heading written as its own link stays. */
static void permalink_markers_left_out(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok(
        "<!DOCTYPE html><html><body>"
        "<h1><span class=\"section-number\">5. </span>Managing Packages"
        "<a class=\"headerlink\" href=\"#managing-packages\" title=\"Permalink\">\xc2\xb6</a></h1>"
        "<p>A new package.<a class=\"reference headerlink\" href=\"#p\">#</a></p>"
        "<h2 id=\"x\"><a class=\"anchor\" href=\"#x\">Install</a></h2>"
        "<p>Footnote<a class=\"anchor\" href=\"other.html\">\xc2\xa7</a></p>"
        "</body></html>");
    assert_text(&d, "5. Managing Packages\n\nA new package.\n\nInstall\n\nFootnote\xc2\xa7");
    assert_heading(&d, 0, "5. Managing Packages", 1);
    assert_heading(&d, 1, "Install", 2);
    shelf_doctext_free(&d);
}

/* Tables of contents and Prev/Next bars repeat other sections' titles:
 * left out, so a search for a topic quotes its section, not a contents
 * line naming it (DocBook XSL, Sphinx, <nav>).  A block left out still
 * ends the line before it. */
static void navigation_left_out(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok(
        "<!DOCTYPE html><html><body>"
        "<div class=\"navheader\"><table><tr><th>Chapter 3. Boot</th></tr></table></div>"
        "<div class=\"chapter\"><h1>Chapter 3. Boot</h1>"
        "<div class=\"toc\"><p><strong>Table of Contents</strong></p>"
        "<dl class=\"toc\"><dt>3.1. The boot loader</dt></dl></div>"
        "<h2>3.1. The boot loader</h2><p>Intro<nav>Home</nav>text.</p></div>"
        "<div class=\"sphinxsidebar\" role=\"navigation\"><h3>Table of Contents</h3>"
        "<ul><li>3.1. The boot loader</li></ul></div>"
        "<div class=\"navfooter\">Chapter 4. Access</div>"
        "</body></html>");
    assert_text(&d, "Chapter 3. Boot\n\n3.1. The boot loader\n\nIntro\ntext.");
    assert_int_equal(d.layout.nheadings, 2);
    assert_heading(&d, 0, "Chapter 3. Boot", 1);
    assert_heading(&d, 1, "3.1. The boot loader", 2);
    shelf_doctext_free(&d);
}

/* A page that is nothing but a table of contents keeps it. */
static void navigation_only_page_kept(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><nav><h2>Contents</h2><ul><li>One</li>"
                                 "<li>Two</li></ul></nav></body></html>");
    assert_text(&d, "Contents\n\nOne\nTwo");
    assert_heading(&d, 0, "Contents", 2);
    shelf_doctext_free(&d);
}

/* DocBook XSL sets a book's authors on its title page as <h3
 * class="author">: a name, not a section, so the abstract after it is not
 * cited under "Osamu Aoki". */
static void byline_heading_is_no_section(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><div class=\"titlepage\">"
                                 "<h1 class=\"title\">Debian Reference</h1>"
                                 "<div class=\"author\"><h3 class=\"author\">Osamu Aoki</h3></div>"
                                 "<p>This book is free.</p></div></body></html>");
    assert_text(&d, "Debian Reference\n\nOsamu Aoki\n\nThis book is free.");
    assert_int_equal(d.layout.nheadings, 1);
    assert_heading(&d, 0, "Debian Reference", 1);
    shelf_doctext_free(&d);
}

static void no_headings_still_structured(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><p>plain</p><h2> </h2></body></html>");
    assert_text(&d, "plain");
    assert_true(d.layout.structured);
    assert_int_equal(d.layout.nheadings, 0);
    shelf_doctext_free(&d);
}

static void paragraphs_breaks_and_pre(void **state)
{
    (void)state;
    shelf_doctext d =
        extract_ok("<html><body>\n"
                   "<p>First\n   paragraph.</p>\n"
                   "<p>Line one<br>Line two<br><br>After blank</p>\n"
                   "<pre>\ncode  line 1\n    indented  \n\n\n\nlast</pre>\n"
                   "<div>div a</div><div>div b</div>"
                   "<ul><li>one</li><li>two</li></ul>"
                   "<table><tr><td>a1</td> <td>b1</td></tr><tr><th>a2</th><td>b2</td></tr>"
                   "</table><p></p><p>  end  </p></body></html>");
    assert_text(&d, "First paragraph.\n\n"
                    "Line one\nLine two\n\nAfter blank\n\n"
                    "code  line 1\n    indented\n\nlast\n\n"
                    "div a\ndiv b\n\n"
                    "one\ntwo\n\n"
                    "a1 | b1\na2 | b2\n\n"
                    "end");
    shelf_doctext_free(&d);
}

static void inline_elements_do_not_break(void **state)
{
    (void)state;
    shelf_doctext d =
        extract_ok("<html><body><p>Some<b>bold</b> and <a href=x>a link</a>.</p></body></html>");
    assert_text(&d, "Somebold and a link.");
    shelf_doctext_free(&d);
}

static void meta_charset_windows1252(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<!DOCTYPE html><html><head><meta charset=\"windows-1252\">"
                                 "<title>Caf\xe9</title></head>"
                                 "<body><p>\x93Na\xefve\x94 \x80 5</p></body></html>");
    assert_text(&d, "\xe2\x80\x9cNa\xc3\xafve\xe2\x80\x9d \xe2\x82\xac 5");
    assert_string_equal(d.title, "Caf\xc3\xa9");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    shelf_doctext_free(&d);
}

static void http_equiv_iso8859_1(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><head><meta http-equiv=\"Content-Type\" "
                                 "content=\"text/html; charset=iso-8859-1\"></head>"
                                 "<body><p>Gr\xfc\xdf"
                                 "e aus K\xf6ln</p></body></html>");
    assert_text(&d, "Gr\xc3\xbc\xc3\x9f"
                    "e aus K\xc3\xb6ln");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    shelf_doctext_free(&d);
}

static void undeclared_latin1_is_cp1252(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><p>R\xe9sum\xe9 na\xefve</p></body></html>");
    assert_text(&d, "R\xc3\xa9sum\xc3\xa9 na\xc3\xafve");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    shelf_doctext_free(&d);
}

static void undeclared_utf8_is_utf8(void **state)
{
    (void)state;
    shelf_doctext d = extract_ok("<html><body><p>R\xc3\xa9sum\xc3\xa9</p></body></html>");
    assert_text(&d, "R\xc3\xa9sum\xc3\xa9");
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    shelf_doctext_free(&d);
}

static void declared_utf8_bad_byte_replaced(void **state)
{
    (void)state;
    /* a stray byte must not switch the rest of the file to Latin-1 */
    shelf_doctext d = extract_ok("<html><head><meta charset=utf-8></head>"
                                 "<body><p>a\xff b \xc3\xa9</p></body></html>");
    assert_text(&d, "a\xef\xbf\xbd b \xc3\xa9");
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    shelf_doctext_free(&d);
}

static void other_declared_charset(void **state)
{
    (void)state;
    /* KOI8-R "\xf0\xd2\xc9\xd7\xc5\xd4" is "Привет" */
    shelf_doctext d = extract_ok("<html><head><meta charset=\"KOI8-R\"></head>"
                                 "<body><p>\xf0\xd2\xc9\xd7\xc5\xd4</p></body></html>");
    assert_text(&d, "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
    assert_int_equal(d.encoding, SHELF_ENC_OTHER);
    shelf_doctext_free(&d);

    /* a byte Shift_JIS cannot convert costs one U+FFFD, not the rest */
    d = extract_ok("<html><head><meta http-equiv=content-type "
                   "content=\"text/html;charset='shift_jis'\"></head>"
                   "<body><p>\x82\xa0 \xff tail</p><p>after</p></body></html>");
    assert_text(&d, "\xe3\x81\x82 \xef\xbf\xbd tail\n\nafter");
    assert_int_equal(d.encoding, SHELF_ENC_OTHER);
    shelf_doctext_free(&d);

    /* an unknown label is ignored: undeclared rules apply */
    d = extract_ok("<html><head><meta charset=\"no-such-charset\"></head>"
                   "<body><p>caf\xe9</p></body></html>");
    assert_text(&d, "caf\xc3\xa9");
    assert_int_equal(d.encoding, SHELF_ENC_CP1252);
    shelf_doctext_free(&d);

    /* a declaration inside a comment does not count */
    d = extract_ok("<html><head><!-- <meta charset=koi8-r> --></head>"
                   "<body><p>caf\xc3\xa9</p></body></html>");
    assert_text(&d, "caf\xc3\xa9");
    assert_int_equal(d.encoding, SHELF_ENC_UTF8);
    shelf_doctext_free(&d);
}

static void utf16le_bom_document(void **state)
{
    (void)state;
    const char *ascii = "<html><body><h1>Hi</h1><p>x</p></body></html>";
    size_t n = strlen(ascii);
    char *bytes = malloc(2 + 2 * n);
    bytes[0] = (char)0xFF;
    bytes[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        bytes[2 + 2 * i] = ascii[i];
        bytes[3 + 2 * i] = 0;
    }
    assert_true(shelf_sniff_html(bytes, 2 + 2 * n));
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(extract_bytes(bytes, 2 + 2 * n, &d, &err), SHELF_OK);
    free(bytes);
    assert_text(&d, "Hi\n\nx");
    assert_int_equal(d.encoding, SHELF_ENC_UTF16LE);
    assert_heading(&d, 0, "Hi", 1);
    shelf_doctext_free(&d);
}

static void deep_nesting_survives(void **state)
{
    (void)state;
    enum { DEPTH = 100000 };
    ts_sbuf b = {0};
    ts_sb_add(&b, "<html><body><p>top</p>");
    for (int i = 0; i < DEPTH; i++)
        ts_sb_add(&b, "<div>");
    ts_sb_add(&b, "deep text");
    for (int i = 0; i < DEPTH; i++)
        ts_sb_add(&b, "</div>");
    ts_sb_add(&b, "<p>after</p></body></html>");
    char *html = ts_sb_take(&b);
    shelf_doctext d = extract_ok(html);
    free(html);
    assert_text(&d, "top\n\ndeep text\n\nafter");
    shelf_doctext_free(&d);
}

static void no_visible_text_skipped(void **state)
{
    (void)state;
    const char *html = "<html><head><title>Only a title</title><script>x()</script></head>"
                       "<body> <!-- nothing --> </body></html>";
    shelf_doctext d;
    shelf_err err = {0};
    assert_int_equal(extract_bytes(html, strlen(html), &d, &err), SHELF_ESKIP);
    assert_string_equal(err.msg, PATH ": no visible text");
    assert_null(d.text);
    assert_null(d.title);
}

static bool sniff(const char *s)
{
    char *copy = ts_exact_copy(s, strlen(s));
    bool r = shelf_sniff_html(copy, strlen(s));
    free(copy);
    return r;
}

static void sniff_cases(void **state)
{
    (void)state;
    assert_true(sniff("<!DOCTYPE html><html><body>x</body></html>"));
    assert_true(sniff("<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">"));
    assert_true(sniff("\xef\xbb\xbf  \n<!-- generated -->\n<HTML lang=en>"));
    assert_true(sniff("<html>"));
    assert_true(sniff("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\">\n"
                      "<html xmlns=\"http://www.w3.org/1999/xhtml\">"));
    assert_false(sniff("Notes about markup\nRemember to close <html> tags.\n"));
    assert_false(sniff("<?xml version=\"1.0\"?><rss><channel/></rss>"));
    assert_false(sniff("<!DOCTYPE htmlx>"));
    assert_false(sniff("<htmlfoo>"));
    assert_false(sniff("<!-- unterminated comment <html>"));
    assert_false(sniff("<p>fragment</p>"));
    assert_false(sniff(""));

    /* UTF-16BE with BOM, seen through its ASCII characters */
    const char be[] = "\xfe\xff\0<\0!\0D\0O\0C\0T\0Y\0P\0E\0 \0h\0t\0m\0l\0>";
    char *copy = ts_exact_copy(be, sizeof be - 1);
    assert_true(shelf_sniff_html(copy, sizeof be - 1));
    free(copy);
}

/* Broken markup that libxml2 would complain about, were it not silenced. */
static const char broken_html[] = "<html><body><p>Broken <b><i>nest</b></i> &bogus; <x:y z=>"
                                  "<table><td>cell</p></div></div> \xff</body></html></html>";

static void nothing_printed(void **state)
{
    (void)state;
    fflush(stderr);
    char *dir = ts_mkdtemp();
    char *log = ts_strf("%s/stderr.txt", dir);
    FILE *capture = fopen(log, "w+");
    assert_non_null(capture);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(capture), 2) >= 0);
    shelf_doctext d;
    shelf_err err = {0};
    int rc = extract_bytes(broken_html, sizeof broken_html - 1, &d, &err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(fseek(capture, 0, SEEK_END), 0);
    long written = ftell(capture);
    fclose(capture);
    assert_int_equal(rc, SHELF_OK);
    assert_text(&d, "Broken nest &bogus;\n\ncell \xc3\xbf");
    shelf_doctext_free(&d);
    assert_int_equal(written, 0);
    ts_rmtree(dir);
    free(log);
    free(dir);
}

#define THREADS 4
#define ROUNDS 50

static void *extract_repeatedly(void *arg)
{
    (void)arg;
    const char *html = "<html><head><title>T</title></head><body><h1>Head</h1><p>Body "
                       "&amp; more</p></body></html>";
    for (int i = 0; i < ROUNDS; i++) {
        shelf_doctext d;
        shelf_err err = {0};
        if (extract_bytes(broken_html, sizeof broken_html - 1, &d, &err) != SHELF_OK)
            return "broken document failed";
        shelf_doctext_free(&d);
        if (extract_bytes(html, strlen(html), &d, &err) != SHELF_OK)
            return "document failed";
        bool same = d.len == strlen("Head\n\nBody & more") &&
                    memcmp(d.text, "Head\n\nBody & more", d.len) == 0 && d.title &&
                    strcmp(d.title, "T") == 0 && d.layout.nheadings == 1;
        shelf_doctext_free(&d);
        if (!same)
            return "wrong text";
    }
    return NULL;
}

static void threads_extract_concurrently(void **state)
{
    (void)state;
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, extract_repeatedly, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *result;
        assert_int_equal(pthread_join(threads[i], &result), 0);
        if (result)
            fail_msg("thread %d: %s", i, (const char *)result);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(script_style_head_absent),
        cmocka_unit_test(title_collapsed_and_absent),
        cmocka_unit_test(entities_decoded),
        cmocka_unit_test(escaped_markup_stays_text),
        cmocka_unit_test(heading_ranges_exact),
        cmocka_unit_test(no_headings_still_structured),
        cmocka_unit_test(permalink_markers_left_out),
        cmocka_unit_test(navigation_left_out),
        cmocka_unit_test(navigation_only_page_kept),
        cmocka_unit_test(byline_heading_is_no_section),
        cmocka_unit_test(paragraphs_breaks_and_pre),
        cmocka_unit_test(inline_elements_do_not_break),
        cmocka_unit_test(meta_charset_windows1252),
        cmocka_unit_test(http_equiv_iso8859_1),
        cmocka_unit_test(undeclared_latin1_is_cp1252),
        cmocka_unit_test(undeclared_utf8_is_utf8),
        cmocka_unit_test(declared_utf8_bad_byte_replaced),
        cmocka_unit_test(other_declared_charset),
        cmocka_unit_test(utf16le_bom_document),
        cmocka_unit_test(deep_nesting_survives),
        cmocka_unit_test(no_visible_text_skipped),
        cmocka_unit_test(sniff_cases),
        cmocka_unit_test(nothing_printed),
        cmocka_unit_test(threads_extract_concurrently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
