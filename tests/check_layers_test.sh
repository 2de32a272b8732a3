#!/bin/bash
# check_layers_test.sh - ctest "layers": common/ passes tools/check-layers,
# and the checker really finds each kind of wrong include in a tree made here
# (so a checker that found nothing would fail this test too).
# Usage: check_layers_test.sh SOURCE_DIR
set -u
src=$1
checker=$src/tools/check-layers
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if ! out=$("$checker" "$src/common" 2>&1); then
    echo "common/ has includes that point up or across:"
    echo "$out"
    fail=1
fi

# Writes a file of the made-up tree: make_file PATH INCLUDE...
make_file() {
    local path=$scratch/common/$1
    shift
    mkdir -p "$(dirname "$path")"
    : >"$path"
    for inc in "$@"; do echo "#include \"$inc\"" >>"$path"; done
}

# expect_violation WHAT: the made-up tree must fail and the output name WHAT.
expect_violation() {
    local out rc
    out=$("$checker" "$scratch/common" 2>&1)
    rc=$?
    if [ "$rc" != 1 ] || [[ "$out" != *"$1"* ]]; then
        echo "expected exit 1 naming '$1', got exit $rc:"
        echo "$out"
        fail=1
    fi
    rm -rf "$scratch/common"
}

# A tree that keeps every rule passes.
make_file util/buf.h '<stdio.h>'
make_file query/plan.c util/buf.h query/plan.h analysis/analyzer.h
make_file backend/native/segment.c backend/backend.h backend/native/format.h query/plan.h
make_file engine/engine.c backend/native/segment.h backend/xapian/xapdb.h
if ! out=$("$checker" "$scratch/common" 2>&1); then
    echo "a tree that keeps the rules was refused:"
    echo "$out"
    fail=1
fi
rm -rf "$scratch/common"

make_file util/json.c analysis/utf8.h
expect_violation "util/json.c:1: includes analysis/utf8.h, a layer above it"
make_file query/plan.c engine/engine.h
expect_violation "query/plan.c:1: includes engine/engine.h, a layer above it"
make_file backend/xapian/writer.c util/buf.h backend/native/lock.h
expect_violation "backend/xapian/writer.c:2: includes backend/native/lock.h: the xapian backend"
make_file backend/native/segment.c backend/native/segwriter.h
expect_violation "backend/native/segment.c:1: includes backend/native/segwriter.h: a reader"
make_file stray/thing.c
expect_violation "stray/thing.c: in no layer"
"$checker" "$scratch/nothing-here" >/dev/null 2>&1
if [ $? != 2 ]; then
    echo "a missing folder should exit 2"
    fail=1
fi
exit $fail
