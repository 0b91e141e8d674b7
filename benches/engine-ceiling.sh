#!/usr/bin/env bash
# How fast can an indexer that writes newsidx's text fields be on this engine? Runs, in
# alternating rounds on the corpus of `../shared/bench/compare.sh`:
#
#   plain   tantivy-cli with compare.sh's schema: body and comments stemmed, with positions,
#           stored (what compare.sh times);
#   words   tantivy-cli with the same schema plus newsidx's unstemmed word fields (issue 15):
#           body and comments a second time, lowercased, with term frequencies, not stored;
#   newsidx the release `newsidx index` of the same articles (which also parses the files,
#           indexes headlines, sources, dates and story band keys, and groups stories).
#
# and prints each run (wall, user and system CPU, peak RSS) and the medians with their spread.
# tantivy-cli's `words` time is a floor for any indexer that writes both kinds of field with
# tantivy's own writer: the ratio plain / words is the most that `compare.sh index` can show
# for newsidx's schema, whatever newsidx itself does.
#
# Usage: benches/engine-ceiling.sh [ROUNDS=3]   (after `cargo build --release` and one
#        `../shared/bench/compare.sh index`, which builds tantivy-cli and converts the corpus)
# Environment: BENCH_CACHE (as compare.sh), SCALE_N (100000), NEWSIDX_BIN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared_bench=$(cd "$here/../.." && pwd)/shared/bench
rounds=${1:-3}
n=${SCALE_N:-100000}
cache=${BENCH_CACHE:-${TMPDIR:-/tmp}/newsidx-bench}
bin=${NEWSIDX_BIN:-$here/../target/release/newsidx}
tantivy=$cache/tantivy-cli/bin/tantivy
docs=$cache/tantivy_docs$n.jsonl
corpus=$cache/scale$n
if [ ! -d "$shared_bench" ]; then
  echo "skipped: ../shared/bench is absent (this script times its tantivy-cli)" >&2
  exit 0
fi
for need in "$tantivy" "$docs" "$corpus/.ok" "$bin"; do
  if [ ! -e "$need" ]; then
    echo "missing $need: run cargo build --release and ../shared/bench/compare.sh index first" >&2
    exit 2
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The two schemas, from compare.sh's own (peer_tantivy_cli.py), and the corpus with each
# article's body and comments copied into the word fields.
python3 - "$shared_bench" "$docs" "$work" <<'PY'
import copy, json, sys
sys.path.insert(0, sys.argv[1])
import peer_tantivy_cli as peer
meta = copy.deepcopy(peer.META)
for field in meta["schema"]:
    if field["name"] in ("body", "comments"):
        field["options"]["stored"] = True
json.dump(meta, open(f"{sys.argv[3]}/meta-plain.json", "w"))
for name in ("body_words", "comments_words"):
    meta["schema"].append({"name": name, "type": "text", "options": {
        "indexing": {"record": "freq", "fieldnorms": True, "tokenizer": "default"},
        "stored": False, "fast": False}})
json.dump(meta, open(f"{sys.argv[3]}/meta-words.json", "w"))
with open(sys.argv[2]) as src, open(f"{sys.argv[3]}/docs-words.jsonl", "w") as out:
    for line in src:
        doc = json.loads(line)
        doc["body_words"] = doc.get("body", "")
        doc["comments_words"] = doc.get("comments", "")
        out.write(json.dumps(doc) + "\n")
PY
echo "# $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $n articles, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  for kind in plain words newsidx; do
    rm -rf "$work/index"
    case $kind in
      plain | words)
        mkdir -p "$work/index"
        cp "$work/meta-$kind.json" "$work/index/meta.json"
        input=$docs
        [ "$kind" = words ] && input=$work/docs-words.jsonl
        cmd=("$tantivy" index -i "$work/index" -f "$input" -t 2)
        ;;
      newsidx) cmd=("$bin" index "$corpus" --index "$work/index") ;;
    esac
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "${cmd[@]}" >/dev/null 2>&1
    read -r wall user sys rss <"$work/time"
    echo "round $round $kind: wall $wall s, user $user s, sys $sys s, peak RSS $((rss / 1024)) MB"
    echo "$wall" >>"$work/$kind"
  done
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.2f %.2f %.2f", m, v[1], v[NR]}'; }
read -r p pmin pmax <<<"$(median "$work/plain")"
read -r w wmin wmax <<<"$(median "$work/words")"
read -r x xmin xmax <<<"$(median "$work/newsidx")"
echo "tantivy-cli plain: $p s ($pmin-$pmax)"
echo "tantivy-cli with the word fields: $w s ($wmin-$wmax)"
echo "newsidx: $x s ($xmin-$xmax)"
awk -v p="$p" -v w="$w" -v x="$x" 'BEGIN {
  printf "ratio plain/newsidx (compare.sh index): %.2f\n", p / x
  printf "ratio plain/words (the most newsidx'"'"'s schema allows on this engine): %.2f\n", p / w
  printf "ratio words/newsidx (newsidx against the engine doing its main work): %.2f\n", w / x
}'
