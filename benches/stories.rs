//! Story detection benchmark (issue 11): how well `newsidx::story` groups
//! syndicated copies, and what its signatures cost.
//!
//! # What's measured
//!
//! * **Quality**: a labelled set built at run time from `../shared/corpora`
//!   (`common/evalset.rs`: every Reuters-21578 and TIME article, copies of
//!   2,000 of them with the edits papers make, templated variants with other
//!   figures, natural near-identical pairs labelled by a plain-scan oracle)
//!   is grouped with [`story::group`]; pairwise recall and precision against
//!   the labels, for each seed, with originals of 80 words or more and with
//!   originals of 40 to 79; then recall by the original's length and by
//!   edit, and the false pairs by kind. Short originals (10 to 39 words) are
//!   measured apart, and other parameter choices beside the default
//!   (`--bench` runs only).
//! * **Cost**: signatures of real bodies (Reuters, TIME) and of the
//!   generated benchmark corpus's bodies (`common/generate.rs`), in ns per
//!   article and MB/s of body text, one thread, median of 3 alternating runs
//!   with the spread; and the candidates a band-key lookup returns.
//!
//! # Running
//!
//! ```text
//! cargo bench --bench stories --features unstable-story
//! NEWSIDX_STORIES_ORIGINALS=3000 NEWSIDX_STORIES_SEEDS=7,8 cargo bench --bench stories --features unstable-story
//! ```
//!
//! Settings: `NEWSIDX_STORIES_ORIGINALS` (2000), `NEWSIDX_STORIES_SEEDS`
//! (`1,2`), `NEWSIDX_STORIES_SWEEP` (1: compare other parameters; 0 skips),
//! `NEWSIDX_STORIES_QUALITY` (1; 0: the cost only),
//! `NEWSIDX_STORIES_EXACT` (1: verify pairs on the whole sets, not the
//! sketches), `NEWSIDX_STORIES_DUMP` (a file prefix: every candidate pair
//! with its estimated similarity, shared band keys and label, and every
//! article, as TSV, which `benches/stories-replay.py` groups again under
//! other rules). Without `--bench` (as `cargo test
//! --benches` runs it) it uses 2,000 base articles and 50 originals, as a
//! smoke test. Without `../shared/corpora` the quality part is skipped with
//! a message (an error with `NEWSIDX_REQUIRE_CORPORA=1`). The whole run
//! takes about 2 minutes on 2 cores, half of it for the parameter sweep.

#[path = "common/evalset.rs"]
mod evalset;
#[path = "common/generate.rs"]
mod generate;
#[path = "common/util.rs"]
mod util;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use evalset::{Corpus, Doc, EvalSet, Kind};
use newsidx::story::{self, Chaining, Entry, Params, Signer};

fn main() {
    let full = util::full_run();
    println!(
        "stories bench: {}, load average {}",
        if full {
            "full run"
        } else {
            "smoke run (`cargo bench --bench stories --features unstable-story` for figures)"
        },
        util::load_average()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let mut base = Vec::new();
    for (dir, corpus) in [("reuters21578", Corpus::Reuters), ("time", Corpus::Time)] {
        if root.join(dir).join("articles").is_dir() {
            base.extend(evalset::load(&root.join(dir), corpus));
        } else {
            println!("../shared/corpora/{dir} not found: skipped");
        }
    }
    if base.is_empty() {
        if std::env::var("NEWSIDX_REQUIRE_CORPORA").is_ok_and(|v| v == "1") {
            eprintln!(
                "NEWSIDX_REQUIRE_CORPORA=1 but ../shared/corpora has no Reuters or TIME articles"
            );
            std::process::exit(1);
        }
        println!("no corpus: quality figures skipped");
    }
    if !full {
        base.truncate(2000);
    }
    cost(&base, full);
    if base.is_empty() || util::env_u64("NEWSIDX_STORIES_QUALITY", 1) == 0 {
        return;
    }
    let originals =
        util::env_u64("NEWSIDX_STORIES_ORIGINALS", if full { 2000 } else { 50 }) as usize;
    let seeds = seeds();
    let params = Params::DEFAULT;
    println!(
        "\nparameters: {params:?}; verified on {}",
        if util::env_u64("NEWSIDX_STORIES_EXACT", 0) == 1 {
            "the whole sets (NEWSIDX_STORIES_EXACT=1)"
        } else {
            "the sketches"
        }
    );
    quality(&base, originals, &seeds, &params, full);
    short_bodies(&base, &seeds, &params, full);
    if full && util::env_u64("NEWSIDX_STORIES_SWEEP", 1) == 1 {
        sweep(&base, originals, &seeds);
    }
}

fn seeds() -> Vec<u64> {
    let text = std::env::var("NEWSIDX_STORIES_SEEDS").unwrap_or_else(|_| "1,2".into());
    let seeds: Vec<u64> = text
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if seeds.is_empty() { vec![1, 2] } else { seeds }
}

/// Pairwise counts of a grouping against the labels.
///
/// Ambiguous pairs ([`EvalSet::is_ambiguous`]) count neither way: they are
/// taken out of the found pairs, and counted apart.
#[derive(Debug, Default, Clone, Copy)]
struct Pairs {
    true_pairs: u64,
    found_pairs: u64,
    both: u64,
    ambiguous: u64,
    ambiguous_found: u64,
}

impl Pairs {
    fn of(set: &EvalSet, found: &[usize]) -> Pairs {
        fn pairs<K>(counts: HashMap<K, u64>) -> u64 {
            counts.values().map(|&n| n * n.saturating_sub(1) / 2).sum()
        }
        fn count<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> HashMap<K, u64> {
            let mut out = HashMap::new();
            for k in keys {
                *out.entry(k).or_default() += 1;
            }
            out
        }
        let n = set.truth.len();
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &g) in found.iter().enumerate() {
            groups.entry(g).or_default().push(i);
        }
        let ambiguous_found = groups
            .values()
            .map(|m| {
                let mut k = 0;
                for (x, &a) in m.iter().enumerate() {
                    k += m[x + 1..]
                        .iter()
                        .filter(|&&b| set.is_ambiguous(a, b))
                        .count() as u64;
                }
                k
            })
            .sum();
        let by_origin = count(set.origin.iter().copied());
        let ambiguous = set
            .ambiguous
            .iter()
            .filter(|&&(x, y)| set.truth[x] != set.truth[y])
            .map(|(x, y)| {
                by_origin.get(x).copied().unwrap_or(0) * by_origin.get(y).copied().unwrap_or(0)
            })
            .sum();
        Pairs {
            true_pairs: pairs(count(set.truth.iter())),
            found_pairs: pairs(count(found.iter())) - ambiguous_found,
            both: pairs(count((0..n).map(|i| (set.truth[i], found[i])))),
            ambiguous,
            ambiguous_found,
        }
    }

    fn recall(&self) -> f64 {
        self.both as f64 / self.true_pairs.max(1) as f64
    }

    fn precision(&self) -> f64 {
        if self.found_pairs == 0 {
            return 1.0;
        }
        self.both as f64 / self.found_pairs as f64
    }
}

/// `NEWSIDX_STORIES_EXACT=1`: pairs are verified on the whole shingle,
/// figure and name sets ([`Signer::exact`]), as the indexer does when it
/// settles stories; otherwise on the sketches.
fn entries(docs: &[Doc], params: &Params) -> Vec<Entry> {
    let mut signer = if util::env_u64("NEWSIDX_STORIES_EXACT", 0) == 1 {
        Signer::exact(*params)
    } else {
        Signer::new(*params)
    };
    docs.iter()
        .map(|d| Entry {
            path: d.path.clone(),
            id: d.id.clone(),
            date: d.date,
            signature: signer.sign(&d.body),
        })
        .collect()
}

/// Groups the set; the pairwise counts and the grouping.
fn evaluate(set: &EvalSet, params: &Params) -> (Pairs, Vec<usize>, Vec<Entry>) {
    let entries = entries(&set.docs, params);
    let found = story::group(&entries, params);
    (Pairs::of(set, &found), found, entries)
}

fn quality(base: &[Doc], originals: usize, seeds: &[u64], params: &Params, full: bool) {
    println!("\n## Quality: pairwise recall and precision of the grouping\n");
    println!(
        "| originals' words | seed | articles | originals | copies | variants | natural duplicates | true pairs | found pairs | recall | precision | ambiguous pairs joined |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut details = Vec::new();
    for (words, label) in [
        (evalset::STORY_WORDS..usize::MAX, "80 or more"),
        (evalset::MIN_ORIGINAL_WORDS..evalset::STORY_WORDS, "40-79"),
    ] {
        for &seed in seeds {
            let set = evalset::build(base.to_vec(), words.clone(), originals, seed);
            let (pairs, found, entries) = evaluate(&set, params);
            let count = |f: fn(&Kind) -> bool| set.docs.iter().filter(|d| f(&d.kind)).count();
            println!(
                "| {label} | {seed} | {} | {} | {} | {} | {} | {} | {} | {:.4} | {:.4} | {} of {} |",
                set.docs.len(),
                set.originals,
                count(|k| matches!(k, Kind::Copy(..))),
                count(|k| matches!(k, Kind::Variant(_))),
                set.natural_pairs,
                pairs.true_pairs,
                pairs.found_pairs,
                pairs.recall(),
                pairs.precision(),
                pairs.ambiguous_found,
                pairs.ambiguous,
            );
            if let Ok(path) = std::env::var("NEWSIDX_STORIES_DUMP") {
                dump(
                    &format!("{path}.{}.{seed}", words.start),
                    &set,
                    &entries,
                    params,
                );
            }
            if words.start == evalset::STORY_WORDS {
                details.push((seed, set, found, entries));
            }
        }
    }
    for (seed, set, found, entries) in &details {
        by_length(*seed, set, found);
        by_edit(*seed, set, found);
        false_pairs(*seed, set, found, entries, params, full);
    }
    candidates(&details[0].3, params);
}

/// Pairwise recall within the stories of originals of each length.
fn by_length(seed: u64, set: &EvalSet, found: &[usize]) {
    const BUCKETS: [(usize, usize); 3] = [(80, 200), (200, 500), (500, usize::MAX)];
    let mut originals: HashMap<usize, usize> = HashMap::new();
    for d in &set.docs {
        if let Kind::Copy(o, _) = d.kind {
            originals
                .entry(o)
                .or_insert_with(|| evalset::oracle_words(&set.docs[o]).len());
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, d) in set.docs.iter().enumerate() {
        if let Kind::Copy(o, _) = d.kind {
            members.entry(o).or_insert_with(|| vec![o]).push(i);
        }
    }
    println!("\nseed {seed}: recall by the original's length (words, oracle count)\n");
    println!("| words | originals | true pairs | found | recall |");
    println!("|---|---:|---:|---:|---:|");
    for (lo, hi) in BUCKETS {
        let (mut n, mut pairs, mut ok) = (0, 0u64, 0u64);
        for (o, list) in &members {
            if !(lo..hi).contains(&originals[o]) {
                continue;
            }
            n += 1;
            for (x, &a) in list.iter().enumerate() {
                for &b in &list[x + 1..] {
                    pairs += 1;
                    ok += u64::from(found[a] == found[b]);
                }
            }
        }
        let hi = if hi == usize::MAX {
            "".to_string()
        } else {
            (hi - 1).to_string()
        };
        println!(
            "| {lo}-{hi} | {n} | {pairs} | {ok} | {:.4} |",
            ok as f64 / pairs.max(1) as f64
        );
    }
}

/// Recall of copy-to-original links by edit: the share of copies grouped
/// with their original.
fn by_edit(seed: u64, set: &EvalSet, found: &[usize]) {
    let mut rows: Vec<(&str, u64, u64)> =
        ["headline", "dateline", "cut", "local", "words", "all five"]
            .iter()
            .map(|&n| (n, 0, 0))
            .collect();
    for (i, d) in set.docs.iter().enumerate() {
        if let Kind::Copy(o, e) = d.kind {
            let ok = u64::from(found[i] == found[o]);
            let all = e.headline && e.dateline && e.cut && e.local && e.words > 0;
            for (k, has) in [e.headline, e.dateline, e.cut, e.local, e.words > 0, all]
                .into_iter()
                .enumerate()
            {
                if has {
                    rows[k].1 += 1;
                    rows[k].2 += ok;
                }
            }
        }
    }
    println!("\nseed {seed}: copies grouped with their original, by edit\n");
    println!("| edit | copies | grouped | share |");
    println!("|---|---:|---:|---:|");
    for (name, n, ok) in rows {
        println!(
            "| {name} | {n} | {ok} | {:.4} |",
            ok as f64 / n.max(1) as f64
        );
    }
}

/// The found pairs that are not true pairs, by the kinds of their articles.
fn false_pairs(
    seed: u64,
    set: &EvalSet,
    found: &[usize],
    entries: &[Entry],
    params: &Params,
    full: bool,
) {
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &g) in found.iter().enumerate() {
        groups.entry(g).or_default().push(i);
    }
    let kind = |i: usize| match set.docs[i].kind {
        Kind::Base => "base",
        Kind::Copy(..) => "copy",
        Kind::Variant(_) => "variant",
    };
    let mut by_kind: HashMap<(&str, &str), u64> = HashMap::new();
    let mut examples = Vec::new();
    let mut largest = 0;
    for members in groups.values() {
        largest = largest.max(members.len());
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if set.truth[a] != set.truth[b] && !set.is_ambiguous(a, b) {
                    let (ka, kb) = (kind(a), kind(b));
                    *by_kind
                        .entry(if ka <= kb { (ka, kb) } else { (kb, ka) })
                        .or_default() += 1;
                    if examples.len() < 12 {
                        examples.push((a, b));
                    }
                }
            }
        }
    }
    let mut rows: Vec<_> = by_kind.into_iter().collect();
    rows.sort();
    println!("\nseed {seed}: false pairs by kind (largest story: {largest} articles)\n");
    println!("| kinds | pairs |");
    println!("|---|---:|");
    for ((a, b), n) in rows {
        println!("| {a} - {b} | {n} |");
    }
    if std::env::var("NEWSIDX_STORIES_SHOW").is_ok_and(|v| v == "1") && full {
        for (a, b) in examples {
            let s = entries[a]
                .signature
                .similarity(&entries[b].signature, params);
            println!("\n{} ~ {}: {s:?}", set.docs[a].path, set.docs[b].path);
            for i in [a, b] {
                for p in set.docs[i].body.iter().take(4) {
                    println!("    {}", p.chars().take(150).collect::<String>());
                }
                println!("    --");
            }
        }
    }
}

/// How many articles a band-key lookup returns.
fn candidates(entries: &[Entry], params: &Params) {
    let mut postings: HashMap<u64, u64> = HashMap::new();
    let keys: Vec<Vec<u64>> = entries
        .iter()
        .map(|e| e.signature.band_keys(params))
        .collect();
    for k in keys.iter().flatten() {
        *postings.entry(*k).or_default() += 1;
    }
    let with_keys = keys.iter().filter(|k| !k.is_empty()).count();
    let mut per_article: Vec<f64> = keys
        .iter()
        .filter(|k| !k.is_empty())
        .map(|k| k.iter().map(|key| postings[key] - 1).sum::<u64>() as f64)
        .collect();
    let mean = per_article.iter().sum::<f64>() / per_article.len().max(1) as f64;
    println!(
        "\ncandidates: {with_keys} of {} articles have band keys ({} distinct keys); a lookup of all keys of an article returns {mean:.2} others on average (p50 {}, p99 {}, max {})",
        entries.len(),
        postings.len(),
        util::percentile(&mut per_article, 0.5),
        util::percentile(&mut per_article, 0.99),
        util::percentile(&mut per_article, 1.0),
    );
}

/// Short bodies: originals under the evaluation set's minimum, with copies.
fn short_bodies(base: &[Doc], seeds: &[u64], params: &Params, full: bool) {
    println!(
        "\n## Short bodies: originals of 10 to 39 words (oracle count) and their copies, alone\n"
    );
    println!("| seed | words | originals | articles | recall | precision |");
    println!("|---:|---|---:|---:|---:|---:|");
    for &seed in seeds {
        for (lo, hi) in [(10, 25), (25, 40)] {
            let sub =
                evalset::build_short(base.to_vec(), lo..hi, if full { 400 } else { 20 }, seed);
            let originals = sub.originals;
            let (pairs, _, _) = evaluate(&sub, params);
            println!(
                "| {seed} | {lo}-{} | {originals} | {} | {:.4} | {:.4} |",
                hi - 1,
                sub.docs.len(),
                pairs.recall(),
                pairs.precision()
            );
        }
    }
}

/// Other parameter choices, on the main sets (originals of 80 words or more).
fn sweep(base: &[Doc], originals: usize, seeds: &[u64]) {
    println!("\n## Other parameters (originals of 80 words or more)\n");
    let header: Vec<String> = seeds
        .iter()
        .map(|s| format!("seed {s} recall | seed {s} precision"))
        .collect();
    println!("| change from the default | {} |", header.join(" | "));
    println!("|---|{}", "---:|".repeat(2 * seeds.len()));
    let sets: Vec<EvalSet> = seeds
        .iter()
        .map(|&seed| {
            evalset::build(
                base.to_vec(),
                evalset::STORY_WORDS..usize::MAX,
                originals,
                seed,
            )
        })
        .collect();
    let v = |name: &str, change: fn(&mut Params)| {
        let mut p = Params::DEFAULT;
        change(&mut p);
        (name.to_string(), p)
    };
    let variants: Vec<(String, Params)> = vec![
        v("none", |_| {}),
        v("shingle 4", |p| p.shingle = 4),
        v("shingle 5", |p| p.shingle = 5),
        v("shingle 8", |p| p.shingle = 8),
        v("sketch 32", |p| p.sketch = 32),
        v("sketch 48", |p| p.sketch = 48),
        v("min containment 0.35", |p| p.min_containment = 0.35),
        v("min containment 0.45", |p| p.min_containment = 0.45),
        v("min Jaccard 0.1", |p| p.min_jaccard = 0.1),
        v("min Jaccard 0.2", |p| p.min_jaccard = 0.2),
        v("min shared 0", |p| p.min_shared = 0.0),
        v("min shared 20", |p| p.min_shared = 20.0),
        v("no figure check", |p| p.min_figure_overlap = 0.0),
        v("min figure overlap 0.6", |p| p.min_figure_overlap = 0.6),
        v("min figures 3", |p| p.min_figures = 3),
        v("min words 15", |p| p.min_words = 15),
        v("min words 30", |p| p.min_words = 30),
        v("8 bands", |p| p.bands = 8),
        v("16 bands", |p| p.bands = 16),
        v("components chaining", |p| p.chaining = Chaining::Components),
        v("leader chaining", |p| p.chaining = Chaining::Leader),
        v("1 shared band", |p| p.min_shared_bands = 1),
        v("3 shared bands", |p| p.min_shared_bands = 3),
        v("no name check", |p| p.min_name_overlap = 0.0),
        v("min name overlap 0.6", |p| p.min_name_overlap = 0.6),
        v("min names 2", |p| p.min_names = 2),
    ];
    for (name, params) in variants {
        let cells: Vec<String> = sets
            .iter()
            .map(|set| {
                let (pairs, _, _) = evaluate(set, &params);
                format!("{:.4} | {:.4}", pairs.recall(), pairs.precision())
            })
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}

/// Every candidate pair (sharing a band key) with its similarity and label.
fn dump(path: &str, set: &EvalSet, entries: &[Entry], params: &Params) {
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for k in e.signature.band_keys(params) {
            postings.entry(k).or_default().push(i);
        }
    }
    let mut pairs: Vec<(usize, usize)> = postings
        .values()
        .flat_map(|l| {
            l.iter()
                .enumerate()
                .flat_map(move |(x, &a)| l[x + 1..].iter().map(move |&b| (a.min(b), a.max(b))))
        })
        .collect();
    pairs.sort_unstable();
    // A pair comes once for each band key its two signatures share.
    let mut shared_bands: Vec<((usize, usize), usize)> = Vec::new();
    for pair in pairs {
        match shared_bands.last_mut() {
            Some((last, n)) if *last == pair => *n += 1,
            _ => shared_bands.push((pair, 1)),
        }
    }
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(path).expect("cannot write the dump"));
    writeln!(
        out,
        "a\tb\tkind_a\tkind_b\tsame\tambiguous\twords_a\twords_b\tjaccard\tcontainment\tshared\tfigures\tnames\tbands\tfigures1\tnames1"
    )
    .expect("write");
    let kind = |i: usize| match set.docs[i].kind {
        Kind::Base => "base",
        Kind::Copy(..) => "copy",
        Kind::Variant(_) => "variant",
    };
    // Figures and names compared as soon as both bodies have one.
    let one = Params {
        min_figures: 1,
        min_names: 1,
        ..*params
    };
    for ((a, b), bands) in shared_bands {
        let (Some(s), Some(loose)) = (
            entries[a]
                .signature
                .similarity(&entries[b].signature, params),
            entries[a].signature.similarity(&entries[b].signature, &one),
        ) else {
            continue;
        };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.1}\t{}\t{}\t{bands}\t{}\t{}",
            set.docs[a].path,
            set.docs[b].path,
            kind(a),
            kind(b),
            u8::from(set.truth[a] == set.truth[b]),
            u8::from(set.is_ambiguous(a, b)),
            entries[a].signature.words(),
            entries[b].signature.words(),
            s.jaccard,
            s.containment,
            s.shared,
            s.figures.map_or("-".into(), |f| format!("{f:.3}")),
            s.names.map_or("-".into(), |n| format!("{n:.3}")),
            loose.figures.map_or("-".into(), |f| format!("{f:.3}")),
            loose.names.map_or("-".into(), |n| format!("{n:.3}")),
        )
        .expect("write");
    }
    let mut docs = std::io::BufWriter::new(
        std::fs::File::create(format!("{path}.docs")).expect("cannot write the dump"),
    );
    writeln!(
        docs,
        "path\ttruth\torigin\tkind\twords\tshingles\tdate\tid\tfigures\tnames"
    )
    .expect("write");
    for (i, d) in set.docs.iter().enumerate() {
        let kind = match d.kind {
            Kind::Base => "base",
            Kind::Copy(..) => "copy",
            Kind::Variant(_) => "variant",
        };
        let s = &entries[i].signature;
        let date = d.date.map_or("~".to_string(), |d| d.to_string());
        writeln!(
            docs,
            "{}\t{}\t{}\t{kind}\t{}\t{}\t{date}\t{}\t{}\t{}",
            d.path,
            set.truth[i],
            set.origin[i],
            s.words(),
            s.shingles(),
            d.id,
            s.figures(),
            s.names()
        )
        .expect("write");
    }
    println!("dumped candidate pairs to {path}");
}

/// Signature cost on real and generated bodies.
fn cost(base: &[Doc], full: bool) {
    println!("\n## Signature cost (one thread)\n");
    println!("| bodies | articles | body MB | ns per article (median) | spread | MB/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut sets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for (name, corpus) in [("Reuters-21578", Corpus::Reuters), ("TIME", Corpus::Time)] {
        let bodies: Vec<Vec<String>> = base
            .iter()
            .filter(|d| d.corpus == corpus)
            .map(|d| d.body.clone())
            .collect();
        if !bodies.is_empty() {
            sets.push((name.into(), bodies));
        }
    }
    let n = if full { 20_000 } else { 300 };
    let generated: Vec<Vec<String>> = (0..n)
        .filter_map(|i| {
            let g = generate::article(generate::DEFAULT_SEED, i);
            newsidx::article::parse(&g.bytes, &g.rel_path, &Default::default())
                .ok()
                .map(|a| a.body)
        })
        .collect();
    sets.push(("generated (bench corpus)".into(), generated));
    let runs = 3;
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); sets.len()];
    let mut signer = Signer::new(Params::DEFAULT);
    for _ in 0..runs {
        for (k, (_, bodies)) in sets.iter().enumerate() {
            let start = Instant::now();
            let mut words = 0usize;
            for body in bodies {
                words += std::hint::black_box(signer.sign(body)).words();
            }
            std::hint::black_box(words);
            times[k].push(start.elapsed().as_secs_f64());
        }
    }
    for ((name, bodies), t) in sets.iter().zip(&mut times) {
        let bytes: usize = bodies.iter().flatten().map(|p| p.len() + 1).sum();
        let mid = util::median(t);
        let (lo, hi) = (t[0], t[t.len() - 1]);
        let per = mid * 1e9 / bodies.len().max(1) as f64;
        println!(
            "| {name} | {} | {:.1} | {per:.0} | {:.0}-{:.0} | {:.0} |",
            bodies.len(),
            bytes as f64 / 1e6,
            lo * 1e9 / bodies.len().max(1) as f64,
            hi * 1e9 / bodies.len().max(1) as f64,
            bytes as f64 / 1e6 / mid,
        );
    }
}
