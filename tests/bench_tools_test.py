#!/usr/bin/env python3
"""bench_tools_test.py - ctest "bench_tools": the benchmark's generators and
drivers do what tools/bench/README.md says, on small inputs (no timing).

  - make-corpora's small/ corpus: 1,000 files a folder, the requested number
    of documents averaging at most 0.6 KB, the same bytes for any --jobs,
    and --check agrees with the manifest;
  - make-queries' natural set: 3-8 lower-case words per query, the FTS5 and
    Lucene lines say the same query, and every set has a Lucene file with
    the Lucene form of each line (escaping checked on its own);
  - qbench --paths runs and reports mean_us;
  - run --no-xapian --no-lucene on the sample shelf leaves Xapian out of
    every figure and says the correctness gate was skipped;
  - known-item: first headings (reStructuredText underlines and overlines,
    Markdown only in Markdown), MRR@10 and success@1/@10 against values
    worked out by hand, and a whole run over three tiny documents where
    every engine finds each answer at rank 1.

Usage: bench_tools_test.py SOURCE_DIR BUILD_DIR   (exit 0 pass, 1 fail)
"""

import importlib.machinery
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC, BUILD = sys.argv[1], sys.argv[2]
BENCH = os.path.join(SRC, "tools", "bench")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")


def run(*cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"command failed ({r.returncode}): {' '.join(map(str, cmd))}\n{r.stderr}")
    return r.stdout


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f]


def make_base(out):
    """OUT/shelf: the project's corpus; OUT/kernel: short paragraphs of its
    words (15 a paragraph), standing in for the kernel docs' short ones."""
    shutil.copytree(os.path.join(SRC, "corpus"), os.path.join(out, "shelf"),
                    ignore=shutil.ignore_patterns(".*"))
    words = []
    for name in sorted(os.listdir(os.path.join(out, "shelf"))):
        words += open(os.path.join(out, "shelf", name), encoding="utf-8").read().split()
    paras = [" ".join(words[i:i + 15]) for i in range(0, len(words) - 15, 15)]
    os.makedirs(os.path.join(out, "kernel"))
    with open(os.path.join(out, "kernel", "notes.txt"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(paras) + "\n")


def test_small_corpus(tmp):
    outs = []
    for jobs in ("1", "2"):
        out = os.path.join(tmp, f"corpora-j{jobs}")
        make_base(out)
        run(sys.executable, os.path.join(BENCH, "make-corpora"), out, "--only", "small",
            "--small-docs", "2500", "--jobs", jobs)
        outs.append(out)
    manifests = [json.load(open(os.path.join(o, "corpora.json")))["small"] for o in outs]
    small = manifests[0]
    check(manifests[0]["sha256"] == manifests[1]["sha256"], "small/ is the same for --jobs 1 and 2")
    check(small["files"] >= 2500, f"small/ has at least 2500 documents ({small['files']})")
    check(small["bytes"] / small["files"] <= 600, f"small/ averages <= 600 bytes "
          f"({small['bytes'] / small['files']:.0f})")
    root = os.path.join(outs[0], "small")
    folders = sorted(os.listdir(root))
    counts = [len(os.listdir(os.path.join(root, f))) for f in folders]
    check(counts[:2] == [1000, 1000], f"small/ has 1000 files a folder ({counts})")
    sample = open(os.path.join(root, folders[0], sorted(os.listdir(os.path.join(root, folders[0])))[0]),
                  encoding="utf-8").read()
    check("\n\n" in sample and len(sample.split("\n", 1)[0].split()) in range(1, 9),
          "a small/ document is a short title line, a blank line and paragraphs")
    report = run(sys.executable, os.path.join(BENCH, "make-corpora"), outs[0], "--check")
    check("small: OK" in report, f"make-corpora --check passes small/ ({report.strip()})")


def load_make_queries():
    loader = importlib.machinery.SourceFileLoader("make_queries", os.path.join(BENCH, "make-queries"))
    return loader.load_module()


def test_queries(tmp):
    qdir = os.path.join(tmp, "queries")
    run(sys.executable, os.path.join(BENCH, "make-queries"), os.path.join(SRC, "corpus"), qdir,
        "--count", "20", "--natural-count", "50")
    natural = lines(os.path.join(qdir, "natural.txt"))
    check(len(natural) == 50, f"50 natural queries ({len(natural)})")
    check(len(set(natural)) == len(natural), "natural queries are distinct")
    for q in natural:
        words = q.split(" ")
        check(3 <= len(words) <= 8 and all(re.fullmatch(r"[a-z0-9]{1,40}", w) for w in words),
              f"natural query of 3-8 folded words: {q!r}")
    check(any(w in ("the", "of", "and") for q in natural for w in q.split()),
          "natural queries keep common words")
    fts5 = lines(os.path.join(qdir, "natural.fts5.txt"))
    check(fts5 == [" OR ".join(f'"{w}"' for w in q.split()) for q in natural],
          "natural.fts5.txt is natural.txt with quoted words joined by OR")
    check(lines(os.path.join(qdir, "natural.lucene.txt")) == natural,
          "natural.lucene.txt is natural.txt (plain words, default OR)")
    ands = lines(os.path.join(qdir, "and.txt"))
    check(lines(os.path.join(qdir, "and.lucene.txt")) ==
          [" ".join("+" + w for w in q.split(" AND ")) for q in ands], "and.lucene.txt is +a +b")
    for kind in ("or", "phrase", "mixed"):
        check(lines(os.path.join(qdir, f"{kind}.lucene.txt")) == lines(os.path.join(qdir, f"{kind}.txt")),
              f"{kind}.lucene.txt reads like {kind}.txt")
    meta = lines(os.path.join(qdir, "meta.tsv"))
    check(sum(1 for l in meta if l.startswith("natural\t")) == 50, "meta.tsv lists the natural queries")
    mq = load_make_queries()
    check(mq.lucene_word('a+b:c"d\\') == 'a\\+b\\:c\\"d\\\\', "Lucene specials are escaped")
    check(mq.lucene_word("AND") == "and", "an upper-case AND is not an operator for Lucene")
    check(mq.lucene_query("mixed", "", [], {"req": ["r"], "opt": ["o"], "exc": ["e"]}) == "+r o -e",
          "mixed in Lucene syntax")


def test_qbench_paths(tmp):
    index = os.path.join(tmp, "index")
    run(os.path.join(BUILD, "indexer"), "-q", "--index", index, os.path.join(SRC, "corpus"))
    qfile = os.path.join(tmp, "q.txt")
    with open(qfile, "w") as f:
        f.write("the history of nato\nannual report\n")
    out = json.loads(run(os.path.join(BUILD, "tools", "qbench"), index, qfile, "--paths",
                         "--repeat", "2").strip().splitlines()[-1])
    check(out.get("errors") == 0 and out.get("hits", 0) > 0, f"qbench --paths answers ({out})")
    check(out.get("mean_us", 0) > 0 and out["mean_us"] >= out["p50_us"] * 0.01,
          f"qbench reports mean_us ({out})")


def test_run_without_xapian(tmp):
    data, out = os.path.join(tmp, "run-data"), os.path.join(tmp, "run.json")
    run(sys.executable, os.path.join(BENCH, "run"), "--data", data, "--corpora", "shelf",
        "--no-xapian", "--no-lucene", "--repeat", "1", "--queries", "40", "--sets", "natural",
        "--modes", "top10", "--build-dir", BUILD, "--out", out)
    with open(out, encoding="utf-8") as f:
        res = json.load(f)
    shelf = res["corpora"]["shelf"]
    check(res["engines"] == ["native", "fts5"], f"engines without Xapian and Lucene ({res['engines']})")
    check(shelf["gate"] == {"skipped": "--no-xapian"}, f"the gate says it was skipped ({shelf['gate']})")
    check("xapian" not in shelf["index"] and "xapian" not in shelf["sizes"]["bytes"],
          "no Xapian index was built or measured")
    check(set(shelf["queries"]["natural"]["top10"]) == {"native", "fts5"}, "queries timed on native and FTS5")
    xapian_col = 3  # figure, better, native, xapian, ...
    check(all(row[xapian_col] is None for row in shelf["table"]), "the Xapian column is empty")


def load_known_item():
    loader = importlib.machinery.SourceFileLoader("known_item", os.path.join(BENCH, "known-item"))
    return loader.load_module()


def test_known_item_metrics(tmp):
    ki = load_known_item()
    check(ki.first_heading("..  SPDX\n\n===========\n Title One\n===========\n\ntext\n") == "Title One",
          "an overlined title is the first heading")
    check(ki.first_heading("intro line\n\nSection Two\n-----------\n") == "Section Two",
          "an underlined line is a heading")
    check(ki.first_heading("Too long a title\n---\n") is None, "an underline shorter than its title is not")
    check(ki.first_heading("# echo 1 > x\n") is None, "a '# ...' line is not a heading outside Markdown")
    check(ki.first_heading("# Guide\n", markdown=True) == "Guide", "an ATX heading in Markdown")
    check(ki.heading_words("The RCU (Read-Copy Update) API") == ["the", "rcu", "read", "copy", "update", "api"],
          "heading words are folded runs of word characters")
    check(ki.fts5_query(["a", "b"]) == '"a" OR "b"', "the FTS5 query ORs quoted words")
    ranked = [["a", "x"], ["y", "b"], ["z"], []]
    m = ki.metrics(ranked, ["a", "b", "c", "d"])
    check(abs(m["mrr"] - (1 + 0.5) / 4) < 1e-12, f"MRR@10 by hand ({m['mrr']})")
    check(m["success_1"] == 0.25 and m["success_10"] == 0.5, f"success@1/@10 by hand ({m})")
    deep = [[f"p{i}" for i in range(12)] + ["a"]]
    check(ki.metrics(deep, ["p10"])["mrr"] == 0 and ki.metrics(deep, ["p9"])["mrr"] == 0.1,
          "an answer past rank 10 counts 0, at rank 10 counts 1/10")
    corpus = os.path.join(tmp, "ki-data", "tiny")
    os.makedirs(corpus)
    docs = {"a.rst.txt": "Memory barriers\n===============\n\nHow memory ordering works.\n",
            "b.rst.txt": "Scheduler tuning\n================\n\nKnobs of the scheduler.\n",
            "c.md": "# Power states\n\nSleep and wake.\n", "d.txt": "no heading here\n"}
    for name, text in docs.items():
        with open(os.path.join(corpus, name), "w", encoding="utf-8") as f:
            f.write(text)
    out = run(sys.executable, os.path.join(BENCH, "known-item"), "--data", os.path.join(tmp, "ki-data"),
              "--corpus", "tiny", "--build-dir", BUILD, "--weights", "0,1", "--heading-weights", "0,1",
              "--no-xapian", "--out", os.path.join(tmp, "ki.json"))
    res = json.load(open(os.path.join(tmp, "ki.json"), encoding="utf-8"))
    want = ["native W=0 H=0", "native W=0 H=1", "native W=1 H=0", "native W=1 H=1", "fts5 bm25()"]
    check(res["skipped"] == 1 and [r["engine"] for r in res["rows"]] == want, f"known-item rows ({res})")
    check(all(r["queries"] == 3 and r["mrr"] == 1.0 for r in res["rows"]), f"every answer at rank 1 ({out})")
    check("MRR@10" in out, "known-item prints its table")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_small_corpus(tmp)
        test_queries(tmp)
        test_qbench_paths(tmp)
        test_run_without_xapian(tmp)
        test_known_item_metrics(tmp)
    print(f"{len(failures)} failure(s)" if failures else "all bench tool checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
