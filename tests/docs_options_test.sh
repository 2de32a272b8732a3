#!/bin/bash
# docs_options_test.sh - ctest "docs_options": every option a program's
# --help lists is in its man page (man/shelf-*.1) and in the bash
# completion's list for it (completion/shelf.bash); the man pages are valid
# roff (groff -ww, when groff is installed).  The checker is also run on a
# man page with one option taken out, which it must refuse, so a checker
# that found nothing would fail this test too.
# Usage: docs_options_test.sh SOURCE_DIR INDEXER SEARCHER
set -u
src=$1
indexer=$2
searcher=$3
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The options a --help text lists: every --long-option, and the short ones
# of lines like "  -q, --quiet".
help_options() {
    grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u
    grep -oE -- '^ +-[a-zA-Z],' <<<"$1" | tr -d ' ,' | sort -u
}

# Does text hold opt as a whole option (not as the start of a longer one)?
holds_option() {
    grep -qE -- "(^|[^a-zA-Z0-9-])$2([^a-zA-Z0-9-]|\$)" <<<"$1"
}

# check_listed NAME HELP TEXT WHERE: prints each option of HELP that TEXT
# lacks ("… but not in WHERE"); returns 1 when there is one.
check_listed() {
    local missing=0
    while read -r opt; do
        if ! holds_option "$3" "$opt"; then
            echo "$1: $opt is in --help but not in $4"
            missing=1
        fi
    done < <(help_options "$2")
    return $missing
}

# check_man NAME HELP MANFILE (roff: \- is a hyphen).
check_man() {
    check_listed "$1" "$2" "$(sed 's/\\-/-/g' "$3")" "$3"
}

# check_completion NAME HELP WORDS: each option of HELP must be in WORDS.
check_completion() {
    check_listed "$1" "$2" "$3" completion/shelf.bash
}

for prog in indexer searcher; do
    bin=$indexer
    [ "$prog" = searcher ] && bin=$searcher
    help=$("$bin" --help)
    count=$(help_options "$help" | wc -l)
    if [ "$count" -lt 15 ]; then
        echo "$prog --help lists only $count options:"
        echo "$help"
        fail=1
    fi
    page=$src/man/shelf-$prog.1
    check_man "$prog" "$help" "$page" || fail=1
    words=$(bash --norc --noprofile -c ". '$src/completion/shelf.bash' && echo \"\$_shelf_${prog}_options\"")
    check_completion "$prog" "$help" "$words" || fail=1

    # The checker must notice a missing option: drop the lines naming --index.
    grep -v -- '\\-\\-index' "$page" >"$scratch/shelf-$prog.1"
    if out=$(check_man "$prog" "$help" "$scratch/shelf-$prog.1"); then
        echo "the check passed a man page of $prog without --index"
        fail=1
    elif [[ $out != *"--index is in --help but not in"* ]]; then
        echo "the check did not name --index: $out"
        fail=1
    fi

    if command -v groff >/dev/null; then
        warnings=$(groff -man -ww -z "$page" 2>&1)
        if [ -n "$warnings" ]; then
            echo "groff warns about $page:"
            echo "$warnings"
            fail=1
        fi
    else
        echo "groff not installed: roff of $page not checked"
    fi
done
exit $fail
