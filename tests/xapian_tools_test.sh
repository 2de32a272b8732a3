#!/bin/bash
# xapian_tools_test.sh - ctest "xapian_tools": Xapian's own tools work on a
# database written by `indexer --backend xapian` (the Xapian conventions of
# common/backend/xapian/xapian_terms.h), and an older layout is refused.
#   - quest with its defaults (English stemming, Z prefix) finds a word, and
#     a quoted phrase through the plain (unstemmed) words, printing Omega's
#     url= and caption= lines; with boolean prefixes it filters by our type
#     ("T" + MIME type) and folder ("XD" + folder) terms;
#   - Omega's CGI (/usr/lib/cgi-bin/omega/omega), run from the command line
#     with a config file naming the index folder, lists our document's url
#     and title;
#   - a database without the layout's metadata (as an older program wrote
#     it) is refused by the searcher and by an incremental indexer run with
#     the rebuild message, and `indexer --rebuild` mends it.
# Each tool part is skipped with a message when its tool is missing; the
# whole test is skipped (77) when neither quest nor omega is installed.
# Usage: xapian_tools_test.sh SOURCE_DIR INDEXER SEARCHER
set -u
src=$1
indexer=$2
searcher=$3
omega=/usr/lib/cgi-bin/omega/omega
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

bad() { echo "FAIL: $*" >&2; fail=1; }
expect_in() { # expect_in TEXT NEEDLE WHAT
    grep -qF -- "$2" <<<"$1" || bad "$3: no '$2' in: ${1:0:800}"
}

idx=$scratch/idx
"$indexer" --backend xapian --index "$idx" "$src/corpus" >/dev/null 2>&1 || { echo "FAIL: indexing"; exit 1; }
db=$idx/xapian
doc=$src/corpus/nato-map-2024-future-of-alliance-operations.txt
title="NATO MAP 2024 I: The Future of Alliance Operations"
tools=0

if command -v quest >/dev/null; then
    tools=1
    out=$(quest -d "$db" alliance 2>&1) || bad "quest alliance: $out"
    expect_in "$out" "Query(Zallianc@1)" "quest stems to the Z prefix"
    expect_in "$out" "Exactly 5 matches" "quest alliance"
    expect_in "$out" "url=$doc" "quest's document data"
    expect_in "$out" "caption=$title" "quest's document data"
    out=$(quest -d "$db" '"annual report"' 2>&1) || bad "quest phrase: $out"
    expect_in "$out" "Exactly 1 matches" "quest phrase over plain words"
    expect_in "$out" "url=$src/corpus/secretary-generals-annual-report-2023.txt" "quest phrase"
    out=$(quest -d "$db" -b type:T 'alliance type:text/plain' 2>&1) || bad "quest type: $out"
    expect_in "$out" "FILTER Ttext/plain" "quest's type filter"
    expect_in "$out" "Exactly 5 matches" "quest's type filter"
    out=$(quest -d "$db" -b type:T 'alliance type:application/pdf' 2>&1) || bad "quest type: $out"
    expect_in "$out" "Exactly 0 matches" "quest's type filter (no PDF)"
    out=$(quest -d "$db" -b in:XD "alliance in:$src/corpus" 2>&1) || bad "quest folder: $out"
    expect_in "$out" "Exactly 5 matches" "quest's folder filter"
    echo "ok: quest"
else
    echo "skipped: quest is not installed (Debian package xapian-tools)"
fi

if [ -x "$omega" ]; then
    tools=1
    templates=/usr/share/xapian-omega/templates
    [ -d "$templates" ] || templates=/var/lib/xapian-omega/templates
    mkdir -p "$scratch/log"
    printf 'database_dir %s/\ntemplate_dir %s/\nlog_dir %s/log/\n' "$idx" "$templates" "$scratch" \
        >"$scratch/omega.conf"
    out=$(OMEGA_CONFIG_FILE=$scratch/omega.conf "$omega" DB=xapian P=alliance FMT=xml 2>&1)
    expect_in "$out" 'Matches="5"' "omega's count"
    expect_in "$out" "url=\"$doc\"" "omega's url"
    expect_in "$out" "title=\"$title\"" "omega's title (caption=)"
    out=$(OMEGA_CONFIG_FILE=$scratch/omega.conf "$omega" DB=xapian P=alliance 2>&1)
    expect_in "$out" "<a href=\"$doc\">$title</a>" "omega's HTML page"
    echo "ok: omega"
else
    echo "skipped: $omega is not installed (Debian package xapian-omega)"
fi

# An older layout: the same database without the layout's metadata.
if command -v xapian-metadata >/dev/null; then
    old=$scratch/old
    cp -r "$idx" "$old"
    xapian-metadata set "$old/xapian" shelf.layout ""
    out=$("$searcher" --index "$old" alliance 2>&1); rc=$?
    [ $rc -eq 2 ] || bad "searcher on an older layout: exit $rc"
    expect_in "$out" "older version" "searcher on an older layout"
    expect_in "$out" "--rebuild" "searcher on an older layout"
    out=$("$indexer" --index "$old" "$src/corpus" 2>&1); rc=$?
    [ $rc -ne 0 ] || bad "indexer added to an older layout"
    expect_in "$out" "--rebuild" "indexer on an older layout"
    "$indexer" --rebuild --index "$old" "$src/corpus" >/dev/null 2>&1 || bad "indexer --rebuild"
    out=$("$searcher" --index "$old" alliance 2>&1) || bad "searcher after --rebuild: $out"
    echo "ok: older layout refused, rebuilt"
fi

[ $tools -eq 1 ] || { echo "SKIP: neither quest nor omega is installed"; exit 77; }
exit $fail
