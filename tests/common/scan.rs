//! The oracle of the counts: what a plain scan of an archive folder finds,
//! worked out from the files with the format's rules written out again
//! here (docs/format.md), without newsidx's parser. Tests compare the
//! engine's counts with these rather than with literals, so a changed
//! corpus changes both sides.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What a scan of an archive folder finds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Visible `*.txt` files (no hidden file or folder on the way).
    pub files: u64,
    /// Files of nothing but white space.
    pub empty: u64,
    /// Files with a NUL byte.
    pub binary: u64,
    /// The other files: articles.
    pub articles: u64,
    /// Articles whose bytes are not valid UTF-8.
    pub repaired: u64,
    /// Articles whose first line holds a valid `date YYYY-MM-DD`.
    pub dated: u64,
    /// Articles without such a line.
    pub undated: u64,
    /// Dated articles per year.
    pub per_year: BTreeMap<i32, u64>,
    /// Non-blank lines after a `Join the discussion` line.
    pub comments: u64,
    /// Articles with at least one comment.
    pub with_comments: u64,
    /// Articles per copyright holder.
    pub sources: BTreeMap<String, u64>,
    /// Articles without a copyright line.
    pub unknown_source: u64,
}

/// Scans the archive folder `root`.
pub fn scan(root: &Path) -> Scan {
    let mut files = Vec::new();
    visible_txt_files(root, &mut files);
    let mut scan = Scan::default();
    for file in files {
        scan.files += 1;
        let bytes = fs::read(&file).expect("read an article file");
        let text = String::from_utf8_lossy(&bytes);
        if text.trim().is_empty() {
            scan.empty += 1;
        } else if bytes.contains(&0) {
            scan.binary += 1;
        } else {
            scan.article(&bytes, &text);
        }
    }
    scan
}

/// Every visible `*.txt` file below `dir`, sorted.
pub fn visible_txt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("read a folder")
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            visible_txt_files(&path, out);
        } else if name.to_lowercase().ends_with(".txt") {
            out.push(path);
        }
    }
}

impl Scan {
    fn article(&mut self, bytes: &[u8], text: &str) {
        self.articles += 1;
        self.repaired += u64::from(std::str::from_utf8(bytes).is_err());
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text.lines().collect();
        match year_of_date_line(lines[0]) {
            Some(year) => {
                self.dated += 1;
                *self.per_year.entry(year).or_default() += 1;
            }
            None => self.undated += 1,
        }
        let marker = lines
            .iter()
            .skip(1)
            .position(|l| l.trim().eq_ignore_ascii_case("join the discussion"))
            .map(|i| i + 1);
        let comments = marker.map_or(0, |m| {
            lines[m + 1..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .count() as u64
        });
        self.comments += comments;
        self.with_comments += u64::from(comments > 0);
        let before = &lines[..marker.unwrap_or(lines.len())];
        match holder(before) {
            Some(holder) => *self.sources.entry(holder).or_default() += 1,
            None => self.unknown_source += 1,
        }
    }
}

/// The year of an article file's date line, if it has one whose date
/// exists.
pub fn year_of_file(path: &Path) -> Option<i32> {
    let bytes = fs::read(path).expect("read an article file");
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    year_of_date_line(text.lines().next()?)
}

/// The year of a first line ` date YYYY-MM-DD ...` whose date exists.
fn year_of_date_line(line: &str) -> Option<i32> {
    let rest = line.trim_start();
    if !rest.get(..4)?.eq_ignore_ascii_case("date") {
        return None;
    }
    let after = &rest[4..];
    let date = after.trim_start();
    if date.len() == after.len() {
        return None;
    }
    let (day, tail) = (date.get(..10)?, &date[10..]);
    if !(tail.is_empty() || tail.starts_with(char::is_whitespace)) {
        return None;
    }
    let parts: Vec<&str> = day.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !digits(parts[0], 4) || !digits(parts[1], 2) || !digits(parts[2], 2) {
        return None;
    }
    let year: i32 = parts[0].parse().ok()?;
    let month = time::Month::try_from(parts[1].parse::<u8>().ok()?).ok()?;
    let day: u8 = parts[2].parse().ok()?;
    (year >= 1)
        .then(|| time::Date::from_calendar_date(year, month, day).ok())
        .flatten()
        .map(|_| year)
}

/// The holder of the copyright line among the lines before the comments:
/// the last non-blank line before the last separator line (2 to 4 dashes),
/// or without one the last non-blank line, when it starts with ©, (c) or
/// Copyright and has a four-digit year followed by a name.
fn holder(lines: &[&str]) -> Option<String> {
    let is_separator = |l: &&str| {
        let l = l.trim();
        (2..=4).contains(&l.chars().count()) && l.chars().all(|c| "—–-".contains(c))
    };
    let end = lines
        .iter()
        .skip(1)
        .rposition(is_separator)
        .map_or(lines.len(), |i| i + 1);
    let last = lines[..end].iter().rev().find(|l| !l.trim().is_empty())?;
    let lower = last.trim().to_lowercase();
    if !["©", "(c)", "copyright"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return None;
    }
    let line = last.trim();
    let year_at = (0..line.len()).find(|&i| {
        line.as_bytes()[i..].len() >= 4 && line.as_bytes()[i..i + 4].iter().all(u8::is_ascii_digit)
    })?;
    let mut rest = &line[year_at + 4..];
    // A range of years: `2001-2018`.
    if let Some(r) = rest.strip_prefix(['-', '–', '—'])
        && r.len() >= 4
        && r.as_bytes()[..4].iter().all(u8::is_ascii_digit)
    {
        rest = &r[4..];
    }
    let mut holder = rest.trim_start_matches(|c: char| c.is_whitespace() || ",.;:".contains(c));
    for suffix in ["all rights reserved.", "all rights reserved"] {
        if holder.to_lowercase().ends_with(suffix) {
            holder = &holder[..holder.len() - suffix.len()];
        }
    }
    let holder = holder.trim_end().trim_end_matches([',', ';']).trim_end();
    (!holder.is_empty()).then(|| holder.to_string())
}

/// The year of the valid date line and the copyright holder of one article
/// file, read as [`scan`] reads them (`None` for a file that is no article).
pub fn article_facts(path: &Path) -> Option<(Option<i32>, Option<String>)> {
    let bytes = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    if text.trim().is_empty() || bytes.contains(&0) {
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let lines: Vec<&str> = text.lines().collect();
    let year = year_of_date_line(lines[0]);
    let marker = lines
        .iter()
        .skip(1)
        .position(|l| l.trim().eq_ignore_ascii_case("join the discussion"))
        .map(|i| i + 1);
    Some((year, holder(&lines[..marker.unwrap_or(lines.len())])))
}
