#!/usr/bin/env bash
# Ranking quality of newsidx beside SQLite FTS5 and Xapian, in one run (see benches/RELEVANCE.md).
#
# Usage, from anywhere:  benches/relevance.sh [time|reuters|all]   (default: time)
#   time     the TIME test collection (../shared/corpora/time): 82 natural-language queries
#   reuters  Reuters-21578 (../shared/corpora/reuters21578) with the short topic queries of
#            benches/reuters-topics.tsv; judgments from the stories' topic codes (metadata.tsv)
# Needs ../shared/bench/relevance.py and its Python modules (../shared/bench/setup.sh).
# Writes only under $RELEVANCE_DIR (default: a newsidx-relevance folder in the temp directory).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-time}
case $what in time | reuters | all) ;; *)
  echo "usage: benches/relevance.sh [time|reuters|all]" >&2
  exit 2
  ;;
esac
shared=../shared
out=${RELEVANCE_DIR:-${TMPDIR:-/tmp}/newsidx-relevance}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/newsidx

# collection name, articles folder, queries file, qrels file, peer engines
compare() {
  local name=$1 articles=$2 queries=$3 qrels=$4 engines=$5
  echo "## $name"
  "$bin" index "$articles" --index "$out/$name.index" --rebuild --json >/dev/null
  "$bin" eval --index "$out/$name.index" --queries "$queries" --qrels "$qrels" \
    --run "$out/$name.newsidx.run"
  python3 "$shared/bench/relevance.py" "$articles" "$queries" "$qrels" --engines "$engines" \
    --variants body --out "$out/$name.peers" | grep '^|'
  python3 "$shared/bench/relevance.py" --eval-run "$out/$name.newsidx.run" "$qrels" |
    grep '^|' | grep -v -e '^| run ' -e '^|---'
}

if [[ $what == time || $what == all ]]; then
  time=$shared/corpora/time
  compare time "$time/articles" "$time/queries.tsv" "$time/qrels.txt" fts5-porter,xapian,xapian-stop,bm25s
fi
if [[ $what == reuters || $what == all ]]; then
  reuters=$shared/corpora/reuters21578
  # qrels: a story is relevant to a topic query when metadata.tsv lists the topic code.
  awk -F'\t' 'NR == FNR { q[$1] = 1; next }
    FNR > 1 && $7 != "" { n = split($7, t, ","); for (i = 1; i <= n; i++) if (t[i] in q) print t[i], 0, $1, 1 }' \
    benches/reuters-topics.tsv "$reuters/metadata.tsv" >"$out/reuters.qrels"
  compare reuters "$reuters/articles" benches/reuters-topics.tsv "$out/reuters.qrels" fts5-porter,xapian,bm25s
fi
