/*
 * cli_conflicts.h - searcher options that do not go together: one would
 * silently win over or be dropped by the other (`--json --cite`, `--count
 * --cite`, `--verify --no-verify`, a query's options with `--serve`).  The
 * command line refuses them, naming both.
 *
 * Invariant: options are named by their long name exactly as in --help
 * ("cite-format", not "cite-f"); an alias (colour for color) counts as the
 * option it spells.
 */
#ifndef SHELF_CLI_CONFLICTS_H
#define SHELF_CLI_CONFLICTS_H

#include <getopt.h>
#include <stdbool.h>

typedef struct cli_conflict {
    const char *a, *b; /* long option names */
    const char *why;   /* what to do instead, for the message */
} cli_conflict;

/* The first pair of the searcher's table whose options were both given,
 * or NULL.  given[i] says whether longopts[i] was on the command line. */
const cli_conflict *cli_find_conflict(const struct option *longopts, const bool *given);

#endif
