//! Finding the article files of an archive folder.
//!
//! Every `*.txt` file below the root is an article file, whatever its name;
//! hidden files and folders (a leading `.`) are skipped, symbolic links are
//! followed and link loops reported. Nothing here reads file contents: the
//! walk yields paths with their size and modification time, which is all the
//! incremental indexer needs to decide what to read.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use walkdir::WalkDir;

/// One article file found by the walk.
///
/// The path to open is the root joined with the relative path, made when
/// the file is opened ([`FileEntry::abs`]): a walk of a million files
/// keeps one copy of each path, not two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The folder walked, shared by the entries of a walk.
    pub root: Arc<Path>,
    /// The path relative to the root, `/`-separated (lossily decoded when the
    /// name is not UTF-8).
    pub rel: String,
    /// The path to open, when it is not the root joined with `rel` (a name
    /// that is not UTF-8).
    pub exact: Option<Box<Path>>,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (negative before
    /// 1970; [`MTIME_UNKNOWN`] if unknown).
    pub mtime_ns: i64,
}

impl FileEntry {
    /// The entry of the file at `path` below `root`.
    pub fn new(root: &Arc<Path>, path: &Path, size: u64, mtime_ns: i64) -> FileEntry {
        // `rel` joined to the root gives the path back exactly when the
        // path lies below the root and its part below it is UTF-8: no path
        // need be joined to tell, on the walk of every file.
        let exact = path
            .strip_prefix(root)
            .ok()
            .and_then(Path::to_str)
            .is_none()
            .then(|| path.into());
        let rel = relative(root, path);
        FileEntry {
            root: Arc::clone(root),
            rel,
            exact,
            size,
            mtime_ns,
        }
    }

    /// The path to open.
    pub fn abs(&self) -> PathBuf {
        match &self.exact {
            Some(path) => path.to_path_buf(),
            None => self.root.join(&self.rel),
        }
    }
}

/// Something the walk could not look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    /// The path relative to the root (or the absolute path if outside it).
    pub rel: String,
    /// What went wrong.
    pub detail: String,
    /// Whether the entry vanished while the walk ran.
    pub vanished: bool,
}

/// Everything the walk found, in path order.
#[derive(Debug, Default)]
pub struct Walk {
    /// Article files.
    pub files: Vec<FileEntry>,
    /// Entries that could not be examined.
    pub problems: Vec<WalkProblem>,
}

/// Whether a file name is that of an article file (`*.txt`, any case).
pub fn is_article_name(name: &str) -> bool {
    name.len() > 4
        && name
            .get(name.len() - 4..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".txt"))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Walks `root`, which must be a folder.
///
/// The folders are listed in order on this thread; the files' metadata,
/// a `stat` each (the walk's own, which follows links, is not kept by
/// walkdir), is read on rayon's threads: an unchanged re-index of a large
/// archive is mostly this walk.
pub fn walk(root: &Path) -> Walk {
    let entries: Vec<walkdir::Result<walkdir::DirEntry>> = entries(root).collect();
    let root: Arc<Path> = Arc::from(root);
    let found: Vec<Found> = entries
        .into_par_iter()
        .map(|entry| examine(&root, entry))
        .collect();
    let mut out = Walk::default();
    for found in found {
        match found {
            Found::File(file) => out.files.push(file),
            Found::Problem(problem) => out.problems.push(problem),
        }
    }
    out
}

/// One item of a streaming walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// An article file.
    File(FileEntry),
    /// An entry that could not be examined.
    Problem(WalkProblem),
}

/// Walks `root` lazily, in the same order as [`walk`], holding only the
/// folders on the current path in memory: for passes over archives too large
/// to list at once (`newsidx export`).
pub fn walk_iter(root: &Path) -> impl Iterator<Item = Found> {
    let shared: Arc<Path> = Arc::from(root);
    entries(root).map(move |entry| examine(&shared, entry))
}

/// The article files below `root` and the entries that could not be
/// listed, in path order, without hidden ones.
fn entries(root: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
        .filter(|entry| match entry {
            Ok(entry) => is_article_entry(entry),
            // Reported as a problem.
            Err(_) => true,
        })
}

/// Whether a listed entry is an article file.
fn is_article_entry(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_file() && is_article_name(&entry.file_name().to_string_lossy())
}

/// An article file of [`entries`] with its metadata, or what went wrong.
fn examine(root: &Arc<Path>, entry: walkdir::Result<walkdir::DirEntry>) -> Found {
    match entry {
        Ok(entry) => match entry.metadata() {
            Ok(meta) => Found::File(FileEntry::new(
                root,
                entry.path(),
                meta.len(),
                mtime_ns(&meta),
            )),
            Err(e) => Found::Problem(WalkProblem {
                rel: relative(root, entry.path()),
                vanished: e
                    .io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound),
                detail: format!("cannot read metadata: {e}"),
            }),
        },
        Err(e) => {
            let rel = e.path().map_or_else(String::new, |p| relative(root, p));
            let detail = if e.loop_ancestor().is_some() {
                "symbolic link loop: not followed".to_string()
            } else {
                match e.io_error() {
                    Some(io) => format!("cannot list or open: {io}"),
                    None => e.to_string(),
                }
            };
            let vanished = e
                .io_error()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound);
            Found::Problem(WalkProblem {
                rel,
                detail,
                vanished,
            })
        }
    }
}

/// The modification time of a file whose time is unknown (the file system
/// keeps none, or it is out of range): such a file is always compared by
/// content.
pub const MTIME_UNKNOWN: i64 = i64::MIN;

/// Modification time in nanoseconds since the Unix epoch (negative before
/// 1970), [`MTIME_UNKNOWN`] when unknown.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(system_time_ns)
        .unwrap_or(MTIME_UNKNOWN)
}

/// A time in nanoseconds since the Unix epoch (negative before 1970), if
/// it fits an `i64` (years 1678 to 2261) and is not [`MTIME_UNKNOWN`].
pub(crate) fn system_time_ns(time: SystemTime) -> Option<i64> {
    let ns = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok()?,
        Err(before) => i64::try_from(before.duration().as_nanos())
            .ok()?
            .checked_neg()?,
    };
    (ns != MTIME_UNKNOWN).then_some(ns)
}

/// `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    #[cfg(unix)]
    fn the_path_to_open_is_the_walked_one_whatever_the_name() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join("a")).expect("mkdir");
        let plain = root.join("a/one.txt");
        let raw = root.join(std::ffi::OsStr::from_bytes(b"a/bad-\xff.txt"));
        fs::write(&plain, "x").expect("write");
        fs::write(&raw, "y").expect("write");
        let files = walk(root).files;
        assert_eq!(files.len(), 2);
        for file in &files {
            assert!(file.abs() == plain || file.abs() == raw, "{:?}", file.abs());
            assert!(fs::read(file.abs()).is_ok());
        }
        let bad = files
            .iter()
            .find(|f| f.rel.contains('\u{FFFD}'))
            .expect("lossy");
        assert_eq!(bad.abs(), raw);
        assert!(bad.exact.is_some());
        let good = files.iter().find(|f| f.rel == "a/one.txt").expect("plain");
        assert!(good.exact.is_none(), "a UTF-8 name keeps no second path");
    }

    #[test]
    fn finds_txt_files_and_skips_hidden_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join("a/b")).expect("mkdir");
        fs::create_dir_all(root.join(".hidden")).expect("mkdir");
        fs::write(root.join("a/b/one.txt"), "x").expect("write");
        fs::write(root.join("a/TWO.TXT"), "x").expect("write");
        fs::write(root.join("a/notes.md"), "x").expect("write");
        fs::write(root.join(".secret.txt"), "x").expect("write");
        fs::write(root.join(".hidden/three.txt"), "x").expect("write");
        fs::create_dir_all(root.join("folder.txt")).expect("mkdir");
        let walk = walk(root);
        let rels: Vec<&str> = walk.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, vec!["a/TWO.TXT", "a/b/one.txt"]);
        assert!(walk.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::create_dir_all(root.join("a")).expect("mkdir");
        fs::write(root.join("a/x.txt"), "x").expect("write");
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).expect("symlink");
        let walk = walk(root);
        assert_eq!(walk.files.len(), 1);
        assert_eq!(walk.problems.len(), 1);
        assert!(
            walk.problems[0].detail.contains("loop"),
            "{:?}",
            walk.problems
        );
    }

    #[test]
    fn files_come_in_path_order_folder_by_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rel in ["b/2.txt", "a/1.txt", "a/c/3.txt", "z.txt", "a/skip.md"] {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, "x").expect("write");
        }
        let rels: Vec<String> = walk(root).files.into_iter().map(|f| f.rel).collect();
        assert_eq!(rels, ["a/1.txt", "a/c/3.txt", "b/2.txt", "z.txt"]);
    }

    #[test]
    fn times_before_1970_are_negative_and_unknown_ones_marked() {
        use std::time::Duration;
        let second = Duration::from_secs(1);
        assert_eq!(system_time_ns(UNIX_EPOCH + second), Some(1_000_000_000));
        assert_eq!(system_time_ns(UNIX_EPOCH - second), Some(-1_000_000_000));
        assert_eq!(system_time_ns(UNIX_EPOCH), Some(0));
        // Out of the range of i64 nanoseconds (about 1677 to 2262).
        let far = Duration::from_secs(400 * 365 * 86_400);
        assert_eq!(system_time_ns(UNIX_EPOCH + far), None);
        assert_eq!(system_time_ns(UNIX_EPOCH - far), None);
    }

    #[test]
    fn article_names() {
        assert!(is_article_name("000_0649edb95e3e8da2.txt"));
        assert!(is_article_name("x.TxT"));
        assert!(!is_article_name(".txt"));
        assert!(!is_article_name("a.txt.gz"));
    }
}
