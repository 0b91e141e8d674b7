#!/usr/bin/env bash
# Load benchmark of `newsidx serve` (issue 12), beside `tantivy-cli serve` on the same corpus and
# queries, measured in the same run.
#
# Corpus: the archive that ../shared/bench/compare.sh generates (gen_scale.py: SCALE_N articles,
# default 100,000) in $BENCH_CACHE/scaleN. Indexes, cached in $BENCH_CACHE/serve-load: newsidx's,
# and tantivy-cli's with body and comments stored (as `compare.sh index` builds it).
# Queries: the 50 of ../shared/bench/queries.txt, translated for each engine by the bench's own
# peer_newsidx.py and peer_tantivy_cli.py. newsidx answers with its top 10, snippets, and facets
# by source and year (GET /api/search?q=...&facets=source,year); tantivy-cli with its top 10
# stored documents (GET /api/?q=...&nhits=10; no snippets, no facets).
#
# ROUNDS rounds (default 3); in each, the servers take turns: start, one pass over the queries
# (every answer must be a 200), then wrk (benches/serve-load.lua cycles through the queries) with
# 1, 8, 32 and 128 connections for DURATION seconds each (default 20). Printed: per server and
# level, the median over the rounds and the range of throughput, p50 and p99, the errors (non-2xx
# answers, timeouts, socket errors), the server's RSS after each level and its peak (VmHWM).
# wrk and the server share the machine's cores.
#
# From the checkout, after `cargo build --release`:
#   benches/serve-load.sh                                   # the full run (~15 min, plus setup)
#   SCALE_N=10000 DURATION=5 ROUNDS=1 benches/serve-load.sh # a quick trial
# Needs python3, ../shared/bench and ../shared/corpora; wrk (installed with apt-get when missing)
# and tantivy-cli (built by ../shared/bench/setup.sh when missing, about 10 minutes).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
BENCH_CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/newsidx-bench}
export BENCH_CACHE
N=${SCALE_N:-100000}
CORPUS=$BENCH_CACHE/scale$N
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-3}
LEVELS=${LEVELS:-1 8 32 128}
WRK_THREADS=${WRK_THREADS:-2}
BIN=${NEWSIDX_BIN:-$ROOT/target/release/newsidx}
TANTIVY=${TANTIVY_BIN:-$BENCH_CACHE/tantivy-cli/bin/tantivy}
WORK=$BENCH_CACHE/serve-load
OUT=$WORK/run-$(date +%Y%m%d-%H%M%S)

say() { echo "serve-load: $*" >&2; }
[ -d "$BENCH" ] || { say "$BENCH not found: the benchmark needs ../shared/bench"; exit 1; }
[ -x "$BIN" ] || { say "$BIN not found: run cargo build --release first"; exit 1; }
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq wrk >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null; }
fi
if [ ! -x "$TANTIVY" ]; then
  say "building tantivy-cli (../shared/bench/setup.sh)"
  TANTIVY=$("$BENCH/setup.sh" | tail -1)
fi
mkdir -p "$WORK" "$OUT"

# The corpus, as compare.sh generates it.
if [ ! -f "$CORPUS/.ok" ]; then
  say "generating $N articles into $CORPUS"
  input=$BENCH_CACHE/input; mkdir -p "$input"
  for d in "$BENCH"/../corpora/*/articles; do ln -sfn "$d" "$input/$(basename "$(dirname "$d")")"; done
  rm -rf "$CORPUS"
  python3 "$BENCH/gen_scale.py" "$input" "$CORPUS" "$N" >/dev/null && touch "$CORPUS/.ok"
fi

# The indexes.
NIDX=$WORK/newsidx-$N
if [ ! -f "$NIDX/.ok" ]; then
  say "indexing with newsidx into $NIDX"
  rm -rf "$NIDX"
  "$BIN" index "$CORPUS" --index "$NIDX" >/dev/null
  touch "$NIDX/.ok"
fi
TIDX=$WORK/tantivy-$N
if [ ! -f "$TIDX/.ok" ]; then
  say "indexing with tantivy-cli into $TIDX"
  docs=$BENCH_CACHE/tantivy_docs$N.jsonl
  if [ ! -f "$docs" ]; then
    python3 "$BENCH/peer_tantivy_cli.py" "$CORPUS" "$WORK" /dev/null --phase convert >/dev/null
    mv "$WORK/tantivy_docs.jsonl" "$docs"
  fi
  rm -rf "$TIDX"; mkdir -p "$TIDX"
  python3 - "$BENCH" "$TIDX/meta.json" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import peer_tantivy_cli as T
for f in T.SCHEMA:
    if f["name"] in ("body", "comments"):
        f["options"]["stored"] = True
json.dump(T.META, open(sys.argv[2], "w"))
PY
  "$TANTIVY" index -i "$TIDX" -f "$docs" -t 2 >/dev/null 2>&1
  touch "$TIDX/.ok"
fi

# The request paths: the same 50 queries, in each engine's syntax.
python3 - "$BENCH" "$OUT" <<'PY'
import sys, urllib.parse
sys.path.insert(0, sys.argv[1])
import peerlib as L, peer_newsidx as N, peer_tantivy_cli as T
queries = L.read_queries(sys.argv[1] + "/queries.txt")
with open(sys.argv[2] + "/newsidx.paths", "w") as f:
    for q in queries:
        f.write("/api/search?" + urllib.parse.urlencode({"q": N.translate(q), "facets": "source,year"}) + "\n")
with open(sys.argv[2] + "/tantivy.paths", "w") as f:
    for q in queries:
        f.write("/api/?" + urllib.parse.urlencode({"q": T.translate(q), "nhits": 10}) + "\n")
PY

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# Starts a server; sets PID and PORT.
start_server() {
  case $1 in
    newsidx)
      "$BIN" serve --index "$NIDX" --addr 127.0.0.1:0 --quiet 2>"$OUT/newsidx.stderr" &
      PID=$!
      PORT=""
      for _ in $(seq 600); do
        PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/newsidx.stderr" | head -1 | cut -d: -f3 || true)
        [ -n "$PORT" ] && break
        sleep 0.1
      done ;;
    tantivy)
      PORT=$(free_port)
      "$TANTIVY" serve -i "$TIDX" --host 127.0.0.1 -p "$PORT" >"$OUT/tantivy.stderr" 2>&1 &
      PID=$! ;;
  esac
  for _ in $(seq 600); do
    if [ -n "$PORT" ] && python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  say "$1 did not start"; exit 1
}

# One pass over the queries: every answer must be a 200.
warm_up() {
  python3 - "$PORT" "$OUT/$1.paths" <<'PY'
import sys, urllib.request, urllib.error
port, paths = sys.argv[1], [l.strip() for l in open(sys.argv[2]) if l.strip()]
bad = []
for p in paths:
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s%s" % (port, p), timeout=60) as r:
            r.read()
    except urllib.error.HTTPError as e:
        bad.append("%s %s" % (e.code, p))
if bad:
    sys.exit("answers other than 200:\n" + "\n".join(bad))
PY
}

echo -e "round\tserver\tclients\trps\tp50_ms\tp99_ms\terrors\trss_kb\tpeak_kb" >"$OUT/results.tsv"
for round in $(seq "$ROUNDS"); do
  for server in newsidx tantivy; do
    start_server "$server"
    warm_up "$server" || { kill "$PID"; exit 1; }
    for clients in $LEVELS; do
      threads=$(( clients < WRK_THREADS ? clients : WRK_THREADS ))
      line=$(wrk -t"$threads" -c"$clients" -d"${DURATION}s" --timeout 10s \
        -s "$ROOT/benches/serve-load.lua" "http://127.0.0.1:$PORT" -- "$OUT/$server.paths" | tail -1)
      python3 - "$round" "$server" "$clients" "$(rss_kb "$PID" VmRSS)" "$(rss_kb "$PID" VmHWM)" "$line" \
        >>"$OUT/results.tsv" <<'PY'
import json, sys
r = json.loads(sys.argv[6])
print("\t".join(sys.argv[1:4] + ["%.1f" % r["rps"], "%.3f" % r["p50_ms"], "%.3f" % r["p99_ms"],
                                 str(r["errors"]), sys.argv[4], sys.argv[5]]))
PY
      say "round $round, $server, $clients clients: $(tail -1 "$OUT/results.tsv" | cut -f4-)"
    done
    kill "$PID"; wait "$PID" 2>/dev/null || true
  done
done

python3 - "$OUT/results.tsv" "$N" "$DURATION" "$ROUNDS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
n, duration, rounds = sys.argv[2], sys.argv[3], sys.argv[4]
def cell(values, fmt):
    m = statistics.median(values)
    return (fmt % m) + (" (%s-%s)" % (fmt % min(values), fmt % max(values)) if len(values) > 1 else "")
print("newsidx serve vs tantivy-cli serve: %s articles, 50 queries, %s s per level, median of %s rounds (range)"
      % (n, duration, rounds))
print("%-8s %7s  %-22s %-22s %-22s %6s  %s" % ("server", "clients", "requests/s", "p50 ms", "p99 ms", "errors", "RSS after, MB"))
by = {}
for r in rows:
    by.setdefault((r["server"], int(r["clients"])), []).append(r)
for (server, clients), rs in sorted(by.items()):
    print("%-8s %7d  %-22s %-22s %-22s %6d  %s" % (
        server, clients, cell([float(r["rps"]) for r in rs], "%.0f"),
        cell([float(r["p50_ms"]) for r in rs], "%.2f"), cell([float(r["p99_ms"]) for r in rs], "%.2f"),
        sum(int(r["errors"]) for r in rs), cell([int(r["rss_kb"]) / 1024 for r in rs], "%.0f")))
for server in ("newsidx", "tantivy"):
    peaks = [int(r["peak_kb"]) / 1024 for r in rows if r["server"] == server]
    if peaks:
        print("%s peak RSS: %.0f MB" % (server, max(peaks)))
ratios = []
for rnd in sorted({r["round"] for r in rows}):
    pick = {r["server"]: float(r["rps"]) for r in rows if r["round"] == rnd and r["clients"] == "32"}
    if pick.get("tantivy"):
        ratios.append(pick["newsidx"] / pick["tantivy"])
single = [float(r["p50_ms"]) for r in rows if r["server"] == "newsidx" and r["clients"] == "1"]
errors32 = sum(int(r["errors"]) for r in rows if r["server"] == "newsidx" and r["clients"] == "32")
if single:
    print("target: single-client p50 <= 5 ms: %s ms" % cell(single, "%.2f"))
if ratios:
    print("target: 32 clients, zero errors (%d) and >= 2x tantivy-cli's throughput: %s x"
          % (errors32, cell(ratios, "%.2f")))
PY
say "raw figures: $OUT/results.tsv"
