/* htmlmeta.c - author and date from an HTML document's tags; see htmlmeta.h. */
#include "extract/htmlmeta.h"
#include "extract/docauthor.h"
#include "extract/docdate.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum meta_kind { META_AUTHOR, META_DATE } meta_kind;

/* A tag name, what it gives and its rank (lower wins). */
typedef struct meta_rule {
    const char *name;
    meta_kind kind;
    int rank;
} meta_rule;

static const meta_rule meta_rules[] = {
    {"citation_author", META_AUTHOR, 0},
    {"author", META_AUTHOR, 1},
    {"dc.creator", META_AUTHOR, 2},
    {"dcterms.creator", META_AUTHOR, 2},
    {"citation_publication_date", META_DATE, 0},
    {"citation_date", META_DATE, 1},
    {"article:published_time", META_DATE, 2},
    {"dcterms.date", META_DATE, 3},
    {"dc.date", META_DATE, 4},
    {"date", META_DATE, 5},
};

#define TIME_RANK 6
#define NO_RANK 100

typedef struct found {
    char *author;
    int author_rank;
    char *date;
    int date_rank;
    bool out_of_memory;
} found;

static const meta_rule *rule_of(const char *name)
{
    for (size_t i = 0; name && i < sizeof meta_rules / sizeof *meta_rules; i++)
        if (strcasecmp(name, meta_rules[i].name) == 0)
            return &meta_rules[i];
    return NULL;
}

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

static void take_author(found *f, int rank, const char *content)
{
    if (rank > f->author_rank)
        return;
    if (rank < f->author_rank) {
        free(f->author);
        f->author = NULL;
        f->author_rank = rank;
    }
    if (shelf_author_append(&f->author, content, strlen(content)) != 0)
        f->out_of_memory = true;
}

static void take_date(found *f, int rank, const char *content)
{
    char iso[SHELF_DOCDATE_BUF];
    if (rank >= f->date_rank || shelf_docdate_normalise(content, strlen(content), iso) == 0)
        return;
    char *copy = strdup(iso);
    if (!copy) {
        f->out_of_memory = true;
        return;
    }
    free(f->date);
    f->date = copy;
    f->date_rank = rank;
}

static void visit_meta(found *f, const xmlNode *n)
{
    xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
    if (!name)
        name = xmlGetProp(n, (const xmlChar *)"property");
    const meta_rule *rule = rule_of((const char *)name);
    xmlFree(name);
    if (!rule)
        return;
    xmlChar *content = xmlGetProp(n, (const xmlChar *)"content");
    if (!content)
        return;
    if (rule->kind == META_AUTHOR)
        take_author(f, rule->rank, (const char *)content);
    else
        take_date(f, rule->rank, (const char *)content);
    xmlFree(content);
}

static void visit_time(found *f, const xmlNode *n)
{
    if (f->date_rank <= TIME_RANK)
        return; /* a <meta> date, or an earlier <time>, was found */
    xmlChar *when = xmlGetProp(n, (const xmlChar *)"datetime");
    if (when)
        take_date(f, TIME_RANK, (const char *)when);
    xmlFree(when);
}

/* Next node in document order (no recursion: depth costs nothing). */
static const xmlNode *next_node(const xmlNode *n, const xmlNode *top)
{
    if (n->type == XML_ELEMENT_NODE && n->children)
        return n->children;
    while (!n->next) {
        n = n->parent;
        if (!n || n == top)
            return NULL;
    }
    return n->next;
}

int shelf_html_meta(xmlDoc *doc, char **author, char **date)
{
    found f = {NULL, NO_RANK, NULL, NO_RANK, false};
    const xmlNode *top = (const xmlNode *)doc;
    for (const xmlNode *n = doc->children; n && !f.out_of_memory; n = next_node(n, top)) {
        if (is_element(n, "meta"))
            visit_meta(&f, n);
        else if (is_element(n, "time"))
            visit_time(&f, n);
    }
    if (f.out_of_memory) {
        free(f.author);
        free(f.date);
        f.author = f.date = NULL;
    }
    *author = f.author;
    *date = f.date;
    return f.out_of_memory ? SHELF_ENOMEM : SHELF_OK;
}
