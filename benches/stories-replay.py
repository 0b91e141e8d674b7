#!/usr/bin/env python3
"""Replays story grouping from a dump of the stories bench, under other pair rules.

`NEWSIDX_STORIES_DUMP=DIR/d cargo bench --bench stories --features unstable-story` writes, for
each seed S and originals' length L, `DIR/d.L.S` (every pair of articles that share a band key,
with its estimated similarity and its label) and `DIR/d.L.S.docs` (every article, its label and
its date). This script groups the articles again as `story::group` does (links between pairs that
pass the rule, `Chaining::First`: from the earliest article on, each joins the story of the
earliest article it is linked to) and scores the grouping pairwise as the bench does (pairs whose
originals the bench cannot label left out). It reproduces the bench's figures for the default
rule, then prints:

* two ceilings: every true candidate pair linked and no false one (with one shared band key or
  more, and with two, as the index asks);
* a second tier: pairs that fail the default rule's containment or Jaccard, but pass lower ones,
  when their figures and names (compared as soon as both bodies have one) agree.

Usage: benches/stories-replay.py DIR/d.80.1 [DIR/d.80.2 ...]
       [--tier CONTAINMENT,JACCARD,FIGURES,NAMES]   (default 0.3,0.12,1.0,0.75)
"""

import argparse
import collections


def load(prefix):
    docs, index = [], {}
    with open(prefix + ".docs") as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            index[row["path"]] = len(docs)
            docs.append(row)
    pairs, unlabelled = [], set()
    with open(prefix) as f:
        header = next(f).rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            share = lambda key: None if row[key] == "-" else float(row[key])  # noqa: E731
            pair = {
                "a": index[row["a"]],
                "b": index[row["b"]],
                "same": row["same"] == "1",
                "jaccard": float(row["jaccard"]),
                "containment": float(row["containment"]),
                "shared": float(row["shared"]),
                "figures": share("figures"),
                "names": share("names"),
                "bands": int(row["bands"]),
                "figures1": share("figures1"),
                "names1": share("names1"),
            }
            pairs.append(pair)
            if row["ambiguous"] == "1":
                unlabelled.add(origins(docs, pair["a"], pair["b"]))
    return docs, pairs, unlabelled


def origins(docs, a, b):
    x, y = docs[a]["origin"], docs[b]["origin"]
    return (min(x, y), max(x, y))


def default_rule(p):
    """`same_story` with `Params::DEFAULT`, and the two shared band keys of a link."""
    return (
        p["bands"] >= 2
        and p["containment"] >= 0.4
        and p["jaccard"] >= 0.15
        and p["shared"] >= 12
        and (p["figures"] is None or p["figures"] >= 0.5)
        and (p["names"] is None or p["names"] >= 0.5)
    )


def tier(containment, jaccard, figures, names):
    def rule(p):
        if default_rule(p):
            return True
        if p["bands"] < 2 or p["containment"] < containment or p["jaccard"] < jaccard:
            return False
        if p["shared"] < 12:
            return False
        if (p["figures"] is not None and p["figures"] < 0.5) or (
            p["names"] is not None and p["names"] < 0.5
        ):
            return False
        f, n = p["figures1"], p["names1"]
        if f is None and n is None:
            return False
        return (f is None or f >= figures) and (n is None or n >= names)

    return rule


def group(docs, pairs, rule):
    order = sorted(
        range(len(docs)),
        key=lambda i: (docs[i]["date"] == "~", docs[i]["date"], docs[i]["id"], docs[i]["path"]),
    )
    rank = [0] * len(docs)
    for r, i in enumerate(order):
        rank[i] = r
    earlier = collections.defaultdict(list)
    for p in pairs:
        if rule(p):
            a, b = sorted((p["a"], p["b"]), key=lambda i: rank[i])
            earlier[b].append(a)
    story = [0] * len(docs)
    for i in order:
        story[i] = story[min(earlier[i], key=lambda x: rank[x])] if earlier[i] else i
    return story


def score(docs, story, unlabelled):
    truth = collections.Counter(d["truth"] for d in docs)
    true_pairs = sum(n * (n - 1) // 2 for n in truth.values())
    members = collections.defaultdict(list)
    for i, s in enumerate(story):
        members[s].append(i)
    found = right = 0
    for group_ in members.values():
        for x, a in enumerate(group_):
            for b in group_[x + 1 :]:
                if docs[a]["truth"] == docs[b]["truth"]:
                    found += 1
                    right += 1
                elif origins(docs, a, b) not in unlabelled:
                    found += 1
    return right / true_pairs, right / max(found, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--tier", default="0.3,0.12,1.0,0.75")
    args = ap.parse_args()
    c, j, f, n = (float(x) for x in args.tier.split(","))
    rules = [
        ("default", default_rule),
        ("ceiling: every true pair with a shared band key", lambda p: p["same"]),
        ("ceiling: every true pair with two", lambda p: p["same"] and p["bands"] >= 2),
        (f"second tier {args.tier}", tier(c, j, f, n)),
    ]
    print("| rule | " + " | ".join(f"recall, precision ({d})" for d in args.dumps) + " |")
    print("|---|" + "---:|" * len(args.dumps))
    data = [load(d) for d in args.dumps]
    for name, rule in rules:
        cells = []
        for docs, pairs, unlabelled in data:
            r, p = score(docs, group(docs, pairs, rule), unlabelled)
            cells.append(f"{r:.4f}, {p:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
