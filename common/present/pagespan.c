/* pagespan.c - sentences across PDF line wraps and page starts; see pagespan.h. */
#include "present/pagespan.h"
#include "extract/textnav.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#define FULL_LINE_TENTHS 7 /* a full line: at least 7/10 of its paragraph's widest */

static bool is_page_start(const shelf_layout *layout, size_t pos)
{
    size_t page = layout ? shelf_layout_page_of(layout, pos) : 0;
    return page && shelf_layout_page_start(layout, page) == pos;
}

/* Does the line at t[at] (leading blanks skipped) open a list item: a
 * bullet or dash, or "3." "b)" "(iv)" followed by a space? */
static bool starts_list_item(const char *t, size_t at, size_t ceil)
{
    while (at < ceil && (t[at] == ' ' || t[at] == '\t'))
        at++;
    static const char *const bullets[] = {"\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa",
                                          "\xe2\x80\xa3", "\xc2\xb7", "\xe2\x80\x93",
                                          "\xe2\x80\x94", "-", "*"};
    for (size_t i = 0; i < sizeof bullets / sizeof *bullets; i++) {
        size_t n = strlen(bullets[i]);
        if (at + n < ceil && memcmp(t + at, bullets[i], n) == 0 &&
            (t[at + n] == ' ' || t[at + n] == '\t'))
            return true;
    }
    bool opened = at < ceil && t[at] == '(';
    size_t mark = at + opened, i = mark;
    while (i < ceil && i - mark < 4 && isalnum((unsigned char)t[i]))
        i++;
    if (i == mark || i + 1 >= ceil)
        return false;
    bool closed = t[i] == ')' || (!opened && t[i] == '.');
    return closed && (t[i + 1] == ' ' || t[i + 1] == '\t');
}

/* Is t[nl] a line break the PDF rules put inside a paragraph: a single
 * one, with text on the lines either side? */
static bool inside_paragraph(const char *t, size_t nl, size_t ceil)
{
    size_t next = nl + 1;
    while (next < ceil && (t[next] == ' ' || t[next] == '\t' || t[next] == '\r'))
        next++;
    return next < ceil && t[next] != '\n';
}

static bool paged(const shelf_paged_paragraph *p)
{
    return p->layout && p->layout->npages;
}

void shelf_paged_paragraph_init(shelf_paged_paragraph *p, const char *text,
                                const shelf_layout *layout, size_t start, size_t end)
{
    *p = (shelf_paged_paragraph){.text = text, .layout = layout, .start = start, .end = end};
    if (!paged(p))
        return;
    for (size_t i = start; i < end;) {
        const char *nl = memchr(text + i, '\n', end - i);
        size_t line_end = nl ? (size_t)(nl - text) : end;
        size_t w = shelf_char_count(text, i, line_end);
        p->widest = w > p->widest ? w : p->widest;
        i = line_end + 1;
    }
}

/* Does the line that ends at t[nl] run (nearly) as wide as the widest line
 * of its paragraph, as a line the typesetter wrapped does?  A short line
 * (a code line, the end of a list item) ends where its writer ended it.
 * Widths are counted in characters, so "nearly" allows for proportional
 * type. */
/* Start of the line holding pos, or the paragraph's start if that is later. */
static size_t line_start_in(const shelf_paged_paragraph *p, size_t pos)
{
    while (pos > p->start && p->text[pos - 1] != '\n')
        pos--;
    return pos;
}

static bool line_is_full(const shelf_paged_paragraph *p, size_t nl)
{
    size_t start = line_start_in(p, nl);
    size_t width = shelf_char_count(p->text, start, nl);
    size_t widest = width > p->widest ? width : p->widest;
    return width * 10 >= widest * FULL_LINE_TENTHS;
}

/* Does the text run on across the line break t[nl] of a paged (PDF) text?
 * It does after a non-blank line that does not end a sentence, when the
 * break is just before a page start, or inside a paragraph (the PDF rules
 * end every paragraph with a blank line, so a single break there is the
 * typesetter's wrap) after a full line (line_is_full) unless the next line
 * opens a list item.  Reads no further than ceil. */
static bool runs_on_at(const shelf_paged_paragraph *p, size_t nl)
{
    const char *t = p->text;
    size_t ceil = p->end;
    if (nl >= ceil || t[nl] != '\n')
        return false;
    size_t prev = nl;
    while (prev > 0 && (t[prev - 1] == ' ' || t[prev - 1] == '\t' || t[prev - 1] == '\r'))
        prev--;
    if (prev == 0 || t[prev - 1] == '\n' || shelf_ends_sentence(t, prev, 0))
        return false;
    if (is_page_start(p->layout, nl + 1))
        return true;
    return inside_paragraph(t, nl, ceil) && !starts_list_item(t, nl + 1, ceil) &&
           line_is_full(p, nl);
}

#define NO_BREAK ((size_t)-1)

/* The line break before the line holding start, when only white space lies
 * between it and start and the text runs on across it; else NO_BREAK. */
static size_t run_on_break_before(const shelf_paged_paragraph *p, size_t start)
{
    const char *t = p->text;
    size_t line = line_start_in(p, start);
    for (size_t i = line; i < start; i++)
        if (!shelf_is_space(t[i]))
            return NO_BREAK;
    if (line <= p->start || !runs_on_at(p, line - 1))
        return NO_BREAK;
    return line - 1;
}

size_t shelf_sentence_start_paged(const shelf_paged_paragraph *p, size_t pos)
{
    size_t start = shelf_sentence_start(p->text, pos, p->start);
    if (!paged(p))
        return start;
    for (size_t nl; (nl = run_on_break_before(p, start)) != NO_BREAK;)
        start = shelf_sentence_start(p->text, nl, p->start);
    return start;
}

size_t shelf_sentence_end_paged(const shelf_paged_paragraph *p, size_t pos)
{
    size_t end = shelf_sentence_end(p->text, pos, p->end);
    while (paged(p) && end + 1 < p->end && runs_on_at(p, end))
        end = shelf_sentence_end(p->text, end + 1, p->end);
    return end;
}

size_t shelf_last_page_of(const shelf_layout *layout, size_t start, size_t end)
{
    if (!layout || !layout->npages)
        return 0;
    return shelf_layout_page_of(layout, end > start ? end - 1 : start);
}
