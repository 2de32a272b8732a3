/* zipxml.c - XML members of a zip parsed safely; see zipxml.h. */
#include "extract/zipxml.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "extract/wptext.h"
#include "extract/xmlquiet.h"
#include "util/buf.h"

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

static xmlDoc *parse_silently(const char *bytes, size_t len)
{
    shelf_xml_quiet saved;
    shelf_xml_quiet_begin(&saved);
    xmlDoc *doc = xmlReadMemory(bytes, (int)len, NULL, NULL, PARSE_OPTIONS);
    shelf_xml_quiet_end(&saved);
    return doc;
}

static bool declares_entities(const xmlDoc *doc)
{
    return (doc->intSubset && (doc->intSubset->entities || doc->intSubset->pentities)) ||
           (doc->extSubset && (doc->extSubset->entities || doc->extSubset->pentities));
}

int shelf_zipxml_parse_bytes(const char *bytes, size_t len, const char *path, const char *label,
                             const char *name, xmlDoc **doc, shelf_err *err)
{
    *doc = NULL;
    if (len > INT_MAX)
        return shelf_errf(err, SHELF_ESKIP, "%s: %s member %s too large (over 2 GiB)", path, label,
                          name);
    xmlDoc *d = parse_silently(bytes, len);
    if (!d || !xmlDocGetRootElement(d)) {
        xmlFreeDoc(d);
        return shelf_errf(err, SHELF_ESKIP, "%s: damaged %s: %s is not well-formed XML", path,
                          label, name);
    }
    if (declares_entities(d)) {
        xmlFreeDoc(d);
        return shelf_errf(err, SHELF_ESKIP, "%s: %s member %s declares XML entities (refused)",
                          path, label, name);
    }
    *doc = d;
    return SHELF_OK;
}

int shelf_zipxml_parse(shelf_zip *zip, const char *path, const char *label, const char *name,
                       xmlDoc **doc, shelf_err *err)
{
    *doc = NULL;
    char *bytes;
    size_t len;
    int rc = shelf_zip_read(zip, name, &bytes, &len, err);
    if (rc != SHELF_OK)
        return rc;
    rc = shelf_zipxml_parse_bytes(bytes, len, path, label, name, doc, err);
    free(bytes);
    return rc;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

bool shelf_xml_is(const xmlNode *node, const char *ns_tail, const char *local)
{
    if (!node || node->type != XML_ELEMENT_NODE || !node->name ||
        strcmp((const char *)node->name, local) != 0)
        return false;
    if (!ns_tail)
        return true;
    return node->ns && node->ns->href && ends_with((const char *)node->ns->href, ns_tail);
}

const char *shelf_xml_attr(const xmlNode *node, const char *local)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    for (const xmlAttr *a = node->properties; a; a = a->next)
        if (a->name && strcmp((const char *)a->name, local) == 0) {
            const xmlNode *v = a->children;
            return v && v->type == XML_TEXT_NODE && !v->next && v->content
                       ? (const char *)v->content
                       : "";
        }
    return NULL;
}

xmlNode *shelf_xml_child(const xmlNode *node, const char *ns_tail, const char *local)
{
    for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
        if (shelf_xml_is(c, ns_tail, local))
            return c;
    return NULL;
}

xmlNode *shelf_xml_next(const xmlNode *node, const xmlNode *top, bool skip_children)
{
    if (!skip_children && node->type == XML_ELEMENT_NODE && node->children)
        return node->children;
    while (node && node != top && !node->next)
        node = node->parent;
    return !node || node == top ? NULL : node->next;
}

xmlNode *shelf_xml_find(const xmlNode *node, const char *ns_tail, const char *local)
{
    for (const xmlNode *n = node; n; n = shelf_xml_next(n, node, false))
        if (shelf_xml_is(n, ns_tail, local))
            return (xmlNode *)n;
    return NULL;
}

char *shelf_xml_text(const xmlNode *node)
{
    shelf_buf b = SHELF_BUF_INIT;
    bool failed = false;
    for (const xmlNode *n = node; n && !failed; n = shelf_xml_next(n, node, false))
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            failed = shelf_buf_append(&b, n->content, strlen((const char *)n->content)) != SHELF_OK;
    char *text = failed ? NULL : shelf_wptext_collapse((const char *)b.data, b.len);
    shelf_buf_free(&b);
    if (text && !*text) {
        free(text);
        return NULL;
    }
    return text;
}
