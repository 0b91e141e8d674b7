#!/usr/bin/env python3
"""What stories cost (issue 11): two newsidx binaries side by side on one corpus.

Usage: benches/stories-cost.py BASE_BIN NEW_BIN [--corpus DIR] [--rounds 3] [--repeat 3]

BASE_BIN is newsidx without stories (for example a build of the commit before them), NEW_BIN
with them. The corpus defaults to the one ../shared/bench/compare.sh generates
($BENCH_CACHE/scale$SCALE_N, 100,000 articles; run compare.sh once to make it).

For each round, the two binaries take turns (the order alternates) to index the corpus into a
fresh folder: wall time, peak RSS (/usr/bin/time) and the index's size on disk. Then every query
of ../shared/bench/queries.txt (translated as ../shared/bench/peer_newsidx.py does) runs through
`search --json --limit 10` on each index, binaries taking turns, --repeat times: the library's
own time (`took_ms`, search, counts, collapse and snippets, without process start) and the
whole process's. Prints medians with the range, and NEW/BASE ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.join(HERE, "..", "..", "shared", "bench")


def index_run(binary, corpus, folder):
    subprocess.run(["rm", "-rf", folder], check=True)
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", binary, "index", corpus, "--index", folder],
        capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{binary} index failed: {out.stderr[-2000:]}")
    wall, rss_kb = out.stderr.strip().splitlines()[-1].split()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    return float(wall), int(rss_kb) / 1024, size / 1e6


def search(binary, folder, query):
    started = time.perf_counter()
    out = subprocess.run([binary, "search", "--index", folder, "--json", "--limit", "10", query],
                         capture_output=True, text=True)
    wall = (time.perf_counter() - started) * 1000
    if out.returncode not in (0, 1):
        sys.exit(f"{binary} search {query!r} failed: {out.stderr[-2000:]}")
    took = json.loads(out.stdout)["took_ms"] if out.stdout.strip() else float("nan")
    return took, wall


def spread(values):
    values = sorted(values)
    return f"{statistics.median(values):.3f} ({values[0]:.3f}-{values[-1]:.3f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("new")
    cache = os.environ.get("BENCH_CACHE", os.path.join(tempfile.gettempdir(), "newsidx-bench"))
    n = os.environ.get("SCALE_N", "100000")
    ap.add_argument("--corpus", default=os.path.join(cache, f"scale{n}"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--indexes", help="reuse the indexes of an earlier run (its base/ and new/) "
                    "and measure the searches only")
    a = ap.parse_args()
    if not os.path.isdir(a.corpus):
        sys.exit(f"no corpus at {a.corpus}: run ../shared/bench/compare.sh index once to make it")
    sys.path.insert(0, SHARED_BENCH)
    import peer_newsidx  # noqa: E402
    import peerlib  # noqa: E402
    queries = [peer_newsidx.translate(q) for q in peerlib.read_queries(
        os.path.join(SHARED_BENCH, "queries.txt"))]
    work = a.indexes or tempfile.mkdtemp(prefix="newsidx-stories-cost-")
    bins = {"base": a.base, "new": a.new}
    folders = {k: os.path.join(work, k) for k in bins}
    runs = {k: [] for k in bins}
    print(f"corpus {a.corpus}; {a.rounds} rounds; load average {os.getloadavg()[0]:.2f}")
    for r in range(0 if a.indexes else a.rounds):
        order = ["base", "new"] if r % 2 == 0 else ["new", "base"]
        for k in order:
            runs[k].append(index_run(bins[k], a.corpus, folders[k]))
            wall, rss, size = runs[k][-1]
            print(f"round {r + 1} {k}: {wall:.2f} s, peak RSS {rss:.0f} MB, index {size:.1f} MB",
                  flush=True)
    took = {k: [] for k in bins}
    whole = {k: [] for k in bins}
    for q in queries:
        per = {k: ([], []) for k in bins}
        for r in range(a.repeat):
            for k in (["base", "new"] if r % 2 == 0 else ["new", "base"]):
                t, w = search(bins[k], folders[k], q)
                per[k][0].append(t)
                per[k][1].append(w)
        for k in bins:
            took[k].append(statistics.median(per[k][0]))
            whole[k].append(statistics.median(per[k][1]))
    print(f"\n| figure | base | new | new/base |\n|---|---:|---:|---:|")
    for i, name in enumerate(["index s", "peak RSS MB", "index MB"] if runs["base"] else []):
        b = [x[i] for x in runs["base"]]
        v = [x[i] for x in runs["new"]]
        print(f"| {name} | {spread(b)} | {spread(v)} | "
              f"{statistics.median(v) / statistics.median(b):.3f} |")
    for name, table in [("search took_ms", took), ("search process ms", whole)]:
        for pct, label in [(50, "p50"), (95, "p95")]:
            b = sorted(table["base"])[min(len(table["base"]) - 1, len(table["base"]) * pct // 100)]
            v = sorted(table["new"])[min(len(table["new"]) - 1, len(table["new"]) * pct // 100)]
            print(f"| {name} {label} | {b:.3f} | {v:.3f} | {v / b:.3f} |")
    print(f"\n{len(queries)} queries, median of {a.repeat} runs each; indexes in {work}")


if __name__ == "__main__":
    main()
