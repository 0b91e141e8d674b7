//! Tests of story detection, on fictional text written for them.

use std::collections::{BTreeMap, HashMap};

use time::{Date, Month};

use super::*;

/// A fictional wire story: headline, dateline, six paragraphs.
const STORY: [&str; 7] = [
    "FERRY CREWS WALK OUT OVER NIGHT SHIFTS",
    "HARBOUR CITY, May 4 (Harbour Wire) - Crews of the Harbour City ferry company walked out on Tuesday over a plan to add night shifts, leaving some 14,000 commuters to find other ways across the bay.",
    "The union said the company had broken a promise made in 2019 that no crew would work more than two night shifts a week, and that the new rosters would mean four.",
    "\"We asked for talks three times and were told the timetable was not up for discussion,\" said Orla Penhale, who leads the crews' branch of the transport union.",
    "The company said it needed the extra shifts to run the late boats that the city council had asked for, and that it had offered a bonus of 40 crowns a shift.",
    "Buses on the coast road were full by seven in the morning, and the water taxis at the north pier doubled their fares, passengers said.",
    "No new talks had been set by Tuesday evening. The last walkout, in 2021, lasted nine days and ended with a pay rise of 3.5 percent.",
];

fn story() -> Vec<String> {
    STORY.iter().map(|p| p.to_string()).collect()
}

fn sign(paragraphs: &[String]) -> Signature {
    signature(paragraphs)
}

fn same(a: &[String], b: &[String]) -> bool {
    same_story(&sign(a), &sign(b), &Params::DEFAULT)
}

/// Replaces the first occurrence of `from` in any paragraph.
fn replace(mut body: Vec<String>, from: &str, to: &str) -> Vec<String> {
    let p = body
        .iter_mut()
        .find(|p| p.contains(from))
        .expect("the word is in the story");
    *p = p.replacen(from, to, 1);
    body
}

const LOCAL: &str = "In Port Ellis, where many of the ferry's passengers live, the mayor said the town's two car parks by the bus station would be free until the walkout ends.";

#[test]
fn a_signer_that_reuses_its_buffers_signs_as_a_fresh_one() {
    // One signer for a worker's many articles: what it kept from the
    // previous bodies must not leak into the next signature.
    let mut signer = Signer::new(Params::DEFAULT);
    let mut other = story();
    other.truncate(2);
    other.push("A different closing paragraph about the harbour fees.".into());
    for body in [other.clone(), story(), other, story()] {
        assert_eq!(signer.sign(&body), sign(&body));
    }
}

#[test]
fn signature_bytes_have_not_changed() {
    // Signatures are stored in indexes: if this fails, the hashing changed
    // and `VERSION` must be raised so that old indexes are rebuilt.
    let bytes = sign(&story()).to_bytes();
    assert_eq!(bytes.len(), 20 + 4 * (64 + 5 + 5));
    assert_eq!(
        xxhash_rust::xxh3::xxh3_64(&bytes),
        0x5ba5_57e6_027d_aedb,
        "signature bytes changed: raise story::VERSION"
    );
}

#[test]
fn signature_bytes_round_trip_and_damage_is_reported() {
    let s = sign(&story());
    let bytes = s.to_bytes();
    assert_eq!(Signature::from_bytes(&bytes), Ok(s.clone()));
    for len in [0, 1, 19, bytes.len() - 1] {
        assert_eq!(
            Signature::from_bytes(&bytes[..len]),
            Err(SignatureError::Damaged { len }),
            "{len} bytes"
        );
    }
    let mut other_version = bytes.clone();
    other_version[0] = VERSION + 1;
    assert_eq!(
        Signature::from_bytes(&other_version),
        Err(SignatureError::Version { found: VERSION + 1 })
    );
    let mut unsorted = bytes.clone();
    for i in 20..24 {
        unsorted.swap(i, i + 4);
    }
    assert!(Signature::from_bytes(&unsorted).is_err());
}

#[test]
fn headline_dateline_byline_and_case_do_not_count() {
    let mut copy = story();
    copy[0] = "Bay commuters stranded as ferry crews strike".into();
    copy[1] = copy[1].replace(
        "HARBOUR CITY, May 4 (Harbour Wire) -",
        "By Tam Reddick\nHarbour City —",
    );
    let copy: Vec<String> = copy
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_uppercase))
        .collect();
    let (a, b) = (sign(&story()), sign(&copy));
    let s = a.similarity(&b, &Params::DEFAULT).expect("long bodies");
    assert_eq!(s.jaccard, 1.0, "{s:?}");
}

#[test]
fn copies_with_the_usual_edits_are_one_story() {
    let cut: Vec<String> = story()[..4].to_vec();
    let mut local = story();
    local.insert(4, LOCAL.into());
    let words = replace(
        replace(
            replace(story(), "walked out", "went on strike"),
            "full",
            "packed",
        ),
        "doubled",
        "raised",
    );
    let mut all = replace(cut.clone(), "promise", "pledge");
    all[0] = "Ferry strike strands commuters".into();
    all[1] = all[1].replace("HARBOUR CITY, May 4 (Harbour Wire) -", "HARBOUR CITY --");
    all.push(LOCAL.into());
    for (name, copy) in [
        ("cut", cut),
        ("local", local),
        ("words", words),
        ("all", all),
    ] {
        assert!(same(&story(), &copy), "{name}");
    }
}

#[test]
fn a_follow_up_on_the_same_topic_is_another_story() {
    let follow_up: Vec<String> = [
        "FERRY WALKOUT ENDS AFTER FOUR DAYS",
        "HARBOUR CITY, May 8 (Harbour Wire) - Ferry crews in Harbour City went back to work on Saturday after the company agreed to drop the fourth night shift from its new rosters until the end of the summer.",
        "Orla Penhale of the transport union said the crews would vote next month on a deal that pays 55 crowns for each night shift and caps them at three a week.",
        "The first boats left the south pier at six, and the company said the full timetable would run again from Monday once the late boats had been checked.",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    assert!(!same(&story(), &follow_up));
}

/// A templated earnings item: the same words, other figures.
fn earnings(figures: [&str; 8]) -> Vec<String> {
    let [a, b, c, d, e, f, g, h] = figures;
    vec![
        "LANTERN MILLS 1ST QTR NET".into(),
        format!("KINGSMERE, May 4 - Shr {a} cts vs {b} cts"),
        format!("Net {c} vs {d}"),
        format!("Revs {e} mln vs {f} mln"),
        format!("Avg shrs {g} vs {h}"),
        "NOTE: Full name of the company is Lantern Mills and Weaving Co. Results restated for the sale of the dye works.".into(),
    ]
}

#[test]
fn templated_items_with_other_figures_are_other_stories() {
    let march = earnings([
        "31",
        "27",
        "4,120,000",
        "3,870,000",
        "51.2",
        "47.9",
        "13.3 mln",
        "14.1 mln",
    ]);
    let june = earnings([
        "18",
        "35",
        "2,410,000",
        "4,630,000",
        "44.7",
        "52.3",
        "13.4 mln",
        "13.9 mln",
    ]);
    assert!(sign(&march).words() >= Params::DEFAULT.min_words);
    assert!(!same(&march, &june));
    // The same item sent twice (or corrected in one figure) is one story.
    let corrected = replace(march.clone(), "51.2", "51.4");
    assert!(same(&march, &corrected));
}

#[test]
fn templated_filings_by_other_companies_are_other_stories() {
    let filing = |company: &str, short: &str, banks: &str| {
        vec![
            format!("{} TO SELL CONVERTIBLE DEBT", short.to_uppercase()),
            format!(
                "KINGSMERE, May 4 - {company} said it filed with the Securities and Exchange Commission a registration statement covering a 50 mln dlr issue of convertible subordinated debentures due 2012."
            ),
            format!(
                "Proceeds will be used to repay bank debt and for general corporate purposes, {short} said."
            ),
            format!("The company named {banks} as managing underwriters of the offering."),
        ]
    };
    let a = filing(
        "Lantern Mills and Weaving Co",
        "Lantern",
        "Quayside Brothers and Co and Marr Capital Inc",
    );
    let b = filing(
        "Port Ellis Shipyards Inc",
        "Port Ellis",
        "Dunmore Securities Corp and Keel, Ashby and Co",
    );
    let s = sign(&a)
        .similarity(&sign(&b), &Params::DEFAULT)
        .expect("long bodies");
    assert!(s.containment >= Params::DEFAULT.min_containment, "{s:?}");
    assert!(!same(&a, &b), "{s:?}");
    // The same filing, run by a paper with its own headline, is one story.
    let mut copy = a.clone();
    copy[0] = "Lantern plans debt sale".into();
    assert!(same(&a, &copy));
}

#[test]
fn results_and_forecasts_are_other_stories() {
    let result = |home: &str, away: &str, score: &str, scorers: &str, crowd: &str| {
        vec![format!(
            "{home} beat {away} {score} at the Quay Ground on Saturday in the first round of the Bay Cup, with goals from {scorers}, in front of a crowd of {crowd}. The second round is drawn on Monday."
        )]
    };
    let a = result(
        "Harbour City Rovers",
        "Port Ellis Athletic",
        "3-1",
        "Penhale, Quill and Marr",
        "12,400",
    );
    let b = result(
        "Lowmoor Town",
        "Ashford Bay United",
        "2-0",
        "Dunmore and Keel",
        "8,150",
    );
    assert!(!same(&a, &b));
    let forecast = |day: &str, sky: &str, high: u32, low: u32, wind: &str, speed: u32| {
        vec![format!(
            "Harbour City forecast for {day}: {sky}, with a high of {high} degrees and a low of {low}. Winds from the {wind} at {speed} km/h, easing in the evening. Sea temperature {} degrees; sunrise 5.42, sunset 21.03.",
            high - 6
        )]
    };
    let tuesday = forecast("Tuesday", "sunny spells", 21, 12, "west", 15);
    let wednesday = forecast("Wednesday", "showers", 17, 11, "south", 25);
    assert!(!same(&tuesday, &wednesday));
}

#[test]
fn short_bodies_are_stories_of_one() {
    let notice = vec!["Qtly div 12 cts vs 12 cts prior. Pay June 1. Record May 15.".to_string()];
    let s = sign(&notice);
    assert!(s.is_short(&Params::DEFAULT));
    assert!(s.band_keys(&Params::DEFAULT).is_empty());
    assert!(!same_story(&s, &s, &Params::DEFAULT));
    assert!(!same(&notice, &notice.clone()));
}

#[test]
fn a_headline_only_body_is_empty() {
    let s = sign(&["FERRY CREWS WALK OUT".to_string()]);
    assert_eq!((s.words(), s.shingles()), (0, 0));
    assert!(s.is_short(&Params::DEFAULT));
}

fn day(d: u8) -> Option<Date> {
    Date::from_calendar_date(2024, Month::May, d).ok()
}

fn entry(path: &str, date: Option<Date>, body: &[String]) -> Entry {
    Entry {
        path: path.into(),
        id: path
            .trim_end_matches(".txt")
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .into(),
        date,
        signature: sign(body),
    }
}

/// Story id of each path.
fn story_ids(entries: &[Entry]) -> BTreeMap<String, String> {
    story_ids_with(entries, &Params::DEFAULT)
}

fn story_ids_with(entries: &[Entry], params: &Params) -> BTreeMap<String, String> {
    let found = group(entries, params);
    entries
        .iter()
        .zip(found)
        .map(|(e, f)| (e.path.clone(), entries[f].id.clone()))
        .collect()
}

#[test]
fn the_story_id_is_the_earliest_article_undated_last_then_by_id() {
    let cut: Vec<String> = story()[..5].to_vec();
    let entries = vec![
        entry("b/002_b.txt", day(5), &story()),
        entry("a/003_c.txt", None, &cut),
        entry("c/001_a.txt", day(5), &cut),
        entry("d/000_z.txt", day(6), &story()),
        entry(
            "e/009_q.txt",
            day(4),
            &earnings(["1", "2", "3", "4", "5", "6", "7", "8"]),
        ),
    ];
    let ids = story_ids(&entries);
    for path in ["b/002_b.txt", "a/003_c.txt", "c/001_a.txt", "d/000_z.txt"] {
        assert_eq!(ids[path], "001_a", "{path}");
    }
    assert_eq!(ids["e/009_q.txt"], "009_q");
    let undated = vec![
        entry("x/005_e.txt", None, &story()),
        entry("x/004_d.txt", None, &cut),
    ];
    assert_eq!(story_ids(&undated)["x/005_e.txt"], "004_d");
}

/// The archive as [`regroup`] sees it, kept in memory.
struct Memory {
    bands: HashMap<u64, Vec<Entry>>,
    /// The stories before the change.
    stories: BTreeMap<String, String>,
}

impl Memory {
    fn new(entries: &BTreeMap<String, Entry>, stories: &BTreeMap<String, String>) -> Memory {
        let mut bands: HashMap<u64, Vec<Entry>> = HashMap::new();
        for e in entries.values() {
            for key in e.signature.band_keys(&Params::DEFAULT) {
                bands.entry(key).or_default().push(e.clone());
            }
        }
        Memory {
            bands,
            stories: stories.clone(),
        }
    }
}

impl Lookup for Memory {
    fn with_band_key(&self, key: u64) -> Vec<Entry> {
        self.bands.get(&key).cloned().unwrap_or_default()
    }

    fn story(&self, path: &str) -> Option<String> {
        self.stories.get(path).cloned()
    }
}

/// Applies a change of the archive from `before` to `after` to `ids`, as
/// the indexer would: [`regroup`] with the old and new entries of the
/// articles that differ.
fn apply(
    before: &BTreeMap<String, Entry>,
    after: &BTreeMap<String, Entry>,
    ids: &mut BTreeMap<String, String>,
    params: &Params,
) {
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let paths: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for path in paths {
        let (old, new) = (before.get(path), after.get(path));
        if old == new {
            continue;
        }
        if let Some(old) = old {
            removed.push(old.clone());
            ids.remove(path);
        }
        if let Some(new) = new {
            added.push(new.clone());
        }
    }
    let memory = Memory::new(after, ids);
    for (path, id) in regroup(&memory, &removed, &added, params) {
        ids.insert(path, id);
    }
}

#[test]
fn incremental_changes_give_the_fresh_grouping() {
    let cut: Vec<String> = story()[..4].to_vec();
    let mut local = story();
    local.push(LOCAL.into());
    let a = entry("p/010_a.txt", day(4), &story());
    let b = entry("p/011_b.txt", day(5), &cut);
    let c = entry("p/012_c.txt", day(6), &local);
    let mut state = BTreeMap::new();
    let mut ids = BTreeMap::new();
    let steps: Vec<Vec<Entry>> = vec![
        vec![b.clone(), c.clone()],
        vec![a.clone(), b.clone(), c.clone()],
        vec![b.clone(), c.clone()],
        vec![b.clone()],
        vec![],
    ];
    for step in steps {
        let next: BTreeMap<String, Entry> =
            step.iter().map(|e| (e.path.clone(), e.clone())).collect();
        apply(&state, &next, &mut ids, &Params::DEFAULT);
        state = next;
        let fresh = story_ids(&state.values().cloned().collect::<Vec<_>>());
        assert_eq!(ids, fresh);
    }
}

/// A paragraph of 30 invented lowercase words, different for each `n`.
fn invented(n: usize) -> String {
    let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "we", "zo"];
    (0..30)
        .map(|w| {
            let mut x = n * 1000 + w * 7 + 1;
            let mut word = String::new();
            for _ in 0..3 {
                word.push_str(syllables[x % syllables.len()]);
                x /= syllables.len();
            }
            word.push_str(syllables[(n + w) % syllables.len()]);
            word
        })
        .collect::<Vec<_>>()
        .join(" ")
        + "."
}

/// With `Chaining::First`, a story is a tree of copies: when its first
/// article finds an earlier copy of its own, the story's new id runs down
/// the tree to articles that copy only their parent, not the new one.
#[test]
fn a_new_first_copy_renames_the_tree_below_it() {
    let body = |ns: &[usize]| ns.iter().map(|&n| invented(n)).collect::<Vec<_>>();
    let a = entry("p/010_a.txt", day(4), &body(&[1, 2, 3, 4]));
    let b = entry("p/011_b.txt", day(5), &body(&[3, 4, 5, 6]));
    let c = entry("p/012_c.txt", day(6), &body(&[5, 6, 7, 8]));
    let z = entry("p/009_z.txt", day(3), &body(&[0, 1, 2]));
    assert!(same_story(&a.signature, &b.signature, &Params::DEFAULT));
    assert!(same_story(&b.signature, &c.signature, &Params::DEFAULT));
    assert!(!same_story(&a.signature, &c.signature, &Params::DEFAULT));
    assert!(same_story(&z.signature, &a.signature, &Params::DEFAULT));
    assert!(!same_story(&z.signature, &b.signature, &Params::DEFAULT));
    let params = Params {
        chaining: Chaining::First,
        ..Params::DEFAULT
    };
    let before: BTreeMap<String, Entry> = [&a, &b, &c]
        .into_iter()
        .map(|e| (e.path.clone(), e.clone()))
        .collect();
    let mut ids = story_ids_with(&before.values().cloned().collect::<Vec<_>>(), &params);
    assert_eq!(ids["p/012_c.txt"], "010_a", "the chain is one story");
    let mut after = before.clone();
    after.insert(z.path.clone(), z.clone());
    apply(&before, &after, &mut ids, &params);
    assert_eq!(
        ids,
        story_ids_with(&after.values().cloned().collect::<Vec<_>>(), &params)
    );
    assert_eq!(ids["p/012_c.txt"], "009_z");
}

/// Property tests on a pool of generated fictional articles: stories with
/// copies, templated items and unrelated articles.
mod properties {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    fn config(default_cases: u32) -> ProptestConfig {
        // NEWSIDX_PROPTEST_CASES raises (or lowers) the count for long runs.
        let cases = std::env::var("NEWSIDX_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default_cases);
        ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// A tiny deterministic generator (SplitMix64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Invented words made of syllables.
    fn word(rng: &mut Rng) -> String {
        const SYLLABLES: [&str; 16] = [
            "ka", "lo", "mir", "ten", "su", "ba", "rel", "no", "vi", "dan", "ost", "pe", "qua",
            "ri", "sel", "tom",
        ];
        (0..2 + rng.below(2))
            .map(|_| SYLLABLES[rng.below(16)])
            .collect()
    }

    fn paragraph(rng: &mut Rng, words: usize) -> String {
        let mut out: Vec<String> = (0..words).map(|_| word(rng)).collect();
        if rng.below(3) == 0 {
            out.push(format!("{}.{}", rng.below(100), rng.below(10)));
        }
        out.join(" ") + "."
    }

    /// Bodies: for each of 6 stories, the original and 3 edited copies
    /// (cut, local paragraph, words changed, or two of these), 4 templated
    /// items with other figures, 4 unrelated articles.
    fn pool() -> &'static Vec<Vec<String>> {
        static POOL: OnceLock<Vec<Vec<String>>> = OnceLock::new();
        POOL.get_or_init(|| {
            let mut rng = Rng(7);
            let mut out = Vec::new();
            for _ in 0..6 {
                let original: Vec<String> = (0..5).map(|_| paragraph(&mut rng, 14)).collect();
                for edit in 0..4 {
                    let mut copy = original.clone();
                    if edit == 1 || edit == 3 {
                        copy.truncate(3);
                    }
                    if edit >= 2 {
                        copy.insert(2, paragraph(&mut rng, 12));
                    }
                    if edit == 3 {
                        let p = &mut copy[0];
                        *p = p.replacen(' ', " lorem ", 1);
                    }
                    out.push(copy);
                }
            }
            let template = paragraph(&mut rng, 20);
            for i in 0..4 {
                out.push(vec![format!("{template} Shr {i}1 cts vs {i}7 cts, net {i}42 vs {i}19, revs {i}.5 vs {i}.8, {i}00 sites.")]);
            }
            for _ in 0..4 {
                out.push((0..3).map(|_| paragraph(&mut rng, 12)).collect());
            }
            out
        })
    }

    fn signatures() -> &'static Vec<Signature> {
        static SIGNATURES: OnceLock<Vec<Signature>> = OnceLock::new();
        SIGNATURES.get_or_init(|| pool().iter().map(|b| sign(b)).collect())
    }

    /// An article: a body of the pool, a date (or none) and a name.
    fn article(path: usize, body: usize, date: Option<u8>) -> Entry {
        Entry {
            path: format!("{:02}/{path:03}.txt", path % 7),
            id: format!("{:03}", (path * 37) % 101),
            date: date.and_then(|d| Date::from_calendar_date(2024, Month::March, d).ok()),
            signature: signatures()[body].clone(),
        }
    }

    fn articles() -> impl Strategy<Value = Vec<Entry>> {
        let n = pool().len();
        proptest::collection::vec((0..n, proptest::option::of(1u8..=4)), 1..24).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(path, (body, date))| article(path, body, date))
                .collect()
        })
    }

    #[test]
    fn the_pool_holds_stories_templated_items_and_strangers() {
        let entries: Vec<Entry> = (0..pool().len()).map(|i| article(i, i, Some(1))).collect();
        let found = group(&entries, &Params::DEFAULT);
        for story in 0..6 {
            let first = found[4 * story];
            for copy in 1..4 {
                assert_eq!(
                    found[4 * story + copy],
                    first,
                    "copy {copy} of story {story}"
                );
            }
            assert!(
                (0..24)
                    .filter(|i| i / 4 != story)
                    .all(|i| found[i] != first)
            );
        }
        for i in 24..pool().len() {
            assert_eq!(
                found.iter().filter(|&&f| f == found[i]).count(),
                1,
                "article {i}"
            );
        }
    }

    /// Every way of making stories from links.
    fn chainings() -> impl Strategy<Value = Chaining> {
        prop_oneof![
            Just(Chaining::First),
            Just(Chaining::Leader),
            Just(Chaining::Components)
        ]
    }

    proptest! {
        #![proptest_config(config(1000))]

        /// The stories do not depend on the order of the articles.
        #[test]
        fn grouping_ignores_the_order(entries in articles(), seed in any::<u64>(), chaining in chainings()) {
            let mut shuffled = entries.clone();
            let mut rng = Rng(seed);
            for i in (1..shuffled.len()).rev() {
                shuffled.swap(i, rng.below(i + 1));
            }
            let params = Params { chaining, ..Params::DEFAULT };
            prop_assert_eq!(story_ids_with(&entries, &params), story_ids_with(&shuffled, &params));
        }

        /// A random sequence of runs that add, change and remove articles
        /// ends with the stories a fresh grouping of the final articles
        /// gives, and so does every run on the way.
        #[test]
        fn incremental_runs_equal_a_fresh_grouping(
            runs in proptest::collection::vec(
                proptest::collection::vec((0usize..16, 0..pool().len(), proptest::option::of(1u8..=4), any::<bool>()), 1..6),
                1..8,
            ),
            chaining in chainings(),
        ) {
            let params = Params { chaining, ..Params::DEFAULT };
            let mut state: BTreeMap<String, Entry> = BTreeMap::new();
            let mut ids = BTreeMap::new();
            for run in runs {
                let mut next = state.clone();
                for (path, body, date, remove) in run {
                    let e = article(path, body, date);
                    if remove {
                        next.remove(&e.path);
                    } else {
                        next.insert(e.path.clone(), e);
                    }
                }
                apply(&state, &next, &mut ids, &params);
                state = next;
                let fresh = story_ids_with(&state.values().cloned().collect::<Vec<_>>(), &params);
                prop_assert_eq!(&ids, &fresh);
            }
        }
    }
}
