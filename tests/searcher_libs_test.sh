#!/bin/bash
# searcher_libs_test.sh - the searcher and the indexer start without the
# parsers' libraries that run only in shelf-helper.  The searcher names
# formats (extract/formats.h) but parses none: its dynamic section must not
# list poppler, glib, libxml2, libzip or cmark.  The indexer parses text,
# Markdown and HTML itself but PDF only in shelf-helper (through
# extract/helper_halves.h, which only the helper links): it must not list
# poppler, glib or cairo.  Each start would pay for loading them and the 50
# libraries they pull in (about 25 ms on this machine).  All three are
# linked --as-needed.
# Usage: searcher_libs_test.sh SEARCHER INDEXER HELPER
set -euo pipefail
searcher=$1 indexer=$2 helper=$3
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'; }
parsers='poppler|glib|gobject|gio|cairo|xml2|libzip|cmark'
if needed "$searcher" | grep -E "$parsers"; then
    echo "FAIL: the searcher links the parsers' libraries above" >&2
    exit 1
fi
helper_only='poppler|glib|gobject|gio|cairo'
if needed "$indexer" | grep -E "$helper_only"; then
    echo "FAIL: the indexer links libraries above that only shelf-helper runs" >&2
    exit 1
fi
# The check can fail: the helper parses PDF, so it does list poppler.
needed "$helper" | grep -q poppler || { echo "FAIL: readelf saw no poppler in shelf-helper" >&2; exit 1; }
echo "searcher: $(needed "$searcher" | wc -l) libraries, none of the parsers';" \
     "indexer: $(needed "$indexer" | wc -l), none of the helper's"
