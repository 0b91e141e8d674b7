#!/usr/bin/env python3
"""Shares of the indexing stages in a `perf record -g` profile of `newsidx index` (issue 16).

Usage: python3 benches/profile-stages.py perf.data
Each sample goes to the stage of its first frame, from the leaf up, whose symbol names a known
stage; samples in libc (malloc, memcpy, memcmp) or the kernel with no named frame above them are
counted apart. Release builds inline a lot, and the call chains are frame-pointer ones, so the
shares are approximate: a few points either way.
"""
import collections
import subprocess
import sys

rules = [
 ("hash (xxh3 of file content)", ["content_hash"]),
 ("walk", ["walk::", "walkdir", "jwalk"]),
 ("parse", ["article::parse", "article::", "document::build", "files::read"]),
 ("doc store (lz4)", ["lz4_flex", "store::", "StoreWriter"]),
 ("fast fields", ["columnar", "fastfield"]),
 ("merge", ["merger::", "IndexMerger"]),
 ("segment serialize (flush)", ["::serialize", "tantivy_fst", "PostingsSerializer", "FieldSerializer", "fieldnorm", "SegmentSerializer", "vint"]),
 ("analysis: stem", ["StemCache", "frostem", "xxh3", "CachedStemmer"]),
 ("analysis: tokenize/lowercase/fold", ["simple_tokenizer", "ascii_folding", "lower_caser", "LowerCaser", "RemoveLong", "TokenStream::process"]),
 ("postings (term hash table)", ["index_text", "subscribe", "shared_arena", "expull", "PostingsWriter", "index_document"]),
 ("commit/gc", ["commit", "garbage_collect"]),
]
if len(sys.argv) != 2:
    sys.exit("usage: profile-stages.py PERF_DATA")
out = subprocess.run(["perf", "script", "-i", sys.argv[1], "-F", "sym,ip,dso"],
                     capture_output=True, text=True, check=True).stdout
counts = collections.Counter(); total = 0
for block in out.split("\n\n"):
    lines = [l.strip() for l in block.strip().split("\n") if l.strip()]
    if not lines: continue
    total += 1
    stage = None
    for l in lines:
        for name, keys in rules:
            if any(k in l for k in keys):
                stage = name; break
        if stage: break
    if stage is None:
        leaf = lines[0]
        stage = "kernel (read, open, page faults, scheduling)" if "kernel" in leaf else ("malloc/memcpy/memcmp, unattributed" if "libc" in leaf else "other")
    counts[stage] += 1
for k, v in counts.most_common():
    print(f"| {k} | {100*v/total:.1f}% |")
print(f"samples: {total}")
