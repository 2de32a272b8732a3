/*
 * charset.c - which character encoding an HTML file is in, and its bytes as
 * valid UTF-8 for the parser; the rules are in charset.h.  The converters
 * themselves are encoding.c's.
 */
#include "extract/charset.h"

#include <string.h>
#include <strings.h>

#include "extract/encoding.h"
#include "extract/htmlscan.h"
#include "util/error.h"
#include "util/utf8.h"

#define CHARSET_SCAN_BYTES 4096
#define LABEL_MAX 64

/* ------------------------------------------------------------------ */
/* Declared charset                                                     */
/* ------------------------------------------------------------------ */

/* A byte range of the scanned prefix. */
typedef struct span {
    const char *s;
    size_t n;
} span;

typedef struct tag_attribute {
    span name, value;
} tag_attribute;

static bool span_is(span sp, const char *w)
{
    return sp.n == strlen(w) && strncasecmp(sp.s, w, sp.n) == 0;
}

/* A quoted or bare attribute value at s[*i]; bare values end at white
 * space, '>' or any of the extra stop bytes. */
static span read_value(const char *s, size_t n, size_t *i, const char *stops)
{
    span v = {s + *i, 0};
    if (*i < n && (s[*i] == '"' || s[*i] == '\'')) {
        char q = s[(*i)++];
        v.s = s + *i;
        while (*i < n && s[*i] != q)
            (*i)++;
        v.n = (size_t)(s + *i - v.s);
        if (*i < n)
            (*i)++;
        return v;
    }
    while (*i < n && !shelf_html_is_space((unsigned char)s[*i]) && s[*i] != '>' && !strchr(stops, s[*i]))
        (*i)++;
    v.n = (size_t)(s + *i - v.s);
    return v;
}

/* The next attribute of a tag whose name has been read; false at '>' or
 * the end of the window (*i then rests on '>' or n). */
static bool next_attribute(const char *s, size_t n, size_t *i, tag_attribute *a)
{
    while (*i < n && (shelf_html_is_space((unsigned char)s[*i]) || s[*i] == '/'))
        (*i)++;
    if (*i >= n || s[*i] == '>' || (s[*i] == '?' && *i + 1 < n && s[*i + 1] == '>'))
        return false;
    size_t start = *i;
    while (*i < n && !shelf_html_is_space((unsigned char)s[*i]) && !strchr("/>=", s[*i]))
        (*i)++;
    if (*i == start)
        (*i)++; /* a lone '=': skip it */
    a->name = (span){s + start, *i - start};
    a->value = (span){s + *i, 0};
    while (*i < n && shelf_html_is_space((unsigned char)s[*i]))
        (*i)++;
    if (*i < n && s[*i] == '=') {
        (*i)++;
        while (*i < n && shelf_html_is_space((unsigned char)s[*i]))
            (*i)++;
        a->value = read_value(s, n, i, "");
    }
    return true;
}

/* The charset named in a content="text/html; charset=X" value. */
static span charset_in_content(span content)
{
    span none = {content.s, 0};
    for (size_t i = 0; i + 7 <= content.n; i++) {
        if (strncasecmp(content.s + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < content.n && shelf_html_is_space((unsigned char)content.s[j]))
            j++;
        if (j >= content.n || content.s[j] != '=')
            continue;
        j++;
        while (j < content.n && shelf_html_is_space((unsigned char)content.s[j]))
            j++;
        return read_value(content.s, content.n, &j, ";");
    }
    return none;
}

/* The charset a <meta> tag declares (n == 0 when none); *i is just past
 * "<meta". */
static span meta_charset(const char *s, size_t n, size_t *i)
{
    span charset = {s, 0}, content = {s, 0};
    bool content_type = false;
    tag_attribute a;
    while (next_attribute(s, n, i, &a)) {
        if (span_is(a.name, "charset") && charset.n == 0)
            charset = a.value;
        else if (span_is(a.name, "content"))
            content = a.value;
        else if (span_is(a.name, "http-equiv"))
            content_type = span_is(a.value, "content-type");
    }
    if (charset.n > 0)
        return charset;
    if (content_type)
        return charset_in_content(content);
    return charset;
}

/* The encoding="X" of an XML declaration at the start of s. */
static span xml_declared_encoding(const char *s, size_t n)
{
    span none = {s, 0};
    if (!shelf_html_starts_with(s, n, "<?xml") || n < 6 || !shelf_html_is_space((unsigned char)s[5]))
        return none;
    size_t i = 5;
    tag_attribute a;
    while (next_attribute(s, n, &i, &a))
        if (span_is(a.name, "encoding"))
            return a.value;
    return none;
}

static span declared_label(const char *s, size_t n)
{
    span xml = xml_declared_encoding(s, n);
    if (xml.n > 0)
        return xml;
    size_t i = 0;
    while (i < n) {
        if (shelf_html_starts_with(s + i, n - i, "<!--")) {
            size_t end = shelf_html_find(s, n, i + 4, "-->");
            i = end == n ? n : end + 3;
        } else if (shelf_html_starts_with(s + i, n - i, "<meta") && i + 5 < n &&
                   (shelf_html_is_space((unsigned char)s[i + 5]) || s[i + 5] == '/')) {
            i += 5;
            span found = meta_charset(s, n, &i);
            if (found.n > 0)
                return found;
        } else {
            i++;
        }
    }
    return (span){s, 0};
}

/* Letters, digits and - _ . : (what charset names are made of; nothing
 * else reaches iconv_open). */
static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-_.:", c) != NULL);
}

/* The label trimmed and lowercased into buf; false when it is empty, too
 * long or holds other characters. */
static bool normalize_label(span label, char *buf)
{
    while (label.n > 0 && shelf_html_is_space((unsigned char)label.s[0])) {
        label.s++;
        label.n--;
    }
    while (label.n > 0 && shelf_html_is_space((unsigned char)label.s[label.n - 1]))
        label.n--;
    if (label.n == 0 || label.n >= LABEL_MAX)
        return false;
    for (size_t i = 0; i < label.n; i++) {
        char c = label.s[i];
        if (!is_label_char(c))
            return false;
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    buf[label.n] = '\0';
    return true;
}

static bool label_in(const char *label, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(label, names[i]) == 0)
            return true;
    return false;
}

/* What a declared label means: UTF8, CP1252, or OTHER for any other label
 * (converted by iconv, when it knows it). */
static shelf_encoding classify_label(const char *label)
{
    static const char *const utf8[] = {
        "utf-8",           "utf8",      "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8",
        "x-unicode20utf8", "utf-16",    "utf-16le",          "utf-16be",      "unicode",
        "ucs-2",           "csunicode", "iso-10646-ucs-2",   "unicodefeff",   "unicodefffe"};
    static const char *const cp1252[] = {
        "windows-1252", "cp1252",        "x-cp1252",        "iso-8859-1", "iso8859-1",
        "iso88591",     "iso_8859-1",    "iso_8859-1:1987", "iso-ir-100", "latin1",
        "l1",           "csisolatin1",   "ibm819",          "cp819",      "us-ascii",
        "ascii",        "ansi_x3.4-1968"};
    if (label_in(label, utf8, sizeof utf8 / sizeof *utf8))
        return SHELF_ENC_UTF8;
    if (label_in(label, cp1252, sizeof cp1252 / sizeof *cp1252))
        return SHELF_ENC_CP1252;
    return SHELF_ENC_OTHER;
}

/* ------------------------------------------------------------------ */
/* Input preparation: valid UTF-8 for libxml2                           */
/* ------------------------------------------------------------------ */

static int use_converted(shelf_html_input *in, int rc)
{
    in->bytes = (const char *)in->converted.data;
    in->len = in->converted.len;
    return rc;
}

/* UTF-8 source: as is when valid, else repaired. */
static int use_utf8(shelf_html_input *in, const char *data, size_t len)
{
    if (!shelf_utf8_valid(data, len))
        return use_converted(in, shelf_utf8_repair(data, len, &in->converted));
    in->bytes = data;
    in->len = len;
    return SHELF_OK;
}

/* Converts a source without BOM whose encoding is in->encoding. */
static int convert_source(shelf_html_input *in, const char *data, size_t len, const char *label)
{
    switch (in->encoding) {
    case SHELF_ENC_UTF8:
        return use_utf8(in, data, len);
    case SHELF_ENC_CP1252:
        return use_converted(in, shelf_cp1252_to_utf8(data, len, &in->converted));
    default:
        return use_converted(in, shelf_charset_to_utf8(label, data, len, &in->converted));
    }
}

int shelf_html_input_prepare(const char *data, size_t len, shelf_html_input *in)
{
    shelf_encoding bom_enc = SHELF_ENC_UTF8;
    size_t bom = shelf_bom_length(data, len, &bom_enc);
    if (bom) {
        in->encoding = bom_enc;
        if (bom_enc == SHELF_ENC_UTF8)
            return use_utf8(in, data + bom, len - bom);
        bool be = bom_enc == SHELF_ENC_UTF16BE;
        return use_converted(in, shelf_utf16_to_utf8(data + bom, len - bom, be, &in->converted));
    }
    size_t scan = len < CHARSET_SCAN_BYTES ? len : CHARSET_SCAN_BYTES;
    char label[LABEL_MAX];
    if (normalize_label(declared_label(data, scan), label)) {
        in->encoding = classify_label(label);
        int rc = convert_source(in, data, len, label);
        if (rc != SHELF_EINVAL)
            return rc; /* SHELF_EINVAL: iconv does not know it, ignore it */
        shelf_buf_reset(&in->converted);
    }
    in->encoding = shelf_utf8_valid(data, len) ? SHELF_ENC_UTF8 : SHELF_ENC_CP1252;
    return convert_source(in, data, len, NULL);
}

void shelf_html_input_free(shelf_html_input *in)
{
    shelf_buf_free(&in->converted);
}
