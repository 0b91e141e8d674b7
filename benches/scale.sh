#!/usr/bin/env bash
# The scale curve of issue 16: for each size, generate that many articles with the project's
# generator (`examples/gen_corpus.rs`, seed 42: N articles are the first N of any larger corpus),
# index them with the release `newsidx index` into an empty index (wall and CPU time, peak RSS and
# its anonymous part), re-index them unchanged, and
# time searches in process and through the CLI (`cargo bench --bench search` on that index: its
# 46-query mix, top 10 with snippets), and 8 queries through the CLI plain, with `--timeline month`
# and with `--facets source,year`.
# Prints one Markdown table row per size, then the growth per tenfold step.
#
# Usage: benches/scale.sh [SIZES...]        (default: 10000 100000)
#   e.g. benches/scale.sh 10000 100000 1000000
# Settings: SCALE_DIR (where corpora and indexes go; default $TMPDIR/newsidx-scale, deleted at
#   the end unless SCALE_KEEP=1), SCALE_MEMORY_MB (512, the writer budget), SCALE_RUNS (3:
#   unchanged re-index runs and CLI rounds per query), SCALE_SEARCH_ROUNDS (20 in-process passes).
# Disk: about 3 KB of text and 4 KB of index per article (1,000,000 articles: ~3 GB + ~4 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)
for n in "${sizes[@]}"; do
  case $n in '' | *[!0-9]*) echo "usage: benches/scale.sh [SIZES...] (numbers of articles)" >&2; exit 2 ;; esac
done
dir=${SCALE_DIR:-${TMPDIR:-/tmp}/newsidx-scale}
memory=${SCALE_MEMORY_MB:-512}
runs=${SCALE_RUNS:-3}
rounds=${SCALE_SEARCH_ROUNDS:-20}
mkdir -p "$dir"
if [ "${SCALE_KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$dir"' EXIT
fi
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example gen_corpus
bin=target/release/newsidx
gen=target/release/examples/gen_corpus
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), budget $memory MB"

median() { sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.3f", m}'; }
pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int(p*NR+0.999999); if(i<1)i=1; if(i>NR)i=NR; printf "%.1f", v[i]}'; }
# Counts through the CLI: each query of the mix, plain, with a monthly timeline, and with source
# and year facets (top 10 with snippets, text output); a warm-up, then RUNS timed runs of each,
# timed in one Python process (no shell forks in the measurement). Prints the three p50s in ms.
cli_counts() {
  python3 - "$bin" "$idx" "$runs" <<'PY'
import subprocess, sys, time
bin, idx, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
queries = ["election", "people", "interest rates", "prime minister budget",
           '"state of the union"', "bank*", "storm OR flood", "court NOT appeal"]
modes = {"plain": [], "timeline": ["--timeline", "month"], "facets": ["--facets", "source,year"]}
times = {m: [] for m in modes}
for q in queries:
    for m, extra in modes.items():
        cmd = [bin, "search", "--index", idx, "--limit", "10", *extra, q]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=False)
            times[m].append((time.perf_counter() - t) * 1000)
def p50(v):
    v = sorted(v)
    return v[(len(v) - 1) // 2]
print(" / ".join(f"{p50(times[m]):.1f}" for m in modes))
PY
}

rows=()
for n in "${sizes[@]}"; do
  corpus=$dir/corpus-$n
  idx=$dir/index-$n
  if [ ! -f "$corpus.complete" ]; then
    rm -rf "$corpus"
    "$gen" "$corpus" "$n" 42 >/dev/null
    touch "$corpus.complete"
  fi
  mb=$(find "$corpus" -type f -printf "%s\n" | awk "{s += \$1} END {printf \"%.1f\", s / 1e6}")
  rm -rf "$idx"
  # Wall and CPU time, peak RSS (what `/usr/bin/time` reports: it includes the index files that
  # tantivy's merges map) and, sampled 4 times a second, the peak of anonymous memory (the
  # process's own heap and the writer's arenas).
  read -r wall cpu rss_mb anon_mb < <(python3 - "$bin" index "$corpus" --index "$idx" \
    --memory "$memory" 2>"$dir/index.err" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
anon = 0
while p.poll() is None:
    try:
        with open(f"/proc/{p.pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    anon = max(anon, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.25)
wall = time.perf_counter() - t
if p.returncode != 0:
    sys.exit(f"newsidx index failed with exit code {p.returncode}")
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {ru.ru_utime + ru.ru_stime:.2f} {ru.ru_maxrss // 1024} {anon // 1024}")
PY
  ) || { cat "$dir/index.err" >&2; exit 4; }
  index_mb=$(du -sb "$idx" | awk '{printf "%.1f", $1 / 1e6}')
  segments=$(ls "$idx"/*.idx 2>/dev/null | wc -l)
  re=()
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e" -o "$dir/time" "$bin" index "$corpus" --index "$idx" --memory "$memory" >/dev/null 2>&1
    re+=("$(cat "$dir/time")")
  done
  re_s=$(printf '%s\n' "${re[@]}" | median)
  # The search bench on this index: its 46-query mix (words of the generator), top 10 with
  # snippets, in process and through `newsidx search --json`.
  searched=$(NEWSIDX_BENCH_INDEX=$idx NEWSIDX_BENCH_SEARCH_ARTICLES=$n NEWSIDX_BENCH_ROUNDS=$rounds \
    NEWSIDX_BENCH_CLI_ROUNDS=$runs NEWSIDX_BIN=$bin cargo bench --locked --quiet --bench search 2>/dev/null |
    awk -F'|' '/\*\*all\*\*/ {for (i = 4; i <= 7; i++) gsub(/[ *]/, "", $i); print $4, $5, $6, $7; exit}')
  read -r in_p50 in_p99 cli_p50 cli_p99 <<<"$searched"
  counts=$(cli_counts)
  mbs=$(echo "scale=1; $mb / $wall" | bc)
  aps=$(echo "$n / $wall" | bc)
  pct_re=$(echo "scale=1; 100 * $re_s / $wall" | bc)
  rows+=("| $n | $mb | $wall | $cpu | $mbs | $aps | $rss_mb ($anon_mb) | $index_mb | $segments | $re_s ($pct_re%) | $in_p50 / $in_p99 | $cli_p50 / $cli_p99 | $counts |")
  echo "${rows[-1]}" >&2
  echo "$n $mb $wall $rss_mb $index_mb $cli_p50 $in_p50" >>"$dir/curve"
  [ "${SCALE_KEEP:-0}" = 1 ] || rm -rf "$corpus" "$corpus.complete" "$idx"
done

echo
echo "| articles | input MB | index s | CPU s | MB/s | articles/s | peak RSS MB (anonymous) | index MB | segments | unchanged re-index s | in-process p50 / p99 ms | CLI p50 / p99 ms | CLI p50 ms, 8 queries: plain / timeline / facets |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Growth from one size to the next (ratio of the figures):"
awk 'NR > 1 {printf "%d -> %d articles: index time x%.2f, MB/s x%.2f, peak RSS x%.2f, index size x%.2f, in-process p50 x%.2f, CLI p50 x%.2f\n",
  n, $1, $3 / w, ($2 / $3) / (m / w), $4 / r, $5 / s, $7 / ip, $6 / c}
  {n = $1; m = $2; w = $3; r = $4; s = $5; c = $6; ip = $7}' "$dir/curve"
rm -f "$dir/curve"
