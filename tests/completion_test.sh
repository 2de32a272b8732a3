#!/bin/bash
# completion_test.sh - ctest "completion": completion/shelf.bash, sourced
# into a bash without bash-completion, completes as a person would see it:
# the function is called with COMP_WORDS and COMP_CWORD set, and COMPREPLY
# is compared with what is expected.
# Usage: completion_test.sh SOURCE_DIR INDEXER
set -u
src=$1
indexer=$2
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/idx-one" "$scratch/idx-two" "$scratch/other dir"
: >"$scratch/questions.txt"

# shellcheck source=../completion/shelf.bash
. "$src/completion/shelf.bash"

# complete_line FUNCTION WORD...: completes the last WORD (may be empty);
# sets REPLY to COMPREPLY joined by spaces, sorted.
complete_line() {
    local fn=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    "$fn"
    REPLY=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    REPLY=${REPLY% }
}

# expect WANT FUNCTION WORD...
expect() {
    local want=$1
    shift
    complete_line "$@"
    if [ "$REPLY" != "$want" ]; then
        echo "completing '$*': wanted '$want', got '$REPLY'"
        fail=1
    fi
}

# The registrations, under the installed names only.
for name in shelf-indexer shelf-searcher; do
    if ! complete -p "$name" >/dev/null 2>&1; then
        echo "no completion registered for $name"
        fail=1
    fi
done

expect "--index" _shelf_searcher shelf-searcher --ind
expect "--index" _shelf_indexer shelf-indexer --ind
expect "--cite --cite-format" _shelf_searcher shelf-searcher --cit
expect "--follow --follow-outside" _shelf_indexer shelf-indexer --fol
expect "always auto" _shelf_searcher shelf-searcher --color a
expect "csl-json" _shelf_searcher shelf-searcher --cite-format cs
expect "native xapian" _shelf_indexer shelf-indexer --backend ""
expect "none tiered" _shelf_indexer shelf-indexer --merge-policy ""
# --index completes folders only; --option=value too.
expect "$scratch/idx-one $scratch/idx-two" _shelf_searcher shelf-searcher --index "$scratch/idx"
expect "$scratch/idx-one $scratch/idx-two" _shelf_searcher shelf-searcher --index = "$scratch/idx"
expect "$scratch/other dir" _shelf_indexer shelf-indexer --check "$scratch/oth"
expect "$scratch/questions.txt" _shelf_searcher shelf-searcher --queries "$scratch/q"
# A number is not guessed; query words get nothing; after -- no options.
expect "" _shelf_searcher shelf-searcher -n ""
expect "" _shelf_searcher shelf-searcher deter
expect "" _shelf_searcher shelf-searcher -- --ind
# The indexer's PATHs are files and folders.
expect "$scratch/questions.txt" _shelf_indexer shelf-indexer --index idx "$scratch/que"
# --language asks the program for its languages (here the build's indexer).
expect "french" _shelf_indexer "$indexer" --language fren
expect "none" _shelf_indexer "$indexer" --language non
exit $fail
