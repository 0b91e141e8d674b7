//! Information-retrieval evaluation metrics, following trec_eval's definitions.
//!
//! Computes, per query and averaged over queries, the trec_eval measures
//! `map` (AP), `ndcg_cut_10`, `P_10`, `recip_rank` and `recall_100`, plus
//! `num_ret`, `num_rel` and `num_rel_ret`, from relevance judgments ([`Qrels`])
//! and ranked results ([`Run`]). Relevance is graded: a grade `> 0` means
//! relevant; documents that are unjudged or judged `<= 0` count as
//! non-relevant and contribute no gain.
//!
//! As in trec_eval: documents are ranked by descending score, ties broken by
//! descending doc id ([`sort_trec_eval`]); queries of the run absent from the
//! qrels are ignored; queries whose judgments hold no relevant document are
//! skipped; by default means are taken over the queries present in both run and
//! qrels, and with `complete` (trec_eval's `-c`) over every qrels query with a
//! relevant document, missing ones scoring 0. Two deliberate leniencies: a
//! document repeated within one query's results counts only at its best rank
//! (trec_eval rejects such input), and a query with an empty result list is
//! treated as absent from the run (a TREC run file cannot express it).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, Write};

/// Relevance judgments: query id -> doc id -> relevance grade (`> 0` is relevant).
pub type Qrels = HashMap<String, HashMap<String, i32>>;

/// Ranked results: query id -> `(doc id, score)` pairs.
pub type Run = HashMap<String, Vec<(String, f64)>>;

/// Error raised when a qrels or run file cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricsError {
    /// A line is not in the expected format.
    Malformed {
        /// 1-based line number in the parsed text.
        line: usize,
        /// What is wrong with the line.
        what: String,
    },
}

impl fmt::Display for MetricsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricsError::Malformed { line, what } => write!(f, "line {line}: {what}"),
        }
    }
}

impl std::error::Error for MetricsError {}

/// How the documents of each query are ordered before evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RankOrder {
    /// trec_eval's order: score descending, ties by doc id descending, NaN last.
    #[default]
    TrecEval,
    /// The order of the `Vec` in the run, scores ignored.
    AsGiven,
}

/// Metrics of one query (trec_eval measure names in brackets).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueryMetrics {
    /// Query id.
    pub query: String,
    /// Average precision (`map`).
    pub ap: f64,
    /// nDCG with grades as gains, cut at rank 10 (`ndcg_cut_10`).
    pub ndcg_at_10: f64,
    /// Precision at rank 10 (`P_10`).
    pub p_at_10: f64,
    /// Reciprocal rank of the first relevant document (`recip_rank`).
    pub rr: f64,
    /// Recall at rank 100 (`recall_100`).
    pub recall_at_100: f64,
    /// Number of documents retrieved (`num_ret`).
    pub retrieved: usize,
    /// Number of relevant documents in the qrels (`num_rel`).
    pub relevant: usize,
    /// Number of relevant documents retrieved (`num_rel_ret`).
    pub relevant_retrieved: usize,
}

/// Means of the per-query metrics over the evaluated queries (0 if there are none).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Means {
    /// Mean average precision.
    pub map: f64,
    /// Mean nDCG@10.
    pub ndcg_at_10: f64,
    /// Mean P@10.
    pub p_at_10: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Mean recall@100.
    pub recall_at_100: f64,
}

/// Result of evaluating a run against qrels.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Metrics of each evaluated query, sorted by query id (numerically if all ids are integers).
    pub per_query: Vec<QueryMetrics>,
    /// Means over `per_query`.
    pub mean: Means,
    /// Number of evaluated queries.
    pub queries: usize,
}

/// Parses TREC qrels lines `qid iter docid rel`; blank lines are skipped and a
/// repeated `(qid, docid)` keeps its last grade.
pub fn parse_qrels(text: &str) -> Result<Qrels, MetricsError> {
    let mut qrels = Qrels::new();
    for record in records(text, "qid iter docid rel") {
        let (line, [qid, _iter, doc, rel]) = record?;
        let rel = rel
            .parse::<i32>()
            .map_err(|_| malformed(line, format!("relevance `{rel}` is not an integer")))?;
        let judged = qrels.entry(qid.to_string()).or_default();
        judged.insert(doc.to_string(), rel);
    }
    Ok(qrels)
}

/// Parses TREC run lines `qid Q0 docid rank score tag`, keeping each query's
/// documents in file order; the `Q0`, `rank` and `tag` fields are ignored, as in trec_eval.
pub fn parse_run(text: &str) -> Result<Run, MetricsError> {
    let mut run = Run::new();
    for record in records(text, "qid Q0 docid rank score tag") {
        let (line, [qid, _q0, doc, _rank, score, _tag]) = record?;
        let score = score
            .parse::<f64>()
            .map_err(|_| malformed(line, format!("score `{score}` is not a number")))?;
        let ranking = run.entry(qid.to_string()).or_default();
        ranking.push((doc.to_string(), score));
    }
    Ok(run)
}

/// Writes `run` in TREC run format with the given `tag`: queries sorted by id
/// (numerically if all ids are integers), documents in `Vec` order with 1-based ranks.
/// Ids and tag must not contain whitespace for the output to parse back.
pub fn write_run(w: &mut impl Write, run: &Run, tag: &str) -> io::Result<()> {
    for qid in sorted_query_ids(run.keys()) {
        for (i, (doc, score)) in run.get(qid).into_iter().flatten().enumerate() {
            writeln!(w, "{qid} Q0 {doc} {} {score} {tag}", i + 1)?;
        }
    }
    Ok(())
}

/// Sorts a ranking in trec_eval's order: score descending, equal scores by
/// doc id descending (byte-wise), NaN scores after all others.
pub fn sort_trec_eval(ranking: &mut [(String, f64)]) {
    ranking.sort_by(cmp_trec_eval);
}

/// Evaluates `run` against `qrels` in trec_eval's document order ([`RankOrder::TrecEval`]);
/// `complete` mirrors trec_eval's `-c`.
pub fn evaluate(run: &Run, qrels: &Qrels, complete: bool) -> Evaluation {
    evaluate_with(run, qrels, complete, RankOrder::TrecEval)
}

/// Like [`evaluate`], with the document order chosen by `order`.
pub fn evaluate_with(run: &Run, qrels: &Qrels, complete: bool, order: RankOrder) -> Evaluation {
    let in_run = |qid: &String| run.get(qid).is_some_and(|docs| !docs.is_empty());
    let ids = qrels
        .iter()
        .filter(|(qid, judged)| has_relevant(judged) && (complete || in_run(qid)))
        .map(|(qid, _)| qid);
    let per_query: Vec<QueryMetrics> = sorted_query_ids(ids)
        .into_iter()
        .filter_map(|qid| {
            let ranked = ranked_doc_ids(run.get(qid).map_or(&[], Vec::as_slice), order);
            Some(query_metrics(qid, &ranked, qrels.get(qid)?))
        })
        .collect();
    Evaluation {
        mean: means(&per_query),
        queries: per_query.len(),
        per_query,
    }
}

/// Computes the metrics of one query from its ranked doc ids (already in final
/// order) and its judgments; a repeated doc id counts only at its first rank.
pub fn query_metrics(query: &str, ranked: &[&str], judged: &HashMap<String, i32>) -> QueryMetrics {
    let mut seen = HashSet::new();
    let grades: Vec<i32> = ranked
        .iter()
        .filter(|doc| seen.insert(**doc))
        .map(|doc| judged.get(*doc).copied().unwrap_or(0))
        .collect();
    let relevant = judged.values().filter(|&&g| g > 0).count();
    let (mut hits, mut precision_sum, mut rr) = (0usize, 0.0, 0.0);
    for (i, _) in grades.iter().enumerate().filter(|(_, g)| **g > 0) {
        let rank = (i + 1) as f64;
        hits += 1;
        precision_sum += hits as f64 / rank;
        if hits == 1 {
            rr = 1.0 / rank;
        }
    }
    QueryMetrics {
        query: query.to_string(),
        ap: ratio(precision_sum, relevant),
        ndcg_at_10: ndcg_cut(&grades, judged, 10),
        p_at_10: relevant_in_top(&grades, 10) as f64 / 10.0,
        rr,
        recall_at_100: ratio(relevant_in_top(&grades, 100) as f64, relevant),
        retrieved: grades.len(),
        relevant,
        relevant_retrieved: hits,
    }
}

fn malformed(line: usize, what: String) -> MetricsError {
    MetricsError::Malformed { line, what }
}

/// Non-blank lines as (1-based line number, exactly `N` whitespace-separated
/// fields); `format` names the fields for the error message.
fn records<'t, const N: usize>(
    text: &'t str,
    format: &'static str,
) -> impl Iterator<Item = Result<(usize, [&'t str; N]), MetricsError>> {
    let lines = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>());
    (1..)
        .zip(lines)
        .filter(|(_, fields)| !fields.is_empty())
        .map(move |(line, fields)| {
            let found = fields.len();
            let fields = <[&str; N]>::try_from(fields).map_err(|_| {
                malformed(
                    line,
                    format!("expected {N} fields `{format}`, found {found}"),
                )
            })?;
            Ok((line, fields))
        })
}

/// Query ids sorted numerically if all parse as integers, else byte-wise.
fn sorted_query_ids<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = ids.map(String::as_str).collect();
    let numeric = ids.iter().all(|id| id.parse::<i64>().is_ok());
    ids.sort_by(|a, b| {
        let by_number = if numeric {
            a.parse::<i64>().ok().cmp(&b.parse::<i64>().ok())
        } else {
            Ordering::Equal
        };
        by_number.then_with(|| a.cmp(b))
    });
    ids
}

fn cmp_trec_eval(a: &(String, f64), b: &(String, f64)) -> Ordering {
    let by_score = match (a.1.is_nan(), b.1.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal),
    };
    by_score.then_with(|| b.0.cmp(&a.0))
}

fn ranked_doc_ids(ranking: &[(String, f64)], order: RankOrder) -> Vec<&str> {
    let mut refs: Vec<&(String, f64)> = ranking.iter().collect();
    if order == RankOrder::TrecEval {
        refs.sort_by(|a, b| cmp_trec_eval(a, b));
    }
    refs.into_iter().map(|(doc, _)| doc.as_str()).collect()
}

fn has_relevant(judged: &HashMap<String, i32>) -> bool {
    judged.values().any(|&g| g > 0)
}

fn ratio(numerator: f64, denominator: usize) -> f64 {
    match denominator {
        0 => 0.0,
        n => numerator / n as f64,
    }
}

fn relevant_in_top(grades: &[i32], k: usize) -> usize {
    grades.iter().take(k).filter(|&&g| g > 0).count()
}

/// DCG over the first `k` grades: positive grade / log2(rank + 1).
fn dcg(grades: &[i32], k: usize) -> f64 {
    total(
        (1..=k)
            .zip(grades)
            .filter(|(_, g)| **g > 0)
            .map(|(rank, &g)| f64::from(g) / ((rank + 1) as f64).log2()),
    )
}

/// The sum of `values`, `0.0` when there are none (`Iterator::sum` of no
/// `f64` is `-0.0`, which prints as `-0.0000`).
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, v| sum + v)
}

fn ndcg_cut(grades: &[i32], judged: &HashMap<String, i32>, k: usize) -> f64 {
    let mut ideal: Vec<i32> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal_dcg = dcg(&ideal, k);
    if ideal_dcg > 0.0 {
        dcg(grades, k) / ideal_dcg
    } else {
        0.0
    }
}

fn means(per_query: &[QueryMetrics]) -> Means {
    let mean = |metric: fn(&QueryMetrics) -> f64| {
        ratio(total(per_query.iter().map(metric)), per_query.len())
    };
    Means {
        map: mean(|q| q.ap),
        ndcg_at_10: mean(|q| q.ndcg_at_10),
        p_at_10: mean(|q| q.p_at_10),
        mrr: mean(|q| q.rr),
        recall_at_100: mean(|q| q.recall_at_100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    fn judged(pairs: &[(&str, i32)]) -> HashMap<String, i32> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn ranking(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(d, s)| (d.to_string(), *s)).collect()
    }

    fn map_of<T: Clone>(pairs: &[(&str, T)]) -> HashMap<String, T> {
        pairs
            .iter()
            .map(|(q, v)| (q.to_string(), v.clone()))
            .collect()
    }

    /// Metrics of `n` ranked docs named d1..dn, except that the doc at the i-th
    /// of the 1-based `ranks` is named r{i}; `pairs` are the judgments.
    fn at_ranks(n: usize, ranks: &[usize], pairs: &[(&str, i32)]) -> QueryMetrics {
        let name = |r: usize| match ranks.iter().position(|&x| x == r) {
            Some(i) => format!("r{}", i + 1),
            None => format!("d{r}"),
        };
        let docs: Vec<String> = (1..=n).map(name).collect();
        let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
        query_metrics("q", &docs, &judged(pairs))
    }

    #[test]
    fn ap_divides_by_all_relevant_including_unretrieved() {
        // Relevant r1, r2, r3 at ranks 1, 3, 6; r4 relevant but never retrieved.
        // AP = (1/1 + 2/3 + 3/6) / 4 = 2.1666... / 4 = 0.541666...
        let m = at_ranks(8, &[1, 3, 6], &[("r1", 1), ("r2", 1), ("r3", 2), ("r4", 1)]);
        close(m.ap, 0.541_666_666_666_666_6);
        assert_eq!((m.retrieved, m.relevant, m.relevant_retrieved), (8, 4, 3));
    }

    #[test]
    fn ndcg_graded_with_unjudged_and_zero_grades() {
        // qrels a=3, b=2, c=1, z=0; ranked c, a, x (unjudged), b, z.
        // DCG  = 1/log2(2) + 3/log2(3) + 2/log2(5) = 1 + 1.892789 + 0.861353 = 3.754142
        // IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5      = 4.761860
        // nDCG@10 = 3.754142 / 4.761860 = 0.788377
        let qrels = judged(&[("a", 3), ("b", 2), ("c", 1), ("z", 0)]);
        let m = query_metrics("q", &["c", "a", "x", "b", "z"], &qrels);
        let (dcg, idcg) = (
            1.0 + 3.0 / 3f64.log2() + 2.0 / 5f64.log2(),
            3.0 + 2.0 / 3f64.log2() + 0.5,
        );
        close(m.ndcg_at_10, dcg / idcg);
        assert!((m.ndcg_at_10 - 0.788_377).abs() < 1e-6);
        // z (grade 0) and x (unjudged) are non-relevant: relevant = 3,
        // AP = (1/1 + 2/2 + 3/4) / 3 = 0.916666...
        assert_eq!((m.retrieved, m.relevant, m.relevant_retrieved), (5, 3, 3));
        close(m.ap, 2.75 / 3.0);
    }

    #[test]
    fn nothing_relevant_found_is_plus_zero() {
        let judged: HashMap<String, i32> = [("d1".to_string(), 1)].into();
        let m = query_metrics("1", &["x", "y"], &judged);
        let metrics = [m.ap, m.ndcg_at_10, m.p_at_10, m.rr, m.recall_at_100];
        assert!(
            metrics.iter().all(|v| *v == 0.0 && v.is_sign_positive()),
            "{m:?}"
        );
        assert_eq!(format!("{:.4}", m.ndcg_at_10), "0.0000");
        assert!(means(&[m]).ndcg_at_10.is_sign_positive());
        assert!(means(&[]).map.is_sign_positive());
    }

    #[test]
    fn ndcg_binary_is_cut_at_ten() {
        // Relevant at ranks 2 and 11: DCG@10 = 1/log2(3) = 0.630930;
        // IDCG@10 = 1 + 1/log2(3) = 1.630930; nDCG@10 = 0.386853.
        let m = at_ranks(12, &[2, 11], &[("r1", 1), ("r2", 1)]);
        let dcg = 1.0 / 3f64.log2();
        close(m.ndcg_at_10, dcg / (1.0 + dcg));
        assert!((m.ndcg_at_10 - 0.386_853).abs() < 1e-6);
    }

    #[test]
    fn p_at_10_divides_by_ten_when_fewer_retrieved() {
        // 3 retrieved, relevant at ranks 1 and 3: P@10 = 2/10 = 0.2.
        close(at_ranks(3, &[1, 3], &[("r1", 1), ("r2", 1)]).p_at_10, 0.2);
    }

    #[test]
    fn reciprocal_rank_of_first_relevant() {
        // First relevant at rank 4: RR = 1/4; no relevant retrieved: RR = 0.
        close(at_ranks(6, &[4, 5], &[("r1", 1), ("r2", 1)]).rr, 0.25);
        close(at_ranks(6, &[], &[("r1", 1)]).rr, 0.0);
    }

    #[test]
    fn recall_at_100_ignores_relevant_beyond_rank_100() {
        // Relevant at ranks 50, 101, 150 of 3: R@100 = 1/3;
        // AP = (1/50 + 2/101 + 3/150) / 3 = 0.0199339...
        let m = at_ranks(150, &[50, 101, 150], &[("r1", 1), ("r2", 1), ("r3", 1)]);
        close(m.recall_at_100, 1.0 / 3.0);
        close(m.ap, (1.0 / 50.0 + 2.0 / 101.0 + 3.0 / 150.0) / 3.0);
        assert_eq!(m.relevant_retrieved, 3);
    }

    #[test]
    fn duplicate_docs_count_once() {
        // a, a, b with a relevant: deduplicated to a, b; AP = (1/1) / 1 = 1.
        let m = query_metrics("q", &["a", "a", "b"], &judged(&[("a", 1)]));
        close(m.ap, 1.0);
        assert_eq!((m.retrieved, m.relevant_retrieved), (2, 1));
    }

    #[test]
    fn equal_scores_break_ties_by_doc_id_descending_and_nan_is_last() {
        let nan = f64::NAN;
        let mut docs = ranking(&[("n", nan), ("a", 1.0), ("c", 1.0), ("b", 2.0), ("m", nan)]);
        sort_trec_eval(&mut docs);
        let order: Vec<&str> = docs.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(order, ["b", "c", "a", "n", "m"]);
    }

    #[test]
    fn evaluate_sorts_like_trec_eval_unless_told_to_keep_order() {
        // a and b tie at 1.0, so trec_eval ranks b (greater id) first; only a is
        // relevant: RR = 1/2, but 1/1 in the order as given. NaN ranks last: RR = 1/2.
        let qrels = map_of(&[("q", judged(&[("a", 1)]))]);
        let run = map_of(&[("q", ranking(&[("a", 1.0), ("b", 1.0)]))]);
        close(evaluate(&run, &qrels, false).mean.mrr, 0.5);
        let as_given = evaluate_with(&run, &qrels, false, RankOrder::AsGiven);
        close(as_given.mean.mrr, 1.0);
        let run = map_of(&[("q", ranking(&[("a", f64::NAN), ("b", -1.0)]))]);
        close(evaluate(&run, &qrels, false).mean.mrr, 0.5);
    }

    /// q1: relevant doc ranked first (AP 1); q2: relevant docs, absent from the run;
    /// q3: only grades <= 0; q4: in the run only.
    fn four_kinds_of_query() -> (Run, Qrels) {
        let docs = ranking(&[("a", 1.0)]);
        let run = map_of(&[("q1", docs.clone()), ("q3", docs.clone()), ("q4", docs)]);
        let qrels = map_of(&[
            ("q1", judged(&[("a", 1)])),
            ("q2", judged(&[("b", 2), ("c", 0)])),
            ("q3", judged(&[("a", 0), ("b", -1)])),
        ]);
        (run, qrels)
    }

    #[test]
    fn default_averages_over_queries_in_run_and_qrels() {
        // Only q1 is evaluated (q2 not in run, q3 no relevant, q4 no qrels): MAP = 1/1.
        let (run, qrels) = four_kinds_of_query();
        let e = evaluate(&run, &qrels, false);
        assert_eq!((e.queries, e.per_query[0].query.as_str()), (1, "q1"));
        close(e.mean.map, 1.0);
    }

    #[test]
    fn complete_counts_missing_queries_as_zero() {
        // q1 AP 1, q2 missing so AP 0, q3 still skipped: MAP = (1 + 0) / 2 = 0.5.
        let (run, qrels) = four_kinds_of_query();
        let e = evaluate(&run, &qrels, true);
        assert_eq!(e.queries, 2);
        let q2 = &e.per_query[1];
        assert_eq!((q2.query.as_str(), q2.retrieved, q2.relevant), ("q2", 0, 1));
        let metrics = [q2.ap, q2.ndcg_at_10, q2.p_at_10, q2.rr, q2.recall_at_100];
        assert_eq!(metrics, [0.0; 5]);
        close(e.mean.map, 0.5);
        close(e.mean.mrr, 0.5);
    }

    #[test]
    fn empty_inputs_give_zero_means() {
        let e = evaluate(&Run::new(), &Qrels::new(), true);
        assert_eq!((e.queries, e.mean.map, e.mean.mrr), (0, 0.0, 0.0));
        // An empty result list counts as absent from the run.
        let (run, qrels) = (
            map_of(&[("q", Vec::new())]),
            map_of(&[("q", judged(&[("a", 1)]))]),
        );
        assert_eq!(evaluate(&run, &qrels, false).queries, 0);
    }

    #[test]
    fn parses_qrels_skipping_blank_lines() {
        let qrels = parse_qrels("1 0 d1 2\n\n  \n1 0 d2 0\r\n2 0 d1 -1\n");
        let expected = map_of(&[
            ("1", judged(&[("d1", 2), ("d2", 0)])),
            ("2", judged(&[("d1", -1)])),
        ]);
        assert_eq!(qrels, Ok(expected));
    }

    #[test]
    fn parse_errors_name_the_line() {
        let what = "expected 4 fields `qid iter docid rel`, found 3".to_string();
        let err = parse_qrels("1 0 d1 1\n\n1 0 d2\n");
        assert_eq!(err, Err(MetricsError::Malformed { line: 3, what }));
        let msg = |e: MetricsError| e.to_string();
        let err = parse_qrels("1 0 d1 yes").map_err(msg);
        assert_eq!(err, Err("line 1: relevance `yes` is not an integer".into()));
        let err = parse_run("1 Q0 d1 1 0.5 t\n1 Q0 d2 2 high t\n").map_err(msg);
        assert_eq!(err, Err("line 2: score `high` is not a number".into()));
        let err = parse_run("1 Q0 d1 1 0.5").map_err(msg);
        assert_eq!(
            err,
            Err("line 1: expected 6 fields `qid Q0 docid rank score tag`, found 5".into())
        );
    }

    #[test]
    fn write_run_round_trips_and_sorts_numeric_ids() {
        let run = map_of(&[
            ("10", ranking(&[("x", 0.1), ("y", 0.7)])),
            ("9", ranking(&[("z", -1.5e-7)])),
            ("2", ranking(&[("w", f64::MAX)])),
        ]);
        let mut out = Vec::new();
        assert!(write_run(&mut out, &run, "bm25").is_ok());
        let text = String::from_utf8(out).unwrap_or_default();
        let qids: Vec<&str> = text.lines().filter_map(|l| l.split(' ').next()).collect();
        assert_eq!(qids, ["2", "9", "10", "10"]);
        assert!(text.contains("10 Q0 x 1 0.1 bm25\n10 Q0 y 2 0.7 bm25\n"));
        assert_eq!(parse_run(&text), Ok(run));
    }

    #[test]
    fn mixed_ids_sort_lexicographically() {
        let ids = ["9".to_string(), "a".to_string(), "10".to_string()];
        assert_eq!(sorted_query_ids(ids.iter()), ["10", "9", "a"]);
    }
}
