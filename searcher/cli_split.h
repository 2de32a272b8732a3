/*
 * cli_split.h - options anywhere on the searcher's command line: the
 * arguments are split into options (with their values) and query words
 * before getopt_long reads the options, so `searcher wetland --json -n 3`
 * means `searcher --json -n 3 wetland`.
 *
 * Rules, in order, for each argument:
 *   - after "--", every argument is a query word ("--" itself is dropped);
 *   - "--name" or "--name=value" is a long option (a unique prefix of a
 *     name too, as getopt_long allows); when its option takes a value and
 *     no "=" gives it, the next argument is that value, whatever it is;
 *   - "-X" for a short option X of the option string is that option (with
 *     the next argument as its value when X takes one); "-XVALUE" for a
 *     short option with a value is accepted when VALUE is all digits
 *     ("-n5", but "-nato" is no -n);
 *   - "-" alone, and an argument starting with '-' that holds white space
 *     (a whole query in one argument: "-draft report"), are query words;
 *   - any other argument starting with '-' ("-draft", "-nato") looks like
 *     an option and is none: the split fails, naming it (the caller says
 *     to put such a query after "--");
 *   - everything else is a query word.
 * Invariants: options keep their order and query words theirs; the vectors
 * point into argv (nothing is copied); opts[0] is argv[0] and opts is
 * NULL-terminated, ready for getopt_long.
 */
#ifndef SHELF_CLI_SPLIT_H
#define SHELF_CLI_SPLIT_H

#include <getopt.h>

typedef struct cli_split {
    char **opts;       /* argv[0], then the options and their values; NULL-terminated */
    int nopts;         /* including argv[0] */
    char **words;      /* the query words, in order */
    int nwords;
    const char *bad;   /* when the split failed: the argument that looks like an option */
} cli_split;

/* Split argv by the rules above.  shorts is getopt's option string without
 * any leading '+' or '-' ("n:h").  Returns 0; -1 with out->bad set when an
 * argument looks like an option but is none; -2 when out of memory.
 * cli_split_free releases out in every case. */
int cli_split_args(int argc, char **argv, const char *shorts, const struct option *longopts,
                   cli_split *out);
void cli_split_free(cli_split *s);

#endif
