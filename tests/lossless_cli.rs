//! The incremental indexer never loses or duplicates an article (issue 10),
//! through the `newsidx` binary: folders and files this user cannot read,
//! an index it may not read, too few file descriptors, a full disk, a
//! folder holding another program's `meta.json`, and the refusals that a
//! flag confirms.
//!
//! Permission bits do not stop root, so when the tests run as root the
//! binary runs as user 65534 (`setpriv`), in a folder that user owns; where
//! that is not possible the test says so and skips. The full-disk test
//! mounts a small tmpfs, and skips when it may not.

#![cfg(unix)]

mod common;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_newsidx");
/// The user the binary runs as when the tests run as root.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Gives every file and folder below `path` to `uid`.
fn chown_all(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).expect("chown");
    if path.is_dir() {
        for entry in fs::read_dir(path).expect("read folder") {
            chown_all(&entry.expect("entry").path(), uid);
        }
    }
}

/// A folder with an archive and room for an index, where the binary runs
/// as a user whom file permissions stop.
struct Sandbox {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    root: PathBuf,
    idx: PathBuf,
}

impl Sandbox {
    /// `count` generated articles in `folders` folders; `None` (and a
    /// message) where permissions cannot be made to apply.
    fn new(count: usize, folders: usize) -> Option<Sandbox> {
        if is_root() {
            let probe = Command::new("setpriv")
                .args([
                    "--reuid=65534",
                    "--regid=65534",
                    "--clear-groups",
                    BIN,
                    "--version",
                ])
                .output();
            if !probe.is_ok_and(|o| o.status.success()) {
                eprintln!(
                    "skipped: running as root without a working `setpriv` to drop privileges"
                );
                return None;
            }
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        chmod(&dir, 0o755);
        let root = dir.join("archive");
        let spec = common::Spec {
            folders,
            ..common::Spec::default()
        };
        common::generate(&root, &spec, 0..count);
        common::backdate(&root, Duration::from_secs(86_400));
        let idx = dir.join("index");
        if is_root() {
            chown_all(&dir, NOBODY);
        }
        Some(Sandbox {
            _tmp: tmp,
            dir,
            root,
            idx,
        })
    }

    /// `newsidx ARGS`, as the unprivileged user.
    fn newsidx(&self, args: &[&OsStr]) -> Output {
        let mut command = if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
            c
        } else {
            Command::new(BIN)
        };
        command
            .args(args)
            .current_dir(&self.dir)
            .env_remove("NEWSIDX_INDEX")
            .stdin(Stdio::null())
            .output()
            .expect("run newsidx")
    }

    /// `newsidx index ARCHIVE --index INDEX --json EXTRA`; the report.
    fn index(&self, extra: &[&str]) -> (Option<i32>, Value, String) {
        let mut args: Vec<&OsStr> = vec![
            "index".as_ref(),
            self.root.as_os_str(),
            "--index".as_ref(),
            self.idx.as_os_str(),
            "--json".as_ref(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        let out = self.newsidx(&args);
        let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), report, text(&out.stderr))
    }

    /// `newsidx search QUERY --index INDEX --json`.
    fn search(&self, query: &str) -> Output {
        self.newsidx(&[
            "search".as_ref(),
            query.as_ref(),
            "--index".as_ref(),
            self.idx.as_os_str(),
            "--json".as_ref(),
        ])
    }
}

// ---------------------------------------------------------------------------
// Item 1: a folder that cannot be listed.

#[test]
fn an_unreadable_folder_keeps_its_articles() {
    let Some(sandbox) = Sandbox::new(40, 4) else {
        return;
    };
    let (code, first, stderr) = sandbox.index(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(first["documents"], 40);
    let folder = sandbox.root.join("p01");
    chmod(&folder, 0o000);
    let (code, report, stderr) = sandbox.index(&[]);
    chmod(&folder, 0o755);
    assert_eq!(
        code,
        Some(1),
        "unreadable entries make the run incomplete: {stderr}"
    );
    assert_eq!(report["documents"], 40, "{report:#}");
    assert_eq!(report["deleted"], 0, "{report:#}");
    assert_eq!(report["kept"], 10, "{report:#}");
    for kept in report["kept_files"].as_array().unwrap() {
        assert!(kept["path"].as_str().unwrap().starts_with("p01/"), "{kept}");
        assert_eq!(kept["reason"], "folder_unreadable");
    }
    let skipped = report["skipped_files"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{report:#}");
    assert_eq!(skipped[0]["path"], "p01");
    assert!(
        skipped[0]["detail"]
            .as_str()
            .unwrap()
            .contains("ermission denied")
    );
    // Readable again: nothing to do.
    let (code, report, stderr) = sandbox.index(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        (report["unchanged"].as_u64(), report["kept"].as_u64()),
        (Some(40), Some(0))
    );
}

// ---------------------------------------------------------------------------
// Item 7: a file that cannot be read keeps its last good version.

#[test]
fn an_unreadable_file_keeps_its_last_version_and_is_reported() {
    let Some(sandbox) = Sandbox::new(10, 2) else {
        return;
    };
    let (code, _, stderr) = sandbox.index(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    let spec = common::Spec {
        folders: 2,
        ..common::Spec::default()
    };
    let article = common::article(&spec, 4);
    let file = sandbox.root.join(&article.rel);
    let edited = article.text.replace(&common::marker(4), "xqzzzzz");
    fs::write(&file, edited).unwrap();
    chmod(&file, 0o000);
    let (code, report, stderr) = sandbox.index(&["--verbose"]);
    chmod(&file, 0o644);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["kept"], 1, "{report:#}");
    let kept = &report["kept_files"][0];
    assert_eq!(
        (kept["path"].as_str(), kept["reason"].as_str()),
        (Some(&*article.rel), Some("unreadable"))
    );
    assert!(
        kept["detail"]
            .as_str()
            .unwrap()
            .contains("ermission denied"),
        "{kept}"
    );
    assert_eq!(
        (report["documents"].as_u64(), report["deleted"].as_u64()),
        (Some(10), Some(0))
    );
    // The last good version is what a search finds.
    let hits: Value = serde_json::from_slice(&sandbox.search(&common::marker(4)).stdout).unwrap();
    assert_eq!(hits["total"], 1);
    // The text report names it.
    let out = sandbox.newsidx(&[
        "index".as_ref(),
        sandbox.root.as_os_str(),
        "--index".as_ref(),
        sandbox.idx.as_os_str(),
        "--verbose".as_ref(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "readable again: {}",
        text(&out.stderr)
    );
    let hits: Value = serde_json::from_slice(&sandbox.search("xqzzzzz").stdout).unwrap();
    assert_eq!(
        hits["total"], 1,
        "the edit is indexed once the file is readable"
    );
}

// ---------------------------------------------------------------------------
// Item 4: I/O errors are not damage.

/// The names and bytes of the files of an index folder.
fn index_files(idx: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(idx)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).unwrap_or_default();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
            )
        })
        .filter(|(name, _)| !name.ends_with(".lock"))
        .collect();
    files.sort();
    files
}

#[test]
fn permission_problems_are_not_damage_and_a_rebuild_deletes_nothing() {
    let Some(sandbox) = Sandbox::new(30, 2) else {
        return;
    };
    let (code, _, stderr) = sandbox.index(&[]);
    assert_eq!(code, Some(0), "{stderr}");
    let store = fs::read_dir(&sandbox.idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .expect("a .store file");
    for locked in [store, sandbox.idx.join("meta.json")] {
        let before = index_files(&sandbox.idx);
        chmod(&locked, 0o000);
        let name = locked.file_name().unwrap().to_string_lossy().into_owned();
        let out = sandbox.search("*");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{name}: {stderr}");
        assert!(
            stderr.contains("permission denied on") && stderr.contains(&name),
            "{stderr}"
        );
        assert!(
            !stderr.contains("is damaged") && !stderr.contains("--rebuild"),
            "{stderr}"
        );
        assert_eq!(stderr.matches("os error").count(), 1, "said once: {stderr}");
        // The advised command of a damaged index must not run over it.
        let (code, _, stderr) = sandbox.index(&["--rebuild"]);
        assert_eq!(code, Some(4), "{name}: {stderr}");
        assert!(stderr.contains("permission denied"), "{stderr}");
        chmod(&locked, 0o644);
        assert_eq!(
            index_files(&sandbox.idx),
            before,
            "{name}: the index was changed"
        );
        let out = sandbox.search("*");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

#[test]
fn too_many_open_files_is_not_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    common::generate(&root, &common::Spec::default(), 0..60);
    let idx = tmp.path().join("index");
    // Several commits: several segments, more files to open.
    for part in 0..3 {
        common::generate(
            &root,
            &common::Spec::default(),
            60 + part * 10..70 + part * 10,
        );
        let out = Command::new(BIN)
            .arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&idx)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut emfile = 0;
    for limit in 4..40u64 {
        let mut command = Command::new(BIN);
        command.args(["search", "*", "--json", "--index"]).arg(&idx);
        // SAFETY: setrlimit is async-signal-safe; nothing else runs in the
        // child between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let rlimit = libc::rlimit {
                    rlim_cur: limit,
                    rlim_max: limit,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        let out = command.output().unwrap();
        let stderr = text(&out.stderr);
        match out.status.code() {
            Some(0) => break,
            // Too few descriptors to start the program at all.
            Some(127) => continue,
            Some(4) if stderr.contains("too many open files") => {
                assert!(
                    !stderr.contains("is damaged") && !stderr.contains("rebuild"),
                    "{stderr}"
                );
                emfile += 1;
            }
            other => panic!("with {limit} descriptors: {other:?}\n{stderr}"),
        }
    }
    assert!(
        emfile > 0,
        "no descriptor limit made opening the index fail"
    );
}

// ---------------------------------------------------------------------------
// Item 10: another program's meta.json.

#[test]
fn a_foreign_meta_json_gets_advice_that_leads_somewhere() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    common::generate(&root, &common::Spec::default(), 0..5);
    let folder = tmp.path().join("photos");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("meta.json"),
        r#"{"album": "ferry trip", "photos": 12}"#,
    )
    .unwrap();
    fs::write(folder.join("img_1.jpg"), [0xff, 0xd8, 0xff]).unwrap();
    for extra in [None, Some("--rebuild")] {
        let out = Command::new(BIN)
            .arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&folder)
            .args(extra)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{extra:?}: {stderr}");
        assert!(stderr.contains("another program"), "{stderr}");
        assert!(stderr.contains("pass --index with"), "{stderr}");
        assert!(stderr.contains("remove its files yourself"), "{stderr}");
        assert!(
            !stderr.contains("damaged") && !stderr.contains("rebuild it"),
            "{stderr}"
        );
    }
    assert_eq!(
        fs::read_to_string(folder.join("meta.json")).unwrap(),
        r#"{"album": "ferry trip", "photos": 12}"#
    );
    let names: Vec<String> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "nothing was written: {names:?}");
}

// ---------------------------------------------------------------------------
// Items 3, 9, 10: refusals and notes through the binary.

fn run(args: &[&OsStr]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn refused_runs_name_the_flag_that_confirms_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    let spec = common::Spec {
        folders: 1,
        ..common::Spec::default()
    };
    common::generate(&root, &spec, 0..30);
    let idx = tmp.path().join("index");
    let index = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            "index".as_ref(),
            root.as_os_str(),
            "--index".as_ref(),
            idx.as_os_str(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        run(&args)
    };
    assert!(index(&[]).status.success());
    // Another source mode.
    let out = index(&["--source-from", "folder"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--rebuild") && stderr.contains("--source-from copyright"),
        "{stderr}"
    );
    // An emptied archive folder.
    fs::rename(root.join("p00"), tmp.path().join("away")).unwrap();
    let out = index(&[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("would delete all 30 documents"), "{stderr}");
    assert!(stderr.contains("--max-delete 100"), "{stderr}");
    let out = index(&["--max-delete", "100", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["deleted"].as_u64(), report["documents"].as_u64()),
        (Some(30), Some(0))
    );
    // Threads beyond what helps: a note on stderr.
    fs::rename(tmp.path().join("away"), root.join("p00")).unwrap();
    let out = index(&["--threads", "1000"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("newsidx: note: 1000 indexing threads asked for"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------
// The fault-injection matrix's full disk, on a real (small) file system.

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(path).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(path.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_reported_and_the_last_commit_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&tmp.path().join("disk"), "2m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        return;
    };
    let root = tmp.path().join("archive");
    let spec = common::Spec::default();
    common::generate(&root, &spec, 0..20);
    let idx = disk.0.join("index");
    let index = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            "index".as_ref(),
            root.as_os_str(),
            "--index".as_ref(),
            idx.as_os_str(),
            "--memory".as_ref(),
            "64".as_ref(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        run(&args)
    };
    let out = index(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Far more than 2 MB of index.
    common::generate(&root, &spec, 20..3000);
    let out = index(&[]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("is full"), "{stderr}");
    assert!(
        !stderr.contains("damaged") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let stats = run(&[
        "stats".as_ref(),
        "--index".as_ref(),
        idx.as_os_str(),
        "--json".as_ref(),
    ]);
    assert!(stats.status.success(), "{}", text(&stats.stderr));
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["documents"], 20, "the last commit stays");
    // With room again, the next run ends where a fresh index starts.
    disk.resize("256m");
    let out = index(&["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let archive = newsidx::Index::open(&idx).unwrap();
    let fresh_dir = tmp.path().join("fresh");
    let fresh = newsidx::Index::create(&fresh_dir).unwrap();
    fresh.index_dir(&root, &common::options(2)).unwrap();
    let key = |a: &newsidx::Index| -> Vec<(String, String, Option<String>, Option<String>)> {
        common::all_hits(a)
            .into_iter()
            .map(|h| (h.path, h.id, h.source, h.date))
            .collect()
    };
    assert_eq!(key(&archive), key(&fresh));
    assert_eq!(key(&archive).len(), 3000);
}

// ---------------------------------------------------------------------------
// Item 3 through the binary: an index built with another text analysis.

#[test]
fn an_index_of_another_analysis_asks_for_the_rebuild_that_repairs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("archive");
    common::generate(&root, &common::Spec::default(), 0..12);
    let idx = tmp.path().join("index");
    let index = |extra: &[&str]| {
        let mut args: Vec<&OsStr> = vec![
            "index".as_ref(),
            root.as_os_str(),
            "--index".as_ref(),
            idx.as_os_str(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        run(&args)
    };
    assert!(index(&[]).status.success());
    // As if written by a newsidx with another stemmer version.
    let tantivy_index = tantivy::Index::open_in_dir(&idx).unwrap();
    let mut record: Value =
        serde_json::from_str(&tantivy_index.load_metas().unwrap().payload.unwrap()).unwrap();
    let current = record["analysis"].as_str().unwrap().to_string();
    record["analysis"] = current.replacen("frostem 1.", "frostem 0.", 1).into();
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> = tantivy_index
        .writer_with_num_threads(1, 15_000_000)
        .unwrap();
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(&record.to_string());
    commit.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    drop(tantivy_index);

    let search = || {
        run(&[
            "search".as_ref(),
            "*".as_ref(),
            "--index".as_ref(),
            idx.as_os_str(),
        ])
    };
    let out = search();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("another text analysis"), "{stderr}");
    assert!(
        stderr.contains("--rebuild"),
        "the hint names the flag: {stderr}"
    );
    let out = index(&[]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "an update is refused too: {}",
        text(&out.stderr)
    );
    let out = index(&["--rebuild"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = search();
    assert!(out.status.success(), "{}", text(&out.stderr));
}
