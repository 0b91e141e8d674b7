//! `newsidx eval`: ranking quality on a test collection.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use newsidx::Index;
use newsidx::eval::metrics::{self, Evaluation};
use newsidx::eval::{self as evaluation, Coverage, EvalOptions};

use super::Out;
use crate::args::EvalArgs;
use crate::exit::{Exit, UsageError};

pub(crate) fn run(args: &EvalArgs, out: &mut Out<impl Write>) -> anyhow::Result<Exit> {
    let queries = evaluation::parse_queries(&read(&args.queries)?).map_err(|e| {
        UsageError(format!(
            "{}: not a queries file (`qid<TAB>text` a line): {e}",
            args.queries.display()
        ))
    })?;
    let qrels = metrics::parse_qrels(&read(&args.qrels)?).map_err(|e| {
        UsageError(format!(
            "{}: not a TREC qrels file (`qid iter docid rel` a line): {e}",
            args.qrels.display()
        ))
    })?;
    let searcher = Index::open(args.index.path())?.searcher()?;
    let coverage = evaluation::coverage(&searcher, &qrels)?;
    warn_about_coverage(coverage, searcher.index_path());
    let options = EvalOptions {
        depth: args.depth,
        ..EvalOptions::default()
    };
    let run = evaluation::run_queries(&searcher, &queries, &options)?;
    if let Some(path) = &args.run {
        let file = File::create(path)
            .with_context(|| format!("cannot create the run file {}", path.display()))?;
        let mut file = BufWriter::new(file);
        metrics::write_run(&mut file, &run, "newsidx")
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write the run file {}", path.display()))?;
    }
    let result = metrics::evaluate(&run, &qrels, true);
    if args.json.json {
        serde_json::to_writer_pretty(&mut out.w, &result).context("cannot encode JSON")?;
        writeln!(out.w)?;
    } else {
        write_table(&result, args.verbose, &mut out.w)?;
    }
    // Figures over an index that holds none of the judged articles measure
    // nothing: say so in the exit code too.
    Ok(Exit::complete_if(coverage.missing < coverage.judged))
}

/// Warns when judged articles are missing from the index: all of them (the
/// wrong index, most likely), or some (they count as not found).
fn warn_about_coverage(coverage: Coverage, index: &Path) {
    let Coverage { judged, missing } = coverage;
    if judged > 0 && missing == judged {
        eprintln!(
            "newsidx: warning: none of the {judged} judged articles is in the index at {}: every figure is 0; is this the index of the test collection?",
            index.display()
        );
    } else if missing > 0 {
        eprintln!(
            "newsidx: warning: {missing} of the {judged} judged articles are not in the index at {}; they count as not found",
            index.display()
        );
    }
}

/// Reads a file the user named: a missing or unreadable one is a usage
/// error.
fn read(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())).into())
}

fn write_table(e: &Evaluation, verbose: bool, w: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        w,
        "{:<8} {:>7} {:>8} {:>7} {:>7} {:>7} {:>5} {:>5}",
        "query", "AP", "nDCG@10", "P@10", "RR", "R@100", "rel", "ret"
    )?;
    if verbose {
        for q in &e.per_query {
            writeln!(
                w,
                "{:<8} {:>7.4} {:>8.4} {:>7.4} {:>7.4} {:>7.4} {:>5} {:>5}",
                q.query,
                q.ap,
                q.ndcg_at_10,
                q.p_at_10,
                q.rr,
                q.recall_at_100,
                q.relevant,
                q.retrieved
            )?;
        }
    }
    let m = &e.mean;
    writeln!(
        w,
        "{:<8} {:>7.4} {:>8.4} {:>7.4} {:>7.4} {:>7.4}",
        "mean", m.map, m.ndcg_at_10, m.p_at_10, m.mrr, m.recall_at_100
    )?;
    writeln!(
        w,
        "{} queries judged (MAP = mean AP, MRR = mean RR)",
        e.queries
    )?;
    Ok(())
}
