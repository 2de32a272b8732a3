/*
 * htmlchrome.c - generator furniture of an HTML page (htmlchrome.h, which
 * states the rules).
 */
#include "extract/htmlchrome.h"

#include <string.h>
#include <strings.h>

#include "extract/htmlscan.h"

static bool is_name(const xmlNode *element, const char *name)
{
    return element->type == XML_ELEMENT_NODE && element->name &&
           strcasecmp((const char *)element->name, name) == 0;
}

/* Does the white-space separated list s hold the token w (any case)? */
static bool has_token(const char *s, const char *w)
{
    size_t wn = strlen(w);
    while (*s) {
        while (*s && shelf_html_is_space((unsigned char)*s))
            s++;
        size_t n = 0;
        while (s[n] && !shelf_html_is_space((unsigned char)s[n]))
            n++;
        if (n == wn && strncasecmp(s, w, n) == 0)
            return true;
        s += n;
    }
    return false;
}

/* Does the attribute's token list hold one of tokens (n of them)? */
static bool attribute_holds(const xmlNode *element, const char *attribute,
                            const char *const *tokens, size_t n)
{
    xmlChar *value = xmlGetProp((xmlNode *)element, (const xmlChar *)attribute);
    if (!value)
        return false;
    bool found = false;
    for (size_t i = 0; i < n && !found; i++)
        found = has_token((const char *)value, tokens[i]);
    xmlFree(value);
    return found;
}

static bool has_permalink_class(const xmlNode *element)
{
    static const char *const classes[] = {"headerlink", "hash-link", "anchor", "anchorjs-link"};
    return attribute_holds(element, "class", classes, sizeof classes / sizeof *classes);
}

static bool links_within_page(const xmlNode *element)
{
    xmlChar *href = xmlGetProp((xmlNode *)element, (const xmlChar *)"href");
    bool local = href && href[0] == '#';
    xmlFree(href);
    return local;
}

static bool has_letter_or_digit(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return true;
    }
    return false;
}

/* Whether any text under element (depth first, without recursion) has an
 * ASCII letter or digit. */
static bool text_has_letter_or_digit(const xmlNode *element)
{
    const xmlNode *node = element->children;
    while (node) {
        if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
            node->content && has_letter_or_digit((const char *)node->content))
            return true;
        if (node->type == XML_ELEMENT_NODE && node->children) {
            node = node->children;
            continue;
        }
        while (!node->next) {
            node = node->parent;
            if (!node || node == element)
                return false;
        }
        node = node->next;
    }
    return false;
}

bool shelf_html_is_permalink(const xmlNode *element)
{
    return is_name(element, "a") && has_permalink_class(element) && links_within_page(element) &&
           !text_has_letter_or_digit(element);
}

bool shelf_html_is_navigation(const xmlNode *element)
{
    static const char *const roles[] = {"navigation", "doc-toc"};
    static const char *const classes[] = {"toc",
                                          "navheader",
                                          "navfooter",
                                          "list-of-tables",
                                          "list-of-figures",
                                          "list-of-examples",
                                          "toctree-wrapper",
                                          "nav-panel"};
    if (element->type != XML_ELEMENT_NODE || !element->name)
        return false;
    return is_name(element, "nav") ||
           attribute_holds(element, "role", roles, sizeof roles / sizeof *roles) ||
           attribute_holds(element, "class", classes, sizeof classes / sizeof *classes);
}

bool shelf_html_is_byline_heading(const xmlNode *element)
{
    static const char *const classes[] = {"author", "editor", "corpauthor", "othercredit"};
    if (element->type != XML_ELEMENT_NODE || !element->name)
        return false;
    const char *name = (const char *)element->name;
    return (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6' && !name[2] &&
           attribute_holds(element, "class", classes, sizeof classes / sizeof *classes);
}
