#!/bin/bash
# tools/fuzz.sh - build the libFuzzer targets of tests/fuzz with clang, make a
# seed corpus for each from the project's own data, and run every target for
# SECONDS seconds.
#
# Usage: tools/fuzz.sh SECONDS [TARGET...]      (default: every target)
#
# Everything lives under the fuzz build folder (SHELF_FUZZ_BUILD, default
# build-fuzz/):
#   fuzz/seeds/T     seeds made here: corpus/ files and slices of them, the
#                    README's sample queries, HTML, Markdown and PDF samples
#                    (enscript | ps2pdf), DOCX, ODT and EPUB files
#                    (tests/data/make_zipdocs.py), real index files (the fuzz template
#                    index and corpus/ indexed by the indexer);
#   fuzz/corpus/T    what libFuzzer found interesting, kept between runs;
#   fuzz/findings/T  crash-*, leak-*, timeout-*, oom-* reproducers;
#   fuzz/logs/T.log  the run's output.
# The committed inputs (tests/fuzz/seeds/T, tests/fuzz/regressions/T) are
# read too.  SHELF_FUZZ_SKIP_BUILD=1 uses the binaries as they are (for
# several runs at once over one build).  A target that crashes, leaks, hangs or runs out of memory makes
# the script exit 1 after the others ran, printing the reproducer's path and
# the command that replays it.  Needs clang, libFuzzer's runtime, enscript
# and ps2pdf.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(analyzer query snippet pdf pdfwire html markdown text index json zipdoc)

usage() {
    echo "usage: tools/fuzz.sh SECONDS [TARGET...]; targets: ${all_targets[*]}" >&2
    exit 2
}

[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
seconds=$1
shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || usage
done

build=${SHELF_FUZZ_BUILD:-$root/build-fuzz}
work=$build/fuzz
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shelf-fuzz-seeds.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

# Longest input per target: enough for its seeds, small enough to stay fast.
max_len() {
    case $1 in
    analyzer) echo 4096 ;;
    query) echo 512 ;;
    snippet) echo 8192 ;;
    pdf | pdfwire) echo 65536 ;;
    html | markdown) echo 16384 ;;
    text) echo 8192 ;;
    index) echo 65536 ;;
    json) echo 2048 ;;
    zipdoc) echo 65536 ;;
    esac
}

# ---- build ----

build_targets() {
    if [[ ! -f $build/CMakeCache.txt ]]; then
        CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DSHELF_FUZZ=ON \
            -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    fi
    cmake --build "$build" --target fuzz_all indexer -j"$(nproc)" >/dev/null
}

# ---- seeds ----

corpus_files() {
    find "$root/corpus" -type f | sort
}

# seed TARGET NAME < bytes
seed() {
    cat >"$work/seeds/$1/$2"
}

# A slice of a file: bytes [from, from + n).  (head first: no SIGPIPE.)
slice() {
    head -c "$(($2 + $3))" "$1" | tail -c +"$(($2 + 1))"
}

seed_analyzer() {
    local i=0 f
    for f in $(corpus_files); do
        { printf '\x00'; slice "$f" 0 3000; } | seed analyzer "english-$i"
        { printf '\x01'; slice "$f" 1000 1000; } | seed analyzer "none-$i"
        { printf '\x02'; slice "$f" 2000 500; } | seed analyzer "french-$i"
        i=$((i + 1))
    done
    printf "\x00Alliance's cyber-attacks and/or Nause\xcc\x87da T\xc3\xbcrkiye \xe2\x80\x99s" |
        seed analyzer marks
    printf '\x03\xd0\x9d\xd0\x90\xd0\xa2\xd0\x9e \xff\xfe\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 x' |
        seed analyzer invalid
}

seed_query() {
    local i=0 q
    # The README's query-language table: every `...` of its first column.
    while IFS= read -r q; do
        printf '\x00%s' "$q" | seed query "readme-$i"
        printf '\x01%s' "$q" | seed query "readme-and-$i"
        i=$((i + 1))
    done < <(awk '/^### Query language/{on=1; next} on && /^#/{exit}
                  on && /^\| `/{print}' "$root/README.md" |
             cut -d'|' -f2 | grep -o '`[^`]*`' | tr -d '`')
    printf '\x00nato alliance "military diplomacy" defen* title:nato path:overview' |
        seed query mixed
    printf '\x01+(nato OR alliance) -cyber command NEAR/3 policy NOT "the alliance"' |
        seed query nested
}

seed_snippet() {
    local i=0 f
    for f in $(corpus_files); do
        { printf '\x01\x5anato alliance defence\n'; slice "$f" 0 4000; } | seed snippet "plain-$i"
        { printf '\x0e\x40military operations\n# Heading\n\n'; slice "$f" 500 2000;
          printf '\f'; slice "$f" 3000 2000; } | seed snippet "layout-$i"
        i=$((i + 1))
    done
}

seed_pdf() {
    local f
    f=$(corpus_files | head -n 1)
    slice "$f" 0 2500 >"$scratch/short.txt"
    enscript -q -B -p - "$scratch/short.txt" 2>/dev/null | ps2pdf - "$work/seeds/pdf/short.pdf"
    enscript -q -p - "$root/corpus/nato-overview.txt" 2>/dev/null |
        ps2pdf - "$work/seeds/pdf/overview.pdf"
}

# The PDF reader's results: the committed seeds (tests/fuzz/seeds/pdfwire,
# what the child sent for tests/data's PDFs) are enough.
seed_pdfwire() {
    :
}

html_page() { # TITLE CHARSET FILE
    printf '<!DOCTYPE html>\n<html><head><meta charset="%s"><title>%s</title>' "$2" "$1"
    printf '<style>p{}</style><script>var x = "<p>";</script></head><body>\n'
    printf '<h1>%s</h1>\n<p>' "$1"
    slice "$3" 0 1500
    printf '</p>\n<ul><li>one<li>two <b>bold</b></ul><pre>  kept\n    lines  \n</pre>\n'
    printf '<table><tr><td>a</td><td>b</td></tr></table><h2>More</h2><div>'
    slice "$3" 1500 1500
    printf '</div><!-- a comment --><p hidden>hidden</p></body></html>\n'
}

seed_html() {
    local i=0 f
    for f in $(corpus_files); do
        html_page "Document $i" utf-8 "$f" | seed html "utf8-$i"
        i=$((i + 1))
    done
    f=$(corpus_files | head -n 1)
    html_page "Latin" windows-1252 "$f" | iconv -f utf-8 -t cp1252//TRANSLIT | seed html cp1252
    { printf '\xff\xfe'; html_page "Wide" utf-16 "$f" | iconv -f utf-8 -t utf-16le; } |
        seed html utf16
    printf '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><body><h3>x</h3>caf\xe9</body></html>' |
        seed html xml
}

markdown_page() { # FILE
    printf -- '---\ntitle: "A sample"\ntags: [a, b]\n---\n# Title\n\n'
    slice "$1" 0 1200
    printf '\n\nSetext heading\n==============\n\n- item *one*\n- item [link](http://x/ "t")\n\n'
    printf '> quoted `code` text\n\n```sh\necho hi\n```\n\n    indented code\n\n| a | b |\n|---|---|\n'
    printf '<div>html block</div>\n\n## Second\r\nline two  \r\nline three\\\n![alt](img.png)\n'
    slice "$1" 1200 1200
}

seed_markdown() {
    local i=0 f
    for f in $(corpus_files); do
        markdown_page "$f" | seed markdown "doc-$i"
        i=$((i + 1))
    done
}

seed_text() {
    local i=0 f
    for f in $(corpus_files); do
        slice "$f" 0 4000 | seed text "utf8-$i"
        i=$((i + 1))
    done
    f=$(corpus_files | head -n 1)
    slice "$f" 0 2000 | iconv -f utf-8 -t cp1252//TRANSLIT | seed text cp1252
    { printf '\xff\xfe'; slice "$f" 0 2000 | iconv -f utf-8 -t utf-16le; } | seed text utf16le
    { printf '\xfe\xff'; slice "$f" 0 2000 | iconv -f utf-8 -t utf-16be; } | seed text utf16be
    { printf '\xef\xbb\xbf'; slice "$f" 0 1000; printf '\xff bad \xc3'; } | seed text bom-invalid
    printf 'ELF\x00\x00\x00\x01\x02\x03binary\x00\x00' | seed text binary
}

# The index target's input: byte 0 picks the file (fuzz_index.c), then the
# file's bytes.
seed_index_dir() { # DIR PREFIX
    local i name
    while read -r i name; do
        [[ -f $1/$name ]] || continue
        { printf "\\x$(printf %02x "$i")"; cat "$1/$name"; } | seed index "$2-$name"
    done <"$scratch/template-files"
}

seed_index() {
    "$build/tests/fuzz/fuzz_index_template" "$scratch/template" >"$scratch/template-files"
    seed_index_dir "$scratch/template" template
    "$build/indexer" -q --index "$scratch/corpus-index" "$root/corpus" >/dev/null 2>&1
    seed_index_dir "$scratch/corpus-index" corpus
}

seed_json() {
    local i=0 f
    for f in $(corpus_files); do
        slice "$f" 0 600 | seed json "slice-$i"
        i=$((i + 1))
    done
    printf 'quote " backslash \\ tab \t nl \n cr \r bell \a nul \x00 del \x7f bad \xff \xc3( ok \xe2\x82\xac' |
        seed json escapes
}

# The zip formats: the test documents of tests/data/make_zipdocs.py (not
# its zip bomb, which unpacks to 30 MB), byte 0 picking the reader
# (fuzz_zipdoc.c: 0 DOCX, 1 ODT, 2 EPUB).
seed_zipdoc() {
    python3 "$root/tests/data/make_zipdocs.py" "$scratch/zipdocs"
    local f
    for f in report.docx encrypted.docx damaged.docx; do
        { printf '\x00'; cat "$scratch/zipdocs/$f"; } | seed zipdoc "docx-$f"
    done
    { printf '\x01'; cat "$scratch/zipdocs/report.odt"; } | seed zipdoc odt
    { printf '\x02'; cat "$scratch/zipdocs/book.epub"; } | seed zipdoc epub
}

make_seeds() {
    local t
    for t in "${targets[@]}"; do
        rm -rf "$work/seeds/$t"
        mkdir -p "$work/seeds/$t"
        "seed_$t"
    done
}

# ---- running ----

# Existing input folders of target t, the one libFuzzer writes to first.
input_dirs() {
    local d
    for d in "$work/corpus/$1" "$work/seeds/$1" "$root/tests/fuzz/seeds/$1" \
        "$root/tests/fuzz/regressions/$1"; do
        [[ -d $d ]] && echo "$d"
    done
}

dict_args() {
    [[ -f $root/tests/fuzz/dicts/$1.dict ]] && echo "-dict=$root/tests/fuzz/dicts/$1.dict"
    return 0
}

run_target() { # TARGET -> 0 or 1
    local t=$1 bin=$build/tests/fuzz/fuzz_$1 rc=0
    mkdir -p "$work/corpus/$t" "$work/findings/$t" "$work/logs" "$work/tmp/$t"
    # new_delete_type_mismatch=0: see .ci/run (libxapian's own mismatch).
    TMPDIR=$work/tmp/$t \
        ASAN_OPTIONS=abort_on_error=1:new_delete_type_mismatch=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
        -max_total_time="$seconds" -print_final_stats=1 $(dict_args "$t") \
        -artifact_prefix="$work/findings/$t/" $(input_dirs "$t") \
        >"$work/logs/$t.log" 2>&1 || rc=$?
    rm -rf "$work/tmp/$t"
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/logs/$t.log" | grep -o '[0-9]*$' || true)
    if [[ $rc -ne 0 ]]; then
        local found
        found=$(ls -t "$work/findings/$t"/ 2>/dev/null | head -n 1)
        echo "FAIL $t (exit $rc; log $work/logs/$t.log)"
        grep -m 3 -E 'ERROR|fuzz check failed|SUMMARY' "$work/logs/$t.log" || true
        if [[ -n $found ]]; then
            echo "  reproducer: $work/findings/$t/$found"
            echo "  rerun:      $bin $work/findings/$t/$found"
            echo "  replay:     build/tests/fuzz/fuzz_replay $t $work/findings/$t/$found"
        fi
        return 1
    fi
    echo "ok   $t: ${execs:-?} runs in ${seconds}s"
    return 0
}

[[ ${SHELF_FUZZ_SKIP_BUILD:-0} == 1 ]] || build_targets
make_seeds
failed=0
for t in "${targets[@]}"; do
    run_target "$t" || failed=1
done
exit $failed
