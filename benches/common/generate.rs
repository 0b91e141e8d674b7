//! A deterministic generator of synthetic news-archive articles, for the
//! benches and for `examples/gen_corpus.rs`.
//!
//! # Corpus model
//!
//! * Files in the archive format of `docs/format.md`: ` date YYYY-MM-DD lede`,
//!   2 to 15 body paragraphs, a copyright line naming the publisher (94% of
//!   articles, in three spellings), a `—-` separator, a syndication notice,
//!   `Join the discussion` and 0 to 40 reader comments. About 3 KB an
//!   article on average. A few articles exercise the edges of the format:
//!   1% have no date header, 2% CRLF line endings, 0.5% a byte-order mark.
//! * Nested folders `<publisher>/<year>/NNN_<16 hex>.txt`; 30 invented
//!   publishers with a Zipf-like share each; dates uniform over 1990-2025.
//! * Words: about 500 common English words followed by 30,000 invented
//!   ones, drawn with a Zipf law (weight `1 / (rank + 2.7)`), so that a few
//!   hundred words make half the text and most terms are rare. Each article
//!   has one or two of twelve topics, whose words (English and invented) and
//!   two-word collocations (`interest rates`, `prime minister`, ...) are
//!   drawn more often: multi-word queries and phrases match realistically.
//!   People and places are invented capitalised words. No sentence of any
//!   real text is used.
//!
//! The generator is a pure function of `(seed, article number)`: a corpus of
//! N articles is the first N articles of any larger one, and generation can
//! run on any number of threads with byte-identical output. The PRNG is
//! SplitMix64, written out here so the benches need no extra dependency.
//! [`GEN_VERSION`] changes whenever the output would change, which
//! invalidates the cached corpora.

#![allow(dead_code)]

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Version of the generated text; part of every cache folder name.
pub const GEN_VERSION: u32 = 1;
/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// Name of the marker file written once a cached corpus is complete (hidden,
/// so the indexer's walk skips it).
const COMPLETE: &str = ".complete";

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and good enough for
/// synthetic text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator of article `i` of corpus `seed`.
    pub fn for_article(seed: u64, i: u64) -> Rng {
        let mut mix = Rng(seed ^ 0x5bd1_e995_u64.wrapping_mul(i.wrapping_add(1)));
        Rng(mix.next_u64() ^ i.rotate_left(29))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// An integer in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Common English words, most frequent first (function words, then the
/// everyday vocabulary of news).
const COMMON: &str = "the of and to a in that is was for on it with as he said by at from his be \
    have an are has but not they this who were had its their been will would which or more after \
    about one up than new two year over also when out into some there she first them her what can \
    all other last we could people years only no government time just most state may told percent \
    before million under three since while against because many our like did so during where do if \
    now made week then president police officials such through between us city any how country \
    being per company you him back home day law national world public market four including \
    billion five group month report part team members called second both well off officials down \
    former local news still another through family since early much help war next made says high \
    plan program deal long support work including end money school children days percent found \
    house court business health since months system already way make take could several states \
    added million while area left around own might think told federal security life good those \
    according statement water service billion right whether late expected nearly university show \
    political even each power among use six water again days major american each around open \
    international less price prices later without best same get set small going military center \
    likely recent set issue issues lot went economic little half go run across told building \
    despite early known told times million future move big hit night held found best told news \
    board making led hours case cases united decision months already among water question official \
    council leaders agency head program community great free today number financial war \
    foreign results leader office interview order return research full need private ever hard \
    industry region change changes top start continue nation director rate different total \
    experts election vote campaign trade bank oil energy price growth sales workers workers \
    policy forces troops attack killed deaths injured rescue emergency residents town village \
    river street road bridge airport port station project plans construction housing rent \
    families women men young old age record level levels higher lower rise fell rose gained lost \
    cut cuts raised increase decline shares stock investors economy jobs wages budget tax taxes \
    debt spending cost costs pay paid fund funds funding";

/// The twelve topics: English words (most typical first) and collocations.
const TOPICS: [(&str, &str, &[&str]); 12] = [
    (
        "economy",
        "economy inflation interest rates bank banks market markets stocks shares investors \
         earnings profit revenue dividend merger acquisition trade tariff exports imports deficit \
         dollar yen growth unemployment recession quarter analysts bonds currency loans",
        &[
            "interest rates",
            "stock market",
            "federal reserve",
            "trade deficit",
            "central bank",
            "net income",
            "first quarter",
            "wall street",
            "free trade",
            "real estate",
        ],
    ),
    (
        "politics",
        "election vote voters campaign senate congress president governor minister parliament \
         party democrats republicans candidate ballot policy reform bill legislation lawmakers \
         coalition opposition treaty diplomats sanctions summit administration",
        &[
            "prime minister",
            "white house",
            "foreign policy",
            "united states",
            "state of the union",
            "tax reform",
            "civil rights",
            "european union",
            "human rights",
        ],
    ),
    (
        "energy",
        "oil gas crude barrels pipeline refinery drilling energy fuel gasoline opec coal nuclear \
         solar wind electricity utility power grid emissions climate reactor",
        &[
            "oil prices",
            "crude oil",
            "natural gas",
            "climate change",
            "nuclear power",
            "power plant",
        ],
    ),
    (
        "weather",
        "storm hurricane flood flooding drought rain snow winds temperatures heat forecast coast \
         damage evacuation wildfire fire insurance tornado shelter",
        &[
            "storm surge",
            "national weather service",
            "flood insurance",
            "heat wave",
            "power outages",
        ],
    ),
    (
        "sports",
        "team game season coach players league championship baseball football basketball soccer \
         hockey win victory score points tournament stadium fans playoffs",
        &[
            "world cup",
            "home run",
            "final game",
            "head coach",
            "super bowl",
        ],
    ),
    (
        "justice",
        "police court judge jury trial verdict charges prosecutors lawyer attorney sentence prison \
         arrested investigation fraud murder lawsuit appeal testimony",
        &[
            "supreme court",
            "jury trial",
            "police department",
            "district attorney",
            "guilty plea",
        ],
    ),
    (
        "health",
        "health hospital doctors patients vaccine virus disease drug drugs medical care cancer \
         study researchers treatment outbreak nurses clinic",
        &[
            "health care",
            "public health",
            "health insurance",
            "clinical trial",
            "emergency room",
        ],
    ),
    (
        "technology",
        "technology software internet computer data users online startup phone digital network \
         privacy security chips devices platform social media",
        &[
            "social media",
            "data breach",
            "artificial intelligence",
            "mobile phone",
            "search engine",
        ],
    ),
    (
        "education",
        "school schools students teachers university college education classes district tuition \
         campus parents exams curriculum",
        &[
            "school board",
            "high school",
            "school district",
            "student loans",
        ],
    ),
    (
        "agriculture",
        "farm farmers wheat corn harvest crop crops cattle coffee cocoa sugar grain soybeans land \
         rural acres orchards",
        &[
            "wheat harvest",
            "farm bill",
            "grain prices",
            "crop insurance",
        ],
    ),
    (
        "labour",
        "union unions workers strike labor wages contract factory plant layoffs employees pension \
         negotiations overtime",
        &[
            "labor union",
            "minimum wage",
            "collective bargaining",
            "picket line",
        ],
    ),
    (
        "culture",
        "film music museum art book festival theater show artists concert exhibition novel author \
         gallery",
        &["box office", "film festival", "art museum", "best seller"],
    ),
];

/// Words of reader comments (mixed into their text).
const COMMENT_WORDS: &str = "I think really just agree disagree people nobody everyone why \
    again always never sure maybe right wrong good bad great terrible thanks article story \
    writer read reading comment truth";

/// The invented publishers, most prolific first.
pub const PUBLISHERS: [&str; 30] = [
    "Harrowgate Daily Ledger",
    "The Mistral Bay Courier",
    "Pellham Wire Service",
    "Orrin Valley Tribune Company",
    "Quaystone Media Group, Inc.",
    "The Larkfield Observer",
    "Brennock Evening Star",
    "Cindermoor Press Association",
    "Westerly Gazette Ltd.",
    "The Tallow Point Herald",
    "Ashcombe Public Radio",
    "Fenwick & Sons Publishing",
    "The Granite Coast Sentinel",
    "Ulverholm Business Journal",
    "Norvale News Syndicate",
    "The Kittering Examiner",
    "Saltmarsh Broadcasting Corp.",
    "The Dunmere Chronicle",
    "Ravensworth Financial Times",
    "Halcyon Street Weekly",
    "The Ivory Ridge Post",
    "Marlow Heights Dispatch",
    "Copperline Digital LLC",
    "The Eastbourne Clarion",
    "Wexmoor Regional Newspapers",
    "Silverbirch Science Review",
    "The Yarrow County Record",
    "Portlock Sports Network",
    "Gallowmere Evening News",
    "Thornbury Metro Bulletin",
];

/// Syndication notices (written for this generator).
const NOTICES: [&str; 4] = [
    "Distributed by the Pellham Wire Service archive programme; reproduction needs the holder's written consent.",
    "This story reaches you through a content syndication agreement between the publisher and its archive partners.",
    "Archived under licence for research and reference. Redistribution is not permitted.",
    "Provided by a news syndication feed; the original publisher keeps all rights to this text.",
];

/// Syllables of invented words.
const ONSETS: [&str; 28] = [
    "b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st",
    "t", "tr", "v", "w", "z", "ch", "sh", "th", "bl", "pl",
];
const VOWELS: [&str; 9] = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "oo"];
const CODAS: [&str; 12] = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "rk", "st"];

/// Number of invented words in the vocabulary.
pub const INVENTED_WORDS: usize = 30_000;

/// One topic: its words, sampled with a Zipf law of their own, and its
/// collocations.
#[derive(Debug)]
pub struct Topic {
    /// Name of the topic.
    pub name: &'static str,
    /// Words, most typical first (English, then invented ones).
    pub words: Vec<String>,
    /// Two- to four-word collocations.
    pub phrases: &'static [&'static str],
    cumulative: Vec<f64>,
}

/// The vocabulary shared by every corpus (independent of the corpus seed).
#[derive(Debug)]
pub struct Vocab {
    /// All words, by rank (common English first, then invented).
    pub words: Vec<String>,
    /// Number of common English words at the head of [`Vocab::words`].
    pub common: usize,
    /// The invented words, most frequent first.
    pub invented_words: Vec<String>,
    /// The topics.
    pub topics: Vec<Topic>,
    /// Invented given names.
    pub first_names: Vec<String>,
    /// Invented family names.
    pub surnames: Vec<String>,
    /// Invented place names.
    pub places: Vec<String>,
    comment_words: Vec<String>,
    cumulative: Vec<f64>,
}

/// The vocabulary (built once).
pub fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(Vocab::build)
}

fn zipf_cumulative(n: usize, q: f64) -> Vec<f64> {
    let mut total = 0.0;
    (0..n)
        .map(|r| {
            total += 1.0 / (r as f64 + q);
            total
        })
        .collect()
}

fn sample_cumulative(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let u = rng.unit() * cumulative[cumulative.len() - 1];
    cumulative
        .partition_point(|&c| c <= u)
        .min(cumulative.len() - 1)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Vocab {
    fn build() -> Vocab {
        let mut seen = HashSet::new();
        let mut words: Vec<String> = Vec::new();
        for w in COMMON.split_whitespace() {
            if seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        let common = words.len();
        // Topic words not among the common ones.
        let mut extra = Vec::new();
        for (_, topic_words, phrases) in TOPICS {
            let phrase_words = phrases.iter().flat_map(|p| p.split_whitespace());
            for w in topic_words.split_whitespace().chain(phrase_words) {
                if seen.insert(w.to_string()) {
                    extra.push(w.to_string());
                }
            }
        }
        let mut rng = Rng::new(0x766f_6361_6275_6c61);
        let mut invented = |rng: &mut Rng, min_syllables: usize, max_syllables: usize| loop {
            let mut w = String::new();
            for _ in 0..rng.range(min_syllables, max_syllables) {
                w.push_str(ONSETS[rng.below(ONSETS.len())]);
                w.push_str(VOWELS[rng.below(VOWELS.len())]);
                w.push_str(CODAS[rng.below(CODAS.len())]);
            }
            if w.len() >= 3 && w.len() <= 12 && seen.insert(w.clone()) {
                return w;
            }
        };
        // Frequent invented words are short, rare ones longer (as in real
        // text).
        let invented_words: Vec<String> = (0..INVENTED_WORDS)
            .map(|k| {
                if k < 3000 {
                    invented(&mut rng, 1, 2)
                } else {
                    invented(&mut rng, 2, 3)
                }
            })
            .collect();
        // The topic words are spread over ranks among the invented ones, so
        // that outside their topics some are frequent and others rare.
        let mut slots: Vec<Option<String>> = invented_words.iter().cloned().map(Some).collect();
        let mut placed: Vec<(usize, String)> = extra
            .into_iter()
            .enumerate()
            .map(|(k, w)| ((k * 7919 + 50) % 12_000, w))
            .collect();
        placed.sort();
        for (offset, (rank, w)) in placed.into_iter().enumerate() {
            slots.insert(rank + offset, Some(w));
        }
        words.extend(slots.into_iter().flatten());
        let first_names = (0..300)
            .map(|_| capitalize(&invented(&mut rng, 2, 2)))
            .collect();
        let surnames = (0..3000)
            .map(|_| capitalize(&invented(&mut rng, 2, 3)))
            .collect();
        let places = (0..400)
            .map(|_| capitalize(&invented(&mut rng, 2, 3)))
            .collect();
        let topics = TOPICS
            .iter()
            .enumerate()
            .map(|(t, (name, topic_words, phrases))| {
                let mut list: Vec<String> =
                    topic_words.split_whitespace().map(String::from).collect();
                // Twenty invented words of middling rank belong to each topic.
                for k in 0..20 {
                    list.push(invented_words[200 + (t * 331 + k * 97) % 6000].clone());
                }
                let cumulative = zipf_cumulative(list.len(), 3.0);
                Topic {
                    name,
                    words: list,
                    phrases,
                    cumulative,
                }
            })
            .collect();
        let cumulative = zipf_cumulative(words.len(), 2.7);
        Vocab {
            words,
            common,
            invented_words,
            topics,
            first_names,
            surnames,
            places,
            comment_words: COMMENT_WORDS.split_whitespace().map(String::from).collect(),
            cumulative,
        }
    }

    /// The invented word of rank `k` among invented words (0 is the most
    /// frequent).
    pub fn invented(&self, k: usize) -> &str {
        &self.invented_words[k]
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[sample_cumulative(rng, &self.cumulative)]
    }
}

impl Topic {
    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[sample_cumulative(rng, &self.cumulative)]
    }
}

/// One generated article.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path relative to the corpus root, `/`-separated.
    pub rel_path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Publisher weights, Zipf-like (exponent 0.8).
fn publisher_cumulative() -> &'static [f64] {
    static CUM: OnceLock<Vec<f64>> = OnceLock::new();
    CUM.get_or_init(|| {
        let mut total = 0.0;
        (0..PUBLISHERS.len())
            .map(|k| {
                total += 1.0 / ((k + 1) as f64).powf(0.8);
                total
            })
            .collect()
    })
}

/// The folder name of a publisher.
pub fn slug(publisher: &str) -> String {
    let mut out = String::new();
    for c in publisher.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// First and last day of the generated dates, as days since 1970-01-01.
const FIRST_DAY: i64 = 7305; // 1990-01-01
const LAST_DAY: i64 = 20453; // 2025-12-31

/// Writes text the way an article does: sentences, names, numbers.
struct Writer<'v> {
    vocab: &'v Vocab,
    rng: Rng,
    out: String,
    topics: [&'v Topic; 2],
}

impl<'v> Writer<'v> {
    fn push_word(&mut self, word: &str, capital: bool) {
        if !self.out.is_empty() && !self.out.ends_with(['\n', ' ', '“']) {
            self.out.push(' ');
        }
        if capital {
            let mut chars = word.chars();
            if let Some(c) = chars.next() {
                self.out.extend(c.to_uppercase());
                self.out.push_str(chars.as_str());
            }
        } else {
            self.out.push_str(word);
        }
    }

    fn topic(&mut self) -> &'v Topic {
        // The main topic twice as often as the second one.
        self.topics[usize::from(self.rng.below(3) == 2)]
    }

    fn number(&mut self) -> String {
        let rng = &mut self.rng;
        match rng.below(6) {
            0 => format!("{}", rng.range(2, 99)),
            1 => format!("{}.{} percent", rng.below(30), rng.below(10)),
            2 => format!("${}.{} million", rng.range(1, 900), rng.below(10)),
            3 => format!("{},{:03}", rng.range(1, 99), rng.below(1000)),
            4 => format!("{}", 1950 + rng.below(76)),
            _ => format!("${} billion", rng.range(1, 300)),
        }
    }

    fn person(&mut self) -> String {
        let v = self.vocab;
        format!(
            "{} {}",
            self.rng.pick(&v.first_names),
            self.rng.pick(&v.surnames)
        )
    }

    /// One sentence of `min..=max` words (collocations count as one).
    fn sentence(&mut self, min: usize, max: usize, comment: bool) {
        let quote = !comment && self.rng.chance(0.12);
        if quote {
            if !self.out.is_empty() && !self.out.ends_with(['\n', ' ']) {
                self.out.push(' ');
            }
            self.out.push('“');
        } else if !comment && self.rng.chance(0.1) {
            let place = self.rng.pick(&self.vocab.places).clone();
            self.push_word("in", true);
            self.push_word(&place, false);
            self.out.push(',');
        }
        let n = self.rng.range(min, max);
        let mut capital = !self.out.ends_with(',');
        for k in 0..n {
            let r = self.rng.unit();
            if r < 0.03 {
                let topic = self.topic();
                let phrase = *self.rng.pick(topic.phrases);
                self.push_word(phrase, capital);
            } else if r < 0.12 {
                let topic = self.topic();
                let w = topic.word(&mut self.rng);
                self.push_word(w, capital);
            } else if r < 0.14 && !comment {
                let place = self.rng.pick(&self.vocab.places).clone();
                self.push_word(&place, false);
            } else if r < 0.16 {
                let number = self.number();
                self.push_word(&number, false);
            } else if comment && r < 0.26 {
                let w = self.rng.pick(&self.vocab.comment_words).clone();
                self.push_word(&w, capital);
            } else {
                let w = self.vocab.word(&mut self.rng);
                self.push_word(w, capital);
            }
            capital = false;
            if k + 1 < n && self.rng.chance(0.07) {
                self.out.push(',');
            }
        }
        if quote {
            let person = self.person();
            self.out.push_str(",” said");
            self.push_word(&person, false);
            self.out.push('.');
        } else if comment && self.rng.chance(0.15) {
            self.out.push('!');
        } else if self.rng.chance(0.04) {
            self.out.push('?');
        } else {
            self.out.push('.');
        }
    }

    fn paragraph(&mut self, sentences: usize) {
        for _ in 0..sentences {
            self.sentence(5, 30, false);
        }
    }
}

/// Generates article `i` of the corpus `seed`.
pub fn article(seed: u64, i: u64) -> Generated {
    let vocab = vocab();
    let mut rng = Rng::for_article(seed, i);
    let day = FIRST_DAY + rng.below((LAST_DAY - FIRST_DAY + 1) as usize) as i64;
    let (year, month, dom) = civil_from_days(day);
    let publisher = PUBLISHERS[sample_cumulative(&mut rng, publisher_cumulative())];
    let main = &vocab.topics[rng.below(vocab.topics.len())];
    let second = &vocab.topics[rng.below(vocab.topics.len())];
    let hash = rng.next_u64();
    let crlf = rng.chance(0.02);
    let bom = rng.chance(0.005);
    let dated = !rng.chance(0.01);
    let copyright = rng.below(100);
    let paragraphs = 2 + rng.below(6) + rng.below(9); // 2..=15, mean 8
    let comments = if rng.chance(0.25) {
        0
    } else {
        (1 + (-rng.unit().max(1e-12).ln() * 6.0) as usize).min(40)
    };
    let trailing_newline = rng.chance(0.2);
    let notice = rng.below(NOTICES.len());
    let mut w = Writer {
        vocab,
        rng,
        out: String::with_capacity(4096),
        topics: [main, second],
    };
    if bom {
        w.out.push('\u{feff}');
    }
    if dated {
        w.out
            .push_str(&format!(" date {year:04}-{month:02}-{dom:02} "));
    }
    // The lede: one or two sentences.
    let lede = w.rng.range(1, 2);
    w.paragraph(lede);
    for _ in 1..paragraphs {
        w.out.push('\n');
        let sentences = w.rng.range(1, 3);
        w.paragraph(sentences);
    }
    w.out.push('\n');
    match copyright {
        0..=69 => w
            .out
            .push_str(&format!("© Copyright (c) {year} {publisher}\n")),
        70..=89 => w.out.push_str(&format!("© {year} {publisher}\n")),
        90..=93 => w.out.push_str(&format!(
            "Copyright {year} {publisher}. All rights reserved.\n"
        )),
        _ => {}
    }
    w.out.push_str("—-\n");
    w.out.push_str(NOTICES[notice]);
    w.out.push_str("\nJoin the discussion");
    for _ in 0..comments {
        w.out.push('\n');
        let start = w.out.len();
        let sentences = *w.rng.pick(&[1, 1, 1, 2, 2, 3]);
        for _ in 0..sentences {
            w.sentence(4, 22, true);
        }
        if w.rng.chance(0.05) {
            let lower = w.out[start..].to_lowercase();
            w.out.truncate(start);
            w.out.push_str(&lower);
        }
    }
    if trailing_newline {
        w.out.push('\n');
    }
    let text = if crlf {
        w.out.replace('\n', "\r\n")
    } else {
        w.out
    };
    Generated {
        rel_path: format!(
            "{}/{year:04}/{:03}_{hash:016x}.txt",
            slug(publisher),
            (i / 1000) % 1000
        ),
        bytes: text.into_bytes(),
    }
}

/// What [`write_corpus`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusStats {
    /// Article files.
    pub articles: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Writes articles `0..n` of corpus `seed` below `out`, on `threads` threads.
pub fn write_corpus(out: &Path, n: u64, seed: u64, threads: usize) -> io::Result<CorpusStats> {
    let threads = threads.max(1) as u64;
    let results: Vec<io::Result<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut made_dirs = HashSet::new();
                    let mut bytes = 0;
                    let mut i = t;
                    while i < n {
                        let g = article(seed, i);
                        let path = out.join(&g.rel_path);
                        if let Some(parent) = path.parent()
                            && !made_dirs.contains(parent)
                        {
                            fs::create_dir_all(parent)?;
                            made_dirs.insert(parent.to_path_buf());
                        }
                        fs::write(&path, &g.bytes)?;
                        bytes += g.bytes.len() as u64;
                        i += threads;
                    }
                    Ok(bytes)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread panicked"))
            .collect()
    });
    let mut bytes = 0;
    for r in results {
        bytes += r?;
    }
    Ok(CorpusStats { articles: n, bytes })
}

/// Folder of the benches' cached corpora and indexes:
/// `$NEWSIDX_BENCH_DIR`, else `newsidx-bench` in the cargo target folder.
pub fn bench_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEWSIDX_BENCH_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("newsidx-bench")
}

/// A generated corpus of `n` articles, made once and cached in
/// [`bench_dir`]; later calls reuse it.
pub fn cached_corpus(n: u64, seed: u64) -> io::Result<(PathBuf, CorpusStats)> {
    let dir = bench_dir().join(format!("corpus-v{GEN_VERSION}-s{seed}-n{n}"));
    let marker = dir.join(COMPLETE);
    if let Ok(text) = fs::read_to_string(&marker) {
        let mut parts = text.split_whitespace().map(str::parse::<u64>);
        if let (Some(Ok(articles)), Some(Ok(bytes))) = (parts.next(), parts.next()) {
            return Ok((dir, CorpusStats { articles, bytes }));
        }
    }
    let tmp = bench_dir().join(format!(
        "corpus-v{GEN_VERSION}-s{seed}-n{n}.tmp{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp)?;
    eprintln!("generating {n} articles into {} ...", dir.display());
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    let stats = write_corpus(&tmp, n, seed, threads)?;
    fs::write(
        tmp.join(COMPLETE),
        format!("{} {}\n", stats.articles, stats.bytes),
    )?;
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&tmp, &dir)?;
    eprintln!(
        "generated {} articles, {:.1} MB, in {:.1} s",
        stats.articles,
        stats.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok((dir, stats))
}
