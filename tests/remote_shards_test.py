#!/usr/bin/env python3
"""remote_shards_test.py - `searcher --remote` against real xapian-tcpsrv servers.

Builds a generated corpus of a few hundred documents (plain text, Markdown
with sections, and the test PDFs with pages) split by folder into three
parts; indexes each part as a Xapian shard and all of it as one Xapian
database; serves each shard with its own xapian-tcpsrv on a loopback port
chosen at run time (each in a session of its own: on SIGTERM xapian-tcpsrv
signals its whole process group); then checks that:

  - for every query operator, `--remote A,B,C` (and `--index shard0 --remote
    B,C`) gives the same total, the same top-100 scores bit for bit, the same
    documents in the same order except among exact ties, and the same
    passages (text, pages, sections, highlights) as the single database;
  - each hit names its shard (HOST:PORT, or the folder), in JSON and text;
  - citations with pages work over the network;
  - a server killed between queries, a port nobody listens on, a port whose
    listener never answers, and a database that is not ours each end the
    searcher with exit status 2 and a message naming HOST:PORT, quickly.

Usage: remote_shards_test.py SOURCE_DIR INDEXER SEARCHER
Skips (exit 77) when xapian-tcpsrv is not installed.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
SHARDS = 3
DOCS_PER_SHARD = 120


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(cmd, timeout=60, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode not in (0, 1):
        fail("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return p


WORDS = ("alliance defence treaty council budget report member summit policy command "
         "operation mission partner security deterrence capability exercise forces "
         "readiness cyber space maritime logistics training doctrine strategy annual "
         "secretary general review committee planning funding infrastructure").split()


def sentence(rng):
    n = rng.randint(6, 14)
    words = [rng.choice(WORDS[: rng.randint(5, len(WORDS))]) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def make_corpus(root, source_dir):
    rng = random.Random(21)
    parts = []
    for s in range(SHARDS):
        part = os.path.join(root, "part%d" % s)
        os.makedirs(part)
        parts.append(part)
        for d in range(DOCS_PER_SHARD):
            paras = ["\n".join(sentence(rng) for _ in range(rng.randint(1, 5)))
                     for _ in range(rng.randint(1, 6))]
            if d % 3 == 0:
                body = "# %s\n\n" % sentence(rng)[:-1]
                for i, p in enumerate(paras):
                    body += "## Section %d %s\n\n%s\n\n" % (i, rng.choice(WORDS), p)
                name = "doc%03d.md" % d
            else:
                body = "\n\n".join(paras) + "\n"
                name = "doc%03d.txt" % d
            with open(os.path.join(part, name), "w") as f:
                f.write(body)
    # Paged documents for citations with pages, in two different shards.
    for s, pdf in ((1, "structure.pdf"), (2, "labels.pdf")):
        shutil.copy(os.path.join(source_dir, "tests", "data", pdf), parts[s])
    return parts


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def start_server(db, log):
    """xapian-tcpsrv on a free loopback port, in a session of its own; retried
    when another process takes the port between our probe and its bind."""
    for _ in range(10):
        port = free_port()
        proc = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                                 str(port), "--quiet", db], stdout=log, stderr=log,
                                start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline and proc.poll() is None:
            if port_answers(port):
                return proc, port
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    fail("could not start xapian-tcpsrv on %s" % db)


def stop_server(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


QUERIES = [
    "alliance", "defence treaty", "budget report member", "cyber AND maritime",
    "council OR summit", "security NOT deterrence", "\"annual review\"",
    "readiness NEAR/5 training", "cap*", "title:section", "title:\"section 1\"",
    "path:part1", "type:pdf", "type:markdown policy", "+strategy -doctrine",
    "(operation OR mission) AND partner", "structure", "heading", "zzznothing",
    # filters from the filter terms and the day value, through the network
    "alliance type:text", "defence after:2020", "council before:2020 OR summit",
    "budget -type:markdown after:2000-01-01",
]


def search(searcher, where, query, extra=()):
    cmd = [searcher] + where + ["--json", "-n", "100", "--passages", "2",
                                "--title-weight", "0", "--proximity-weight", "0",
                                "--heading-weight", "0", "--no-collapse"] + list(extra) + ["--", query]
    p = run(cmd)
    return json.loads(p.stdout)


def strip(hit):
    return {k: v for k, v in hit.items() if k not in ("rank", "doc", "index", "duplicate_indexes", "score")}


# Xapian sums a document's term weights in an order it picks per database
# from that database's own term frequencies, so a query of several terms may
# differ in the last bits between one database and its shards (a few ulps);
# a query of one term is bit-identical.
REL_TOLERANCE = 1e-13


def one_term(query):
    return all(c.isalnum() for c in query)


def same_score(x, y, exact):
    return x == y if exact else abs(x - y) <= REL_TOLERANCE * max(abs(x), abs(y))


def compare(query, whole, sharded):
    if whole["total"] != sharded["total"]:
        fail("%r: total %d on one database, %d on shards" % (query, whole["total"], sharded["total"]))
    a, b = whole["hits"], sharded["hits"]
    if len(a) != len(b):
        fail("%r: %d hits vs %d" % (query, len(a), len(b)))
    exact = one_term(query)
    for x, y in zip(a, b):
        if not same_score(x["score"], y["score"], exact):
            fail("%r: scores differ (%s): %r vs %r" % (query, "exact" if exact else "tolerance",
                                                       x["score"], y["score"]))
    # Same documents in the same order, except among exact ties (Xapian
    # breaks those by document id, which sharding changes).  A tie at the
    # cut-off may hold different documents: those are left out.
    key = lambda score: float("%.12g" % score)
    last = key(a[-1]["score"]) if a else None
    cut = len(a) == 100
    def groups(hits):
        out = {}
        for h in hits:
            if not (cut and key(h["score"]) == last):
                out.setdefault(key(h["score"]), {})[h["path"]] = strip(h)
        return out
    ga, gb = groups(a), groups(b)
    if ga != gb:
        for score in ga:
            if ga[score] != gb.get(score):
                fail("%r: at score %r:\n%s\n%s" % (query, score, json.dumps(ga[score])[:600],
                                                    json.dumps(gb.get(score))[:600]))
        fail("%r: hits differ" % query)


def shard_names(result):
    return {h.get("index") for h in result["hits"]}


def check_error(searcher, where, name, what, budget_s, extra=()):
    start = time.time()
    p = run([searcher] + where + list(extra) + ["alliance"], check=False, timeout=budget_s + 30)
    took = time.time() - start
    if p.returncode != 2:
        fail("%s: exit %d, not 2\n%s%s" % (what, p.returncode, p.stdout, p.stderr))
    if name not in p.stderr:
        fail("%s: the message does not name %s: %s" % (what, name, p.stderr))
    if took > budget_s:
        fail("%s: took %.1f s (budget %d s)" % (what, took, budget_s))
    print("ok: %s (%.2f s): %s" % (what, took, p.stderr.strip().splitlines()[0]))


def silent_listener():
    """A loopback port that accepts connections and never says a word."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    return s, s.getsockname()[1]


def http_get(port, path, params):
    url = "http://127.0.0.1:%d%s?%s" % (port, path, urllib.parse.urlencode(params))
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def check_serve(searcher, where, whole, parts, addrs):
    """searcher --serve over a folder and two remote shards: /api/search
    equals the CLI on one database and names shards; /api/doc and /api/cite
    read documents held remotely."""
    for _ in range(10):
        port = free_port()
        proc = subprocess.Popen([searcher, "--serve", "--listen", "127.0.0.1:%d" % port] + where,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None and not port_answers(port):
            time.sleep(0.05)
        if proc.poll() is None:
            break
    else:
        fail("searcher --serve did not start")
    try:
        q = "budget report"
        got = json.loads(http_get(port, "/api/search", {"q": q, "n": 100, "passages": 2}))
        cli = run([searcher, "--index", whole, "--json", "-n", "100", "--passages", "2", "--", q])
        want = json.loads(cli.stdout)
        if got["total"] != want["total"] or len(got["hits"]) != len(want["hits"]):
            fail("--serve: %d/%d hits vs %d/%d" % (got["total"], len(got["hits"]), want["total"],
                                                   len(want["hits"])))
        if not {h.get("index") for h in got["hits"]} >= set(addrs[1:]):
            fail("--serve: hits do not name the remote shards")
        remote = next(h for h in got["hits"] if h["index"] == addrs[2])
        doc = json.loads(http_get(port, "/api/doc", {"doc": remote["path"], "q": q}))
        if doc.get("path") != remote["path"] or not doc.get("lines"):
            fail("--serve /api/doc of a remote document: %s" % json.dumps(doc)[:300])
        pdf = os.path.join(parts[2], "labels.pdf")
        cite = http_get(port, "/api/cite", {"doc": pdf, "start": 0, "end": 40, "format": "plain"})
        if "labels.pdf" not in cite or "p." not in cite:
            fail("--serve /api/cite of a remote PDF: %s" % cite[:300])
        print("ok: --serve over a folder and two remote shards (search, doc, cite)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def http_status(port, path, params, timeout=60):
    """(HTTP status, decoded JSON body) of a GET, error statuses included."""
    url = "http://127.0.0.1:%d%s?%s" % (port, path, urllib.parse.urlencode(params))
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode())


def start_serve(searcher, where):
    for _ in range(10):
        port = free_port()
        proc = subprocess.Popen([searcher, "--serve", "--listen", "127.0.0.1:%d" % port] + where,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None and not port_answers(port):
            time.sleep(0.05)
        if proc.poll() is None:
            return proc, port
    fail("searcher --serve did not start")


def crash_server(proc):
    """Kill a server and the children serving its connections at once, as a
    crash or a power cut would (its session is its process group)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def restart_server(db, port, log):
    """xapian-tcpsrv again on the same port (retried while the port is busy)."""
    deadline = time.time() + 20
    while time.time() < deadline:
        proc = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                                 str(port), "--quiet", db], stdout=log, stderr=log,
                                start_new_session=True)
        until = time.time() + 5
        while time.time() < until and proc.poll() is None:
            if port_answers(port):
                return proc
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        time.sleep(0.2)
    fail("could not restart xapian-tcpsrv on port %d" % port)


def ranked(result):
    return [(h["path"], h["score"], h.get("index")) for h in result["hits"]]


def check_serve_restart(searcher, shards, log, rounds=3):
    """--serve over two remote shards, one of which crashes and comes back:
    while it is down each request fails soon with 502 or 503 naming it; once
    it is back the next requests answer as before, without restarting the
    searcher."""
    servers = [start_server(os.path.join(s, "xapian"), log) for s in shards[:2]]
    addrs = ["127.0.0.1:%d" % port for _, port in servers]
    serve, sport = start_serve(searcher, ["--remote", ",".join(addrs), "--remote-timeout", "2"])
    params = {"q": "budget report", "n": 20, "passages": 2}
    try:
        status, before = http_status(sport, "/api/search", params)
        if status != 200 or not before["hits"]:
            fail("--serve over two shards: %d %s" % (status, json.dumps(before)[:300]))
        for round_ in range(rounds):
            proc, port = servers[1]
            crash_server(proc)
            for what in ("the first request after the crash", "a request while it is down"):
                start = time.time()
                status, body = http_status(sport, "/api/search", params)
                took = time.time() - start
                if status not in (502, 503) or addrs[1] not in body.get("error", "") \
                        or body.get("status") != status:
                    fail("--serve, %s: %d %s" % (what, status, json.dumps(body)[:300]))
                if took > 2 + 4:
                    fail("--serve, %s: took %.1f s" % (what, took))
                print("ok: --serve, %s (%.2f s): %d %s" % (what, took, status, body["error"]))
            servers[1] = (restart_server(os.path.join(shards[1], "xapian"), port, log), port)
            start = time.time()
            while True:  # a failed reconnection is retried after a short pause
                status, after = http_status(sport, "/api/search", params)
                if status == 200 or time.time() - start > 10:
                    break
                time.sleep(0.1)
            if status != 200 or ranked(after) != ranked(before) or after["total"] != before["total"]:
                fail("--serve after the shard came back: %d %s" % (status, json.dumps(after)[:300]))
            print("ok: --serve recovered %.2f s after the shard came back (round %d)"
                  % (time.time() - start, round_ + 1))
        # A shard that restarts between two requests (or closes a connection
        # idle too long): the next request reconnects and answers at once.
        proc, port = servers[1]
        crash_server(proc)
        servers[1] = (restart_server(os.path.join(shards[1], "xapian"), port, log), port)
        status, after = http_status(sport, "/api/search", params)
        if status != 200 or ranked(after) != ranked(before):
            fail("--serve, the first request after a restart unseen: %d %s"
                 % (status, json.dumps(after)[:300]))
        print("ok: --serve, the first request after a shard restarted unseen answers")
        # A shard that stops answering (stopped, not dead): the request fails
        # after the remote timeout and one try to reconnect (as long again),
        # not later; once it answers again, so does the searcher.
        proc, port = servers[1]
        os.killpg(proc.pid, signal.SIGSTOP)
        try:
            start = time.time()
            status, body = http_status(sport, "/api/search", params)
            took = time.time() - start
        finally:
            os.killpg(proc.pid, signal.SIGCONT)
        if status not in (502, 503) or addrs[1] not in body.get("error", "") or took > 2 * 2 + 4:
            fail("--serve, a shard that stopped answering: %d after %.1f s: %s"
                 % (status, took, json.dumps(body)[:300]))
        print("ok: --serve, a shard that stopped answering (%.2f s): %d %s"
              % (took, status, body["error"]))
        start = time.time()
        while True:
            status, after = http_status(sport, "/api/search", params)
            if status == 200 or time.time() - start > 10:
                break
            time.sleep(0.1)
        if status != 200 or ranked(after) != ranked(before):
            fail("--serve after the shard answered again: %d %s" % (status, json.dumps(after)[:300]))
        print("ok: --serve recovered %.2f s after the shard answered again" % (time.time() - start))
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        for proc, _ in servers:
            if proc.poll() is None:
                crash_server(proc)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source_dir, indexer, searcher = sys.argv[1:]
    if not shutil.which("xapian-tcpsrv"):
        print("SKIP: xapian-tcpsrv is not installed (Debian package xapian-tools)")
        return SKIP
    root = tempfile.mkdtemp(prefix="shelf-remote-")
    servers = []
    log = open(os.path.join(root, "tcpsrv.log"), "w")
    try:
        parts = make_corpus(root, source_dir)
        shards = []
        for i, part in enumerate(parts):
            shard = os.path.join(root, "shard%d" % i)
            run([indexer, "--backend", "xapian", "--index", shard, part], timeout=300)
            shards.append(shard)
        whole = os.path.join(root, "whole")
        run([indexer, "--backend", "xapian", "--index", whole] + parts, timeout=300)

        for shard in shards:
            servers.append(start_server(os.path.join(shard, "xapian"), log))
        addrs = ["127.0.0.1:%d" % port for _, port in servers]
        remote_all = ["--remote", ",".join(addrs)]
        mixed = ["--index", shards[0], "--remote", addrs[1], "--remote", addrs[2]]

        # in: an absolute folder (a relative one means another thing without
        # the roots of an index folder: README, "Query language")
        for q in QUERIES + ["alliance in:%s" % parts[1], "in:%s type:pdf" % parts[2]]:
            one = search(searcher, ["--index", whole], q)
            compare(q, one, search(searcher, remote_all, q))
            compare(q, one, search(searcher, mixed, q))
        print("ok: %d queries equal on one database, three remote shards, and a folder "
              "with two remote shards" % (len(QUERIES) + 2))

        # Hits name their shard.
        res = search(searcher, remote_all, "alliance")
        if shard_names(res) != set(addrs):
            fail("shards named %s, expected %s" % (shard_names(res), addrs))
        for h in res["hits"]:
            part = parts[addrs.index(h["index"])]
            if not h["path"].startswith(part + "/"):
                fail("%s said to come from %s" % (h["path"], h["index"]))
        res = search(searcher, mixed, "alliance")
        want = {shards[0], addrs[1], addrs[2]}  # a folder is named as given
        if shard_names(res) != want:
            fail("mixed: shards named %s, expected %s" % (shard_names(res), want))
        text = run([searcher, "--color", "never"] + remote_all + ["alliance"]).stdout
        if "index: %s" % addrs[0] not in text:
            fail("text output does not name the shard:\n" + text[:500])
        print("ok: hits name their shard (JSON and text)")

        # Citations with pages, read from a remote shard.
        local = run([searcher, "--index", whole, "--cite", "-n", "3", "type:pdf", "structure"])
        remote = run([searcher, "--cite", "-n", "3"] + remote_all + ["type:pdf", "structure"])
        if local.stdout != remote.stdout or "p." not in remote.stdout:
            fail("citations differ or lack pages:\n%s\n%s" % (local.stdout, remote.stdout))
        print("ok: citations with pages over the network")

        check_serve(searcher, mixed, whole, parts, addrs)
        check_serve_restart(searcher, shards, log)

        # Malformed options and a native --index are refused up front.
        native = os.path.join(root, "native")
        run([indexer, "--index", native, parts[0]], timeout=300)
        for args, want in ((["--remote", "127.0.0.1:99999"], "from 1 to 65535"),
                           (["--remote", "nohost"], "no port"),
                           (["--remote", ":6000"], "no host"),
                           (["--remote", addrs[0], "--remote-timeout", "0"], "--remote-timeout"),
                           (["--index", native, "--remote", addrs[0]], "native index")):
            p = run([searcher] + args + ["alliance"], check=False)
            if p.returncode != 2 or want not in p.stderr:
                fail("%s: exit %d, %r" % (args, p.returncode, p.stderr))
        print("ok: malformed --remote values and a native --index refused")

        # A database that is not ours: an index of ours without its metadata.
        foreign = os.path.join(root, "foreign")
        shutil.copytree(os.path.join(shards[0], "xapian"), foreign)
        run(["xapian-metadata", "set", foreign, "shelf.language", ""])
        fproc, fport = start_server(foreign, log)
        servers.append((fproc, fport))
        check_error(searcher, ["--remote", addrs[1] + ",127.0.0.1:%d" % fport],
                    "127.0.0.1:%d" % fport, "a shard that is not ours", 20)

        # A port nobody listens on.
        nobody = free_port()
        check_error(searcher, ["--remote", "127.0.0.1:%d" % nobody], "127.0.0.1:%d" % nobody,
                    "a wrong port", 20)

        # A listener that never answers: the remote timeout.
        mute, mute_port = silent_listener()
        try:
            check_error(searcher, ["--remote", "127.0.0.1:%d" % mute_port, "--remote-timeout", "1"],
                        "127.0.0.1:%d" % mute_port, "a port that never answers", 10)
        finally:
            mute.close()

        # A server killed while a searcher holds its connection (--queries
        # from a pipe: one query answered, the server killed, the next one).
        proc, port = servers[2]
        name = "127.0.0.1:%d" % port
        session = subprocess.Popen([searcher, "--json"] + remote_all + ["--queries", "-"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        session.stdin.write("alliance\n")
        session.stdin.flush()
        if '"hits"' not in session.stdout.readline():
            fail("the first query before the kill found nothing")
        stop_server(proc)
        start = time.time()
        out, errors = session.communicate("budget\n", timeout=30)
        if session.returncode != 2 or name not in errors:
            fail("killed server: exit %d, %s" % (session.returncode, errors))
        print("ok: a server killed mid-session (%.2f s): %s" % (time.time() - start,
                                                              errors.strip().splitlines()[0]))
        # ... and the next searcher cannot connect to it.
        check_error(searcher, remote_all, name, "a server killed mid-test", 20)
        print("PASS")
        return 0
    finally:
        for proc, _ in servers:
            stop_server(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
