/* byline.c - who wrote a text, as a line says it; see byline.h. */
#include "extract/byline.h"
#include "extract/linetext.h"

#include <string.h>
#include <utf8proc.h>

#define NAME_WORDS_MIN 2
#define NAME_WORDS_MAX 4
#define AFFILIATION_WORDS_MAX 6

static bool is_alnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool has_email(shelf_linetext l)
{
    for (size_t i = 1; i + 1 < l.n; i++)
        if (l.s[i] == '@' && is_alnum_ascii(l.s[i - 1]) && is_alnum_ascii(l.s[i + 1]))
            return true;
    return false;
}

static utf8proc_category_t first_category(shelf_linetext w)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)w.s, (utf8proc_ssize_t)w.n, &cp);
    return n > 0 ? utf8proc_category(cp) : UTF8PROC_CATEGORY_CN;
}

static bool is_word(shelf_linetext w, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == w.n && memcmp(w.s, list[i], w.n) == 0)
            return true;
    return false;
}

static bool is_honorific(shelf_linetext w)
{
    static const char *const titles[] = {"Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.",
                                         "Prof", "Prof.", "Sir"};
    return is_word(w, titles, sizeof titles / sizeof *titles);
}

static bool is_particle(shelf_linetext w)
{
    static const char *const particles[] = {"van", "von", "de",  "der", "den", "da", "di",
                                            "du",  "la",  "le",  "del", "bin", "al"};
    return is_word(w, particles, sizeof particles / sizeof *particles);
}

/* A capitalised name word: a capital letter first, then letters and the
 * marks names hold ('-', '\'', '.'); no digit. */
static bool is_name_word(shelf_linetext w)
{
    if (first_category(w) != UTF8PROC_CATEGORY_LU)
        return false;
    for (size_t i = 0; i < w.n; i++)
        if ((w.s[i] >= '0' && w.s[i] <= '9') || w.s[i] == ',' || w.s[i] == '(' || w.s[i] == ')')
            return false;
    return true;
}

/* "Tom Goffus", "Dr Svitlana Kobzar", "Jan van Eyck". */
static bool is_name(shelf_linetext l)
{
    size_t at = 0, words = 0;
    shelf_linetext w;
    bool first = true, particle_last = false;
    while (shelf_linetext_next_word(l, &at, &w)) {
        if (first && is_honorific(w)) {
            first = false;
            continue;
        }
        first = false;
        particle_last = is_particle(w);
        if (particle_last)
            continue;
        if (!is_name_word(w) || ++words > NAME_WORDS_MAX)
            return false;
    }
    return words >= NAME_WORDS_MIN && !particle_last;
}

/* "United States", "Ghent University": letters and a few marks, no digit. */
static bool is_affiliation(shelf_linetext l)
{
    size_t at = 0, words = 0;
    shelf_linetext w;
    while (shelf_linetext_next_word(l, &at, &w)) {
        if (++words > AFFILIATION_WORDS_MAX)
            return false;
        for (size_t i = 0; i < w.n; i++) {
            unsigned char c = (unsigned char)w.s[i];
            bool ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      c == '-' || c == '.' || c == '&' || c == ',' || c == '\'';
            if (!ok)
                return false;
        }
    }
    return words > 0;
}

/* "Name Name (Affiliation)". */
static bool is_name_with_affiliation(shelf_linetext l)
{
    if (l.n < 2 || l.s[l.n - 1] != ')')
        return false;
    const char *open = memchr(l.s, '(', l.n);
    if (!open || open == l.s)
        return false;
    size_t name_len = (size_t)(open - l.s);
    shelf_linetext inside = {open + 1, l.n - name_len - 2};
    return is_name(shelf_linetext_trim(l.s, name_len)) && is_affiliation(inside);
}

bool shelf_is_byline(const char *line, size_t len)
{
    static const char *const openers[] = {"written by", "by ", "author:", "authors:", "copyright",
                                          "(c)", "\xc2\xa9" /* © */};
    shelf_linetext l = shelf_linetext_trim(line, len);
    for (size_t i = 0; i < sizeof openers / sizeof *openers; i++)
        if (shelf_linetext_opens(l, openers[i], NULL))
            return true;
    return has_email(l) || is_name_with_affiliation(l);
}
