#!/bin/sh
# Runs a subset of the suite under Valgrind memcheck: the pure-library test
# programs, then the indexer and searcher binaries end to end (indexing
# corpus/ as text, Markdown, HTML and PDF, searching with snippets and
# citations, a misspelled query's suggestion, --list, --check).  Any memory error or definite/indirect leak
# fails.  Usage: tools/valgrind.sh [BUILD_DIR]   (a build without sanitizers)
set -eu
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (tools/install-deps)"; exit 1; }
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --track-fds=no"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in test_layout test_query_parse test_analyzer test_codec test_encoding \
         test_extract_markdown test_extract_html; do
    echo "valgrind: $t"
    $vg "$build/tests/$t" >"$tmp/out" 2>&1 || { cat "$tmp/out"; echo "valgrind: $t failed"; exit 1; }
done

# A small shelf in every format.
mkdir -p "$tmp/src"
cp "$root/corpus/nato-overview.txt" "$root/corpus/military-diplomacy-in-nato.txt" "$tmp/src/"
printf '# Notes\n\nSee [the map](https://example.org/x) on *deterrence*.\n' >"$tmp/src/notes.md"
printf '<!DOCTYPE html><title>Page</title><h1>Head</h1><p>deterrence &amp; defence</p>' \
    >"$tmp/src/page.html"
if command -v enscript >/dev/null && command -v ps2pdf >/dev/null; then
    fold -s -w 80 "$root/corpus/nato-overview.txt" | enscript -B -q -L 60 -o - | ps2pdf - "$tmp/src/doc.pdf"
fi
run() {
    echo "valgrind: $*"
    $vg "$@" >"$tmp/out" 2>&1 || { rc=$?; if [ $rc -eq 99 ]; then cat "$tmp/out"; echo "valgrind: errors"; exit 1; fi; }
}
run "$build/indexer" --quiet --index "$tmp/idx" "$tmp/src"
run "$build/indexer" --quiet --index "$tmp/idx" --threads 2 "$tmp/src"
run "$build/searcher" --index "$tmp/idx" deterrence
run "$build/searcher" --index "$tmp/idx" --json '"collective defence" OR title:notes OR defen*'
run "$build/searcher" --index "$tmp/idx" --cite-format markdown deterrence
run "$build/searcher" --index "$tmp/idx" --context 2 alliance
run "$build/searcher" --index "$tmp/idx" '(unbalanced'
run "$build/searcher" --index "$tmp/idx" --json 'deterence "Stoltenburg said"'
run "$build/indexer" --list --index "$tmp/idx"
run "$build/indexer" --check "$tmp/idx"
run "$build/indexer" --quiet --index "$tmp/idx"
run "$build/indexer" --roots --index "$tmp/idx"
echo "valgrind: no errors, no leaks"
