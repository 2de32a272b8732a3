# shelf.bash - bash completion for shelf-indexer and shelf-searcher.
#
# Installed twice, as share/bash-completion/completions/shelf-indexer and
# .../shelf-searcher (bash-completion loads a command's file by its name);
# each copy defines both functions.  It may also be sourced by hand
# (`. completion/shelf.bash`), then `complete -F _shelf_indexer indexer`
# gives the build tree's programs the same completion.
#
# Self-contained: it uses only COMP_WORDS, COMP_CWORD and compgen, not the
# bash-completion package's helpers.  Completes option names, the values of
# options that take one from a fixed set (--backend, --language,
# --merge-policy, --color, --cite-format, --sort), folders after --index and
# --check, files after --queries, and files and folders for PATH.
#
# The option lists are those of each program's --help; the ctest
# "docs_options" fails when --help lists an option missing here.

_shelf_indexer_options='--index --backend --language --rebuild --no-prune --remove --list
 --roots --forget --strict --optimize --merge-policy --threads --memory --include --exclude
 --follow --follow-outside --wait --watch --watch-delay --check --quiet -q --version --help -h'

_shelf_searcher_options='--index --limit -n --offset --all --json --count --exact-total
 --passages --passages-in-order --width --context --highlight --cite --cite-format --explain
 --k1 --b --title-weight --proximity-weight --heading-weight --rescore-depth --color --colour --queries
 --verify --no-verify --serve --listen --timeout --sort --no-collapse --remote --remote-timeout --version --help -h'

# COMPREPLY from the words of $1 that start with $2.
_shelf_from_words()
{
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# COMPREPLY from folders (-d) or files and folders (-f) starting with $2,
# one per line, so that names with spaces stay whole.
_shelf_from_paths()
{
    local IFS=$'\n'
    COMPREPLY=($(compgen "$1" -- "$2"))
    compopt -o filenames 2>/dev/null
}

# Sets cur to the word being completed and prev to the option before it,
# seeing through `--option=value` (bash splits it at the `=`).
_shelf_words()
{
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then # a COMP_WORDBREAKS without '='
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
}

# Is an option before the word being completed a bare `--` (the end of the
# options: what follows is PATHs or query words)?
_shelf_after_double_dash()
{
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -- ]] && return 0
    done
    return 1
}

_shelf_indexer()
{
    local cur prev
    _shelf_words
    case $prev in
    --index | --check)
        _shelf_from_paths -d "$cur"
        return ;;
    --backend)
        _shelf_from_words 'native xapian' "$cur"
        return ;;
    --merge-policy)
        _shelf_from_words 'tiered none' "$cur"
        return ;;
    --language)
        local names
        names=$("${COMP_WORDS[0]}" --language list 2>/dev/null)
        _shelf_from_words "${names//,/ } list" "$cur"
        return ;;
    --threads | --memory | --include | --exclude | --watch-delay)
        COMPREPLY=()
        return ;;
    esac
    if [[ $cur == -* ]] && ! _shelf_after_double_dash; then
        _shelf_from_words "$_shelf_indexer_options" "$cur"
        return
    fi
    _shelf_from_paths -f "$cur"
}

_shelf_searcher()
{
    local cur prev
    _shelf_words
    case $prev in
    --index)
        _shelf_from_paths -d "$cur"
        return ;;
    --queries)
        _shelf_from_paths -f "$cur"
        return ;;
    --color | --colour)
        _shelf_from_words 'auto always never' "$cur"
        return ;;
    --cite-format)
        _shelf_from_words 'plain markdown json csl-json bibtex' "$cur"
        return ;;
    --sort)
        _shelf_from_words 'relevance date -date path' "$cur"
        return ;;
    -n | --limit | --offset | --passages | --width | --context | --highlight | --k1 | --b | \
        --title-weight | --proximity-weight | --heading-weight | --rescore-depth | --listen | --timeout | \
        --remote | --remote-timeout)
        COMPREPLY=()
        return ;;
    esac
    if [[ $cur == -* ]] && ! _shelf_after_double_dash; then
        _shelf_from_words "$_shelf_searcher_options" "$cur"
        return
    fi
    COMPREPLY=() # query words: nothing to offer
}

complete -F _shelf_indexer shelf-indexer
complete -F _shelf_searcher shelf-searcher
