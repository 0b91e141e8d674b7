//! Damaged and foreign indexes (issue 6, item 5): a truncated or deleted
//! segment file, a folder of other files, an index of another schema
//! version, a regular file as the index path. Each must give a typed error
//! that says what to do, never a panic; through the binary, exit code 3.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use newsidx::search::{SearchRequest, SortOrder};
use newsidx::{Error, ErrorKind, Index};
use tantivy::{IndexWriter, TantivyDocument};

const BIN: &str = env!("CARGO_BIN_EXE_newsidx");

/// A small, healthy index of a generated archive.
fn pristine(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("archive");
    common::generate(&root, &common::Spec::default(), 0..120);
    let idx = dir.join("pristine");
    let archive = Index::create(&idx).unwrap();
    let report = archive.index_dir(&root, &common::options(1)).unwrap();
    assert_eq!(report.documents, 120);
    (idx, root)
}

/// The files of the index's segments.
fn segment_files(idx: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            !name.starts_with('.') && name != "meta.json"
        })
        .collect();
    files.sort();
    files
}

/// Everything a user can do with an index, stopping at the first error.
fn use_index(idx: &Path) -> Result<(), Error> {
    let archive = Index::open(idx)?;
    let stats = archive.searcher().expect("searcher").stats()?;
    let all = archive.search(
        &SearchRequest::new("*")
            .page(stats.documents as usize + 1, 0)
            .snippets(true)
            .facets(true, true),
    )?;
    archive.search(&SearchRequest::new("kamir lopel tevvan").any(true))?;
    archive.search(&SearchRequest::new("\"join the discussion\""))?;
    archive.search(&SearchRequest::new("ka*").sort(SortOrder::Newest))?;
    if let Some(hit) = all.hits.first() {
        archive.searcher().expect("searcher").get(&hit.id)?;
    }
    Ok(())
}

/// An error about the index that tells the user what to do (in words: the
/// binary adds the flags, see `tests/cli.rs`).
fn assert_index_error(err: &Error, advice: &[&str]) {
    assert_eq!(err.kind(), ErrorKind::Index, "{err:?}");
    let message = err.to_string();
    assert!(
        advice.iter().any(|a| message.contains(a)),
        "the message should say what to do ({advice:?}): {message}"
    );
}

#[test]
fn a_truncated_segment_file_is_reported_as_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, _) = pristine(tmp.path());
    let files = segment_files(&pristine);
    assert!(files.len() >= 5, "segment files: {files:?}");
    for (i, file) in files.iter().enumerate() {
        let len = fs::metadata(file).unwrap().len();
        // Half, nothing, one byte less, and the sizes around tantivy's
        // 8-byte footer (a file of 4 to 7 bytes makes tantivy panic).
        for keep in [len / 2, 0, len - 1, 3, 4, 5, 7, 8, 9] {
            let idx = tmp.path().join(format!("truncated-{i}-{keep}"));
            common::copy_dir(&pristine, &idx);
            let target = idx.join(file.file_name().unwrap());
            fs::File::options()
                .write(true)
                .open(&target)
                .unwrap()
                .set_len(keep)
                .unwrap();
            let err = use_index(&idx).expect_err(&format!(
                "{} truncated to {keep} of {len} bytes went unnoticed",
                file.display()
            ));
            assert!(matches!(err, Error::Damaged { .. }), "{err:?}");
            assert_index_error(&err, &["rebuild it"]);
        }
    }
}

#[test]
fn a_deleted_segment_file_is_reported_as_damage() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, _) = pristine(tmp.path());
    for (i, file) in segment_files(&pristine).iter().enumerate() {
        let idx = tmp.path().join(format!("deleted-{i}"));
        common::copy_dir(&pristine, &idx);
        fs::remove_file(idx.join(file.file_name().unwrap())).unwrap();
        let err = use_index(&idx).expect_err(&format!("{} deleted went unnoticed", file.display()));
        assert!(matches!(err, Error::Damaged { .. }), "{err:?}");
        assert_index_error(&err, &["rebuild it"]);
    }
}

#[test]
fn a_missing_or_garbled_meta_file_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, _) = pristine(tmp.path());

    let idx = tmp.path().join("no-meta");
    common::copy_dir(&pristine, &idx);
    fs::remove_file(idx.join("meta.json")).unwrap();
    let err = use_index(&idx).expect_err("no meta.json");
    assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");
    assert_index_error(&err, &["new or empty folder"]);
    // open_or_create must not create an index over the remains of one.
    let err = Index::open_or_create(&idx).err().expect("no meta.json");
    assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");

    for (name, garbage) in [
        ("garbled", &b"{\"segments\": [ \x00\xff"[..]),
        ("empty", b""),
        ("not-utf8", b"\xff\xfe\xfd"),
        ("wrong-json", b"{\"hello\": 1}"),
    ] {
        let idx = tmp.path().join(name);
        common::copy_dir(&pristine, &idx);
        fs::write(idx.join("meta.json"), garbage).unwrap();
        let err = use_index(&idx).expect_err(name);
        assert!(matches!(err, Error::Damaged { .. }), "{name}: {err:?}");
        assert_index_error(&err, &["rebuild it"]);
        let err = Index::open_or_create(&idx).err().expect(name);
        assert!(matches!(err, Error::Damaged { .. }), "{name}: {err:?}");
    }
}

#[test]
fn a_foreign_folder_is_not_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("holiday-photos");
    fs::create_dir_all(idx.join("2019")).unwrap();
    let mut rng = common::Rng::new(3);
    for i in 0..5 {
        let bytes: Vec<u8> = (0..1000).map(|_| rng.next_u64() as u8).collect();
        fs::write(idx.join(format!("img_{i}.jpg")), bytes).unwrap();
    }
    fs::write(idx.join("notes.txt"), "remember the ferry times").unwrap();
    for result in [Index::open(&idx), Index::open_or_create(&idx)] {
        let err = result.err().expect("a folder of photos is no index");
        assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");
        assert_index_error(&err, &["new or empty folder"]);
    }
    // Nothing was written into the folder.
    let mut names: Vec<String> = fs::read_dir(&idx)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2019",
            "img_0.jpg",
            "img_1.jpg",
            "img_2.jpg",
            "img_3.jpg",
            "img_4.jpg",
            "notes.txt"
        ]
    );
}

#[test]
fn a_missing_index_and_a_regular_file_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nothing-here");
    let err = Index::open(&missing).err().expect("missing");
    assert!(matches!(err, Error::IndexNotFound { .. }), "{err:?}");
    assert_index_error(&err, &["create one by indexing an archive folder"]);
    assert!(!missing.exists(), "open must not create the folder");

    let file = tmp.path().join("index.txt");
    fs::write(&file, "not a folder").unwrap();
    for result in [Index::open(&file), Index::open_or_create(&file)] {
        let err = result.err().expect("a regular file is no index");
        assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");
        assert_index_error(&err, &["new or empty folder"]);
        assert!(err.to_string().contains("not a folder"), "{err}");
    }
    assert!(Index::create(&file).is_err());
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a folder");
}

/// Writes a commit with `payload` into the index at `idx`, with tantivy.
fn commit_payload(idx: &Path, payload: &str) {
    let index = tantivy::Index::open_in_dir(idx).unwrap();
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(1, 15_000_000).unwrap();
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(payload);
    commit.commit().unwrap();
    writer.wait_merging_threads().unwrap();
}

#[test]
fn an_index_of_another_schema_version_asks_for_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, root) = pristine(tmp.path());
    let version = newsidx::Index::schema_version();
    let archive_json = serde_json::to_string(&root.canonicalize().unwrap()).unwrap();
    for found in [version + 1, version + 1000, version.saturating_sub(1)] {
        if found == version {
            continue;
        }
        let idx = tmp.path().join(format!("version-{found}"));
        common::copy_dir(&pristine, &idx);
        commit_payload(
            &idx,
            &format!(
                r#"{{"newsidx_schema":{found},"archive":{archive_json},"source_from":"copyright"}}"#
            ),
        );
        for result in [Index::open(&idx), Index::open_or_create(&idx)] {
            let err = result.err().expect("another schema version");
            match &err {
                Error::SchemaVersion {
                    found: f, expected, ..
                } => assert_eq!((*f, *expected), (found, version)),
                other => panic!("expected SchemaVersion, got {other:?}"),
            }
            assert_index_error(&err, &["rebuild it"]);
        }
        // The index was left as it was.
        let metas = tantivy::Index::open_in_dir(&idx)
            .unwrap()
            .load_metas()
            .unwrap();
        assert!(metas.payload.unwrap().contains(&found.to_string()));
    }
}

#[test]
fn a_tantivy_index_that_is_not_newsidx_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, _) = pristine(tmp.path());
    // A commit record that is not newsidx's.
    let idx = tmp.path().join("foreign-payload");
    common::copy_dir(&pristine, &idx);
    commit_payload(&idx, "written by some other program");
    let err = Index::open(&idx).err().expect("foreign record");
    assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");
    assert_index_error(&err, &["new or empty folder"]);

    // Another schema, empty and without a record (which is what an
    // interrupted `Index::create` leaves for the newsidx schema).
    let idx = tmp.path().join("other-schema");
    fs::create_dir_all(&idx).unwrap();
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("title", tantivy::schema::TEXT | tantivy::schema::STORED);
    tantivy::Index::create_in_dir(&idx, builder.build()).unwrap();
    for result in [Index::open(&idx), Index::open_or_create(&idx)] {
        let err = result.err().expect("another schema");
        assert!(matches!(err, Error::NotAnIndex { .. }), "{err:?}");
        assert_index_error(&err, &["new or empty folder"]);
    }
}

fn newsidx(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run newsidx")
}

fn assert_exit_3(output: &Output, what: &str, advice: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{what}: {}\nstderr: {stderr}",
        output.status
    );
    assert!(stderr.starts_with("newsidx: "), "{what}: {stderr}");
    assert!(stderr.contains(advice), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: one line: {stderr}");
}

#[test]
fn the_binary_exits_with_3_on_a_missing_or_unusable_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, root) = pristine(tmp.path());
    let damaged = tmp.path().join("damaged");
    common::copy_dir(&pristine, &damaged);
    let victim = segment_files(&damaged)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .expect("a .store file");
    fs::write(&victim, b"short").unwrap();
    let newer = tmp.path().join("newer");
    common::copy_dir(&pristine, &newer);
    commit_payload(
        &newer,
        &format!(
            r#"{{"newsidx_schema":{}}}"#,
            newsidx::Index::schema_version() + 1
        ),
    );
    let foreign = tmp.path().join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("shopping.list"), "eggs").unwrap();
    let file = tmp.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    let missing = tmp.path().join("missing");

    let cases: [(&str, &Path, &str); 5] = [
        ("missing", &missing, "newsidx index"),
        ("damaged", &damaged, "--rebuild"),
        ("newer schema", &newer, "--rebuild"),
        ("foreign folder", &foreign, "--index"),
        ("regular file", &file, "--index"),
    ];
    for (what, path, advice) in cases {
        let out = newsidx(&["stats".as_ref(), "--index".as_ref(), path.as_os_str()]);
        assert_exit_3(&out, &format!("stats, {what}"), advice);
        let out = newsidx(&[
            "show".as_ref(),
            "000001".as_ref(),
            "--index".as_ref(),
            path.as_os_str(),
        ]);
        assert_exit_3(&out, &format!("show, {what}"), advice);
        if what != "missing" {
            // `index` creates a missing index; the others it must refuse.
            let out = newsidx(&[
                "index".as_ref(),
                root.as_os_str(),
                "--index".as_ref(),
                path.as_os_str(),
            ]);
            assert_exit_3(&out, &format!("index, {what}"), advice);
        }
    }
    // The healthy index works.
    let out = newsidx(&["stats".as_ref(), "--index".as_ref(), pristine.as_os_str()]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn open_for_rebuild_replaces_only_damaged_or_other_version_indexes() {
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, root) = pristine(tmp.path());
    let damaged = tmp.path().join("damaged");
    common::copy_dir(&pristine, &damaged);
    let victim = segment_files(&damaged)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "term"))
        .expect("a .term file");
    fs::write(&victim, b"tiny").unwrap();
    let newer = tmp.path().join("newer");
    common::copy_dir(&pristine, &newer);
    commit_payload(
        &newer,
        &format!(
            r#"{{"newsidx_schema":{}}}"#,
            newsidx::Index::schema_version() + 1
        ),
    );
    fs::write(damaged.join("my-notes.md"), "kept").unwrap();
    for idx in [&damaged, &newer] {
        let archive = Index::open_for_rebuild(idx).expect("replaced");
        assert_eq!(
            archive
                .searcher()
                .expect("searcher")
                .stats()
                .unwrap()
                .documents,
            0
        );
        let options = newsidx::IndexOptions {
            rebuild: true,
            ..common::options(1)
        };
        let report = archive.index_dir(&root, &options).unwrap();
        assert_eq!(report.documents, 120);
        drop(archive);
        use_index(idx).expect("the rebuilt index works");
        assert_eq!(common::unique_paths(&Index::open(idx).unwrap()).len(), 120);
    }
    assert_eq!(
        fs::read_to_string(damaged.join("my-notes.md")).unwrap(),
        "kept"
    );
    // A healthy index is opened as it is; its documents stay.
    let healthy = Index::open_for_rebuild(&pristine).unwrap();
    assert_eq!(
        healthy
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        120
    );
    drop(healthy);
    // Folders that are no index are refused and left alone.
    let foreign = tmp.path().join("foreign");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("meta.json"), "{\"mine\": true}").unwrap();
    let err = Index::open_for_rebuild(&foreign).err().expect("foreign");
    assert_eq!(err.kind(), ErrorKind::Index, "{err}");
    assert_eq!(
        fs::read_to_string(foreign.join("meta.json")).unwrap(),
        "{\"mine\": true}"
    );
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    assert!(Index::open_for_rebuild(&file).is_err());
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    // A missing index is created.
    let fresh = Index::open_for_rebuild(tmp.path().join("fresh")).unwrap();
    assert_eq!(
        fresh
            .searcher()
            .expect("searcher")
            .stats()
            .unwrap()
            .documents,
        0
    );
}

#[test]
fn the_advised_rebuild_repairs_a_damaged_or_newer_index() {
    // The messages of Damaged and SchemaVersion say: rebuild it with
    // `newsidx index ARCHIVE_DIR --index PATH --rebuild`. That must work.
    let tmp = tempfile::tempdir().unwrap();
    let (pristine, root) = pristine(tmp.path());
    let damaged = tmp.path().join("damaged");
    common::copy_dir(&pristine, &damaged);
    let victim = segment_files(&damaged)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .expect("an .idx file");
    fs::remove_file(&victim).unwrap();
    let newer = tmp.path().join("newer");
    common::copy_dir(&pristine, &newer);
    commit_payload(
        &newer,
        &format!(
            r#"{{"newsidx_schema":{}}}"#,
            newsidx::Index::schema_version() + 1
        ),
    );
    for idx in [&damaged, &newer] {
        let out = newsidx(&[
            "index".as_ref(),
            root.as_os_str(),
            "--index".as_ref(),
            idx.as_os_str(),
            "--rebuild".as_ref(),
        ]);
        assert!(
            out.status.success(),
            "{}: {}\n{}",
            idx.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let archive = Index::open(idx).expect("rebuilt");
        assert_eq!(common::unique_paths(&archive).len(), 120);
        use_index(idx).expect("the rebuilt index works");
    }
}
