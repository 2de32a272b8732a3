/* cli_split.c - splitting the command line into options and query words; see cli_split.h. */
#include "cli_split.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { ARITY_UNKNOWN = -1 };

/* Whether the long option named by arg ("--name" or "--name=value") takes
 * a value: no_argument, required_argument, optional_argument, or
 * ARITY_UNKNOWN when no option or options of different arity match (then
 * getopt_long reports it). */
static int long_arity(const struct option *longopts, const char *arg)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    int found = ARITY_UNKNOWN;
    bool any = false;
    for (const struct option *o = longopts; o->name; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (o->name[len] == '\0')
            return o->has_arg; /* an exact match wins */
        if (any && found != o->has_arg)
            found = ARITY_UNKNOWN;
        else if (!any)
            found = o->has_arg;
        any = true;
    }
    return found;
}

/* Whether short option c exists in shorts, and whether it takes a value. */
static bool short_option(const char *shorts, char c, bool *takes_value)
{
    const char *at = c && c != ':' ? strchr(shorts, c) : NULL;
    if (!at)
        return false;
    *takes_value = at[1] == ':';
    return true;
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return true;
    return false;
}

/* How many arguments from argv[i] on form one option (1 or 2, counting its
 * value), 0 for a query word, -1 for an argument that looks like an
 * option but is none. */
static int option_length(int argc, char **argv, int i, const char *shorts,
                         const struct option *longopts)
{
    const char *a = argv[i];
    bool more = i + 1 < argc;
    if (a[0] != '-' || a[1] == '\0' || has_space(a))
        return 0;
    if (a[1] == '-')
        return long_arity(longopts, a) == required_argument && !strchr(a, '=') && more ? 2 : 1;
    bool takes_value;
    if (!short_option(shorts, a[1], &takes_value))
        return -1;
    if (a[2] == '\0')
        return takes_value && more ? 2 : 1;
    return takes_value && all_digits(a + 2) ? 1 : -1;
}

int cli_split_args(int argc, char **argv, const char *shorts, const struct option *longopts,
                   cli_split *out)
{
    *out = (cli_split){0};
    out->opts = calloc((size_t)argc + 1, sizeof *out->opts);
    out->words = calloc((size_t)argc + 1, sizeof *out->words);
    if (!out->opts || !out->words)
        return -2;
    out->opts[out->nopts++] = argv[0];
    bool only_words = false;
    for (int i = 1; i < argc; i++) {
        if (!only_words && strcmp(argv[i], "--") == 0) {
            only_words = true;
            continue;
        }
        int n = only_words ? 0 : option_length(argc, argv, i, shorts, longopts);
        if (n < 0) {
            out->bad = argv[i];
            return -1;
        }
        if (n == 0)
            out->words[out->nwords++] = argv[i];
        for (int k = 0; k < n; k++)
            out->opts[out->nopts++] = argv[i + k];
        i += n > 0 ? n - 1 : 0;
    }
    return 0;
}

void cli_split_free(cli_split *s)
{
    free(s->opts);
    free(s->words);
    *s = (cli_split){0};
}
