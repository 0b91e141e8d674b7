//! A labelled set of syndicated copies, built at run time from
//! `../shared/corpora` (Reuters-21578 and TIME), for `benches/stories.rs`.
//!
//! Nothing of the corpora is stored in the project: the set is generated
//! each run from the corpus files and a seed.
//!
//! * **Base**: every article of both corpora, as it is.
//! * **Copies**: for `originals` articles drawn at random among those with
//!   a given number of words of text (oracle count; [`STORY_WORDS`] or more
//!   for the main figures), 2 to 5 copies each. Each copy gets each of five
//!   edits with probability 0.6 (at least one): headline rewritten (other
//!   words, in capitals or title case, sometimes with a full stop), dateline
//!   rewritten (dropped, `CITY (Reuters) -`, `City, Month D (Reuters) —`,
//!   `CITY --`; added to TIME articles, which have none), last paragraphs
//!   cut (10% to 65% of the paragraphs, or sentences for TIME's
//!   one-paragraph articles), a local paragraph added (1 to 3 sentences of
//!   fictional text from `generate.rs`, new for each copy, anywhere after
//!   the first paragraph), and 1 to 5 words changed
//!   (replaced, dropped or inserted, anywhere in the text). Copies are dated
//!   0 to 3 days after the original, or undated (1 in 10).
//! * **Templated variants** (hard negatives): for originals whose text is at
//!   least 15% figures, two copies with other figures and nothing else
//!   changed, one with every figure changed, one with a third of them kept
//!   (at random): the same form, another story (next quarter's earnings,
//!   tomorrow's price table, this week's claims that quote last week's).
//! * **Natural pairs**: Reuters-21578 holds many stories twice: resent,
//!   corrected, rewritten or extended by Reuters itself. An oracle (a plain
//!   scan: lowercase, split on non-alphanumerics, headline and dateline cut
//!   by the corpus layout; not the code under test) compares the 5-word
//!   shingle sets of every pair of base articles of at least
//!   [`NATURAL_MIN_WORDS`] words:
//!   - exact Jaccard similarity at least [`NATURAL_JACCARD`], both at least
//!     [`MIN_ORIGINAL_WORDS`] words: one story (the corpus's real
//!     duplicates, counted as positives); shorter near-identical pairs
//!     (the same dividend notice for two companies) are ambiguous;
//!   - else at least [`NATURAL_CONTAINMENT`] of the smaller set in the
//!     larger, unless their figures clearly differ (at least 3 each, less
//!     than half of the smaller set in the other): *ambiguous*. Reuters
//!     resent, corrected, rewrote and extended its stories (same story),
//!     and also ran templated items that keep most of their words and some
//!     figures (eurobond issues, weekly jobless claims: other stories); no
//!     script tells these apart reliably. Such pairs (and the pairs of a
//!     copy of one with the other) are left out of the scores and counted
//!     apart ([`EvalSet::is_ambiguous`]). The exclusion is pair by pair: two
//!     articles ambiguous with a third are not therefore ambiguous.
//!   - everything else, templated items with other figures included
//!     (earnings tables, weekly Fed figures, price tables): other stories.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use newsidx::article::{self, ParseOptions};
use time::{Date, Duration};
use xxhash_rust::xxh3::xxh3_64;

use crate::generate::Rng;

/// Originals have at least this many words of text (oracle count).
pub const MIN_ORIGINAL_WORDS: usize = 40;
/// Originals of the main evaluation have at least this many words: a story
/// with paragraphs to cut and room for a local one.
pub const STORY_WORDS: usize = 80;
/// Natural pairs at least this similar (exact Jaccard) are one story.
pub const NATURAL_JACCARD: f64 = 0.9;
/// Natural pairs are looked for among articles of at least this many words.
pub const NATURAL_MIN_WORDS: usize = 10;
/// Natural pairs with this much containment, unless their figures clearly
/// differ, are ambiguous.
pub const NATURAL_CONTAINMENT: f64 = 0.3;

/// Which corpus an article comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Corpus {
    /// Reuters-21578: the first paragraph is the headline, the second may be
    /// a byline, the text starts with a dateline.
    Reuters,
    /// TIME: one paragraph of text, no headline, no dateline.
    Time,
}

/// What an article of the set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An article of the corpus, unchanged.
    Base,
    /// A copy of the base article at this position, with edits.
    Copy(usize, Edits),
    /// A templated variant (figures changed) of the base article at this
    /// position: another story.
    Variant(usize),
}

/// The edits a copy received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Edits {
    /// Headline rewritten.
    pub headline: bool,
    /// Dateline rewritten.
    pub dateline: bool,
    /// Last paragraphs cut.
    pub cut: bool,
    /// Local paragraph added.
    pub local: bool,
    /// Words changed (how many).
    pub words: usize,
}

/// One article of the set.
#[derive(Debug, Clone)]
pub struct Doc {
    /// A unique path.
    pub path: String,
    /// The id (file stem).
    pub id: String,
    /// The date.
    pub date: Option<Date>,
    /// The body paragraphs.
    pub body: Vec<String>,
    /// The corpus it comes from.
    pub corpus: Corpus,
    /// Base article, copy or variant.
    pub kind: Kind,
}

/// The labelled set.
pub struct EvalSet {
    /// Base articles first, then copies and variants.
    pub docs: Vec<Doc>,
    /// The true story of each article (an index into `docs`).
    pub truth: Vec<usize>,
    /// The base article each article comes from (itself for base articles
    /// and variants).
    pub origin: Vec<usize>,
    /// Pairs of base articles (lower index first) that the oracle cannot
    /// label.
    pub ambiguous: std::collections::HashSet<(usize, usize)>,
    /// Natural duplicate pairs found by the oracle (one story).
    pub natural_pairs: usize,
    /// Natural ambiguous pairs found by the oracle.
    pub ambiguous_pairs: usize,
    /// Originals that were copied.
    pub originals: usize,
}

impl EvalSet {
    /// Whether articles `a` and `b` form a pair the labels cannot tell:
    /// of two stories, from base articles that the oracle found ambiguous.
    pub fn is_ambiguous(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.origin[a], self.origin[b]);
        self.truth[a] != self.truth[b] && self.ambiguous.contains(&(x.min(y), x.max(y)))
    }
}

/// Reads every article of `root/articles` (sorted by path).
pub fn load(root: &Path, corpus: Corpus) -> Vec<Doc> {
    let dir = root.join("articles");
    let mut paths: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    let name = root
        .file_name()
        .map_or("corpus".into(), |n| n.to_string_lossy().into_owned());
    let mut docs = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(&path).expect("cannot read a corpus file");
        let rel = path
            .strip_prefix(&dir)
            .map_or(path.clone(), Path::to_path_buf);
        let rel = format!("{name}/{}", rel.to_string_lossy());
        if let Ok(a) = article::parse(&bytes, &rel, &ParseOptions::default()) {
            docs.push(Doc {
                path: rel,
                id: a.id,
                date: a.date,
                body: a.body,
                corpus,
                kind: Kind::Base,
            });
        }
    }
    docs
}

/// The parts of an article that the edits work on.
struct Parts {
    headline: Option<String>,
    byline: Option<String>,
    dateline: Option<String>,
    /// Paragraphs (Reuters) or sentences (TIME) of text.
    units: Vec<String>,
}

/// Splits a body into its parts by the corpus layout (not by the code under
/// test).
fn parts(doc: &Doc) -> Parts {
    let mut body: Vec<String> = doc.body.clone();
    let mut p = Parts {
        headline: None,
        byline: None,
        dateline: None,
        units: Vec::new(),
    };
    match doc.corpus {
        Corpus::Reuters => {
            if !body.is_empty() {
                p.headline = Some(body.remove(0));
            }
            if body
                .first()
                .is_some_and(|b| b.starts_with("By ") && b.split_whitespace().count() <= 8)
            {
                p.byline = Some(body.remove(0));
            }
            if let Some(first) = body.first_mut()
                && let Some(at) = first.find(" - ").filter(|&at| at <= 60)
            {
                p.dateline = Some(first[..at].to_string());
                *first = first[at + 3..].to_string();
            }
            p.units = body;
        }
        Corpus::Time => {
            for paragraph in body {
                p.units.extend(sentences(&paragraph));
            }
        }
    }
    p
}

/// Sentences of a paragraph: cut after `. ` (TIME writes ` . `).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(". ") {
        out.push(text[start..i + 1].trim().to_string());
        start = i + 2;
    }
    if start < text.len() {
        out.push(text[start..].trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The words of an article's text, as the oracle sees them: lowercase,
/// split on anything but letters and digits, headline, byline and dateline
/// cut by the corpus layout.
pub fn oracle_words(doc: &Doc) -> Vec<String> {
    let p = parts(doc);
    p.units
        .iter()
        .flat_map(|u| {
            u.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn shingle_set(words: &[String], k: usize) -> Vec<u64> {
    let mut out: Vec<u64> = words
        .windows(k.min(words.len().max(1)))
        .map(|w| xxh3_64(w.join(" ").as_bytes()))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Builds the labelled set from the base articles, with copies of
/// `originals` articles whose text has a number of words (oracle count) in
/// `words`.
pub fn build(
    base: Vec<Doc>,
    words_range: std::ops::Range<usize>,
    originals: usize,
    seed: u64,
) -> EvalSet {
    let mut rng = Rng::new(seed ^ 0x7374_6f72_6965_7321);
    let words: Vec<Vec<String>> = base.iter().map(oracle_words).collect();
    let mut truth: Vec<usize> = (0..base.len()).collect();
    let mut origin: Vec<usize> = (0..base.len()).collect();
    let (natural_pairs, ambiguous) = natural_pairs(&base, &words, &mut truth);
    let eligible: Vec<usize> = (0..base.len())
        .filter(|&i| words_range.contains(&words[i].len()))
        .collect();
    let chosen = sample(&mut rng, &eligible, originals);
    let mut docs = base;
    let base_len = docs.len();
    for &o in &chosen {
        let copies = rng.range(2, 5);
        for c in 0..copies {
            let edits = pick_edits(&mut rng);
            let doc = make_copy(&docs[..base_len], o, c, edits, &mut rng);
            truth.push(truth[o]);
            origin.push(o);
            docs.push(doc);
        }
        if figure_share(&words[o]) >= 0.15 {
            for (k, keep_third) in [(0, false), (1, true)] {
                let doc = make_variant(&docs[o], o, k, keep_third, &mut rng);
                truth.push(docs.len());
                origin.push(docs.len());
                docs.push(doc);
            }
        }
    }
    EvalSet {
        docs,
        truth,
        origin,
        natural_pairs,
        ambiguous_pairs: ambiguous.len(),
        ambiguous,
        originals: chosen.len(),
    }
}

/// Originals of `words` words (oracle count) and their copies only: what
/// happens to short bodies.
pub fn build_short(
    base: Vec<Doc>,
    words: std::ops::Range<usize>,
    originals: usize,
    seed: u64,
) -> EvalSet {
    let mut rng = Rng::new(seed ^ 0x7368_6f72_7421);
    let eligible: Vec<usize> = (0..base.len())
        .filter(|&i| words.contains(&oracle_words(&base[i]).len()))
        .collect();
    let chosen = sample(&mut rng, &eligible, originals);
    let mut docs = Vec::new();
    let mut truth = Vec::new();
    for &o in &chosen {
        let story = docs.len();
        let mut original = base[o].clone();
        original.kind = Kind::Base;
        docs.push(original);
        truth.push(story);
        for c in 0..rng.range(2, 5) {
            let edits = pick_edits(&mut rng);
            docs.push(make_copy(&base, o, c, edits, &mut rng));
            truth.push(story);
        }
    }
    EvalSet {
        origin: (0..docs.len()).collect(),
        ambiguous: Default::default(),
        docs,
        truth,
        natural_pairs: 0,
        ambiguous_pairs: 0,
        originals: chosen.len(),
    }
}

fn sample(rng: &mut Rng, from: &[usize], n: usize) -> Vec<usize> {
    let mut pool = from.to_vec();
    let n = n.min(pool.len());
    for i in 0..n {
        let j = i + rng.below(pool.len() - i);
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool.sort_unstable();
    pool
}

fn figure_share(words: &[String]) -> f64 {
    let figures = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count();
    if figures < 3 {
        return 0.0;
    }
    figures as f64 / words.len().max(1) as f64
}

/// The figures of a text: runs of digits and `.`, `,`, `/`, `-` that start
/// and end with a digit, commas dropped (`2,369,000` = `2369000`).
fn figures(units: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for unit in units {
        let mut current = String::new();
        for c in unit.chars().chain([' ']) {
            if c.is_ascii_digit() || (!current.is_empty() && matches!(c, '.' | ',' | '/' | '-')) {
                if c != ',' {
                    current.push(c);
                }
            } else if !current.is_empty() {
                let figure = current.trim_end_matches(['.', '/', '-']).to_string();
                out.push(figure);
                current.clear();
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether two articles have clearly other figures: at least 3 each, and
/// less than half of the smaller set in the other.
fn other_figures(a: &[String], b: &[String]) -> bool {
    let common = a.iter().filter(|f| b.binary_search(f).is_ok()).count();
    let least = a.len().min(b.len());
    least >= 3 && (common as f64) < 0.5 * least as f64
}

/// Finds the natural pairs: unions duplicates in `truth`; returns their
/// number and the ambiguous pairs.
fn natural_pairs(
    base: &[Doc],
    words: &[Vec<String>],
    truth: &mut [usize],
) -> (usize, std::collections::HashSet<(usize, usize)>) {
    let sets: Vec<Vec<u64>> = words.iter().map(|w| shingle_set(w, 5)).collect();
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        if words[i].len() >= NATURAL_MIN_WORDS {
            for &s in set {
                postings.entry(s).or_default().push(i);
            }
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in postings.values().filter(|l| l.len() > 1 && l.len() <= 200) {
        for (x, &a) in list.iter().enumerate() {
            for &b in &list[x + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut duplicates = Vec::new();
    let mut ambiguous = Vec::new();
    let mut figure_cache: HashMap<usize, Vec<String>> = HashMap::new();
    let mut pairs: Vec<_> = shared.into_iter().collect();
    pairs.sort_unstable();
    for ((a, b), n) in pairs {
        let (sa, sb) = (sets[a].len(), sets[b].len());
        let jaccard = n as f64 / (sa + sb - n) as f64;
        let containment = n as f64 / sa.min(sb) as f64;
        let long = words[a].len().min(words[b].len()) >= MIN_ORIGINAL_WORDS;
        if jaccard >= NATURAL_JACCARD && long {
            duplicates.push((a, b));
        } else if containment >= NATURAL_CONTAINMENT {
            for i in [a, b] {
                figure_cache
                    .entry(i)
                    .or_insert_with(|| figures(&parts(&base[i]).units));
            }
            if !other_figures(&figure_cache[&a], &figure_cache[&b]) {
                ambiguous.push((a, b));
            }
        }
    }
    union_all(truth, &duplicates);
    (duplicates.len(), ambiguous.into_iter().collect())
}

/// Unions the pairs in `labels` (each label: the least member of its set).
fn union_all(labels: &mut [usize], pairs: &[(usize, usize)]) {
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..labels.len()).collect();
    for (i, &l) in labels.iter().enumerate() {
        let (ri, rl) = (find(&mut parent, i), find(&mut parent, l));
        parent[ri.max(rl)] = ri.min(rl);
    }
    for &(a, b) in pairs {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        parent[ra.max(rb)] = ra.min(rb);
    }
    for (i, l) in labels.iter_mut().enumerate() {
        *l = find(&mut parent, i);
    }
}

fn pick_edits(rng: &mut Rng) -> Edits {
    loop {
        let e = Edits {
            headline: rng.chance(0.6),
            dateline: rng.chance(0.6),
            cut: rng.chance(0.6),
            local: rng.chance(0.6),
            words: if rng.chance(0.6) { rng.range(1, 5) } else { 0 },
        };
        if e.headline || e.dateline || e.cut || e.local || e.words > 0 {
            return e;
        }
    }
}

const CITIES: [&str; 6] = [
    "HARBOUR CITY",
    "PORT ELLIS",
    "KINGSMERE",
    "LOWMOOR",
    "ASHFORD BAY",
    "NEW CARRICK",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec",
];

/// A random text word of a random base article.
fn random_word(base: &[Doc], rng: &mut Rng) -> String {
    loop {
        let doc = rng.pick(base);
        let p = parts(doc);
        if p.units.is_empty() {
            continue;
        }
        let unit = rng.pick(&p.units);
        let words: Vec<&str> = unit.split_whitespace().collect();
        if !words.is_empty() {
            return rng.pick(&words).to_string();
        }
    }
}

/// A local paragraph: 1 to 3 sentences of a paragraph of a generated
/// (fictional) article, new for each copy, so that it is found nowhere else
/// in the set.
fn local_paragraph(rng: &mut Rng) -> String {
    loop {
        let g = crate::generate::article(rng.next_u64(), rng.next_u64() >> 16);
        let Ok(a) = article::parse(&g.bytes, &g.rel_path, &ParseOptions::default()) else {
            continue;
        };
        let Some(paragraph) = a
            .body
            .get(1..)
            .filter(|b| !b.is_empty())
            .map(|b| rng.pick(b).clone())
        else {
            continue;
        };
        let s = sentences(&paragraph);
        let start = rng.below(s.len().max(1));
        let end = (start + rng.range(1, 3)).min(s.len());
        let text = s[start.min(end)..end].join(" ");
        if text.split_whitespace().count() >= 8 {
            return text;
        }
    }
}

fn title_case(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn make_copy(base: &[Doc], o: usize, c: usize, edits: Edits, rng: &mut Rng) -> Doc {
    let original = &base[o];
    let mut p = parts(original);
    if edits.cut && p.units.len() >= 2 {
        let n = p.units.len();
        let cut = ((n as f64 * (0.10 + 0.55 * rng.unit())).round() as usize).clamp(1, n - 1);
        p.units.truncate(n - cut);
    }
    if edits.local {
        let at = rng.range(1.min(p.units.len()), p.units.len());
        p.units.insert(at, local_paragraph(rng));
    }
    for _ in 0..edits.words {
        change_word(&mut p.units, base, rng);
    }
    if edits.headline {
        let pool: Vec<&str> = p.units.iter().flat_map(|u| u.split_whitespace()).collect();
        let n = rng.range(4, 10).min(pool.len());
        let start = rng.below(pool.len() - n + 1);
        let words = &pool[start..start + n];
        let mut h = if rng.chance(0.5) {
            words.join(" ").to_uppercase()
        } else {
            title_case(words)
        };
        if rng.chance(0.2) {
            h.push('.');
        }
        p.headline = Some(h);
    }
    if edits.dateline {
        let city = p
            .dateline
            .as_deref()
            .and_then(|d| d.split(',').next())
            .map_or_else(|| rng.pick(&CITIES).to_string(), str::to_string);
        let month = rng.pick(&MONTHS);
        let day = rng.range(1, 28);
        p.dateline = match rng.below(5) {
            0 if original.corpus == Corpus::Reuters => None,
            0 | 1 => Some(format!("{} (Reuters) -", city.to_uppercase())),
            2 => Some(format!(
                "{}, {month} {day} (Reuters) —",
                title_case(&city.split(' ').collect::<Vec<_>>())
            )),
            3 => Some(format!("{} --", city.to_uppercase())),
            _ => Some(format!("{}, {month} {day} -", city.to_uppercase())),
        };
    } else if let Some(d) = &mut p.dateline {
        d.push_str(" -");
    }
    let mut body = Vec::new();
    body.extend(p.headline);
    body.extend(p.byline);
    let mut units = p.units;
    if let Some(d) = p.dateline {
        match units.first_mut() {
            Some(first) => *first = format!("{d} {first}"),
            None => units.push(d),
        }
    }
    match original.corpus {
        Corpus::Reuters => body.extend(units),
        Corpus::Time => body.push(units.join(" ")),
    }
    let date = if rng.chance(0.1) {
        None
    } else {
        original
            .date
            .map(|d| d + Duration::days(rng.below(4) as i64))
    };
    Doc {
        path: format!("copies/{}-{c}.txt", original.id),
        id: format!("{}-copy{c}", original.id),
        date,
        body,
        corpus: original.corpus,
        kind: Kind::Copy(o, edits),
    }
}

/// Replaces, drops or inserts one word of the text.
fn change_word(units: &mut [String], base: &[Doc], rng: &mut Rng) {
    let total: usize = units.iter().map(|u| u.split_whitespace().count()).sum();
    if total == 0 {
        return;
    }
    let mut at = rng.below(total);
    let what = rng.below(5);
    let replacement = random_word(base, rng);
    for unit in units.iter_mut() {
        let mut words: Vec<String> = unit.split_whitespace().map(str::to_string).collect();
        if at >= words.len() {
            at -= words.len();
            continue;
        }
        match what {
            0 if words.len() > 1 => {
                words.remove(at);
            }
            1 => words.insert(at, replacement),
            _ => words[at] = replacement,
        }
        *unit = words.join(" ");
        return;
    }
}

/// The same article with other figures in its text (after the headline):
/// every digit run changed when `keep_third` is false, else all but a
/// third of them (chosen at random).
fn make_variant(original: &Doc, o: usize, k: usize, keep_third: bool, rng: &mut Rng) -> Doc {
    let mut body = original.body.clone();
    let skip = usize::from(original.corpus == Corpus::Reuters);
    let is_run_start = |p: &str, i: usize| {
        p.as_bytes()[i].is_ascii_digit() && (i == 0 || !p.as_bytes()[i - 1].is_ascii_digit())
    };
    let runs: usize = body
        .iter()
        .skip(skip)
        .map(|p| (0..p.len()).filter(|&i| is_run_start(p, i)).count())
        .sum();
    let mut keep = vec![false; runs];
    if keep_third {
        for i in sample(rng, &(0..runs).collect::<Vec<_>>(), runs / 3) {
            keep[i] = true;
        }
    }
    let mut run = 0;
    for paragraph in body.iter_mut().skip(skip) {
        let mut out = String::with_capacity(paragraph.len());
        let mut prev_digit = false;
        let mut change = false;
        for ch in paragraph.chars() {
            if ch.is_ascii_digit() && !prev_digit {
                change = !keep[run];
                run += 1;
            }
            if ch.is_ascii_digit() && change {
                let lo = if prev_digit { 0 } else { 1 };
                let mut d = rng.range(lo, 9) as u8;
                if d == ch as u8 - b'0' {
                    d = if d == 9 { lo as u8 } else { d + 1 };
                }
                out.push((b'0' + d) as char);
            } else {
                out.push(ch);
            }
            prev_digit = ch.is_ascii_digit();
        }
        *paragraph = out;
    }
    let date = original
        .date
        .map(|d| d + Duration::days(rng.range(1, 30) as i64));
    Doc {
        path: format!("variants/{}-{k}.txt", original.id),
        id: format!("{}-variant{k}", original.id),
        date,
        body,
        corpus: original.corpus,
        kind: Kind::Variant(o),
    }
}
