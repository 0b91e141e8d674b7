//! The arguments of `newsidx search`, and their conversion into a
//! [`SearchRequest`].

use clap::{Args, ValueEnum};
use newsidx::query::QueryError;
use newsidx::search::{
    DateEnd, KwicRequest, KwicText, Period, SearchIn, SearchRequest, SortOrder, parse_date_filter,
};

use super::{ColorArg, IndexPath, JsonFlag};

/// Where unqualified words are searched (`--in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InArg {
    /// Headline and body.
    Body,
    /// Reader comments.
    Comments,
    /// Headline, body and comments.
    All,
}

impl From<InArg> for SearchIn {
    fn from(arg: InArg) -> SearchIn {
        match arg {
            InArg::Body => SearchIn::Body,
            InArg::Comments => SearchIn::Comments,
            InArg::All => SearchIn::All,
        }
    }
}

/// Result order (`--sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Best match first (BM25).
    Relevance,
    /// Newest first (undated articles last).
    Newest,
    /// Oldest first (undated articles last).
    Oldest,
}

impl From<SortArg> for SortOrder {
    fn from(arg: SortArg) -> SortOrder {
        match arg {
            SortArg::Relevance => SortOrder::Relevance,
            SortArg::Newest => SortOrder::Newest,
            SortArg::Oldest => SortOrder::Oldest,
        }
    }
}

/// A facet (`--facets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetArg {
    /// Matching articles per source.
    Source,
    /// Matching articles per year.
    Year,
}

/// A timeline period (`--timeline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// Calendar years.
    Year,
    /// Calendar months.
    Month,
    /// ISO weeks (Monday to Sunday), labelled 2019-W09.
    Week,
    /// Days.
    Day,
}

impl From<PeriodArg> for Period {
    fn from(arg: PeriodArg) -> Period {
        match arg {
            PeriodArg::Year => Period::Year,
            PeriodArg::Month => Period::Month,
            PeriodArg::Week => Period::Week,
            PeriodArg::Day => Period::Day,
        }
    }
}

/// What facets and timelines count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CountArg {
    /// Matching articles.
    Articles,
    /// Matching stories.
    Stories,
}

impl From<CountArg> for newsidx::search::Counted {
    fn from(arg: CountArg) -> newsidx::search::Counted {
        match arg {
            CountArg::Articles => newsidx::search::Counted::Articles,
            CountArg::Stories => newsidx::search::Counted::Stories,
        }
    }
}

/// What a timeline is split by (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// One timeline per source.
    Source,
}

/// Arguments of `newsidx search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (several arguments are joined with spaces).
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexPath,
    /// Match any word instead of all of them (common English stop words
    /// are then left out, unless quoted or required with +).
    #[arg(long)]
    pub any: bool,
    /// Only articles dated on or after this day (YYYY, YYYY-MM or YYYY-MM-DD;
    /// years 0001 to 9999); also where a timeline starts.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY, YYYY-MM or
    /// YYYY-MM-DD; a year or month includes all of it); also where a
    /// timeline ends.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles of this source: its whole name (any case), or words of
    /// its name in a row, as source: in a query ("Fox News", marrowfield).
    /// Repeat for several.
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles without a source (shown as "unknown"); with --source,
    /// those too.
    #[arg(long)]
    pub unknown_source: bool,
    /// Where unqualified words are searched.
    #[arg(long = "in", value_enum, value_name = "WHERE", default_value_t = InArg::All)]
    pub search_in: InArg,
    /// Result order.
    #[arg(long, value_enum, value_name = "ORDER", default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Hits to show [default: 10; every hit with -l].
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    /// Hits to skip (for the next pages).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Count matching articles per source and/or year (comma-separated).
    #[arg(long, value_enum, value_name = "FACETS", value_delimiter = ',')]
    pub facets: Vec<FacetArg>,
    /// Count matching articles per year, month, week or day, as a bar chart
    /// (empty periods included, from --from to --to when given).
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub timeline: Option<PeriodArg>,
    /// With --timeline: show each period's matches as a share of all the
    /// articles of that period that pass the filters (so that a story's
    /// rise is not mistaken for the archive's growth).
    #[arg(long, requires = "timeline")]
    pub share: bool,
    /// With --timeline: one timeline per source as well (the --top sources
    /// with most matches; the others summed in one "other sources" line).
    #[arg(long, value_enum, value_name = "WHAT", requires = "timeline")]
    pub by: Option<ByArg>,
    /// With --by source: how many sources get their own timeline.
    #[arg(long, value_name = "N", default_value_t = 5, requires = "by")]
    pub top: usize,
    /// One line per matching comment (with --in comments: results at the
    /// level of comments), every matching comment of each hit.
    #[arg(long, conflicts_with_all = ["files_with_matches", "count"])]
    pub per_comment: bool,
    /// What --facets and --timeline count: matching articles, or matching
    /// stories (a story counts once: in the period of its earliest matching
    /// copy, and once for each source that ran a matching copy).
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = CountArg::Articles)]
    pub count_by: CountArg,
    /// Show every matching article; by default each story (the syndicated
    /// copies of one article) is shown once, by its best copy.
    #[arg(long)]
    pub all_copies: bool,
    /// Print only the paths of the matching articles' files, one a line
    /// (every copy of a story).
    #[arg(long, short = 'l', conflicts_with_all = ["count", "json"])]
    pub files_with_matches: bool,
    /// Print only the number of matching articles.
    #[arg(long, conflicts_with = "json")]
    pub count: bool,
    /// Print one table as CSV with a header row: the timeline with
    /// --timeline (period,source,count[,total]), else the facets with
    /// --facets (facet,value,count), else the hits
    /// (id,date,source,headline,path,file,score).
    #[arg(long, conflicts_with_all = ["json", "count", "files_with_matches", "per_comment"])]
    pub csv: bool,
    /// Highlight matched terms in bold.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(flatten)]
    pub json: JsonFlag,
}

impl SearchArgs {
    /// The page size: `--limit`, or 10, or every hit for `-l`; none for
    /// `--count`.
    pub fn limit(&self) -> usize {
        match (self.limit, self.files_with_matches, self.count) {
            (_, _, true) => 0,
            (Some(n), _, _) => n,
            (None, true, _) => usize::MAX,
            (None, false, _) => newsidx::search::DEFAULT_LIMIT,
        }
    }

    /// The library request; a malformed date is a query error (usage).
    pub fn request(&self) -> Result<SearchRequest, QueryError> {
        let request = SearchRequest::new(self.query.join(" "))
            .search_in(self.search_in.into())
            .any(self.any)
            .sort(self.sort.into())
            .page(self.limit(), self.offset)
            .collapse(!self.all_copies && !self.files_with_matches)
            .counted(self.count_by.into())
            .snippets(!self.files_with_matches && !self.count && !self.csv)
            .suggest(!self.files_with_matches && !self.count && !self.csv)
            .comment_snippets(if self.per_comment {
                usize::MAX
            } else {
                newsidx::search::MAX_COMMENT_SNIPPETS
            })
            .facets(
                self.facets.contains(&FacetArg::Source),
                self.facets.contains(&FacetArg::Year),
            )
            .timeline(self.timeline.map(Period::from))
            .timeline_share(self.share)
            .timeline_by_source(self.by.map(|ByArg::Source| self.top));
        filtered(
            request,
            &self.from,
            &self.to,
            &self.source,
            self.unknown_source,
        )
    }
}

/// Arguments of `newsidx similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article's id (file stem), its file name (ID.txt), a prefix of its
    /// id that no other id shares, or its path.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub index: IndexPath,
    /// Only articles dated on or after this day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY, YYYY-MM or
    /// YYYY-MM-DD; a year or month includes all of it).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles of this source (as search --source). Repeat for several.
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles without a source; with --source, those too.
    #[arg(long)]
    pub unknown_source: bool,
    /// Where the article's words are searched in the others.
    #[arg(long = "in", value_enum, value_name = "WHERE", default_value_t = InArg::Body)]
    pub search_in: InArg,
    /// Result order.
    #[arg(long, value_enum, value_name = "ORDER", default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Articles to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = newsidx::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Articles to skip (for the next pages).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,
    /// Highlight the shared words in bold.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(flatten)]
    pub json: JsonFlag,
}

impl SimilarArgs {
    /// The library request (its query text is not used).
    pub fn request(&self) -> Result<SearchRequest, QueryError> {
        let request = SearchRequest::new("")
            .search_in(self.search_in.into())
            .any(true)
            .sort(self.sort.into())
            .page(self.limit, self.offset);
        filtered(
            request,
            &self.from,
            &self.to,
            &self.source,
            self.unknown_source,
        )
    }
}

/// `request` with the filters that search, similar and kwic share:
/// `--from`/`--to` (a malformed date is a query error: usage), `--source`
/// and `--unknown-source`.
fn filtered(
    request: SearchRequest,
    from: &Option<String>,
    to: &Option<String>,
    sources: &[String],
    unknown_source: bool,
) -> Result<SearchRequest, QueryError> {
    let from = from
        .as_deref()
        .map(|d| parse_date_filter(d, DateEnd::Start))
        .transpose()?;
    let to = to
        .as_deref()
        .map(|d| parse_date_filter(d, DateEnd::End))
        .transpose()?;
    Ok(sources.iter().fold(
        request.dates(from, to).unknown_source(unknown_source),
        |request, source| request.source(source),
    ))
}

/// The order of concordance lines (`kwic --sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KwicSortArg {
    /// Oldest article first, as they are found (streamed).
    Date,
    /// By the words left of the match, nearest first (as concordancers do).
    Left,
    /// By the words right of the match, nearest first.
    Right,
}

/// Arguments of `newsidx kwic`.
#[derive(Debug, Args)]
pub struct KwicArgs {
    /// The query (several arguments are joined with spaces).
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub index: IndexPath,
    /// Match any word instead of all of them.
    #[arg(long)]
    pub any: bool,
    /// Only articles dated on or after this day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY, YYYY-MM or
    /// YYYY-MM-DD; a year or month includes all of it).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only articles of this source (as search --source). Repeat for several.
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles without a source; with --source, those too.
    #[arg(long)]
    pub unknown_source: bool,
    /// Which text the lines come from (and unqualified words are searched in).
    #[arg(long = "in", value_enum, value_name = "WHERE", default_value_t = InArg::Body)]
    pub text: InArg,
    /// Words of context on each side.
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub width: usize,
    /// Line order. left and right keep only the first --limit lines of
    /// that order in memory.
    #[arg(long, value_enum, value_name = "ORDER", default_value_t = KwicSortArg::Date)]
    pub sort: KwicSortArg,
    /// Lines to print; the number of lines in all is still counted and
    /// reported.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 100)]
    pub limit: usize,
    /// Mark the matches in bold.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Print JSON Lines: one {"type":"line",...} per line, then one
    /// {"type":"summary",...}.
    #[arg(long)]
    pub json: bool,
    /// Print CSV with a header row:
    /// date,source,id,path,comment,start,end,left,match,right.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

impl KwicArgs {
    /// The library request.
    pub fn request(&self) -> Result<KwicRequest, QueryError> {
        let search = SearchRequest::new(self.query.join(" "))
            .search_in(self.text.into())
            .any(self.any);
        let search = filtered(
            search,
            &self.from,
            &self.to,
            &self.source,
            self.unknown_source,
        )?;
        Ok(KwicRequest {
            search,
            width: self.width,
            text: match self.text {
                InArg::Body => KwicText::Body,
                InArg::Comments => KwicText::Comments,
                InArg::All => KwicText::All,
            },
        })
    }
}
