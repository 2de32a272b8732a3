#!/bin/bash
# install_test.sh - ctest "install_layout": `cmake --install` into a
# scratch prefix puts shelf-indexer, shelf-searcher, their man pages, the
# bash completion and the sample shelf where cmake/install.cmake says, and
# the installed programs work from there: they name themselves
# shelf-indexer and shelf-searcher, and a new index made with no PATH gets
# the installed sample shelf (PREFIX/share/shelf/corpus), not the source
# tree's.  (tools/check-package does the same with the Debian package.)
# Usage: install_test.sh BUILD_DIR
set -u
build=$1
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix

problem() {
    echo "$1"
    fail=1
}

if ! out=$(cmake --install "$build" --prefix "$prefix" 2>&1); then
    echo "cmake --install failed:"
    echo "$out"
    exit 1
fi
for f in bin/shelf-indexer bin/shelf-searcher share/man/man1/shelf-indexer.1.gz \
    share/man/man1/shelf-searcher.1.gz share/bash-completion/completions/shelf-indexer \
    share/bash-completion/completions/shelf-searcher share/shelf/corpus/nato-overview.txt; do
    [ -e "$prefix/$f" ] || problem "not installed: $f"
done
for f in bin/indexer bin/searcher; do
    [ -e "$prefix/$f" ] && problem "installed under its build name: $f"
done

# The names the installed programs give themselves.
version=$("$prefix/bin/shelf-indexer" --version)
[[ $version == "shelf-indexer (shelf) "* ]] || problem "shelf-indexer --version: $version"
version=$("$prefix/bin/shelf-searcher" --version)
[[ $version == "shelf-searcher (shelf) "* ]] || problem "shelf-searcher --version: $version"
help=$("$prefix/bin/shelf-searcher" --help)
[[ $help == "Usage: shelf-searcher "*"index built by \`shelf-indexer\`"* ]] ||
    problem "shelf-searcher --help does not name itself and shelf-indexer: $help"

# The installed sample shelf, from a folder outside the source tree.
cd "$scratch" || exit 1
if ! out=$("$prefix/bin/shelf-indexer" -q --index "$scratch/index" 2>&1); then
    problem "shelf-indexer with no PATH failed: $out"
fi
roots=$("$prefix/bin/shelf-indexer" --index "$scratch/index" --roots)
want=$(cd "$prefix/share/shelf/corpus" && pwd -P)
[ "$roots" = "$want" ] || problem "the new index's root is '$roots', not the installed '$want'"
hits=$(cd / && "$prefix/bin/shelf-searcher" --index "$scratch/index" deterrence) # paths absolute
[[ $hits == *"$want/"*".txt:"* ]] || problem "no hit in the installed sample shelf: $hits"

# The man pages as man reads them, when man-db is here.
# A PDF is read by the installed helper (PREFIX/libexec/shelf/shelf-helper).
mkdir -p "$scratch/pdfs"
cp "$(dirname "$0")/data/structure.pdf" "$scratch/pdfs/"
if ! out=$("$prefix/bin/shelf-indexer" -q --index "$scratch/pdfindex" "$scratch/pdfs" 2>&1); then
    problem "shelf-indexer on a PDF failed: $out"
fi
count=$("$prefix/bin/shelf-searcher" --index "$scratch/pdfindex" --count a 2>&1)
[ "$count" != 0 ] && [ -n "$count" ] || problem "the installed indexer read nothing of a PDF: $count"

if command -v man >/dev/null; then
    for prog in indexer searcher; do
        page=$(MANWIDTH=80 man -l "$prefix/share/man/man1/shelf-$prog.1.gz" 2>&1 |
            sed 's/.\x08//g')
        [[ $page == *"shelf-$prog"*"EXIT STATUS"* ]] || problem "man -l shelf-$prog.1.gz: $page"
    done
fi
exit $fail
