//! Crash safety (issue 6, item 2): the `newsidx` binary killed with SIGKILL
//! at pseudo-random moments, and stopped with SIGINT, must leave an index
//! that opens, holds a committed state (no duplicates, nothing that is not
//! in the archive, whole batches only), and that a rerun completes.
//!
//! `NEWSIDX_CRASH_TRIALS` (default 8) sets the number of kills,
//! `NEWSIDX_CRASH_FILES` (default 2000) the size of the generated archive,
//! `NEWSIDX_CRASH_SEED` the seed of the kill moments.

#![cfg(unix)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{GenArticle, Rng, Spec};
use newsidx::{Error, Index};

const BIN: &str = env!("CARGO_BIN_EXE_newsidx");

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `newsidx index ROOT --index IDX` with the given extra flags.
fn index_command(root: &Path, idx: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("index")
        .arg(root)
        .arg("--index")
        .arg(idx)
        .args(["--threads", "2", "--memory", "64"])
        .args(extra)
        .stdin(Stdio::null());
    command
}

/// Flags that make the binary commit as often as it can, if it has them:
/// kills then land in commits more often, and killed runs leave partial
/// states. (`--commit-every SECS`, 0 = after every batch of files.)
fn commit_often() -> Vec<&'static str> {
    let help = Command::new(BIN)
        .args(["index", "--help"])
        .output()
        .expect("newsidx index --help");
    if String::from_utf8_lossy(&help.stdout).contains("--commit-every") {
        vec!["--commit-every", "0"]
    } else {
        Vec::new()
    }
}

/// The generated archive and what it holds.
struct Corpus {
    spec: Spec,
    articles: Vec<GenArticle>,
}

impl Corpus {
    fn new(root: &Path, count: usize) -> Corpus {
        let spec = Spec {
            seed: 42,
            folders: 10,
            max_comments: 3,
        };
        let articles = common::generate(root, &spec, 0..count);
        Corpus { spec, articles }
    }

    fn grow(&mut self, root: &Path, more: usize) {
        let start = self.articles.len();
        let new = common::generate(root, &self.spec, start..start + more);
        self.articles.extend(new);
    }

    /// Relative paths in the order of the walk (sorted).
    fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.articles.iter().map(|a| a.rel.clone()).collect();
        paths.sort();
        paths
    }

    fn by_path(&self) -> HashMap<&str, &GenArticle> {
        self.articles.iter().map(|a| (a.rel.as_str(), a)).collect()
    }
}

/// The paths the index holds, after checking that it opens, that no path
/// has two documents, that every document belongs to the archive and is
/// whole (its headline and id are the article's). `None` when no index was
/// ever created.
fn committed_paths(idx: &Path, corpus: &Corpus) -> Option<BTreeSet<String>> {
    let archive = match Index::open(idx) {
        Ok(archive) => archive,
        Err(Error::IndexNotFound { .. }) => return None,
        Err(e) => panic!("the index does not open after a crash: {e}"),
    };
    let hits = common::all_hits(&archive);
    let stats = archive
        .searcher()
        .expect("searcher")
        .stats()
        .expect("stats after a crash");
    assert_eq!(stats.documents as usize, hits.len());
    let by_path = corpus.by_path();
    let mut paths = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for hit in &hits {
        let article = by_path
            .get(hit.path.as_str())
            .unwrap_or_else(|| panic!("{} is not in the archive", hit.path));
        assert_eq!(hit.id, article.id);
        assert_eq!(hit.headline, article.headline, "{}", hit.path);
        assert!(
            paths.insert(hit.path.clone()),
            "two documents for {}",
            hit.path
        );
        assert!(
            ids.insert(hit.id.clone()),
            "two documents with id {}",
            hit.id
        );
    }
    Some(paths)
}

/// Checks that `now` is a state the indexer may commit, given the state
/// `before` the run and the archive's paths in walk order: `before` plus a
/// prefix of the files to index (the indexer works through them in order,
/// whole batches per commit); after a rebuild, a prefix of the archive.
fn assert_committed_state(
    before: &BTreeSet<String>,
    now: &BTreeSet<String>,
    archive_paths: &[String],
    rebuild: bool,
) {
    if now == before {
        return;
    }
    if rebuild {
        // A rebuild is published whole or not at all (issue 10, item 5).
        let all: BTreeSet<String> = archive_paths.iter().cloned().collect();
        assert!(
            *now == all,
            "a rebuild published {} of {} documents",
            now.len(),
            all.len()
        );
        return;
    }
    let work: Vec<&String> = if rebuild {
        archive_paths.iter().collect()
    } else {
        assert!(
            now.is_superset(before),
            "an additive run lost documents: {:?}",
            before.difference(now).take(5).collect::<Vec<_>>()
        );
        archive_paths
            .iter()
            .filter(|p| !before.contains(*p))
            .collect()
    };
    let added: BTreeSet<&String> = if rebuild {
        now.iter().collect()
    } else {
        now.difference(before).collect()
    };
    let prefix: BTreeSet<&String> = work.iter().take(added.len()).copied().collect();
    assert_eq!(
        added,
        prefix,
        "the documents added are not the first {} files to index",
        added.len()
    );
}

/// Runs the binary to completion and returns its status and output.
fn run_to_end(root: &Path, idx: &Path, extra: &[&str]) -> (ExitStatus, String, String) {
    let out = index_command(root, idx, extra)
        .output()
        .expect("run newsidx");
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_complete(idx: &Path, corpus: &Corpus) {
    let paths = committed_paths(idx, corpus).expect("an index after a full run");
    let expected: BTreeSet<String> = corpus.paths().into_iter().collect();
    assert_eq!(paths.len(), expected.len());
    assert!(
        paths == expected,
        "the rerun must index exactly the archive"
    );
}

#[test]
fn sigkill_at_random_moments_leaves_a_committed_state() {
    let trials = env_or("NEWSIDX_CRASH_TRIALS", 8) as usize;
    let files = env_or("NEWSIDX_CRASH_FILES", 2000) as usize;
    let mut rng = Rng::new(env_or("NEWSIDX_CRASH_SEED", 0xC0FFEE));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let mut corpus = Corpus::new(&root, files);

    // Calibration: how long a full run takes here (debug or release).
    let started = Instant::now();
    let (status, stdout, stderr) = run_to_end(&root, &tmp.path().join("calibration"), &[]);
    let full_run = started.elapsed();
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert_complete(&tmp.path().join("calibration"), &corpus);
    eprintln!("a full run of {files} files takes {full_run:?}");

    let idx = tmp.path().join("index");
    let mut state = BTreeSet::new();
    let (mut killed, mut finished) = (0, 0);
    for trial in 0..trials {
        // Even trials add new files to the archive; odd ones first complete
        // the index, then rebuild it: a rebuild that is killed must leave
        // the complete old state (or a committed part of the new one).
        let rebuild = trial % 2 == 1;
        if !rebuild && trial > 0 {
            corpus.grow(&root, files / 4);
        }
        if rebuild {
            let (status, stdout, stderr) = run_to_end(&root, &idx, &[]);
            assert!(status.success(), "{status}\n{stdout}\n{stderr}");
            assert_complete(&idx, &corpus);
            state = corpus.paths().into_iter().collect();
        }
        let mut extra = commit_often();
        if rebuild {
            extra.push("--rebuild");
        }
        // The kill moment: after a random share (0 to 130%) of the bytes
        // this run must read; past 100%, a random while after the last read,
        // in the last batch, the commit or the merges.
        let work_bytes: u64 = corpus
            .articles
            .iter()
            .filter(|a| rebuild || !state.contains(&a.rel))
            .map(|a| a.text.len() as u64)
            .sum();
        let per_mille = rng.below(1300);
        let after_reads = rng.below(full_run.as_millis() as u64 / 3 + 1);
        let mut child: Child = index_command(&root, &idx, &extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn newsidx");
        let moment = if per_mille < 1000 {
            wait_for_reads(
                &mut child,
                work_bytes * per_mille / 1000,
                work_bytes,
                full_run,
            );
            format!("{}% of the reads", per_mille / 10)
        } else {
            wait_for_reads(&mut child, work_bytes, work_bytes, full_run);
            thread::sleep(Duration::from_millis(after_reads));
            format!("{after_reads} ms after the last read")
        };
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if status.signal() == Some(libc::SIGKILL) {
            killed += 1;
        } else {
            assert!(status.success(), "trial {trial}: {status}");
            finished += 1;
        }
        eprintln!(
            "trial {trial} ({}): {} at {moment}",
            if rebuild { "rebuild" } else { "incremental" },
            if status.success() {
                "finished before the kill"
            } else {
                "killed"
            },
        );
        let archive_paths = corpus.paths();
        match committed_paths(&idx, &corpus) {
            Some(now) => {
                assert_committed_state(&state, &now, &archive_paths, rebuild);
                eprintln!(
                    "  the index holds {} of {} articles",
                    now.len(),
                    archive_paths.len()
                );
                state = now;
            }
            None => assert!(
                state.is_empty() && !idx.join("meta.json").exists(),
                "trial {trial}: the index vanished"
            ),
        }
    }
    eprintln!("{killed} runs killed, {finished} finished before the kill");

    // A rerun completes the index: exactly the archive, once each.
    let (status, stdout, stderr) = run_to_end(&root, &idx, &["--json"]);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["documents"], corpus.articles.len());
    assert_eq!(report["interrupted"], false);
    assert_complete(&idx, &corpus);
    // And the library agrees that nothing is left to do.
    let archive = Index::open(&idx).unwrap();
    let again = archive
        .index_dir(&root, &common::options(2))
        .expect("library rerun");
    assert_eq!(
        (again.added, again.updated, again.deleted),
        (0, 0, 0),
        "{again:#?}"
    );
    assert_eq!(again.unchanged as usize, corpus.articles.len());
}

/// Bytes process `pid` has read with read(2) and the like (`rchar` of
/// `/proc/PID/io`): the indexer reads every article file this way, so this
/// tells how far a run has got, whatever the speed of the machine.
fn bytes_read_by(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("rchar:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Waits until the child has read `target` of the `work` bytes of its run,
/// or has exited. Where `/proc/PID/io` cannot be read, waits the same share
/// of `full_run` instead.
fn wait_for_reads(child: &mut Child, target: u64, work: u64, full_run: Duration) {
    if bytes_read_by(child.id()).is_none() {
        thread::sleep(full_run.mul_f64(target as f64 / work.max(1) as f64));
        return;
    }
    while child.try_wait().expect("try_wait").is_none() {
        if bytes_read_by(child.id()).is_some_and(|n| n >= target) {
            return;
        }
        thread::sleep(Duration::from_micros(200));
    }
}

/// Whether process `pid` catches SIGINT (its handler is installed).
fn catches_sigint(pid: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
}

/// Waits until the child has installed its Ctrl-C handler; false if it
/// exited first.
fn wait_for_handler(child: &mut Child) -> bool {
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            return false;
        }
        if catches_sigint(child.id()) {
            return true;
        }
        thread::sleep(Duration::from_millis(1));
    }
}

fn sigint(child: &Child) {
    // SAFETY: sending a signal to our own child process.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0, "kill(SIGINT)");
}

#[test]
fn sigint_commits_the_work_done_and_exits_130() {
    let files = env_or("NEWSIDX_CRASH_FILES", 2000) as usize;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let corpus = Corpus::new(&root, files);
    let idx = tmp.path().join("index");

    let mut child = index_command(&root, &idx, &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsidx");
    assert!(
        wait_for_handler(&mut child),
        "newsidx exited before it installed its Ctrl-C handler"
    );
    // Stop it about half way through the reads.
    let bytes: u64 = corpus.articles.iter().map(|a| a.text.len() as u64).sum();
    wait_for_reads(&mut child, bytes / 2, bytes, Duration::from_secs(2));
    sigint(&child);
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(130),
        "exit status {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert!(
        stderr.contains("interrupted") && stderr.contains("committed"),
        "stderr must say the run stopped and what was kept:\n{stderr}"
    );
    let now = committed_paths(&idx, &corpus).expect("the index exists");
    assert_committed_state(&BTreeSet::new(), &now, &corpus.paths(), false);
    assert!(now.len() < files, "the run was interrupted");
    eprintln!("SIGINT: {} of {files} files committed", now.len());

    // A rerun finishes the work.
    let (status, stdout, stderr) = run_to_end(&root, &idx, &[]);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert_complete(&idx, &corpus);
}

#[test]
fn sigint_abandons_a_rebuild_and_keeps_the_old_index() {
    let files = env_or("NEWSIDX_CRASH_FILES", 2000) as usize;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let corpus = Corpus::new(&root, files);
    let idx = tmp.path().join("index");
    let (status, stdout, stderr) = run_to_end(&root, &idx, &[]);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    let old = committed_paths(&idx, &corpus).expect("the index exists");
    assert_eq!(old.len(), files);

    let mut extra = commit_often();
    extra.push("--rebuild");
    let mut child = index_command(&root, &idx, &extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsidx");
    assert!(wait_for_handler(&mut child), "newsidx exited too early");
    // Stop it about half way through the reads, after several batches.
    let bytes: u64 = corpus.articles.iter().map(|a| a.text.len() as u64).sum();
    wait_for_reads(&mut child, bytes / 2, bytes, Duration::from_secs(2));
    sigint(&child);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{}\n{stderr}", out.status);
    assert!(
        stderr.contains("rebuild was abandoned") && stderr.contains("as it was"),
        "stderr must say the old index is kept:\n{stderr}"
    );
    assert_eq!(
        committed_paths(&idx, &corpus).expect("the index exists"),
        old,
        "an interrupted rebuild must leave the old index whole"
    );
}

#[test]
fn a_second_sigint_quits_at_once_and_leaves_the_last_commit() {
    let files = env_or("NEWSIDX_CRASH_FILES", 2000) as usize;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let corpus = Corpus::new(&root, files);
    let idx = tmp.path().join("index");

    let mut child = index_command(&root, &idx, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsidx");
    assert!(wait_for_handler(&mut child), "newsidx exited too early");
    // Read stderr in a thread, to know when the first SIGINT was handled.
    let stderr = child.stderr.take().expect("stderr");
    let (line_tx, lines) = mpsc::channel();
    let reader = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = line_tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    sigint(&child);
    let mut stopping = false;
    for line in lines.iter() {
        if line.contains("stopping") {
            stopping = true;
            break;
        }
    }
    assert!(stopping, "the first Ctrl-C must be acknowledged");
    if child.try_wait().expect("try_wait").is_none() {
        // A second signal while the work is committed: may land before,
        // during or after the commit.
        // SAFETY: sending a signal to our own child process.
        let _ = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    }
    let status = child.wait().expect("wait");
    let stderr = reader.join().expect("stderr reader");
    assert_eq!(status.code(), Some(130), "{status}\n{stderr}");
    if let Some(now) = committed_paths(&idx, &corpus) {
        assert_committed_state(&BTreeSet::new(), &now, &corpus.paths(), false);
    }
    let (status, stdout, stderr) = run_to_end(&root, &idx, &[]);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert_complete(&idx, &corpus);
}

#[test]
fn an_index_whose_creation_was_cut_short_opens_as_empty() {
    // What `Index::create` leaves when killed between tantivy's creation
    // of the index and newsidx's first commit: an index of the newsidx
    // schema without a newsidx record.
    let tmp = tempfile::tempdir().unwrap();
    // The newsidx schema, as tantivy reads it from a newsidx index.
    let schema = {
        Index::create(tmp.path().join("model")).unwrap();
        tantivy::Index::open_in_dir(tmp.path().join("model"))
            .unwrap()
            .schema()
    };
    let idx = tmp.path().join("index");
    std::fs::create_dir_all(&idx).unwrap();
    tantivy::Index::create_in_dir(&idx, schema.clone()).unwrap();
    let archive = Index::open_or_create(&idx).expect("a half-created index must open");
    assert_eq!(
        archive
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        0
    );
    let root = tmp.path().join("archive");
    let corpus = Corpus::new(&root, 10);
    let report = archive
        .index_dir(&root, &common::options(1))
        .expect("index");
    assert_eq!(report.documents, 10);
    drop(archive);
    assert_complete(&idx, &corpus);
    // Through the binary as well.
    let idx2 = tmp.path().join("index2");
    std::fs::create_dir_all(&idx2).unwrap();
    tantivy::Index::create_in_dir(&idx2, schema).unwrap();
    let (status, stdout, stderr) = run_to_end(&root, &idx2, &[]);
    assert!(status.success(), "{status}\n{stdout}\n{stderr}");
    assert_complete(&idx2, &corpus);
}
