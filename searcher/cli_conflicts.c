/* cli_conflicts.c - the searcher's table of options that do not go together; see cli_conflicts.h. */
#include "cli_conflicts.h"

#include <stddef.h>
#include <string.h>

#define COUNT_ONLY "--count prints only the number of matching documents"
#define CITE_ONLY "a citation is the quoted sentences and where they come from"
#define SERVE_ASKS "with --serve, each request asks for what it wants"

static const cli_conflict conflicts[] = {
    {"json", "cite", "--cite-format json gives citations as JSON"},
    {"json", "cite-format", "--cite-format json gives citations as JSON"},
    {"json", "context", "JSON gives each passage's byte offsets and line"},
    {"json", "highlight", "JSON gives highlights as byte offsets"},
    {"count", "cite", COUNT_ONLY},
    {"count", "cite-format", COUNT_ONLY},
    {"count", "explain", COUNT_ONLY},
    {"count", "context", COUNT_ONLY},
    {"count", "highlight", COUNT_ONLY},
    {"count", "passages", COUNT_ONLY},
    {"count", "passages-in-order", COUNT_ONLY},
    {"count", "width", COUNT_ONLY},
    {"cite", "explain", CITE_ONLY},
    {"cite-format", "explain", CITE_ONLY},
    {"cite", "context", CITE_ONLY},
    {"cite-format", "context", CITE_ONLY},
    {"cite", "highlight", CITE_ONLY},
    {"cite-format", "highlight", CITE_ONLY},
    {"verify", "no-verify", "choose one"},
    {"serve", "json", SERVE_ASKS},
    {"serve", "count", SERVE_ASKS},
    {"serve", "cite", SERVE_ASKS},
    {"serve", "cite-format", SERVE_ASKS},
    {"serve", "explain", SERVE_ASKS},
    {"serve", "context", SERVE_ASKS},
    {"serve", "highlight", SERVE_ASKS},
    {"serve", "passages", SERVE_ASKS},
    {"serve", "passages-in-order", SERVE_ASKS},
    {"serve", "width", SERVE_ASKS},
    {"serve", "limit", SERVE_ASKS},
    {"serve", "offset", SERVE_ASKS},
    {"serve", "all", SERVE_ASKS},
    {"serve", "exact-total", SERVE_ASKS},
    {"serve", "color", SERVE_ASKS},
    {"serve", "sort", SERVE_ASKS},
    {"serve", "no-collapse", SERVE_ASKS},
};

/* Whether the option named name, or an alias with the same value, was given. */
static bool was_given(const struct option *longopts, const bool *given, const char *name)
{
    int val = -1;
    for (size_t i = 0; longopts[i].name; i++)
        if (strcmp(longopts[i].name, name) == 0)
            val = longopts[i].val;
    for (size_t i = 0; longopts[i].name; i++)
        if (given[i] && longopts[i].val == val && !longopts[i].flag)
            return true;
    return false;
}

const cli_conflict *cli_find_conflict(const struct option *longopts, const bool *given)
{
    for (size_t i = 0; i < sizeof conflicts / sizeof *conflicts; i++)
        if (was_given(longopts, given, conflicts[i].a) && was_given(longopts, given, conflicts[i].b))
            return &conflicts[i];
    return NULL;
}
