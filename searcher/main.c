/*
 * main.c - the searcher command: options (anywhere among the query words,
 * cli_split.h; refused when they conflict, cli_conflicts.h), reading
 * queries (from the command line or one per line from --queries, each
 * answer labelled with its line), running them against an index and exit
 * codes.  Searching is done by the library in common/; printing by
 * print.c in the output form picked once from the options (output.h);
 * --serve hands over to serve.c (HTTP).
 *
 * Exit codes (as grep): 0 some document matched; 1 nothing matched;
 * 2 error (bad usage, malformed query, missing or damaged index);
 * 3 a query ran past its --timeout.
 */
#include "analysis/analyzer.h"
#include "backend/native/format.h" /* SHELF_FORMAT_VERSION, for --version */
#include "backend/native/index.h" /* SHELF_OPEN_VERIFY flags */
#include "cli_conflicts.h"
#include "cli_split.h"
#include "engine/engine.h"
#include "index_hint.h"
#include "output.h"
#include "print.h"
#include "remote_opt.h"
#include "query/parse.h"
#include "query/plan.h"
#include "query/search.h"
#include "listen_addr.h"
#include "serve.h"
#include "serve_limits.h"
#include "util/deadline.h"
#include "engine/arrange.h"
#include "extract/formats.h"
#include "util/progname.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_HITS = 0, EXIT_NO_HITS = 1, EXIT_ERROR = 2, EXIT_TIMEOUT = 3 };

#define MAX_INDEXES 64

typedef struct options {
    const char *index_dirs[MAX_INDEXES]; /* --index, repeatable: searched as one */
    size_t nindexes;
    remote_opt remotes; /* --remote, --remote-timeout */
    size_t limit, offset;
    bool json, all, explain, count_only;
    int verify; /* 0 never, 1 small indexes (default), 2 always */
    int color; /* -1 auto, 0 never, 1 always */
    const char *queries_file;
    size_t passages, width, context;
    bool passages_in_order; /* --passages-in-order: document order, not best first */
    const output_form *cite; /* --cite, --cite-format: a citation form; NULL without */
    const char *highlight; /* "OPEN,CLOSE" or NULL */
    shelf_search_opts search;
    shelf_arrange arrange; /* --sort, --no-collapse */
    char *query; /* joined from the remaining arguments */
    bool serve;         /* --serve: HTTP instead of a query */
    const char *listen; /* --listen HOST:PORT (with --serve) */
    double timeout;     /* --timeout: seconds per query or request; 0 none, < 0 not given */
} options;

typedef struct session {
    const options *opt;
    shelf_engine *engine;
    shelf_analyzer *analyzer;
    print_opts po;
} session;

/* The formats of the readers table, "pdf, html, ...", for type:. */
static void format_names(char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < shelf_format_count() && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
                                 shelf_format_at(i)->name);
}

/* --help: the programs named as they were called (util/progname.h), so the
 * installed shelf-searcher says shelf-searcher. */
static void usage(FILE *out)
{
    const char *me = shelf_progname();
    fprintf(out,
"Usage: %s [OPTIONS] QUERY... [OPTIONS]\n"
"       %s [OPTIONS] -- QUERY...         (words may then start with -)\n"
"       %s [OPTIONS] --queries FILE      (one query per line; - for stdin)\n"
"       %s --serve [--index DIR]... [--listen HOST:PORT]   (web page and JSON API)\n"
"\n"
"Ranked search (BM25) over an index built by `%s`.\n"
"\n",
            me, me, me, me, shelf_indexer_name());
    char cite_styles[128], formats[128];
    output_cite_styles(cite_styles, sizeof cite_styles, true);
    format_names(formats, sizeof formats);
    fprintf(out,
"Query language:\n"
"  word              documents with the word (folded and stemmed like the\n"
"                    documents: defence finds Defences)\n"
"  a b               default OR, ranked: documents with more and rarer words first\n"
"  a AND b, a OR b   operators in upper case; AND binds tighter than OR\n"
"  a NOT b           a, but not b (same as: a -b)\n"
"  +word  -word      required / excluded (-word after --, or in a quoted query:\n"
"                    %s -- nato -russia, %s 'nato -russia')\n"
"  ( ... )           grouping\n"
"  \"exact phrase\"    words next to each other, in order\n"
"  a NEAR/n b        words within n positions, any order (NEAR alone: n = 10)\n"
"  prefix*           words starting with prefix (at most 128 terms, the most\n"
"                    frequent; a note says when the cap is hit)\n"
"  title:word        word in the title (also title:\"a phrase\", title:pre*)\n"
"  path:fragment     documents whose path contains fragment (any case)\n"
"  type:NAME         documents of one format: %s\n"
"  in:FOLDER         documents under a folder (relative to an indexed folder,\n"
"                    or absolute): in:reports/2023 holds reports/2023/x.pdf,\n"
"                    not reports/2023b/x.pdf\n"
"  author:NAME       documents whose author names every word of NAME (any case)\n"
"  after:DATE        dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD): the\n"
"  before:DATE       document's own date, else its file's; before: is strictly\n"
"                    before the first day of DATE\n"
"                    Filters only restrict (they never change a score) and\n"
"                    go with every operator: nato type:pdf after:2023\n"
"\n"
"A query holding a misspelled word (one no document writes; on an index\n"
"without word lists, or for a word rare in the corpus, only when the query\n"
"matches at most 3 documents) gets the corrected query on stderr, as\n"
"`did you mean: ...` (--json: \"suggestion\").\n"
"\n"
"Options:\n"
"  --index DIR         index folder (default ./index); repeat it to search\n"
"                      several indexes as one (scores as if one index held\n"
"                      every document; each hit names its index)\n"
"  --remote HOST:PORT[,HOST:PORT...]\n"
"                      also search these Xapian shards served by xapian-tcpsrv\n"
"                      (repeatable), as one collection with the --index folders\n"
"                      if given (Xapian indexes), else alone; hits name their shard\n"
"  --remote-timeout SECONDS\n"
"                      give up on a shard that does not connect or answer within\n"
"                      this long (default 10; exit status 2, naming HOST:PORT;\n"
"                      --serve reconnects; 503 while the shard is down)\n"
"  -n, --limit N       hits to show (default 10)\n"
"  --offset K          skip the first K hits (paging)\n"
"  --all               make AND the default operator between words\n"
"  --json              one JSON object per query on stdout\n"
"  --count             only print the number of matching documents\n"
"  --exact-total       count every match of a ranked OR query exactly (by\n"
"                      default the count is exact up to 1,000 matches; past\n"
"                      that it may be a lower bound, shown as >= N, because\n"
"                      documents that cannot reach the top are skipped)\n"
"  --passages N        passages shown per hit (default 2), best first: the one\n"
"                      holding the most (and rarest) query words leads\n"
"  --passages-in-order show a hit's passages in document order instead\n"
"  --width CHARS       passage length in characters (default 200)\n"
"  --context N         show N lines of the document around each passage\n"
"  --highlight O,C     markers around matches in text output (default: bold\n"
"                      colour on a terminal, [[ and ]] otherwise)\n"
"  --cite              print each passage as a quotation: the whole sentence(s)\n"
"                      in quotes, then (Title, path, line N)\n"
"  --cite-format F     %s\n"
"  --explain           show each matched term's tf, df, idf, length norm and\n"
"                      contribution\n"
"  --k1 X, --b X       BM25 parameters (default 1.2 and 0.75)\n"
"  --title-weight W    weight of title matches (default 2; 0 = plain BM25)\n"
"  --proximity-weight W  weight of the query words' closeness (default 1;\n"
"                      0 = BM25F alone; native indexes only)\n"
"  --heading-weight H  weight of the query's words standing together in one\n"
"                      heading of the document (default 2; 0 = none; native\n"
"                      indexes only)\n"
"  --rescore-depth N   how many of the best BM25F hits proximity and headings\n"
"                      re-score (default 10; never fewer than the hits asked for)\n"
"  --sort ORDER        relevance (default), date (oldest first), -date (newest\n"
"                      first) or path; date and path order every match (scored\n"
"                      by BM25F alone), equal ones by score\n"
"  --no-collapse       list the same content under several paths as separate\n"
"                      hits (by default it is one hit naming every path)\n"
"  --color WHEN        auto (default: on a terminal), always or never\n"
"  --queries FILE      run many queries, one per line, in one process; each\n"
"                      answer is labelled with its line (text: a first line\n"
"                      \"line N: QUERY\"; JSON: \"line\"); a failing line is\n"
"                      answered with its error and the run goes on (exit 2)\n"
"  --verify            check every file's CRC-32 when opening the index (done\n"
"                      by default only for indexes up to 8 MiB; file frames and\n"
"                      every offset are always checked)\n"
"  --no-verify         never check CRC-32s when opening\n"
"  --serve             answer over HTTP until Ctrl-C: a search page for people\n"
"                      and a JSON API (/api/search, /api/doc, /api/cite), and\n"
"                      the indexed files themselves (/api/file)\n"
"  --listen HOST:PORT  where --serve listens (default " SERVE_DEFAULT_LISTEN ";\n"
"                      only loopback unless you name another address)\n"
"  --timeout SECONDS   give up on a query after this long (exit status 3; default:\n"
"                      no limit); with --serve, the limit of each request (503;\n"
"                      default 10); 0 = no limit\n"
"  --version           the program's version and its index format\n"
"  -h, --help          this help\n"
"\n"
"Options may come before or after the query words; after --, every argument\n"
"is a query word. Options that would silently cancel each other (--json with\n"
"--cite, --count with --cite, ...) are refused.\n"
"\n"
"Exit status: 0 documents matched; 1 none matched; 2 error; 3 --timeout reached\n"
"(with --queries: 2 if any line failed, else 3 if any ran out of time, else 0\n"
"if any matched, else 1).\n",
            me, me, formats, cite_styles);
}

#define TIMEOUT_MAX_S 86400.0

static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_count(const char *name, const char *s, size_t *out)
{
    double v;
    if (parse_number(s, 0, 1e9, &v) != 0 || v != (double)(size_t)v) {
        fprintf(stderr, "searcher: %s wants a whole number, got '%s'\n", name, s);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int parse_param(const char *name, const char *s, double lo, double hi, double *out)
{
    if (parse_number(s, lo, hi, out) != 0) {
        fprintf(stderr, "searcher: %s wants a number from %g to %g, got '%s'\n", name, lo, hi, s);
        return -1;
    }
    return 0;
}

static int parse_color(const char *s, int *out)
{
    if (strcmp(s, "auto") == 0)
        *out = -1;
    else if (strcmp(s, "always") == 0)
        *out = 1;
    else if (strcmp(s, "never") == 0)
        *out = 0;
    else {
        fprintf(stderr, "searcher: --color wants auto, always or never, got '%s'\n", s);
        return -1;
    }
    return 0;
}

static int check_min(const char *name, size_t v, size_t min)
{
    if (v >= min)
        return 0;
    fprintf(stderr, "searcher: %s must be at least %zu\n", name, min);
    return -1;
}

static int check_highlight(const char *s)
{
    if (strchr(s, ','))
        return 0;
    fprintf(stderr, "searcher: --highlight wants OPEN,CLOSE (for example '**,**'), got '%s'\n", s);
    return -1;
}

static int parse_cite_format(const char *s, const output_form **out)
{
    *out = output_cite_form(s);
    if (*out)
        return 0;
    char styles[128];
    output_cite_styles(styles, sizeof styles, false);
    fprintf(stderr, "searcher: --cite-format wants %s, got '%s'\n", styles, s);
    return -1;
}

static char *join_args(char **args, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(args[i]) + 1;
    char *q = calloc(1, len);
    for (int i = 0; q && i < n; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, args[i]);
    }
    return q;
}

/* --serve takes no query; --listen needs --serve. */
static int check_serve_options(const options *opt, int words)
{
    if (!opt->serve) {
        fprintf(stderr, "searcher: --listen goes with --serve\n");
        return -1;
    }
    if (words > 0 || opt->queries_file) {
        fprintf(stderr, "searcher: --serve takes no query (search from the page or /api/search)\n");
        return -1;
    }
    return 0;
}

static void print_version(void)
{
    printf("%s (shelf) %s\nindex format %u\n", shelf_progname(), SHELF_VERSION,
           SHELF_FORMAT_VERSION);
}

enum { O_INDEX = 256, O_OFFSET, O_JSON, O_ALL, O_EXPLAIN, O_COUNT, O_K1, O_B, O_TW, O_COLOR,
       O_QUERIES, O_NOVERIFY, O_EXACT, O_VERIFY, O_PASSAGES, O_IN_ORDER, O_WIDTH, O_CONTEXT, O_HIGHLIGHT, O_CITE, O_CITE_FORMAT,
       O_SERVE, O_LISTEN, O_TIMEOUT, O_VERSION, O_PROX, O_DEPTH, O_HEAD, O_SORT, O_NO_COLLAPSE,
       O_REMOTE, O_REMOTE_TIMEOUT };
static const struct option longopts[] = {
    {"index", required_argument, NULL, O_INDEX}, {"limit", required_argument, NULL, 'n'},
    {"offset", required_argument, NULL, O_OFFSET}, {"json", no_argument, NULL, O_JSON},
    {"all", no_argument, NULL, O_ALL}, {"explain", no_argument, NULL, O_EXPLAIN},
    {"count", no_argument, NULL, O_COUNT}, {"k1", required_argument, NULL, O_K1},
    {"b", required_argument, NULL, O_B}, {"title-weight", required_argument, NULL, O_TW},
    {"color", required_argument, NULL, O_COLOR}, {"colour", required_argument, NULL, O_COLOR},
    {"queries", required_argument, NULL, O_QUERIES}, {"no-verify", no_argument, NULL, O_NOVERIFY},
    {"verify", no_argument, NULL, O_VERIFY}, {"exact-total", no_argument, NULL, O_EXACT},
    {"passages", required_argument, NULL, O_PASSAGES}, {"width", required_argument, NULL, O_WIDTH},
    {"passages-in-order", no_argument, NULL, O_IN_ORDER},
    {"context", required_argument, NULL, O_CONTEXT}, {"highlight", required_argument, NULL, O_HIGHLIGHT},
    {"cite", no_argument, NULL, O_CITE}, {"cite-format", required_argument, NULL, O_CITE_FORMAT},
    {"serve", no_argument, NULL, O_SERVE}, {"listen", required_argument, NULL, O_LISTEN},
    {"timeout", required_argument, NULL, O_TIMEOUT}, {"version", no_argument, NULL, O_VERSION},
    {"proximity-weight", required_argument, NULL, O_PROX},
    {"rescore-depth", required_argument, NULL, O_DEPTH},
    {"heading-weight", required_argument, NULL, O_HEAD},
    {"sort", required_argument, NULL, O_SORT}, {"no-collapse", no_argument, NULL, O_NO_COLLAPSE},
    {"remote", required_argument, NULL, O_REMOTE},
    {"remote-timeout", required_argument, NULL, O_REMOTE_TIMEOUT},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
enum { N_LONGOPTS = sizeof longopts / sizeof *longopts };

static int parse_sort(const char *value, shelf_sort *out)
{
    if (shelf_sort_named(value, out))
        return 0;
    fprintf(stderr, "searcher: --sort takes relevance, date, -date or path, not '%s'\n", value);
    return -1;
}

/* --index DIR, once per index; the first replaces the default. */
static int add_index(options *opt, const char *dir)
{
    if (opt->nindexes >= MAX_INDEXES) {
        fprintf(stderr, "searcher: at most %d --index options\n", MAX_INDEXES);
        return -1;
    }
    opt->index_dirs[opt->nindexes++] = dir;
    return 0;
}

/* Apply one option getopt_long returned; -1 when its value is refused. */
static int apply_option(int c, options *opt)
{
    int bad = 0;
    switch (c) {
    case O_INDEX: bad = add_index(opt, optarg); break;
    case O_REMOTE: bad = remote_opt_add(&opt->remotes, optarg); break;
    case O_REMOTE_TIMEOUT: bad = remote_opt_timeout(&opt->remotes, optarg); break;
    case 'n': bad = parse_count("--limit", optarg, &opt->limit); break;
    case O_OFFSET: bad = parse_count("--offset", optarg, &opt->offset); break;
    case O_JSON: opt->json = true; break;
    case O_ALL: opt->all = true; break;
    case O_EXPLAIN: opt->explain = true; break;
    case O_COUNT: opt->count_only = true; break;
    case O_K1: bad = parse_param("--k1", optarg, 0, 100, &opt->search.k1); break;
    case O_B: bad = parse_param("--b", optarg, 0, 1, &opt->search.b); break;
    case O_TW: bad = parse_param("--title-weight", optarg, 0, 1000, &opt->search.title_weight); break;
    case O_COLOR: bad = parse_color(optarg, &opt->color); break;
    case O_QUERIES: opt->queries_file = optarg; break;
    case O_NOVERIFY: opt->verify = 0; break;
    case O_VERIFY: opt->verify = 2; break;
    case O_EXACT: opt->search.exact_total = true; break;
    case O_PASSAGES: bad = parse_count("--passages", optarg, &opt->passages) || check_min("--passages", opt->passages, 1); break;
    case O_IN_ORDER: opt->passages_in_order = true; break;
    case O_WIDTH: bad = parse_count("--width", optarg, &opt->width) || check_min("--width", opt->width, 20); break;
    case O_CONTEXT: bad = parse_count("--context", optarg, &opt->context); break;
    case O_HIGHLIGHT: bad = check_highlight(optarg); opt->highlight = optarg; break;
    case O_CITE: if (!opt->cite) opt->cite = output_cite_default(); break;
    case O_CITE_FORMAT: bad = parse_cite_format(optarg, &opt->cite); break; /* implies --cite */
    case O_SERVE: opt->serve = true; break;
    case O_LISTEN: opt->listen = optarg; break;
    case O_TIMEOUT: bad = parse_param("--timeout", optarg, 0, TIMEOUT_MAX_S, &opt->timeout); break;
    case O_PROX: bad = parse_param("--proximity-weight", optarg, 0, 1000, &opt->search.proximity_weight); break;
    case O_DEPTH: bad = parse_count("--rescore-depth", optarg, &opt->search.rescore_depth); break;
    case O_HEAD: bad = parse_param("--heading-weight", optarg, 0, 1000, &opt->search.heading_weight); break;
    case O_SORT: bad = parse_sort(optarg, &opt->arrange.sort); break;
    case O_NO_COLLAPSE: opt->arrange.collapse = false; break;
    case 'h': usage(stdout); exit(EXIT_HITS);
    case O_VERSION: print_version(); exit(EXIT_HITS);
    default: bad = 1; break;
    }
    return bad ? -1 : 0;
}

/* Read the options split out of the command line, noting which were given. */
static int read_options(const cli_split *split, options *opt, bool *given)
{
    int c, li;
    optind = 1;
    while (li = -1, (c = getopt_long(split->nopts, split->opts, "+n:h", longopts, &li)) != -1) {
        for (int i = 0; li < 0 && i < N_LONGOPTS - 1; i++) /* a short option: its long twin */
            if (longopts[i].val == c)
                li = i;
        if (li >= 0)
            given[li] = true;
        if (apply_option(c, opt) != 0)
            return -1;
    }
    const cli_conflict *clash = cli_find_conflict(longopts, given);
    if (clash) {
        fprintf(stderr, "searcher: --%s and --%s do not go together (%s)\n", clash->a, clash->b,
                clash->why);
        return -1;
    }
    return 0;
}

/* The query words, checked against --serve and --queries and joined. */
static int take_query(const cli_split *split, options *opt)
{
    if (opt->serve || opt->listen)
        return check_serve_options(opt, split->nwords);
    if (!opt->queries_file && split->nwords == 0) {
        fprintf(stderr, "searcher: no query given\nTry '%s --help'.\n", shelf_progname());
        return -1;
    }
    if (opt->queries_file && split->nwords > 0) {
        fprintf(stderr, "searcher: give either a QUERY or --queries FILE, not both\n");
        return -1;
    }
    if (!opt->queries_file && !(opt->query = join_args(split->words, split->nwords)))
        return -1;
    return 0;
}

static int parse_options(int argc, char **argv, options *opt)
{
    *opt = (options){.limit = 10, .color = -1, .verify = 1,
                     .passages = SHELF_DEFAULT_PASSAGES, .width = SHELF_DEFAULT_WIDTH,
                     .timeout = -1, .arrange = {SHELF_SORT_RELEVANCE, true}};
    remote_opt_init(&opt->remotes);
    shelf_search_opts_default(&opt->search);
    cli_split split;
    bool given[N_LONGOPTS] = {false};
    int rc = cli_split_args(argc, argv, "n:h", longopts, &split);
    if (rc == -1)
        fprintf(stderr, "searcher: '%s' is not an option; a query word that starts with '-' goes "
                        "after '--': searcher [OPTIONS] -- %s\n", split.bad, split.bad);
    else if (rc == 0 && read_options(&split, opt, given) != 0)
        rc = -1;
    if (rc == -2)
        fprintf(stderr, "searcher: out of memory reading the command line\n");
    else if (rc == -1)
        fprintf(stderr, "Try '%s --help'.\n", shelf_progname());
    if (rc == 0)
        rc = take_query(&split, opt);
    cli_split_free(&split);
    if (rc != 0)
        return -1;
    opt->search.k = opt->count_only ? 0 : opt->limit + opt->offset;
    if (opt->nindexes == 0 && opt->remotes.count == 0) /* remote shards alone need none */
        opt->index_dirs[opt->nindexes++] = "index";
    return 0;
}

static bool want_color(int setting)
{
    if (setting >= 0)
        return setting == 1;
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}

/* "line N: " for a query from --queries FILE (line > 0), else "". */
static const char *line_prefix(size_t line, char *buf, size_t size)
{
    if (line == 0)
        return "";
    snprintf(buf, size, "line %zu: ", line);
    return buf;
}

/* The form's word on a failed query (stdout), then ours (stderr). */
static void report_query_error(const session *s, const char *query, size_t line,
                               const shelf_err *err, int column)
{
    char buf[32];
    const char *where = line_prefix(line, buf, sizeof buf);
    s->po.form->error(stdout, &(output_error){query, err->msg, column, 0, line});
    if (column > 0)
        fprintf(stderr, "searcher: %squery error at column %d: %s\n", where, column, err->msg);
    else
        fprintf(stderr, "searcher: %s%s\n", where, err->msg);
}

/* The exit status of a query that failed with rc, saying why.  A query of
 * --queries FILE always gets the form's error, so every line has its
 * answer; a lone query's output is only the message on stderr, except
 * when it ran out of time. */
static int report_failure(const session *s, const char *query, size_t line, int rc,
                          const shelf_err *err)
{
    char buf[32];
    const char *where = line_prefix(line, buf, sizeof buf);
    if (rc == SHELF_ETIMEOUT || line > 0)
        s->po.form->error(stdout, &(output_error){query, err->msg, 0, 0, line});
    if (rc != SHELF_ETIMEOUT) {
        fprintf(stderr, "searcher: %s%s\n", where, err->msg);
        return EXIT_ERROR;
    }
    fprintf(stderr, "searcher: %s%s (--timeout %g s); try a narrower query\n", where, err->msg,
            s->opt->timeout);
    return EXIT_TIMEOUT;
}

/* Run one query (line: its line in --queries FILE, 0 for the command
 * line's); returns EXIT_HITS, EXIT_NO_HITS, EXIT_ERROR or EXIT_TIMEOUT. */
static int run_query(session *s, const char *query, size_t line)
{
    uint64_t deadline = shelf_deadline_after(s->opt->timeout);
    shelf_err err = {0};
    int column = 0;
    shelf_parse_opts popts = {.default_and = s->opt->all};
    shelf_qnode *tree = shelf_query_parse(query, &popts, &err, &column);
    if (!tree) {
        report_query_error(s, query, line, &err, column);
        return EXIT_ERROR;
    }
    char notes[512];
    shelf_plan *plan = shelf_plan_for_engine(s->engine, s->analyzer, tree, notes, sizeof notes, &err,
                                             &column);
    shelf_query_free(tree);
    if (!plan) {
        report_query_error(s, query, line, &err, column);
        return EXIT_ERROR;
    }
    shelf_search_opts so = s->opt->search;
    so.deadline_ns = deadline;
    s->po.passages.deadline_ns = deadline;
    shelf_results res;
    int rc = s->opt->count_only ? shelf_engine_search(s->engine, plan, &so, &res, &err)
                                : shelf_engine_search_arranged(s->engine, plan, &so, &s->opt->arrange,
                                                               &res, &err);
    query_result qr = {query, plan, &res, notes, line, NULL};
    if (rc == SHELF_OK && s->opt->count_only) {
        s->po.form->count(stdout, &qr);
    } else if (rc == SHELF_OK) {
        char *suggestion = suggest_for(s->engine, s->analyzer, query, s->opt->all, &res, deadline);
        qr.suggestion = suggestion;
        rc = print_results(stdout, &s->po, s->engine, s->analyzer, &qr, &err);
        free(suggestion);
    }
    uint64_t total = res.total;
    shelf_results_free(&res);
    shelf_plan_free(plan);
    if (rc != SHELF_OK)
        return report_failure(s, query, line, rc, &err);
    return total ? EXIT_HITS : EXIT_NO_HITS;
}

static int combine(int so_far, int rc)
{
    if (so_far == EXIT_ERROR || rc == EXIT_ERROR)
        return EXIT_ERROR;
    if (so_far == EXIT_TIMEOUT || rc == EXIT_TIMEOUT)
        return EXIT_TIMEOUT;
    return (so_far == EXIT_HITS || rc == EXIT_HITS) ? EXIT_HITS : EXIT_NO_HITS;
}

static int run_query_file(session *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        fprintf(stderr, "searcher: %s: cannot open: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    char *line = NULL;
    size_t cap = 0, number = 0;
    ssize_t n;
    int status = EXIT_NO_HITS;
    while ((n = getline(&line, &cap, f)) >= 0) {
        number++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        status = combine(status, run_query(s, line, number));
        fflush(stdout);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return status;
}

/* Highlight markers: --highlight O,C, else colour on a terminal, else [[ ]]. */
static void set_markers(session *s, const char *highlight)
{
    static char open[64], close[64];
    if (highlight) {
        const char *comma = strchr(highlight, ',');
        snprintf(open, sizeof open, "%.*s", (int)(comma - highlight), highlight);
        snprintf(close, sizeof close, "%s", comma + 1);
        s->po.style.mark_open = open;
        s->po.style.mark_close = close;
    } else if (s->po.style.color) {
        s->po.style.mark_open = "\033[1;31m";
        s->po.style.mark_close = "\033[0m";
    } else {
        s->po.style.mark_open = "[[";
        s->po.style.mark_close = "]]";
    }
}

/* The one place the options choose how answers look: --json wins over
 * --cite, which wins over text. */
static const output_form *pick_form(const options *opt)
{
    if (opt->json)
        return output_form_named("json");
    if (opt->cite)
        return opt->cite;
    return output_form_named("text");
}

/* Why the indexes could not be opened; "no index here" gets the hint for
 * the folder at fault (the first that holds no index). */
static void report_open_failure(const options *opt, int rc, const shelf_err *err)
{
    if (rc != SHELF_ENOTFOUND || opt->nindexes == 0) {
        fprintf(stderr, "searcher: %s\n", err->msg);
        return;
    }
    const char *dir = opt->index_dirs[0];
    shelf_backend backend;
    for (size_t i = 0; i < opt->nindexes; i++)
        if (shelf_engine_detect(opt->index_dirs[i], &backend, NULL) != SHELF_OK) {
            dir = opt->index_dirs[i];
            break;
        }
    index_hint_not_found(stderr, dir, err->msg);
}

static int open_session(session *s, const options *opt)
{
    shelf_err err = {0};
    s->opt = opt;
    static const unsigned verify_flags[] = {0, SHELF_OPEN_VERIFY_SMALL, SHELF_OPEN_VERIFY};
    int rc = shelf_engine_open_remotes(&s->engine, opt->index_dirs, opt->nindexes,
                                       &opt->remotes.set, verify_flags[opt->verify], &err);
    if (rc != SHELF_OK) {
        report_open_failure(opt, rc, &err);
        return -1;
    }
    s->analyzer = shelf_analyzer_new(shelf_engine_language(s->engine), &err);
    if (!s->analyzer) {
        fprintf(stderr, "searcher: %s: %s\n", opt->index_dirs[0], err.msg);
        shelf_engine_close(s->engine);
        return -1;
    }
    s->po = (print_opts){.form = pick_form(opt),
                         .style = {.color = want_color(opt->color), .offset = opt->offset,
                                   .context = opt->context},
                         .explain = opt->explain, .search = &opt->search,
                         .passages = {.passages = opt->passages, .width = opt->width,
                                      .in_order = opt->passages_in_order}};
    /* Paths are stored absolute; under the current folder they are shown
     * relative to it, as the indexer's --list does (unknown folder: as stored). */
    static char cwd[PATH_MAX];
    s->po.shown_from = getcwd(cwd, sizeof cwd) ? cwd : NULL;
    set_markers(s, opt->highlight);
    return 0;
}

int main(int argc, char **argv)
{
    shelf_progname_set(argv[0], "searcher");
    options opt;
    if (parse_options(argc, argv, &opt) != 0) {
        remote_opt_free(&opt.remotes);
        return EXIT_ERROR;
    }
    if (opt.serve) {
        static const unsigned verify_flags[] = {0, SHELF_OPEN_VERIFY_SMALL, SHELF_OPEN_VERIFY};
        serve_config sc = {opt.index_dirs, opt.nindexes, &opt.remotes.set,
                           opt.listen ? opt.listen : SERVE_DEFAULT_LISTEN,
                           verify_flags[opt.verify],
                           opt.timeout >= 0 ? opt.timeout : SERVE_REQUEST_SECONDS};
        int served = serve_main(&sc);
        remote_opt_free(&opt.remotes);
        return served == 0 ? EXIT_HITS : EXIT_ERROR;
    }
    session s;
    if (open_session(&s, &opt) != 0) {
        free(opt.query);
        remote_opt_free(&opt.remotes);
        return EXIT_ERROR;
    }
    int status = opt.queries_file ? run_query_file(&s, opt.queries_file) : run_query(&s, opt.query, 0);
    shelf_analyzer_free(s.analyzer);
    shelf_engine_close(s.engine);
    free(opt.query);
    remote_opt_free(&opt.remotes);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "searcher: cannot write results: %s\n", strerror(errno));
        return EXIT_ERROR;
    }
    return status;
}
