//! Running a search on a snapshot: the query, the filters, one pass of the
//! collectors, then the page's hits with their snippets.

use std::path::Path;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Order, Term};

use super::collapse::{Collapse, Stories, StoryCounter};
use super::counts::{CountCollector, Counting, Counts};
use super::filters;
use super::snippet::Generators;
use super::suggest;
use super::timeline::Wanted;
use super::{Counted, Hit, SearchRequest, SearchResults, Snippets, SortOrder};
use crate::error::Result;
use crate::query::Node;
use crate::query::{self, Matcher, QueryBuilder, QueryError, Text};
use crate::searcher::Searcher;

/// The message of a query without searchable words.
pub(crate) const NO_WORDS: &str = "the query has no searchable words: words are made of letters and digits (* alone finds every article)";

/// A page of hits: each document's score (`None` when sorted by date).
type Page = Vec<(Option<f32>, DocAddress)>;

/// What the one pass collects: the page, the total of articles, the counts,
/// every matching story with its best copy, and, when the page is one of
/// stories, the matching copies of each.
type Collected = (Page, usize, Option<Counts>, Stories, Option<Vec<u64>>);

/// Runs `request` on `searcher`.
pub(crate) fn run(searcher: &Searcher, request: &SearchRequest) -> Result<SearchResults> {
    let started = Instant::now();
    let ast = query::parse(&request.query)?;
    let mut results = run_node(searcher, request, Some(&ast), Vec::new())?;
    results.suggestions = if request.suggest {
        let count = |corrected: &SearchRequest| {
            let quiet = corrected
                .clone()
                .page(0, 0)
                .snippets(false)
                .facets(false, false)
                .timeline(None)
                .collapse(false)
                .suggest(false);
            run(searcher, &quiet).map(|r| r.total)
        };
        suggest::suggestions(searcher, request, results.total, count)?
    } else {
        Vec::new()
    };
    results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(results)
}

/// Runs the parsed query `ast` (`None`: a query that matches nothing) with
/// the filters and page of `request`, leaving out the documents of the
/// `excluded` terms (`similar`: the article itself). No suggestions.
pub(crate) fn run_node(
    searcher: &Searcher,
    request: &SearchRequest,
    ast: Option<&Node>,
    excluded: Vec<Term>,
) -> Result<SearchResults> {
    run_node_reranked(searcher, request, ast, excluded, None)
}

/// Scores again the best documents of a search (`similar`): given their
/// addresses, best first by the query's score, their new scores.
pub(crate) type Rerank<'a> = &'a mut dyn FnMut(&[(Option<f32>, DocAddress)]) -> Result<Vec<f32>>;

/// [`run_node`], where a search ranked by relevance has its first `depth`
/// documents (at least the page's) ordered by `rerank`'s scores instead of
/// the query's; documents below stay below.
pub(crate) fn run_node_reranked(
    searcher: &Searcher,
    request: &SearchRequest,
    ast: Option<&Node>,
    excluded: Vec<Term>,
    rerank: Option<(usize, Rerank)>,
) -> Result<SearchResults> {
    let started = Instant::now();
    if request.counted == Counted::Stories
        && request.timeline.is_some()
        && (request.timeline_share || request.timeline_by_source.is_some())
    {
        // A share of stories over a total of articles would mean nothing,
        // and stories run in several papers belong to no one source.
        return Err(QueryError::value(
            "stories",
            "a timeline that counts stories has no shares and no lines per source: count articles for those",
        )
        .into());
    }
    let mut builder = QueryBuilder::new(searcher.tantivy(), searcher.fields())
        .weights(request.weights)
        .search_in(request.search_in)
        .any(request.any);
    let text_query: Box<dyn Query> = match ast {
        Some(ast) => match builder.build(ast)? {
            Some(query) => query,
            None => return Err(QueryError::at(&request.query, 0, NO_WORDS).into()),
        },
        None => Box::new(EmptyQuery),
    };
    let matchers = (request.snippets && request.limit > 0)
        .then(|| ast.and_then(query::positive))
        .flatten()
        .map(|positive| {
            (
                builder.matcher(&positive, Text::Body),
                builder.matcher(&positive, Text::Comments),
            )
        });
    let filters = filters::echo(searcher, request)?;
    let query = filters::apply(searcher, text_query, request, &filters.source_names);
    let query = exclude(query, excluded);
    let wanted = Wanted {
        sources: request.facet_sources,
        years: request.facet_years,
        timeline: request.timeline,
        from: request.from,
        to: request.to,
        share: request.timeline_share && request.timeline.is_some(),
        by_source: request
            .timeline_by_source
            .filter(|_| request.timeline.is_some()),
    };
    let top_request;
    let (collected, rerank) = match rerank {
        Some((depth, rerank)) if request.sort == SortOrder::Relevance && request.limit > 0 => {
            let depth = depth.max(request.offset.saturating_add(request.limit));
            top_request = request.clone().page(depth, 0);
            (&top_request, Some(rerank))
        }
        _ => (request, None),
    };
    let (top, total, counts, stories, page_copies) =
        collect(searcher, &*query, collected, &wanted)?;
    // A page put in another order has its copies looked up again.
    let page_copies = page_copies.filter(|_| rerank.is_none());
    let top = match rerank {
        Some(rerank) => {
            let scores = rerank(&top)?;
            let mut rescored: Vec<(f32, DocAddress)> = scores
                .into_iter()
                .zip(top.iter().map(|(_, a)| *a))
                .collect();
            // Stable: equal scores keep the query's order.
            rescored.sort_by(|a, b| b.0.total_cmp(&a.0));
            rescored
                .into_iter()
                .skip(request.offset)
                .take(request.limit)
                .map(|(score, address)| (Some(score), address))
                .collect()
        }
        None => top,
    };
    let top = if request.limit == 0 { Vec::new() } else { top };
    let mut hits = hits(searcher, &top, matchers, request)?;
    // The matching copies of each hit's story.
    let of: Vec<(DocAddress, &str)> = top
        .iter()
        .zip(&hits)
        .map(|((_, address), hit)| (*address, hit.story.as_str()))
        .collect();
    let copies = match page_copies {
        Some(copies) => copies,
        None => stories.copies(&of),
    };
    for (hit, copies) in hits.iter_mut().zip(copies) {
        hit.copies = copies.max(1);
    }
    let totals = match wanted.share {
        true => Some(totals(searcher, request, &filters.source_names, &wanted)?),
        false => None,
    };
    let (facets, timeline) = match counts {
        Some(c) => c.finish(&wanted, totals.as_ref())?,
        None => (None, None),
    };
    Ok(SearchResults {
        suggestions: Vec::new(),
        query: request.query.clone(),
        filters,
        total: total as u64,
        stories: stories.len() as u64,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        offset: request.offset,
        limit: request.limit,
        hits,
        facets,
        timeline,
    })
}

/// What to count for `wanted`.
fn counting(wanted: &Wanted) -> Counting {
    Counting {
        sources: wanted.sources,
        days: wanted.years || wanted.timeline.is_some(),
        comments: false,
        source_days: wanted.by_source.is_some(),
    }
}

/// The counts of every article that passes the request's filters, whatever
/// its text: the totals a timeline's share divides by.
fn totals(
    searcher: &Searcher,
    request: &SearchRequest,
    source_names: &[String],
    wanted: &Wanted,
) -> Result<Counts> {
    let all = filters::apply(searcher, Box::new(AllQuery), request, source_names);
    searcher
        .tantivy()
        .search(&*all, &CountCollector(counting(wanted)))
        .map_err(|e| searcher.engine_error(e))
}

/// `query` without the documents that hold any of the `excluded` terms.
fn exclude(query: Box<dyn Query>, excluded: Vec<Term>) -> Box<dyn Query> {
    if excluded.is_empty() {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    for term in excluded {
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// One pass over the matching documents: the page, the total, the counts
/// when `wanted` asks for any, and every matching story (in no order).
fn collect(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    wanted: &Wanted,
) -> Result<Collected> {
    let by_stories = request.counted == Counted::Stories;
    let counting = (wanted.any() && !by_stories).then_some(CountCollector(counting(wanted)));
    let collapse = Collapse { sort: request.sort };
    // There are never more hits than documents: clamping the page keeps
    // tantivy from overflowing `offset + limit` or sizing its buffers for
    // a huge page.
    let docs = usize::try_from(searcher.documents()).unwrap_or(usize::MAX);
    let limit = request.limit.clamp(1, docs.max(1));
    let offset = request.offset.min(docs);
    let engine = searcher.tantivy();
    let error = |e| searcher.engine_error(e);
    // Counting stories takes a pass of its own (only when asked for).
    let story_counts = match wanted.any() && by_stories {
        true => Some(
            engine
                .search(
                    query,
                    &StoryCounter {
                        sources: wanted.sources,
                        days: wanted.years || wanted.timeline.is_some(),
                    },
                )
                .map_err(error)?,
        ),
        false => None,
    };
    if request.collapse {
        // The page is a slice of the stories, each by its best copy.
        // Every matching article is a copy of one story: the stories count
        // them (no Count collector beside).
        let (counts, stories) = engine.search(query, &(counting, collapse)).map_err(error)?;
        let total = stories.articles();
        let scored = request.sort == SortOrder::Relevance;
        let ranked = stories.rank(request.sort, offset.saturating_add(limit));
        let page = ranked.get(offset..).unwrap_or_default();
        let top = page
            .iter()
            .map(|best| (scored.then_some(best.score), best.address))
            .collect();
        let copies = page.iter().map(|best| best.copies).collect();
        return Ok((top, total, counts.or(story_counts), stories, Some(copies)));
    }
    let top = TopDocs::with_limit(limit).and_offset(offset);
    Ok(match request.sort {
        SortOrder::Relevance => {
            let (top, counts, stories) = engine
                .search(query, &(top.order_by_score(), counting, collapse))
                .map_err(error)?;
            let top = top.into_iter().map(|(s, a)| (Some(s), a)).collect();
            (
                top,
                stories.articles(),
                counts.or(story_counts),
                stories,
                None,
            )
        }
        SortOrder::Newest | SortOrder::Oldest => {
            let order = match request.sort {
                SortOrder::Newest => Order::Desc,
                _ => Order::Asc,
            };
            let by_date = top.order_by_fast_field::<i64>("date", order);
            let (top, counts, stories) = engine
                .search(query, &(by_date, counting, collapse))
                .map_err(error)?;
            let top = top.into_iter().map(|(_, a)| (None, a)).collect();
            (
                top,
                stories.articles(),
                counts.or(story_counts),
                stories,
                None,
            )
        }
    })
}

/// The hits of a page, with their snippets.
fn hits(
    searcher: &Searcher,
    top: &[(Option<f32>, DocAddress)],
    matchers: Option<(Matcher, Matcher)>,
    request: &SearchRequest,
) -> Result<Vec<Hit>> {
    let generators =
        matchers.map(|(body, comments)| Generators::new(body, comments, request.comment_snippets));
    let root = searcher.record().archive.as_deref();
    let addresses: Vec<DocAddress> = top.iter().map(|(_, address)| *address).collect();
    let quotable = match &generators {
        Some(g) => comments_may_match(searcher, &addresses, g.comments())?,
        None => Vec::new(),
    };
    let mut hits = Vec::with_capacity(top.len());
    for (i, (score, address)) in top.iter().enumerate() {
        let article = searcher.article_at(*address)?;
        let snippets = match (&generators, request.snippets) {
            (Some(g), _) => g.snippets(&article, quotable.get(i).copied().unwrap_or(true)),
            (None, true) => Snippets::lede(&article),
            (None, false) => Snippets::default(),
        };
        hits.push(Hit {
            file: root.map(|r| file_of(r, &article.path)),
            id: article.id,
            path: article.path,
            date: article.date,
            source: article.source,
            headline: article.headline,
            score: *score,
            comment_count: article.comments.len(),
            story: article.story,
            copies: 1,
            snippets,
        });
    }
    Ok(hits)
}

/// For each of `addresses`, whether one of its comments may hold something
/// that `matcher` finds: whether the index has one of the terms the
/// matcher needs ([`Matcher::needed_terms`]) in the article's comments.
/// Reading an article's comments to find the matching ones is most of what
/// its snippets cost, and most hits of most queries have none; the
/// postings of each term are read once per segment, the hits in document
/// order. `true` for all when the terms cannot be told.
fn comments_may_match(
    searcher: &Searcher,
    addresses: &[DocAddress],
    matcher: &Matcher,
) -> Result<Vec<bool>> {
    let Some(terms) = matcher.needed_terms() else {
        return Ok(vec![true; addresses.len()]);
    };
    let fields = searcher.fields();
    let engine = searcher.tantivy();
    let mut may = vec![false; addresses.len()];
    let mut order: Vec<usize> = (0..addresses.len()).collect();
    order.sort_unstable_by_key(|&i| addresses[i]);
    for segment_hits in
        order.chunk_by(|&a, &b| addresses[a].segment_ord == addresses[b].segment_ord)
    {
        let reader = engine.segment_reader(addresses[segment_hits[0]].segment_ord);
        let inverted = |field| {
            reader
                .inverted_index(field)
                .map_err(|e| searcher.engine_error(e))
        };
        let (stems, words) = (inverted(fields.comments)?, inverted(fields.comments_words)?);
        for &(stemmed, text) in &terms {
            let (field, inverted) = match stemmed {
                true => (fields.comments, &stems),
                false => (fields.comments_words, &words),
            };
            let term = Term::from_field_text(field, text);
            let Some(mut postings) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| searcher.engine_error(e.into()))?
            else {
                continue;
            };
            for &i in segment_hits {
                let doc = addresses[i].doc_id;
                if postings.doc() <= doc && postings.seek(doc) == doc {
                    may[i] = true;
                }
            }
        }
    }
    Ok(may)
}

/// The absolute path of an article file: the archive folder and the
/// `/`-separated path relative to it.
fn file_of(root: &Path, rel: &str) -> String {
    rel.split('/')
        .fold(root.to_path_buf(), |path, part| path.join(part))
        .to_string_lossy()
        .into_owned()
}
