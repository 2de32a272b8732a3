/*
 * test_snippets.c - passages, highlights, sections and quotations at library
 * level (present/{textnav,section,spans,passage,cite,snippets}.h).
 *
 * Tiny indexes are built in temporary folders with shelf_indexwriter_* from
 * hand-written texts; a query goes through shelf_query_parse ->
 * shelf_plan_build -> shelf_search, and shelf_snippets_for_hit gives the
 * passages of a chosen hit.
 *
 * Every passage produced here is also checked, independently of the library,
 * for the contracts of passage.h (check_passages):
 *   - at most N passages, best first (score non-increasing), no overlap;
 *   - [start, end) inside the text, non-empty, on UTF-8 character
 *     boundaries, on word boundaries (next to ASCII white space) or at the
 *     paragraph's ends, never crossing a blank line;
 *   - line, column (characters, 1-based) and end_line recomputed here;
 *   - cut_before / cut_after equal to "non-blank text of the same paragraph
 *     was left out before / after";
 *   - highlights sorted, disjoint, non-empty, inside the passage, on UTF-8
 *     boundaries and on token boundaries (not in the middle of a run of
 *     letters or digits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "analysis/analyzer.h"
#include "extract/extract.h"
#include "backend/native/index.h"
#include "engine/writer.h"
#include "present/cite.h"
#include "present/passage.h"
#include "present/section.h"
#include "present/snippets.h"
#include "extract/textnav.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "backend/native/index_stats.h"
#include "backend/native/search.h"
#include "support.h"

#define BUDGET ((size_t)64 << 20)

/* ---- building and opening tiny indexes ---- */

typedef struct tdoc {
    const char *path;
    const char *text; /* NUL-terminated; indexed without the NUL */
} tdoc;

typedef struct fixture {
    char *tmp, *dir;
    shelf_index *idx;
    shelf_analyzer *an;
    size_t ndocs;
} fixture;

/* Temporary folders still to remove (a failed test leaves its fixture open). */
static char *g_leftover[64];

static void remember_dir(char *dir, bool keep)
{
    for (size_t i = 0; i < 64; i++) {
        if (keep && !g_leftover[i]) {
            g_leftover[i] = dir;
            return;
        }
        if (!keep && g_leftover[i] == dir) {
            g_leftover[i] = NULL;
            return;
        }
    }
}

static int remove_leftovers(void **state)
{
    (void)state;
    for (size_t i = 0; i < 64; i++)
        if (g_leftover[i]) {
            ts_rmtree(g_leftover[i]);
            g_leftover[i] = NULL;
        }
    return 0;
}

static void fixture_open(fixture *fx, const tdoc *docs, size_t n)
{
    memset(fx, 0, sizeof *fx);
    fx->tmp = ts_mkdtemp();
    remember_dir(fx->tmp, true);
    fx->dir = ts_strf("%s/idx", fx->tmp);
    fx->ndocs = n;
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = "english", .memory_budget = BUDGET, .rebuild = true};
    shelf_indexwriter *w = shelf_indexwriter_open(fx->dir, &wo, &err);
    if (!w)
        fail_msg("indexwriter_open: %s", err.msg);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(docs[i].text), title_len = 0;
        const char *title = shelf_title_of(docs[i].text, len, docs[i].path, &title_len);
        shelf_doc_input in = {.path = docs[i].path, .title = title, .title_len = title_len,
                              .text = docs[i].text, .text_len = len, .size = len,
                              .mtime_ns = 0, .hash = i};
        shelf_doc_report rep;
        if (shelf_indexwriter_add(w, &in, &rep, &err) != SHELF_OK)
            fail_msg("indexwriter_add %s: %s", docs[i].path, err.msg);
        assert_int_equal(rep.doc, i);
    }
    if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
    if (shelf_index_open(&fx->idx, fx->dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("index_open: %s", err.msg);
    fx->an = shelf_analyzer_new(shelf_index_language(fx->idx), &err);
    if (!fx->an)
        fail_msg("analyzer: %s", err.msg);
    assert_int_equal(shelf_index_segment_count(fx->idx), 1);
}

static void fixture_close(fixture *fx)
{
    shelf_analyzer_free(fx->an);
    shelf_index_close(fx->idx);
    ts_rmtree(fx->tmp);
    remember_dir(fx->tmp, false);
    free(fx->dir);
    free(fx->tmp);
    memset(fx, 0, sizeof *fx);
}

/* ---- independent text helpers ---- */

static bool is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A byte of a letter or digit run as the tests' texts use them: ASCII
 * letters/digits or any byte of a multi-byte character that is not one of the
 * non-word characters the tests use (dashes, quotes, emoji, CJK punctuation). */
static bool is_word_byte_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    /* find the character holding byte i */
    size_t s = i;
    while (s > 0 && is_cont(t[s]))
        s--;
    const unsigned char *u = (const unsigned char *)t + s;
    static const char *const non_word[] = {"—", "–", "“", "”", "’", "‘", "…", "。", "、", "«", "»"};
    for (size_t k = 0; k < sizeof non_word / sizeof *non_word; k++) {
        size_t n = strlen(non_word[k]);
        if (s + n <= len && memcmp(u, non_word[k], n) == 0)
            return false;
    }
    return u[0] < 0xF0; /* 4-byte sequences in these tests are emoji */
}

static void line_col(const char *t, size_t pos, size_t *line, size_t *col)
{
    size_t l = 1, ls = 0;
    for (size_t i = 0; i < pos; i++)
        if (t[i] == '\n') {
            l++;
            ls = i + 1;
        }
    size_t c = 1;
    for (size_t i = ls; i < pos; i++)
        c += !is_cont(t[i]);
    *line = l;
    *col = c;
}

static size_t line_start_of(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t line_end_of(const char *t, size_t len, size_t pos)
{
    while (pos < len && t[pos] != '\n')
        pos++;
    return pos;
}

static bool blank_range(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!is_ws(t[i]))
            return false;
    return true;
}

/* Paragraph holding pos: [first byte of its first line, end of its last line). */
static void para_of(const char *t, size_t len, size_t pos, size_t *ps, size_t *pe)
{
    size_t s = line_start_of(t, pos);
    while (s > 0) {
        size_t prev = line_start_of(t, s - 1);
        if (blank_range(t, prev, s - 1))
            break;
        s = prev;
    }
    size_t e = line_end_of(t, len, pos);
    while (e < len) {
        size_t ne = line_end_of(t, len, e + 1);
        if (blank_range(t, e + 1, ne))
            break;
        e = ne;
    }
    *ps = s;
    *pe = e;
}

static bool at_word_boundary(const char *t, size_t len, size_t pos)
{
    return pos == 0 || pos >= len || is_ws(t[pos - 1]) || is_ws(t[pos]);
}

/* Does [a, b) hold a blank line ('\n', white space, '\n')? */
static bool crosses_blank_line(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        if (t[i] != '\n')
            continue;
        size_t j = i + 1;
        while (j < b && t[j] != '\n' && is_ws(t[j]))
            j++;
        if (j < b && t[j] == '\n')
            return true;
    }
    return false;
}

static char *dup_range(const char *t, size_t a, size_t b)
{
    char *s = malloc(b - a + 1);
    assert_non_null(s);
    memcpy(s, t + a, b - a);
    s[b - a] = '\0';
    return s;
}

/* ---- the passage contracts ---- */

/* Best first: scores never rise, ties in document order; in_order: document
 * order. */
static void check_order(const char *what, const shelf_passages *ps, bool in_order)
{
    for (size_t i = 1; i < ps->count; i++) {
        const shelf_passage *p = &ps->at[i], *prev = &ps->at[i - 1];
        if (in_order ? p->start < prev->start : p->score > prev->score)
            fail_msg("[%s] passage %zu (at %zu, score %g) comes after passage %zu (at %zu, score %g)",
                     what, i, p->start, p->score, i - 1, prev->start, prev->score);
        if (!in_order && p->score == prev->score && p->start < prev->start)
            fail_msg("[%s] passages %zu and %zu tie but are not in document order", what, i - 1, i);
    }
}

static void check_passages(const char *what, const char *t, size_t len, const shelf_passages *ps,
                           size_t max, bool in_order)
{
    check_order(what, ps, in_order);
    if (ps->count > max)
        fail_msg("[%s] %zu passages for at most %zu", what, ps->count, max);
    for (size_t i = 0; i < ps->count; i++) {
        const shelf_passage *p = &ps->at[i];
        char *pt = p->end <= len && p->start <= p->end ? dup_range(t, p->start, p->end) : NULL;
        const char *shown = pt ? pt : "?";
        if (!(p->start < p->end && p->end <= len))
            fail_msg("[%s] passage %zu: bad range [%zu,%zu) of %zu", what, i, p->start, p->end, len);
        if ((p->start < len && is_cont(t[p->start])) || (p->end < len && is_cont(t[p->end])))
            fail_msg("[%s] passage %zu [%zu,%zu) splits a UTF-8 sequence: \"%s\"", what, i,
                     p->start, p->end, shown);
        size_t ps0, pe0;
        para_of(t, len, p->start, &ps0, &pe0);
        size_t first = ps0;
        while (first < pe0 && is_ws(t[first]))
            first++;
        size_t last = pe0;
        while (last > first && is_ws(t[last - 1]))
            last--;
        if (!at_word_boundary(t, len, p->start) && p->start != first)
            fail_msg("[%s] passage %zu starts inside a word at %zu: \"%s\"", what, i, p->start, shown);
        if (!at_word_boundary(t, len, p->end) && p->end != last && p->end != pe0)
            fail_msg("[%s] passage %zu ends inside a word at %zu: \"%s\"", what, i, p->end, shown);
        if (crosses_blank_line(t, p->start, p->end))
            fail_msg("[%s] passage %zu crosses a blank line: \"%s\"", what, i, shown);
        if (p->end > pe0)
            fail_msg("[%s] passage %zu [%zu,%zu) leaves its paragraph [%zu,%zu)", what, i,
                     p->start, p->end, ps0, pe0);
        size_t line, col, eline, ecol;
        line_col(t, p->start, &line, &col);
        line_col(t, p->end, &eline, &ecol);
        if (p->line != line || p->column != col)
            fail_msg("[%s] passage %zu at %zu: line %zu column %zu, expected %zu:%zu", what, i,
                     p->start, p->line, p->column, line, col);
        if (p->end_line != eline)
            fail_msg("[%s] passage %zu: end_line %zu, expected %zu", what, i, p->end_line, eline);
        bool before = !blank_range(t, ps0, p->start);
        bool after = !blank_range(t, p->end, pe0);
        if (p->cut_before != before || p->cut_after != after)
            fail_msg("[%s] passage %zu \"%s\": cut_before %d cut_after %d, expected %d %d", what, i,
                     shown, p->cut_before, p->cut_after, before, after);
        if (p->section_len && p->section_start + p->section_len > len)
            fail_msg("[%s] passage %zu: section outside the text", what, i);
        for (size_t j = 0; j < i; j++)
            if (p->start < ps->at[j].end && ps->at[j].start < p->end)
                fail_msg("[%s] passages %zu and %zu overlap", what, j, i);
        size_t n = p->end - p->start;
        for (size_t h = 0; h < p->nhighlights; h++) {
            shelf_highlight hl = p->highlights[h];
            if (!(hl.from < hl.to && hl.to <= n))
                fail_msg("[%s] passage %zu highlight %zu [%zu,%zu) outside [0,%zu)", what, i, h,
                         hl.from, hl.to, n);
            if (h > 0 && hl.from <= p->highlights[h - 1].to)
                fail_msg("[%s] passage %zu highlights %zu and %zu not sorted and merged", what, i,
                         h - 1, h);
            size_t a = p->start + hl.from, b = p->start + hl.to;
            if (is_cont(t[a]) || (b < len && is_cont(t[b])))
                fail_msg("[%s] passage %zu highlight splits a UTF-8 sequence", what, i);
            if ((a > 0 && is_word_byte_at(t, len, a - 1)) || (b < len && is_word_byte_at(t, len, b)))
                fail_msg("[%s] passage %zu highlight [%zu,%zu) \"%.*s\" is not on token boundaries",
                         what, i, a, b, (int)(b - a), t + a);
            if (!is_word_byte_at(t, len, a) || !is_word_byte_at(t, len, b - 1))
                fail_msg("[%s] passage %zu highlight \"%.*s\" does not start and end with a word",
                         what, i, (int)(b - a), t + a);
        }
        free(pt);
    }
}

/* ---- running a query and fetching a hit's passages ---- */

typedef struct snip {
    shelf_buf text;
    shelf_passages ps;
    const char *t;
    size_t len;
} snip;

static shelf_plan *plan_of(fixture *fx, const char *q)
{
    shelf_err err = {0};
    int column = 0;
    shelf_parse_opts po = {.default_and = false};
    shelf_qnode *tree = shelf_query_parse(q, &po, &err, &column);
    if (!tree)
        fail_msg("[%s] parse: %s (column %d)", q, err.msg, column);
    char notes[256];
    shelf_plan *plan = shelf_plan_for_index(fx->idx, fx->an, tree, notes, sizeof notes, &err, &column);
    shelf_query_free(tree);
    if (!plan)
        fail_msg("[%s] plan: %s (column %d)", q, err.msg, column);
    return plan;
}

/* Search; return true when doc is a hit. */
static bool is_hit(fixture *fx, const char *q, uint32_t doc)
{
    shelf_plan *plan = plan_of(fx, q);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = 1000;
    shelf_results r;
    shelf_err err = {0};
    if (shelf_search(fx->idx, plan, &o, &r, &err) != SHELF_OK)
        fail_msg("[%s] search: %s", q, err.msg);
    bool found = false;
    for (size_t i = 0; i < r.count; i++)
        found |= r.hits[i].local == doc;
    shelf_results_free(&r);
    shelf_plan_free(plan);
    return found;
}

/* Passages of document doc for query q (doc must be a hit); checked. */
static void snippets_with(fixture *fx, const char *q, uint32_t doc, const shelf_passage_opts *po,
                          snip *s)
{
    memset(s, 0, sizeof *s);
    shelf_plan *plan = plan_of(fx, q);
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = 1000;
    shelf_results r;
    shelf_err err = {0};
    if (shelf_search(fx->idx, plan, &o, &r, &err) != SHELF_OK)
        fail_msg("[%s] search: %s", q, err.msg);
    const shelf_hit *hit = NULL;
    for (size_t i = 0; i < r.count; i++)
        if (r.hits[i].local == doc)
            hit = &r.hits[i];
    if (!hit)
        fail_msg("[%s] document %u is not a hit (%zu hits)", q, doc, r.count);
    if (shelf_snippets_for_hit(fx->idx, hit, plan, fx->an, po, &s->text, &s->ps, &err) != SHELF_OK)
        fail_msg("[%s] snippets: %s", q, err.msg);
    shelf_results_free(&r);
    shelf_plan_free(plan);
    s->t = (const char *)s->text.data;
    s->len = s->text.len;
    char *what = ts_strf("%s / doc %u / n %zu / width %zu", q, doc, po->passages, po->width);
    check_passages(what, s->t, s->len, &s->ps, po->passages, po->in_order);
    free(what);
    if (s->ps.count == 0)
        fail_msg("[%s] no passage for document %u", q, doc);
}

static void snippets_of(fixture *fx, const char *q, uint32_t doc, size_t n, size_t width, snip *s)
{
    shelf_passage_opts po = {n, width, 0, false};
    snippets_with(fx, q, doc, &po, s);
}

static void snip_free(snip *s)
{
    shelf_passages_free(&s->ps);
    shelf_buf_free(&s->text);
}

/* Every highlighted range of all passages, as document byte ranges. */
typedef struct range {
    size_t a, b;
} range;

static size_t all_highlights(const snip *s, range *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ps.count; i++)
        for (size_t h = 0; h < s->ps.at[i].nhighlights; h++) {
            if (n == cap)
                fail_msg("more than %zu highlights", cap);
            out[n++] = (range){s->ps.at[i].start + s->ps.at[i].highlights[h].from,
                               s->ps.at[i].start + s->ps.at[i].highlights[h].to};
        }
    return n;
}

static bool has_highlight(const snip *s, size_t a, size_t b)
{
    range r[256];
    size_t n = all_highlights(s, r, 256);
    for (size_t i = 0; i < n; i++)
        if (r[i].a == a && r[i].b == b)
            return true;
    return false;
}

/* Is byte offset pos inside some passage? */
static bool in_passages(const snip *s, size_t a, size_t b)
{
    for (size_t i = 0; i < s->ps.count; i++)
        if (s->ps.at[i].start <= a && b <= s->ps.at[i].end)
            return true;
    return false;
}

/* Offset of the k-th (0-based) occurrence of needle in t. */
static size_t nth(const char *t, const char *needle, int k)
{
    const char *p = t;
    for (int i = 0;; i++) {
        p = strstr(p, needle);
        if (!p)
            fail_msg("\"%s\" occurrence %d not found", needle, k);
        if (i == k)
            return (size_t)(p - t);
        p++;
    }
}

/* Every highlight's text is one of the allowed strings (NULL-terminated). */
static void expect_highlight_texts(const char *q, const snip *s, const char *const *allowed)
{
    range r[256];
    size_t n = all_highlights(s, r, 256);
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = strlen(allowed[k]) == r[i].b - r[i].a &&
                 memcmp(s->t + r[i].a, allowed[k], r[i].b - r[i].a) == 0;
        if (!ok)
            fail_msg("[%s] unexpected highlight \"%.*s\" at %zu", q, (int)(r[i].b - r[i].a),
                     s->t + r[i].a, r[i].a);
    }
}

/* ---- highlighting ---- */

static const char STEM_DOC[] =
    "NATO Defence Review\n"
    "\n"
    "The Alliance strengthened its defences and its deterrence in the east.\n"
    "Defence spending rose again, and the defenders trained together.\n";

static void test_stem_aware_highlight(void **state)
{
    (void)state;
    tdoc docs[] = {{"stem.txt", STEM_DOC}, {"other.txt", "Nothing relevant here at all.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    const char *queries[] = {"defence", "Defences", "DEFENCE"};
    for (size_t qi = 0; qi < 3; qi++) {
        snip s;
        snippets_of(&fx, queries[qi], 0, 3, 200, &s);
        size_t a1 = nth(s.t, "Defence", 0), a2 = nth(s.t, "defences", 0), a3 = nth(s.t, "Defence", 1);
        if (!has_highlight(&s, a1, a1 + 7) || !has_highlight(&s, a2, a2 + 8) ||
            !has_highlight(&s, a3, a3 + 7))
            fail_msg("[%s] Defence (title), defences and Defence are not all highlighted exactly",
                     queries[qi]);
        range r[64];
        /* exactly those three: not "defenders", not "deterrence" */
        assert_int_equal(all_highlights(&s, r, 64), 3);
        snip_free(&s);
    }
    fixture_close(&fx);
}

static const char ACCENT_DOC[] =
    "Allies welcomed Türkiye and the Nordic states.\n"
    "The foreign minister of TÜRKIYE met Nausėda in Vilnius; Turkiye's envoy agreed.\n";

static void test_accented_highlight(void **state)
{
    (void)state;
    tdoc docs[] = {{"accent.txt", ACCENT_DOC}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    const char *queries[] = {"turkiye", "Türkiye", "TÜRKIYE"};
    for (size_t qi = 0; qi < 3; qi++) {
        snip s;
        snippets_of(&fx, queries[qi], 0, 2, 200, &s);
        size_t a = nth(s.t, "Türkiye", 0), b = nth(s.t, "TÜRKIYE", 0), c = nth(s.t, "Turkiye's", 0);
        if (!has_highlight(&s, a, a + strlen("Türkiye")))
            fail_msg("[%s] Türkiye (8 bytes) not highlighted whole", queries[qi]);
        if (!has_highlight(&s, b, b + strlen("TÜRKIYE")))
            fail_msg("[%s] TÜRKIYE not highlighted whole", queries[qi]);
        /* the possessive ending is not part of the token */
        if (!has_highlight(&s, c, c + strlen("Turkiye")))
            fail_msg("[%s] Turkiye (of Turkiye's) not highlighted without 's", queries[qi]);
        range r[16];
        assert_int_equal(all_highlights(&s, r, 16), 3);
        snip_free(&s);
    }
    snip s;
    snippets_of(&fx, "nauseda", 0, 2, 200, &s);
    size_t a = nth(s.t, "Nausėda", 0);
    assert_true(has_highlight(&s, a, a + strlen("Nausėda")));
    snip_free(&s);
    fixture_close(&fx);
}

static const char PHRASE_DOC[] =
    "Plan ahead\n"
    "\n"
    "Leaders endorsed the Defence Production Action Plan to boost production. "
    "The plan was new, and the action was quick; defence came first.\n";

static void test_phrase_highlight(void **state)
{
    (void)state;
    tdoc docs[] = {{"phrase.txt", PHRASE_DOC}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    const char *q = "\"defence production action plan\"";
    snip s;
    snippets_of(&fx, q, 0, 3, 200, &s);
    range r[16];
    size_t n = all_highlights(&s, r, 16);
    size_t a = nth(s.t, "Defence Production Action Plan", 0);
    if (n != 1 || r[0].a != a || r[0].b != a + strlen("Defence Production Action Plan"))
        fail_msg("[%s] expected one highlight over the phrase, got %zu (first \"%.*s\")", q, n,
                 n ? (int)(r[0].b - r[0].a) : 0, n ? s.t + r[0].a : "");
    /* the lone words elsewhere are in the passage but not highlighted */
    size_t lone = nth(s.t, "production.", 0);
    assert_true(in_passages(&s, lone, lone + 10));
    assert_true(in_passages(&s, nth(s.t, "defence came", 0), nth(s.t, "defence came", 0) + 7));
    snip_free(&s);

    /* the phrase plus one of its words alone: the word is highlighted where
     * it stands alone, the phrase still as one range */
    q = "\"defence production action plan\" action";
    snippets_of(&fx, q, 0, 3, 200, &s);
    n = all_highlights(&s, r, 16);
    assert_true(has_highlight(&s, a, a + strlen("Defence Production Action Plan")));
    size_t act = nth(s.t, "action was", 0);
    assert_true(has_highlight(&s, act, act + 6));
    assert_int_equal(n, 2);
    snip_free(&s);

    /* a word of several tokens is a phrase too */
    tdoc docs2[] = {{"cyber.txt", "Cyber threats grow.\n\nAllies count cyber-attacks daily, "
                                  "and attacks on cyber networks are common.\n"}};
    fixture fx2;
    fixture_open(&fx2, docs2, 1);
    snippets_of(&fx2, "cyber-attacks", 0, 3, 200, &s);
    n = all_highlights(&s, r, 16);
    a = nth(s.t, "cyber-attacks", 0);
    if (n != 1 || r[0].a != a || r[0].b != a + strlen("cyber-attacks"))
        fail_msg("[cyber-attacks] expected one highlight over cyber-attacks, got %zu", n);
    snip_free(&s);
    fixture_close(&fx2);
    fixture_close(&fx);
}

static const char NOT_DOC[] =
    "NATO and cyber security\n"
    "\n"
    "NATO members discussed cyber defence and space policy. NATO leaders agreed on cyber goals, "
    "and the space agency of NATO reported.\n";

static void test_not_terms_never_highlighted(void **state)
{
    (void)state;
    tdoc docs[] = {{"not.txt", NOT_DOC},
                   {"plain.txt", "NATO summit\n\nNATO leaders met in Vilnius to talk.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    static const char *const only_nato[] = {"NATO", NULL};
    const char *queries[] = {"nato -\"cyber space\"", "nato NOT (cyber AND pledge)",
                             "nato -(pledge OR \"space cyber\")", "+nato -pledge"};
    for (size_t qi = 0; qi < 4; qi++) {
        snip s;
        snippets_of(&fx, queries[qi], 0, 3, 200, &s);
        expect_highlight_texts(queries[qi], &s, only_nato);
        range r[32];
        assert_true(all_highlights(&s, r, 32) >= 3);
        snip_free(&s);
    }
    /* nato -cyber: the cyber document is not a hit; the other one is, with
     * only NATO highlighted */
    assert_false(is_hit(&fx, "nato -cyber", 0));
    snip s;
    snippets_of(&fx, "nato -cyber", 1, 3, 200, &s);
    expect_highlight_texts("nato -cyber", &s, only_nato);
    snip_free(&s);
    fixture_close(&fx);
}

static const char TITLE_DOC[] =
    "Annual Report on Defending Allies\n"
    "\n"
    "The annual budget grew. Defence planners and defenders met; the deterrence plan was defended.\n";

static void test_title_and_prefix_highlight(void **state)
{
    (void)state;
    tdoc docs[] = {{"title.txt", TITLE_DOC},
                   {"b.txt", "Budget notes\n\nThe annual budget of the annual meeting.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    /* title:annual: the document with Annual in its title; the title word is
     * highlighted, and nothing but annual/Annual is */
    assert_false(is_hit(&fx, "title:annual", 1));
    snip s;
    snippets_of(&fx, "title:annual", 0, 3, 200, &s);
    static const char *const annual[] = {"Annual", "annual", NULL};
    expect_highlight_texts("title:annual", &s, annual);
    assert_true(has_highlight(&s, 0, 6));
    snip_free(&s);

    snippets_of(&fx, "title:\"annual report\"", 0, 3, 200, &s);
    static const char *const annual_report[] = {"Annual Report", NULL};
    expect_highlight_texts("title:\"annual report\"", &s, annual_report);
    assert_true(has_highlight(&s, 0, 13));
    snip_free(&s);

    /* prefixes: every expansion found is highlighted, nothing else */
    snippets_of(&fx, "defen*", 0, 3, 200, &s);
    static const char *const defen[] = {"Defending", "Defence", "defenders", "defended", NULL};
    expect_highlight_texts("defen*", &s, defen);
    range r[32];
    assert_int_equal(all_highlights(&s, r, 32), 4);
    snip_free(&s);

    snippets_of(&fx, "title:defen*", 0, 3, 200, &s);
    assert_true(has_highlight(&s, nth(TITLE_DOC, "Defending", 0), nth(TITLE_DOC, "Defending", 0) + 9));
    expect_highlight_texts("title:defen*", &s, defen);
    snip_free(&s);
    fixture_close(&fx);
}

/* ---- document ends ---- */

static void check_ends(fixture *fx, uint32_t d, const char *doc, bool want_first, bool want_last,
                       size_t last_line)
{
    size_t len = strlen(doc);
    for (size_t width = 20; width <= 200; width += 30) {
        snip s;
        snippets_of(fx, "zebra", d, 2, width, &s);
        assert_int_equal(s.len, len);
        bool first = false, last = false;
        for (size_t i = 0; i < s.ps.count; i++) {
            const shelf_passage *p = &s.ps.at[i];
            if (p->start == 0) {
                first = true;
                assert_int_equal(p->line, 1);
                assert_int_equal(p->column, 1);
                assert_false(p->cut_before);
                assert_true(p->nhighlights >= 1);
                assert_int_equal(p->highlights[0].from, 0);
                assert_int_equal(p->highlights[0].to, 5);
            }
            if (p->end == len) {
                last = true;
                size_t line, col;
                line_col(doc, p->start, &line, &col);
                assert_int_equal(p->line, line);
                assert_int_equal(p->column, col);
                assert_int_equal(p->end_line, last_line);
                assert_false(p->cut_after);
                assert_true(p->nhighlights >= 1);
                shelf_highlight h = p->highlights[p->nhighlights - 1];
                assert_int_equal(p->start + h.to, len);
                assert_int_equal(p->start + h.from, len - 5);
            }
        }
        if (first != want_first || last != want_last)
            fail_msg("doc %u width %zu: passage from offset 0: %d, passage to the end: %d", d, width,
                     first, last);
        snip_free(&s);
    }
}

static void test_match_at_start_and_end(void **state)
{
    (void)state;
    static const char start[] =
        "Zebra crossings are painted white on the roads of the old town centre.\n"
        "Many other words follow here, about traffic, lights, buses and bicycles and more.\n";
    static const char end[] =
        "Crossings are painted white on the roads of the old town centre.\n"
        "Many other words follow here, about traffic, lights, buses and bicycles and more.\n"
        "Trams are slow. Übermäßig lange Wörter folgen, and at the very end stands a zebra";
    /* both, far apart (a 600-character line between them) */
    char *filler = ts_strf("%s", "");
    for (int i = 0; i < 12; i++) {
        char *f = ts_strf("%sFiller words without the animal, said over and over. ", filler);
        free(filler);
        filler = f;
    }
    char *both = ts_strf("Zebra at the start.\n%s\n%s", filler, end);
    free(filler);
    tdoc docs[] = {{"start.txt", start}, {"end.txt", end}, {"both.txt", both}};
    fixture fx;
    fixture_open(&fx, docs, 3);
    check_ends(&fx, 0, start, true, false, 0);
    check_ends(&fx, 1, end, false, true, 3);
    check_ends(&fx, 2, both, true, true, 5);
    fixture_close(&fx);
    free(both);
}

/* ---- cut points ---- */

/* Words around the matches: multi-byte letters, dashes, emoji, CJK. */
static const char *const FILLER[] = {
    "café", "naïve", "—", "🙂", "東京都", "Straße", "résumé", "多言語", "alliance",
    "élan", "señor", "👩‍👩‍👧", "x", "a", "über", "the", "of", "ﬁnance", "Ωmega", "déjà-vu",
    "and", "—em—", "🇫🇮", "fjord", "Zürich", "漢字かな", "rôle.", "end.", "well,", "«quote»",
};

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* A random text of space-separated words: fillers, "nato" now and then, line
 * breaks and blank lines. */
static char *random_text(uint64_t *seed, size_t words, bool breaks)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < words; i++) {
        uint64_t r = ts_rand_below(seed, 100);
        const char *w = r < 6 ? "nato" : r < 8 ? "Nato." : FILLER[ts_rand_below(seed, sizeof FILLER / sizeof *FILLER)];
        if (i > 0) {
            uint64_t sep = ts_rand_below(seed, 100);
            append(&buf, &len, &cap, breaks && sep < 3 ? "\n\n" : breaks && sep < 8 ? "\n" : " ");
        }
        append(&buf, &len, &cap, w);
    }
    append(&buf, &len, &cap, "\n");
    return buf;
}

static void test_cut_points_multibyte(void **state)
{
    (void)state;
    enum { DOCS = 12 };
    uint64_t seed = 20240611;
    char *texts[DOCS];
    tdoc docs[DOCS];
    char *names[DOCS];
    for (size_t i = 0; i < DOCS; i++) {
        texts[i] = random_text(&seed, 150 + 60 * i, i % 3 != 0);
        names[i] = ts_strf("r%02zu.txt", i);
        docs[i] = (tdoc){names[i], texts[i]};
    }
    fixture fx;
    fixture_open(&fx, docs, DOCS);
    const size_t widths[] = {20, 23, 31, 47, 60, 97, 150, 200};
    for (size_t d = 0; d < DOCS; d++) {
        if (!strstr(texts[d], "nato") && !strstr(texts[d], "Nato"))
            continue;
        for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
            snip s;
            snippets_of(&fx, "nato", (uint32_t)d, 4, widths[w], &s);
            /* every passage holds at least one highlight, all "nato"/"Nato" */
            static const char *const nato[] = {"nato", "Nato", NULL};
            expect_highlight_texts("nato", &s, nato);
            for (size_t i = 0; i < s.ps.count; i++)
                if (s.ps.at[i].nhighlights == 0)
                    fail_msg("doc %zu width %zu: passage %zu without a match", d, widths[w], i);
            /* every occurrence inside a passage is highlighted */
            for (const char *p = s.t + 1; (p = strstr(p, "ato")) != NULL; p++) {
                size_t a = (size_t)(p - s.t) - 1;
                if (in_passages(&s, a, a + 4) && !has_highlight(&s, a, a + 4))
                    fail_msg("doc %zu width %zu: \"nato\" at %zu inside a passage is not highlighted",
                             d, widths[w], a);
            }
            snip_free(&s);
        }
    }
    fixture_close(&fx);
    for (size_t i = 0; i < DOCS; i++) {
        free(texts[i]);
        free(names[i]);
    }
}

/* The match glued to other characters by something that is not white space
 * (a dash, a bracket, a guillemet): the passage must still start and end next
 * to white space or at the paragraph's ends (textnav.h's word boundary),
 * never at the token itself in the middle of a white-space-delimited word. */
static const char GLUED_BEFORE[] =
    "Intro\n"
    "\n"
    "Some long preamble of several words goes here before the counterintelligence—nato "
    "sentiment appears, and many more words follow after it so that the passage has to be "
    "cut somewhere along the way, well before the end of this rather long line of prose.\n";

static const char GLUED_AFTER[] =
    "Intro\n"
    "\n"
    "Words words words words words words words words «nato»-related-affairs-"
    "and-other-long-hyphenated-compounds continue here.\n";

static const char GLUED_SHORT[] =
    "Intro\n"
    "\n"
    "Another paragraph with quite a few words before the (nato) parenthesis and then a "
    "great many words after it, more than fit into the narrow window that is asked for.\n";

static void glued(const char *text)
{
    tdoc docs[] = {{"glued.txt", text}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    for (size_t width = 20; width <= 60; width += 8) {
        snip s;
        snippets_of(&fx, "nato", 0, 3, width, &s); /* check_passages: word boundaries */
        assert_int_equal(s.ps.count, 1);
        snip_free(&s);
    }
    fixture_close(&fx);
}

static void test_cut_glued_short(void **state)
{
    (void)state;
    glued(GLUED_SHORT);
}

static void test_cut_glued_before(void **state)
{
    (void)state;
    glued(GLUED_BEFORE);
}

static void test_cut_glued_after(void **state)
{
    (void)state;
    glued(GLUED_AFTER);
}

/* cut_before / cut_after exactly when text of the paragraph was left out,
 * also with CRLF line ends and trailing spaces. */
static void test_cut_flags(void **state)
{
    (void)state;
    static const char lf[] =
        "Title line\n"
        "\n"
        "Zebra alone.\n"
        "\n"
        "One two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen zebra twenty twenty-one twenty-two "
        "twenty-three twenty-four twenty-five twenty-six twenty-seven twenty-eight.\n";
    tdoc docs[] = {{"lf.txt", lf}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    snip s;
    snippets_of(&fx, "zebra", 0, 2, 40, &s);
    assert_int_equal(s.ps.count, 2);
    bool alone = false, cut = false;
    for (size_t i = 0; i < s.ps.count; i++) {
        const shelf_passage *p = &s.ps.at[i];
        if (p->start == nth(lf, "Zebra alone.", 0)) {
            alone = true;
            assert_int_equal(p->end, p->start + strlen("Zebra alone."));
            assert_false(p->cut_before);
            assert_false(p->cut_after);
        } else {
            cut = true;
            assert_true(p->cut_before);
            assert_true(p->cut_after);
        }
    }
    assert_true(alone && cut);
    snip_free(&s);
    fixture_close(&fx);
}

/* The whole paragraph shown: nothing of it is left out, so no cut flags. */
static void whole_paragraph(const char *path, const char *text)
{
    tdoc docs[] = {{path, text}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    snip s;
    snippets_of(&fx, "zebra", 0, 2, 40, &s); /* check_passages compares the flags */
    assert_int_equal(s.ps.count, 1);
    const shelf_passage *p = &s.ps.at[0];
    size_t a = nth(s.t, "Zebra alone.", 0);
    if (p->start != a || p->end != a + strlen("Zebra alone."))
        fail_msg("%s: passage [%zu,%zu) \"%.*s\", expected \"Zebra alone.\"", path, p->start,
                 p->end, (int)(p->end - p->start), s.t + p->start);
    if (p->cut_before || p->cut_after)
        fail_msg("%s: the whole paragraph \"Zebra alone.\" is shown, yet cut_before %d cut_after %d",
                 path, p->cut_before, p->cut_after);
    snip_free(&s);
    fixture_close(&fx);
}

static void test_cut_flags_crlf(void **state)
{
    (void)state;
    whole_paragraph("crlf.txt", "Title line\r\n\r\nZebra alone.\r\n\r\nAnother one.\r\n");
}

static void test_cut_flags_trailing_spaces(void **state)
{
    (void)state;
    whole_paragraph("trailing.txt", "Title line\n\nZebra alone.   \n\nAnother one.\n");
}

/* A 1,200+ character line: passages of about the width holding the match. */
static void test_long_line(void **state)
{
    (void)state;
    char *doc = NULL, *doc2 = NULL;
    size_t len = 0, cap = 0, len2 = 0, cap2 = 0;
    append(&doc, &len, &cap, "Long line report\n\n");
    append(&doc2, &len2, &cap2, "Long line report without sentences\n\n");
    static const char *const words[] = {"alliance", "members", "agreed", "to", "strengthen",
                                        "their", "forces", "in", "the", "east", "and", "north",
                                        "with", "new", "plans", "for", "rapid", "deployment"};
    uint64_t seed = 7;
    for (size_t i = 0; len < 2000; i++) {
        const char *w = i == 150 ? "quokka" : words[ts_rand_below(&seed, 18)];
        append(&doc, &len, &cap, w);
        append(&doc, &len, &cap, i % 15 == 14 ? ". " : " ");
        append(&doc2, &len2, &cap2, w);
        append(&doc2, &len2, &cap2, i % 15 == 14 ? ", " : " ");
    }
    append(&doc, &len, &cap, "quokka end.");
    append(&doc2, &len2, &cap2, "quokka end");
    tdoc docs[] = {{"long.txt", doc}, {"long2.txt", doc2}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    const size_t widths[] = {40, 80, 200, 300};
    for (uint32_t d = 0; d < 2; d++) {
        for (size_t w = 0; w < 4; w++) {
            size_t width = widths[w];
            snip s;
            snippets_of(&fx, "quokka", d, 2, width, &s);
            assert_int_equal(s.ps.count, 2);
            for (size_t i = 0; i < s.ps.count; i++) {
                const shelf_passage *p = &s.ps.at[i];
                size_t chars = shelf_char_count(s.t, p->start, p->end);
                size_t line_len = line_end_of(s.t, s.len, p->start) - line_start_of(s.t, p->start);
                assert_true(line_len >= 1200);
                /* documented: about the width; bound: 1.6 x width; in the middle of
                 * the line (not at its end) at least width / 2 */
                if (chars > width * 16 / 10 || (p->end < s.len && chars < width / 2))
                    fail_msg("doc %u width %zu: passage %zu [%zu,%zu) has %zu characters", d, width,
                             i, p->start, p->end, chars);
                assert_int_equal(p->nhighlights, 1);
                assert_memory_equal(s.t + p->start + p->highlights[0].from, "quokka", 6);
                assert_true(p->cut_before || p->cut_after);
            }
            snip_free(&s);
        }
    }
    fixture_close(&fx);
    free(doc);
    free(doc2);
}

/* ---- choosing ---- */

static void test_choosing(void **state)
{
    (void)state;
    static const char doc[] =
        "Field notes\n"
        "\n"
        "The walrus slept on the ice, far from the others.\n"
        "\n"
        "A walrus and a narwhal met near the shore; the narwhal dived and the walrus stayed.\n"
        "\n"
        "Later the walrus swam alone, then another walrus joined it.\n"
        "\n"
        "One more walrus was seen at dusk.\n"
        "\n"
        "And the last walrus of the day.\n";
    static const char title_only[] =
        "Sweden joins\n"
        "\n"
        "The country entered the alliance in March, after a long wait.\n";
    tdoc docs[] = {{"walrus.txt", doc}, {"title.txt", title_only},
                   {"x.txt", "Narwhal facts\n\nNarwhal tusks.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 3);
    for (size_t n = 1; n <= 6; n++) {
        snip s;
        snippets_of(&fx, "walrus narwhal", 0, n, 60, &s);
        /* five paragraphs hold a match: at least one passage each */
        if (n <= 5)
            assert_int_equal(s.ps.count, n);
        else
            assert_true(s.ps.count >= 5 && s.ps.count <= n);
        /* the passage with both words, the rarer one included, comes first */
        const shelf_passage *p = &s.ps.at[0];
        char *first = dup_range(s.t, p->start, p->end);
        if (!strstr(first, "narwhal") || !strstr(first, "walrus"))
            fail_msg("n %zu: best passage \"%s\" lacks narwhal or walrus", n, first);
        free(first);
        for (size_t i = 1; i < s.ps.count; i++)
            assert_true(s.ps.at[i].score < p->score);
        snip_free(&s);
    }
    /* only match in the title line */
    snip s;
    snippets_of(&fx, "sweden", 1, 2, 200, &s);
    assert_int_equal(s.ps.count, 1);
    assert_int_equal(s.ps.at[0].start, 0);
    assert_int_equal(s.ps.at[0].line, 1);
    assert_int_equal(s.ps.at[0].nhighlights, 1);
    assert_int_equal(s.ps.at[0].highlights[0].from, 0);
    assert_int_equal(s.ps.at[0].highlights[0].to, 6);
    snip_free(&s);
    snippets_of(&fx, "title:sweden", 1, 2, 200, &s);
    assert_int_equal(s.ps.count, 1);
    assert_int_equal(s.ps.at[0].start, 0);
    assert_true(has_highlight(&s, 0, 6));
    snip_free(&s);
    fixture_close(&fx);
}

/* Passages of a long document (many checkpoints): highlights exactly where
 * the terms and phrase matches are, computed here from the words. */
/* The passage holding every query word comes later in the text than one
 * holding a single word: best first puts it first; in_order keeps the text's
 * order.  (The heading's raw window reaches into the next paragraph and so
 * ties with the later passage's: only the cut passages differ.) */
static void test_best_passage_first(void **state)
{
    (void)state;
    static const char doc[] =
        "Walrus notes\n"
        "\n"
        "Narwhal tusks grow long.\n"
        "\n"
        "Seals rest on the rocks through the long cold winter, far from any shore or boat.\n"
        "\n"
        "Gulls circle above the harbour every morning before the fishing fleet goes out.\n"
        "\n"
        "A walrus and a narwhal swam together.\n";
    tdoc docs[] = {{"arctic.txt", doc}, {"other.txt", "Penguins live far south.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    const char *all_words = strstr(doc, "A walrus");
    const char *heading = doc;
    for (int in_order = 0; in_order <= 1; in_order++) {
        shelf_passage_opts po = {2, 60, 0, in_order == 1};
        snip s;
        snippets_with(&fx, "walrus narwhal", 0, &po, &s);
        assert_int_equal(s.ps.count, 2);
        size_t best = in_order ? 1 : 0, other = 1 - best;
        assert_int_equal(s.ps.at[best].start, (size_t)(all_words - doc));
        assert_int_equal(s.ps.at[other].start, (size_t)(heading - doc));
        assert_true(s.ps.at[best].score > s.ps.at[other].score);
        snip_free(&s);
    }
    fixture_close(&fx);
}

static void test_highlights_exact_long_document(void **state)
{
    (void)state;
    static const char *const vocab[] = {"alpha", "beta", "gamma", "delta", "🙂", "—", "café",
                                        "東京", "omega", "beta", "alpha", "sigma", "rho"};
    enum { WORDS = 3000 };
    uint64_t seed = 99;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    size_t *ws = malloc(WORDS * sizeof *ws), *we = malloc(WORDS * sizeof *we);
    const char **wt = malloc(WORDS * sizeof *wt);
    assert_non_null(ws);
    assert_non_null(we);
    assert_non_null(wt);
    append(&buf, &len, &cap, "Greek letters\n\n");
    for (size_t i = 0; i < WORDS; i++) {
        const char *w = vocab[ts_rand_below(&seed, sizeof vocab / sizeof *vocab)];
        if (i)
            append(&buf, &len, &cap, ts_rand_below(&seed, 40) == 0 ? "\n\n" : " ");
        ws[i] = len;
        append(&buf, &len, &cap, w);
        we[i] = len;
        wt[i] = w;
    }
    tdoc docs[] = {{"greek.txt", buf}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    const char *q = "gamma \"alpha beta\" sigma NEAR/1 rho";
    snip s;
    snippets_of(&fx, q, 0, 200, 60, &s);
    assert_true(s.ps.count >= 50);
    /* expected highlighted ranges: gamma; alpha then beta as the next token
     * (emoji and dashes are no tokens); sigma and rho within 1 position */
    range *exp = malloc(WORDS * sizeof *exp);
    assert_non_null(exp);
    size_t nexp = 0;
    size_t *tok = malloc(WORDS * sizeof *tok), ntok = 0; /* word index of each token */
    assert_non_null(tok);
    for (size_t i = 0; i < WORDS; i++)
        if (strcmp(wt[i], "🙂") != 0 && strcmp(wt[i], "—") != 0)
            tok[ntok++] = i;
    for (size_t k = 0; k < ntok; k++) {
        size_t i = tok[k];
        const char *w = wt[i];
        bool in_near = false;
        if (strcmp(w, "sigma") == 0 || strcmp(w, "rho") == 0) {
            const char *other = strcmp(w, "sigma") == 0 ? "rho" : "sigma";
            in_near = (k > 0 && strcmp(wt[tok[k - 1]], other) == 0) ||
                      (k + 1 < ntok && strcmp(wt[tok[k + 1]], other) == 0);
        }
        if (strcmp(w, "gamma") == 0 || in_near)
            exp[nexp++] = (range){ws[i], we[i]};
        else if (strcmp(w, "alpha") == 0 && k + 1 < ntok && strcmp(wt[tok[k + 1]], "beta") == 0)
            exp[nexp++] = (range){ws[i], we[tok[k + 1]]};
    }
    /* merge touching/overlapping expected ranges the way highlights merge */
    for (size_t i = 0; i < s.ps.count; i++) {
        const shelf_passage *p = &s.ps.at[i];
        range want[256];
        size_t nw = 0;
        for (size_t e = 0; e < nexp; e++) {
            if (exp[e].a < p->start || exp[e].b > p->end)
                continue;
            if (nw && exp[e].a <= want[nw - 1].b) {
                if (exp[e].b > want[nw - 1].b)
                    want[nw - 1].b = exp[e].b;
            } else {
                assert_true(nw < 256);
                want[nw++] = exp[e];
            }
        }
        bool same = nw == p->nhighlights;
        for (size_t h = 0; same && h < nw; h++)
            same = p->start + p->highlights[h].from == want[h].a &&
                   p->start + p->highlights[h].to == want[h].b;
        if (!same) {
            char *pt = dup_range(s.t, p->start, p->end);
            print_error("passage %zu [%zu,%zu): \"%s\"\n", i, p->start, p->end, pt);
            for (size_t h = 0; h < p->nhighlights; h++)
                print_error("  got  \"%.*s\"\n", (int)(p->highlights[h].to - p->highlights[h].from),
                            pt + p->highlights[h].from);
            for (size_t h = 0; h < nw; h++)
                print_error("  want \"%.*s\"\n", (int)(want[h].b - want[h].a), s.t + want[h].a);
            free(pt);
            fail_msg("[%s] passage %zu: %zu highlights, expected %zu", q, i, p->nhighlights, nw);
        }
    }
    snip_free(&s);
    fixture_close(&fx);
    free(exp);
    free(tok);
    free(ws);
    free(we);
    free(wt);
    free(buf);
}

/* ---- sections ---- */

static const char SECTION_DOC[] =
    "# Main Title\n"
    "\n"
    "Intro paragraph mentions a zebra once.\n"
    "\n"
    "## Sub Part ##\n"
    "\n"
    "Here the zebra again.\n"
    "\n"
    "Setext Heading\n"
    "==============\n"
    "\n"
    "A zebra in setext.\n"
    "\n"
    "Other Setext\n"
    "---\n"
    "\n"
    "The zebra under a dash underline.\n"
    "\n"
    "  Plain Title Line  \n"
    "\n"
    "The zebra under a plain title.\n"
    "\n"
    "Contents\t12\n"
    "\n"
    "The zebra after a table of contents entry.\n"
    "\n"
    "This is a sentence line.\n"
    "\n"
    "The zebra after a sentence line.\n"
    "\n"
    "Questions, answers;\n"
    "\n"
    "The zebra after a line ending in a semicolon.\n"
    "\n"
    "#NoSpace heading\n"
    "The zebra after a hash without space.\n";

static void test_sections(void **state)
{
    (void)state;
    tdoc docs[] = {{"sections.md", SECTION_DOC}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    struct {
        const char *anchor, *section;
    } want[] = {
        {"Intro paragraph", "Main Title"},
        {"Here the zebra", "Sub Part"},
        {"A zebra in setext", "Setext Heading"},
        {"The zebra under a dash", "Other Setext"},
        {"The zebra under a plain", "Plain Title Line"},
        {"The zebra after a table", "Plain Title Line"},
        {"The zebra after a sentence", "Plain Title Line"},
        {"The zebra after a line ending", "Plain Title Line"},
        {"The zebra after a hash", "Plain Title Line"},
    };
    size_t nwant = sizeof want / sizeof *want;
    snip s;
    snippets_of(&fx, "zebra", 0, 20, 60, &s);
    assert_int_equal(s.ps.count, nwant);
    for (size_t k = 0; k < nwant; k++) {
        size_t a = nth(s.t, want[k].anchor, 0);
        const shelf_passage *p = NULL;
        for (size_t i = 0; i < s.ps.count; i++)
            if (s.ps.at[i].start <= a && a < s.ps.at[i].end)
                p = &s.ps.at[i];
        if (!p)
            fail_msg("no passage holds \"%s\"", want[k].anchor);
        if (p->section_len != strlen(want[k].section) ||
            memcmp(s.t + p->section_start, want[k].section, p->section_len) != 0)
            fail_msg("passage \"%s...\": section \"%.*s\", expected \"%s\"", want[k].anchor,
                     (int)p->section_len, s.t + p->section_start, want[k].section);
    }
    snip_free(&s);

    /* section_of directly */
    size_t st, n;
    size_t len = strlen(SECTION_DOC);
    shelf_section_of(SECTION_DOC, len, 0, 0, false, &st, &n);
    assert_int_equal(n, strlen("Main Title"));
    assert_memory_equal(SECTION_DOC + st, "Main Title", n);
    shelf_section_of(SECTION_DOC, len, nth(SECTION_DOC, "==============", 0), 0, false, &st, &n);
    assert_int_equal(n, strlen("Setext Heading"));
    assert_memory_equal(SECTION_DOC + st, "Setext Heading", n);
    shelf_section_of(SECTION_DOC, len, len, 0, false, &st, &n);
    assert_int_equal(n, strlen("Plain Title Line"));
    /* no heading above: no section */
    static const char none[] = "just a sentence here.\nand another one.\n";
    shelf_section_of(none, strlen(none), 30, 0, false, &st, &n);
    assert_int_equal(n, 0);
    /* a title-like line with text right after it is not a heading */
    static const char glued[] = "Heading Like\nbody text follows at once.\n";
    shelf_section_of(glued, strlen(glued), 20, 0, false, &st, &n);
    assert_int_equal(n, 0);
    /* the text's first line counts as preceded by the start of the text */
    static const char first[] = "Report Title\n\nbody text.\n";
    shelf_section_of(first, strlen(first), 16, 0, false, &st, &n);
    assert_int_equal(n, strlen("Report Title"));
    assert_int_equal(st, 0);
    /* a TOC entry between blank lines is not a section, the heading above is */
    static const char toc[] = "Contents\n\nForeword\t5\n\nbody text.\n";
    shelf_section_of(toc, strlen(toc), strlen(toc) - 3, 0, false, &st, &n);
    assert_int_equal(n, strlen("Contents"));
    assert_int_equal(st, 0);
    /* look-back limit */
    static const char far[] = "Heading\n\na.\nb.\nc.\nd.\n";
    shelf_section_of(far, strlen(far), strlen(far) - 2, 3, false, &st, &n);
    assert_int_equal(n, 0);
    shelf_section_of(far, strlen(far), strlen(far) - 2, 0, false, &st, &n);
    assert_int_equal(n, strlen("Heading"));
    fixture_close(&fx);
}

/* Plain-text headings: 2 to 80 characters, starting with a letter or a digit
 * (section.h).  Lines starting with a dash, a quotation mark or an emoji are
 * not headings; letters and digits outside ASCII are. */
static void expect_section(const char *text, const char *at, const char *want)
{
    size_t st, n, len = strlen(text);
    const char *p = strstr(text, at);
    assert_non_null(p);
    shelf_section_of(text, len, (size_t)(p - text), 0, false, &st, &n);
    if (n != strlen(want) || memcmp(text + st, want, n) != 0)
        fail_msg("section of \"%s\": \"%.*s\", expected \"%s\"\n--- text:\n%s", at, (int)n,
                 text + st, want, text);
}

static void test_section_plain_heading_bounds(void **state)
{
    (void)state;
    char line80[81], line81[82];
    for (size_t i = 0; i < 80; i++)
        line80[i] = (char)('a' + i % 26);
    line80[0] = 'L';
    line80[80] = '\0';
    memcpy(line81, line80, 80);
    line81[80] = 'z';
    line81[81] = '\0';
    char *t = ts_strf("# Top\n\n%s\n\nbody one.\n", line80);
    expect_section(t, "body one", line80);
    free(t);
    t = ts_strf("# Top\n\n%s\n\nbody one.\n", line81);
    expect_section(t, "body one", "Top");
    free(t);
    /* characters, not bytes: 80 two-byte letters is still a heading */
    char *wide = ts_strf("%s", "");
    for (int i = 0; i < 80; i++) {
        char *w = ts_strf("%sé", wide);
        free(wide);
        wide = w;
    }
    t = ts_strf("# Top\n\n%s\n\nbody one.\n", wide);
    expect_section(t, "body one", wide);
    free(t);
    free(wide);
    expect_section("# Top\n\nA\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\nAB\n\nbody one.\n", "body one", "AB");
    expect_section("# Top\n\n2024 Review\n\nbody one.\n", "body one", "2024 Review");
    expect_section("# Top\n\nÜbersicht der Lage\n\nbody one.\n", "body one", "Übersicht der Lage");
    expect_section("# Top\n\nWhy now?\n\nbody one.\n", "body one", "Why now?");
    expect_section("# Top\n\nA list follows:\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\nFirst, second,\n\nbody one.\n", "body one", "Top");
}

static void test_section_plain_heading_must_start_with_letter(void **state)
{
    (void)state;
    expect_section("# Top\n\n(a remark in brackets)\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\n* a lone list item\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\n— a dashed aside\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\n“A quoted remark”\n\nbody one.\n", "body one", "Top");
    expect_section("# Top\n\n🙂 smiling line\n\nbody one.\n", "body one", "Top");
}

/* ---- places ---- */

static void test_line_column_bytes(void **state)
{
    (void)state;
    static const char doc[] =
        "Überblick über Straße\n"
        "\n"
        "Ça va — les élèves étudient; 東京の人々 and a walrus, 🙂 then more.\n"
        "\tTabbed line: déjà vu, walrus again, encore une fois.\n"
        "\n"
        "    Indented walrus paragraph with ÄÖÜ letters.\n";
    tdoc docs[] = {{"places.txt", doc}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    for (size_t width = 20; width <= 120; width += 25) {
        snip s;
        snippets_of(&fx, "walrus", 0, 5, width, &s);
        assert_int_equal(s.len, strlen(doc));
        assert_memory_equal(s.t, doc, s.len);
        size_t seen = 0;
        for (size_t i = 0; i < s.ps.count; i++) {
            const shelf_passage *p = &s.ps.at[i];
            for (size_t h = 0; h < p->nhighlights; h++) {
                assert_int_equal(p->highlights[h].to - p->highlights[h].from, 6);
                assert_memory_equal(s.t + p->start + p->highlights[h].from, "walrus", 6);
                seen++;
            }
        }
        assert_true(seen >= 2); /* a third may fall in a window that overlaps */
        snip_free(&s);
    }
    /* the exact column of a passage starting after multi-byte text */
    snip s;
    snippets_of(&fx, "indented", 0, 1, 200, &s);
    assert_int_equal(s.ps.at[0].line, 6);
    assert_int_equal(s.ps.at[0].column, 5);
    assert_int_equal(s.ps.at[0].start, nth(doc, "Indented", 0));
    snip_free(&s);
    fixture_close(&fx);
}

/* ---- quotations ---- */

static void check_quote(const char *what, const char *t, size_t len, const shelf_passage *p,
                        const shelf_quote *q)
{
    size_t line, col;
    line_col(t, q->start, &line, &col);
    if (q->line != line || q->column != col)
        fail_msg("[%s] quote at %zu: line %zu column %zu, expected %zu:%zu", what, q->start, q->line,
                 q->column, line, col);
    assert_true(q->start < q->end && q->end <= len);
    if (q->whole_sentences) {
        assert_true(q->end - q->start <= SHELF_QUOTE_MAX_BYTES);
        for (size_t h = 0; h < p->nhighlights; h++)
            if (p->start + p->highlights[h].from < q->start || p->start + p->highlights[h].to > q->end)
                fail_msg("[%s] quote [%zu,%zu) misses a highlight", what, q->start, q->end);
        /* starts a sentence: text start, after a line break, or after .!? and space */
        size_t b = q->start;
        bool starts = b == 0 || t[b - 1] == '\n';
        if (!starts) {
            size_t j = b;
            while (j > 0 && is_ws(t[j - 1]) && t[j - 1] != '\n')
                j--;
            while (j > 0 && strchr("\"')]", t[j - 1]))
                j--;
            starts = j < b && j > 0 && strchr(".!?", t[j - 1]) != NULL;
            if (j > 0 && t[j - 1] == '\n')
                starts = true;
        }
        if (!starts)
            fail_msg("[%s] quote \"%.*s\" does not start a sentence", what, (int)(q->end - q->start),
                     t + q->start);
        char e = t[q->end - 1];
        bool ends = q->end == len || t[q->end] == '\n' || strchr(".!?\"')]", e) != NULL;
        if (!ends)
            fail_msg("[%s] quote \"%.*s\" does not end a sentence", what, (int)(q->end - q->start),
                     t + q->start);
    } else {
        assert_int_equal(q->start, p->start);
        assert_int_equal(q->end, p->end);
    }
}

static void test_quotes(void **state)
{
    (void)state;
    /* hand-made passages: the quote is exactly the sentence(s) */
    static const char t[] = "First sentence here. The second one has the word. Third! Fourth (really.) ends";
    size_t len = strlen(t);
    shelf_highlight hl[2];
    shelf_passage p = {0};
    p.start = nth(t, "here", 0);
    p.end = nth(t, "Fourth", 0);
    p.highlights = hl;
    p.nhighlights = 1;
    hl[0] = (shelf_highlight){nth(t, "word", 0) - p.start, nth(t, "word", 0) + 4 - p.start};
    shelf_quote q;
    shelf_quote_of(t, len, NULL, &p, &q);
    assert_true(q.whole_sentences);
    assert_int_equal(q.start, nth(t, "The second", 0));
    assert_int_equal(q.end, nth(t, "word.", 0) + 5);
    assert_int_equal(q.line, 1);
    assert_int_equal(q.column, q.start + 1);
    /* two highlights in different sentences: both sentences */
    hl[1] = (shelf_highlight){nth(t, "Third", 0) - p.start, nth(t, "Third", 0) + 5 - p.start};
    p.nhighlights = 2;
    shelf_quote_of(t, len, NULL, &p, &q);
    assert_int_equal(q.start, nth(t, "The second", 0));
    assert_int_equal(q.end, nth(t, "Third!", 0) + 6);
    /* a closing bracket after the full stop belongs to the sentence */
    p.end = len;
    hl[0] = (shelf_highlight){nth(t, "really", 0) - p.start, nth(t, "really", 0) + 6 - p.start};
    p.nhighlights = 1;
    shelf_quote_of(t, len, NULL, &p, &q);
    assert_int_equal(q.start, nth(t, "Fourth", 0));
    assert_int_equal(q.end, nth(t, ".)", 0) + 2);
    /* last sentence without punctuation runs to the end of the text */
    hl[0] = (shelf_highlight){nth(t, "ends", 0) - p.start, len - p.start};
    shelf_quote_of(t, len, NULL, &p, &q);
    assert_int_equal(q.start, nth(t, "ends", 0));
    assert_int_equal(q.end, len);
    /* no highlight: the sentences of the passage */
    p.nhighlights = 0;
    p.start = nth(t, "The second", 0);
    p.end = nth(t, " Third", 0);
    shelf_quote_of(t, len, NULL, &p, &q);
    assert_true(q.whole_sentences);
    assert_int_equal(q.start, p.start);
    assert_int_equal(q.end, p.end);

    /* through the index: short sentences, a line break, a sentence over the cap */
    char *big = NULL;
    size_t blen = 0, bcap = 0;
    append(&big, &blen, &bcap, "Quotes\n\nA short sentence with an ibex. Another one.\n"
                               "A second line mentions nothing. The ibex returns here!\n\n");
    for (size_t i = 0; blen < 3000; i++)
        append(&big, &blen, &bcap, i == 100 ? "ibex " : "and more words without end ");
    append(&big, &blen, &bcap, "done.\n");
    tdoc docs[] = {{"quotes.txt", big}};
    fixture fx;
    fixture_open(&fx, docs, 1);
    snip s;
    snippets_of(&fx, "ibex", 0, 5, 60, &s);
    bool capped = false, sentence = false;
    for (size_t i = 0; i < s.ps.count; i++) {
        const shelf_passage *pp = &s.ps.at[i];
        shelf_quote_of(s.t, s.len, NULL, pp, &q);
        check_quote("ibex", s.t, s.len, pp, &q);
        if (!q.whole_sentences)
            capped = true;
        else if (q.start == nth(s.t, "A short", 0)) {
            sentence = true;
            assert_int_equal(q.end, nth(s.t, "ibex.", 0) + 5);
        } else if (q.start == nth(s.t, "The ibex", 0)) {
            assert_int_equal(q.end, nth(s.t, "here!", 0) + 5);
        }
    }
    assert_true(capped);   /* the sentence of > 1,200 bytes is quoted as the passage */
    assert_true(sentence);
    snip_free(&s);
    fixture_close(&fx);
    free(big);
}

/* SHELF_QUOTE_MAX_BYTES: a sentence of exactly the cap is quoted whole, one
 * byte more and the passage is quoted instead. */
static void test_quote_cap(void **state)
{
    (void)state;
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = SHELF_QUOTE_MAX_BYTES + extra;
        char *t = malloc(n + 32);
        assert_non_null(t);
        size_t len = 0;
        memcpy(t, "Intro. ", 7);
        len = 7;
        size_t s0 = len;
        while (len - s0 < n - 1) {
            t[len] = (len - s0) % 6 == 5 ? ' ' : 'w';
            len++;
        }
        if (t[len - 1] == ' ')
            t[len - 1] = 'w';
        t[len++] = '.';
        assert_int_equal(len - s0, n);
        memcpy(t + len, " Next one.", 10);
        len += 10;
        t[len] = '\0';
        shelf_highlight hl;
        shelf_passage p = {0};
        p.start = s0 + 400;
        while (t[p.start - 1] != ' ')
            p.start++;
        p.end = p.start + 400;
        while (t[p.end] != ' ')
            p.end++;
        hl.from = 6 * 20; /* a word of the passage, inside the long sentence */
        hl.to = hl.from + 5;
        p.highlights = &hl;
        p.nhighlights = 1;
        shelf_quote q;
        shelf_quote_of(t, len, NULL, &p, &q);
        if (extra == 0) {
            assert_true(q.whole_sentences);
            assert_int_equal(q.start, s0);
            assert_int_equal(q.end, s0 + n);
        } else {
            assert_false(q.whole_sentences);
            assert_int_equal(q.start, p.start);
            assert_int_equal(q.end, p.end);
        }
        size_t line, col;
        line_col(t, q.start, &line, &col);
        assert_int_equal(q.line, line);
        assert_int_equal(q.column, col);
        free(t);
    }
}

/* A hit with no located match (a path: filter alone): one passage from the
 * start of the text, without highlights. */
static void test_no_match_opening_passage(void **state)
{
    (void)state;
    static const char doc[] = "\n\n   Opening words of a document that is found by its path only. "
                              "More words follow.\n\nSecond paragraph.\n";
    tdoc docs[] = {{"notes/alpha-file.txt", doc}, {"notes/beta.txt", "Other text.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    assert_false(is_hit(&fx, "path:alpha", 1));
    snip s;
    snippets_of(&fx, "path:alpha", 0, 3, 40, &s);
    assert_int_equal(s.ps.count, 1);
    const shelf_passage *p = &s.ps.at[0];
    assert_int_equal(p->start, nth(doc, "Opening", 0));
    assert_int_equal(p->line, 3);
    assert_int_equal(p->column, 4);
    assert_int_equal(p->nhighlights, 0);
    assert_false(p->cut_before);
    assert_true(p->cut_after);
    snip_free(&s);
    fixture_close(&fx);
}

/* Hits in a later segment (a second writer run) and a replaced document:
 * the passages come from the right document's text. */
static void test_snippets_second_segment(void **state)
{
    (void)state;
    tdoc docs[] = {{"a.txt", "Old text about a walrus.\n"}, {"b.txt", "Narwhal facts.\n"}};
    fixture fx;
    fixture_open(&fx, docs, 2);
    shelf_index_close(fx.idx);
    fx.idx = NULL;
    shelf_err err = {0};
    shelf_writer_opts wo = {.language = "english", .memory_budget = BUDGET, .rebuild = false};
    shelf_indexwriter *w = shelf_indexwriter_open(fx.dir, &wo, &err);
    if (!w)
        fail_msg("indexwriter_open: %s", err.msg);
    static const char a2[] = "New text\n\nThe walrus moved; the new walrus is in the second segment.\n";
    static const char c[] = "Walrus and narwhal\n\nA third document.\n";
    const tdoc more[] = {{"a.txt", a2}, {"c.txt", c}};
    for (size_t i = 0; i < 2; i++) {
        size_t len = strlen(more[i].text), tl = 0;
        const char *title = shelf_title_of(more[i].text, len, more[i].path, &tl);
        shelf_doc_input in = {.path = more[i].path, .title = title, .title_len = tl,
                              .text = more[i].text, .text_len = len, .size = len,
                              .mtime_ns = 1, .hash = 100 + i};
        shelf_doc_report rep;
        if (shelf_indexwriter_add(w, &in, &rep, &err) != SHELF_OK)
            fail_msg("add: %s", err.msg);
    }
    if (shelf_indexwriter_commit(w, NULL, &err) != SHELF_OK)
        fail_msg("commit: %s", err.msg);
    shelf_indexwriter_free(w);
    if (shelf_index_open(&fx.idx, fx.dir, SHELF_OPEN_VERIFY, &err) != SHELF_OK)
        fail_msg("index_open: %s", err.msg);
    size_t nseg = shelf_index_segment_count(fx.idx);
    assert_true(nseg >= 1);

    shelf_plan *plan = plan_of(&fx, "walrus");
    shelf_search_opts o;
    shelf_search_opts_default(&o);
    o.k = 10;
    shelf_results r;
    if (shelf_search(fx.idx, plan, &o, &r, &err) != SHELF_OK)
        fail_msg("search: %s", err.msg);
    assert_int_equal(r.total, 2); /* the old a.txt is gone */
    bool seen_a = false, seen_c = false;
    for (size_t i = 0; i < r.count; i++) {
        shelf_buf text = SHELF_BUF_INIT;
        shelf_passages ps;
        shelf_passage_opts po = {3, 60, 0, false};
        if (shelf_snippets_for_hit(fx.idx, &r.hits[i], plan, fx.an, &po, &text, &ps, &err) != SHELF_OK)
            fail_msg("snippets: %s", err.msg);
        const char *t = (const char *)text.data;
        check_passages("walrus, two runs", t, text.len, &ps, 3, false);
        if (text.len == strlen(a2) && memcmp(t, a2, text.len) == 0)
            seen_a = true;
        else if (text.len == strlen(c) && memcmp(t, c, text.len) == 0)
            seen_c = true;
        else
            fail_msg("hit %zu has the text \"%.*s\"", i, (int)text.len, t);
        size_t hl = 0;
        for (size_t k = 0; k < ps.count; k++)
            for (size_t h = 0; h < ps.at[k].nhighlights; h++, hl++)
                assert_true(strncasecmp(t + ps.at[k].start + ps.at[k].highlights[h].from, "walrus",
                                        6) == 0);
        assert_int_equal(hl, text.len == strlen(a2) ? 2 : 1);
        shelf_passages_free(&ps);
        shelf_buf_free(&text);
    }
    assert_true(seen_a && seen_c);
    shelf_results_free(&r);
    shelf_plan_free(plan);
    fixture_close(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stem_aware_highlight),
        cmocka_unit_test(test_accented_highlight),
        cmocka_unit_test(test_phrase_highlight),
        cmocka_unit_test(test_not_terms_never_highlighted),
        cmocka_unit_test(test_title_and_prefix_highlight),
        cmocka_unit_test(test_match_at_start_and_end),
        cmocka_unit_test(test_cut_points_multibyte),
        cmocka_unit_test(test_cut_glued_short),
        cmocka_unit_test(test_cut_glued_before),
        cmocka_unit_test(test_cut_glued_after),
        cmocka_unit_test(test_cut_flags),
        cmocka_unit_test(test_cut_flags_crlf),
        cmocka_unit_test(test_cut_flags_trailing_spaces),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_choosing),
        cmocka_unit_test(test_best_passage_first),
        cmocka_unit_test(test_highlights_exact_long_document),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_section_plain_heading_bounds),
        cmocka_unit_test(test_section_plain_heading_must_start_with_letter),
        cmocka_unit_test(test_line_column_bytes),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_quote_cap),
        cmocka_unit_test(test_snippets_second_segment),
        /* last: under UBSan a failure here aborts the program */
        cmocka_unit_test(test_no_match_opening_passage),
    };
    return cmocka_run_group_tests(tests, NULL, remove_leftovers);
}
