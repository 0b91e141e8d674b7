//! Embedding newsidx: index an archive folder, then search it.
//!
//! ```text
//! cargo run --example search -- sample-corpus "storm insurance"
//! ```
//!
//! The index goes to a temporary folder, so the example leaves nothing
//! behind; a real program would keep it (`Index::open` reopens it).

use newsidx::search::{SearchRequest, SortOrder};
use newsidx::{Index, IndexOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let archive_dir = args.next().unwrap_or_else(|| "sample-corpus".into());
    let query = args.next().unwrap_or_else(|| "storm".into());

    // An index lives in a folder of its own, never inside the archive.
    let index_dir = tempfile_dir()?;
    let index = Index::create(&index_dir)?;

    // Index the folder. The report says what was added, skipped and why.
    let report = index.index_dir(&archive_dir, &IndexOptions::default())?;
    println!(
        "indexed {} articles ({} skipped) in {:.2} s",
        report.added,
        report.skipped_total(),
        report.seconds
    );

    // Search: all words required, ranked by BM25, with snippets.
    let request = SearchRequest::new(&query)
        .sort(SortOrder::Relevance)
        .page(5, 0);
    let results = index.search(&request)?;
    println!("{} articles match {query:?}", results.total);
    for hit in &results.hits {
        println!(
            "{} {} {:?}",
            hit.date.as_deref().unwrap_or("undated"),
            hit.source.as_deref().unwrap_or("unknown"),
            hit.headline
        );
        if let Some(body) = &hit.snippets.body {
            println!("    {}", body.text);
        }
    }
    std::fs::remove_dir_all(&index_dir)?;
    Ok(())
}

/// A fresh folder under the system's temporary directory.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("newsidx-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
