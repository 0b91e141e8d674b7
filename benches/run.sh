#!/usr/bin/env bash
# Runs the benchmarks of issues 3 (indexing) and 4 (search) and, when the peers' scripts are
# beside the project (../shared/bench), the side-by-side comparisons; prints every figure.
#
# Usage, from anywhere:  benches/run.sh [index|search|compare|all]   (default: all)
#   index    cargo bench --bench index     (50,000 generated articles + ../shared/corpora)
#   search   cargo bench --bench search    (100,000 generated articles, in process and CLI)
#   compare  ../shared/bench/compare.sh index and search (newsidx vs tantivy-cli and SQLite FTS5)
# The generated corpora and the search index are cached in target/newsidx-bench
# ($NEWSIDX_BENCH_DIR); the benches' settings are environment variables (see benches/README.md).
# Measurements are only as quiet as the machine: the load average is printed first.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
case $what in index | search | compare | all) ;; *)
  echo "usage: benches/run.sh [index|search|compare|all]" >&2
  exit 2
  ;;
esac
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release --locked
if [ "$what" = index ] || [ "$what" = all ]; then
  cargo bench --locked --bench index
fi
if [ "$what" = search ] || [ "$what" = all ]; then
  cargo bench --locked --bench search
fi
if [ "$what" = compare ] || [ "$what" = all ]; then
  compare=../shared/bench/compare.sh
  if [ -x "$compare" ]; then
    "$compare" index || echo "(compare.sh index exited with $?: below its target ratio, or failed)"
    "$compare" search || echo "(compare.sh search exited with $?: over its target, or failed)"
    # compare.sh times newsidx as a whole process but FTS5 in process: time newsidx in process
    # too, on the index compare.sh built and the same queries as it translates them.
    peer_index=${BENCH_CACHE:-${TMPDIR:-/tmp}/newsidx-bench}/newsidx-run/newsidx_idx
    queries=target/newsidx-bench/peer-queries.txt
    mkdir -p target/newsidx-bench
    python3 - ../shared/bench "$queries" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peer_newsidx, peerlib
with open(sys.argv[2], "w") as out:
    for q in peerlib.read_queries(sys.argv[1] + "/queries.txt"):
        print(peer_newsidx.translate(q), file=out)
PY
    NEWSIDX_BENCH_INDEX=$peer_index NEWSIDX_BENCH_QUERY_FILE=$queries cargo bench --locked --bench search
  else
    echo "compare: $compare not found, skipped"
  fi
fi
