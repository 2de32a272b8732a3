/*
 * zipxml.h - an XML member of a zip (DOCX, ODT, EPUB) parsed with libxml2,
 * and the small questions the readers ask of its tree.
 *
 * Parsing: xmlReadMemory with XML_PARSE_NONET | NOERROR | NOWARNING |
 * NOCDATA: no network, no external DTD or entity is loaded and entities are
 * not substituted (XML_PARSE_NOENT is never set); a document that declares
 * entities of its own (an internal DTD subset with entities: "billion
 * laughs") is refused.  libxml2's default limits stay on (nesting depth,
 * text node size).  Errors are silenced for the call (libxml2's per-thread
 * handlers swapped and restored).  Refusals are SHELF_ESKIP "PATH: damaged
 * LABEL: MEMBER is not well-formed XML" and the like; a member that is not
 * there is SHELF_ENOTFOUND.
 *
 * Text is gathered only from element, text and CDATA nodes (never through
 * entity references), so no expansion can blow up.
 */
#ifndef SHELF_ZIPXML_H
#define SHELF_ZIPXML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "extract/zipread.h"
#include "util/error.h"

/* Reads and parses member `name`; *doc is freed with xmlFreeDoc. */
int shelf_zipxml_parse(shelf_zip *zip, const char *path, const char *label, const char *name,
                       xmlDoc **doc, shelf_err *err);

/* The same over bytes already in memory (name only for messages). */
int shelf_zipxml_parse_bytes(const char *bytes, size_t len, const char *path, const char *label,
                             const char *name, xmlDoc **doc, shelf_err *err);

/* Is node an element of this local name whose namespace URI ends with
 * ns_tail (NULL: any namespace, or none)? */
bool shelf_xml_is(const xmlNode *node, const char *ns_tail, const char *local);

/* The value of the attribute of this local name (any namespace), pointing
 * into the tree, or NULL. */
const char *shelf_xml_attr(const xmlNode *node, const char *local);

/* The first child element (in document order, not deeper) matching
 * shelf_xml_is, or NULL. */
xmlNode *shelf_xml_child(const xmlNode *node, const char *ns_tail, const char *local);

/* The first element of the subtree (node included) matching, or NULL;
 * depth-first, without recursion. */
xmlNode *shelf_xml_find(const xmlNode *node, const char *ns_tail, const char *local);

/* The next node after node in document order within top's subtree (not
 * entering node's children when skip_children), or NULL at the end. */
xmlNode *shelf_xml_next(const xmlNode *node, const xmlNode *top, bool skip_children);

/* The text of the subtree (text and CDATA nodes), white space collapsed
 * and trimmed, malloc'd; NULL when empty or out of memory. */
char *shelf_xml_text(const xmlNode *node);

#endif
