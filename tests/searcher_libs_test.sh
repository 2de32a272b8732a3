#!/bin/bash
# searcher_libs_test.sh - the searcher starts without the document parsers'
# libraries.  It names formats (extract/formats.h) but parses none, and is
# linked --as-needed, so its dynamic section must not list poppler, glib,
# libxml2, libzip or cmark: each CLI query would pay for loading them and
# the 50 libraries they pull in (about 25 ms a start on this machine).
# Usage: searcher_libs_test.sh SEARCHER INDEXER
set -euo pipefail
searcher=$1 indexer=$2
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'; }
parsers='poppler|glib|gobject|gio|cairo|xml2|libzip|cmark'
if needed "$searcher" | grep -E "$parsers"; then
    echo "FAIL: the searcher links the parsers' libraries above" >&2
    exit 1
fi
# The check can fail: the indexer parses, so it does list them.
needed "$indexer" | grep -q poppler || { echo "FAIL: readelf saw no poppler in the indexer" >&2; exit 1; }
echo "searcher: $(needed "$searcher" | wc -l) libraries, none of the parsers'"
