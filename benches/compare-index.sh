#!/usr/bin/env bash
# Indexing cost of two newsidx builds on one archive: runs `A index ARCHIVE` and
# `B index ARCHIVE` alternately, each into an empty index, RUNS times, and prints every run
# (wall and user+sys CPU seconds, index bytes) and the medians with their spread (min..max).
#
# Usage: benches/compare-index.sh OLD_NEWSIDX NEW_NEWSIDX ARCHIVE [RUNS=3]
#   e.g. git worktree or `git archive` the old commit, `cargo build --release` in both, then
#   benches/compare-index.sh /tmp/old/target/release/newsidx target/release/newsidx ARCHIVE 4
# CPU time is the steadier figure on a shared machine; the load average is printed first.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: benches/compare-index.sh OLD_NEWSIDX NEW_NEWSIDX ARCHIVE [RUNS]" >&2
  exit 2
fi
old=$1 new=$2 archive=$3 runs=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each"
for i in $(seq 1 "$runs"); do
  for which in old new; do
    bin=$old
    [ "$which" = new ] && bin=$new
    rm -rf "$work/index"
    /usr/bin/time -f "%e %U %S" -o "$work/time" "$bin" index "$archive" --index "$work/index" >/dev/null
    read -r wall user sys <"$work/time"
    cpu=$(echo "$user + $sys" | bc)
    bytes=$(du -sb "$work/index" | cut -f1)
    echo "$which run $i: wall $wall s, cpu $cpu s, index $bytes bytes"
    echo "$wall $cpu $(echo "scale=2; $bytes / 1000000" | bc)" >>"$work/$which"
  done
done
median() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f (%.2f..%.2f)", m, v[1], v[NR]}'; }
for which in old new; do
  printf '%s: wall %s s, cpu %s s, index %s MB\n' "$which" \
    "$(cut -d' ' -f1 "$work/$which" | median)" \
    "$(cut -d' ' -f2 "$work/$which" | median)" \
    "$(cut -d' ' -f3 "$work/$which" | median)"
done
