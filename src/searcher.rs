//! [`Searcher`]: one snapshot of an index, and everything that reads it.
//!
//! The methods are listed here; the work is done in the modules of each task
//! ([`crate::search`], `lookup`, `stats`, [`crate::export`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use tantivy::{DocAddress, TantivyDocument, TantivyError};

use crate::document::StoredArticle;
use crate::error::{Error, Result};
use crate::export::ExportReport;
use crate::index::{Index, IndexRecord, open_error};
use crate::schema::Fields;
use crate::search::{CommentSnippet, SearchRequest, SearchResults};
use crate::stats::Stats;

/// One snapshot of an index (one commit), with the record of that commit:
/// searches, article lookups, statistics and exports made through one
/// `Searcher` all see the same articles, whatever indexers commit meanwhile.
///
/// Obtained with [`Index::searcher`]; cheap to clone and to share between
/// threads. Holding one keeps the snapshot's files on disk.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let archive_dir = tempfile::tempdir()?;
/// # std::fs::write(
/// #     archive_dir.path().join("000_a1.txt"),
/// #     " date 2021-05-04 The harbour bridge reopened.\nJoin the discussion\nAbout time the bridge opened.",
/// # )?;
/// # let index_dir = tempfile::tempdir()?;
/// use newsidx::Index;
/// use newsidx::search::SearchRequest;
///
/// let index = Index::create(index_dir.path())?;
/// index.index_dir(archive_dir.path(), &Default::default())?;
///
/// let searcher = index.searcher()?;
/// let results = searcher.search(&SearchRequest::new("bridge"))?;
/// let article = &searcher.get(&results.hits[0].id)?[0];
/// assert_eq!(article.comments, ["About time the bridge opened."]);
/// assert_eq!(searcher.stats()?.documents, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Searcher {
    path: PathBuf,
    searcher: tantivy::Searcher,
    fields: Fields,
    record: IndexRecord,
}

impl Searcher {
    pub(crate) fn new(index: &Index, searcher: tantivy::Searcher, record: IndexRecord) -> Searcher {
        Searcher {
            path: index.path().to_path_buf(),
            searcher,
            fields: *index.fields(),
            record,
        }
    }

    /// Runs a search (see [`crate::search`]).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        crate::search::run(self, request)
    }

    /// The articles most like the one named `id_or_path` (as
    /// [`Searcher::get`] names it), with the filters, page, facets and
    /// timeline of `request` (its query text is not used), never the
    /// article itself; `None` when no article has that name (see
    /// [`crate::search`]'s similar module docs for how words are chosen).
    /// Results are ranked by relevance unless `request` sorts by date;
    /// `SearchResults::query` reads `similar to ID`.
    pub fn similar(
        &self,
        id_or_path: &str,
        request: &SearchRequest,
    ) -> Result<Option<SearchResults>> {
        crate::search::similar(self, id_or_path, request)
    }

    /// Keyword in context: calls `visit` with every occurrence of the
    /// query's words and phrases in the articles that match `request`,
    /// oldest article first (see [`crate::search::KwicLine`] for the byte
    /// offsets), and returns how many there are in all.
    pub fn kwic(
        &self,
        request: &crate::search::KwicRequest,
        visit: impl FnMut(crate::search::KwicLine),
    ) -> Result<crate::search::KwicSummary> {
        crate::search::kwic(self, request, visit)
    }

    /// The articles whose id (file stem) is `id_or_path`, or else whose path
    /// relative to the archive root is `id_or_path`, sorted by path.
    ///
    /// Ids can repeat across folders, hence the `Vec`. Failing those, a path
    /// to an existing file inside the indexed archive (absolute, or relative
    /// to the working directory), a file name (`ID.txt`), and a prefix of
    /// one id only are accepted too; a prefix of several ids is an
    /// [`Error::Query`] that lists them. An empty `Vec` means no such
    /// article.
    pub fn get(&self, id_or_path: &str) -> Result<Vec<StoredArticle>> {
        crate::lookup::get(self, id_or_path)
    }

    /// The articles of the story `story` (a story id, as in [`Hit::story`]
    /// and [`StoredArticle::story`]), earliest first: by date, undated last,
    /// then by id. Empty when no article has that story.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let archive = dir.path().join("archive");
    /// # std::fs::create_dir_all(archive.join("a"))?;
    /// # let body = "The ferry company said on Monday that fares on all crossings of the bay \
    /// #     would rise by a third from June, the first rise in six years, blaming fuel.\n\
    /// #     Commuters who cross twice a day would pay about 30 crowns more a week, the \
    /// #     company said, and the council will discuss the fares on Thursday evening.";
    /// # std::fs::write(archive.join("a/001_wire.txt"), format!(" date 2020-05-04 Ferry fares to rise\n{body}"))?;
    /// # std::fs::write(archive.join("a/002_paper.txt"), format!(" date 2020-05-05 Bay fares up a third\n{body}"))?;
    /// use newsidx::Index;
    /// use newsidx::search::SearchRequest;
    ///
    /// let index = Index::create(dir.path().join("index"))?;
    /// index.index_dir(&archive, &Default::default())?;
    /// let searcher = index.searcher()?;
    /// let results = searcher.search(&SearchRequest::new("ferry fares"))?;
    /// // One story, two matching copies; the story's id is its first article's.
    /// assert_eq!((results.total, results.stories), (2, 1));
    /// let hit = &results.hits[0];
    /// assert_eq!((hit.story.as_str(), hit.copies), ("001_wire", 2));
    /// let copies = searcher.story(&hit.story)?;
    /// assert_eq!(copies.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["001_wire", "002_paper"]);
    /// # Ok(()) }
    /// ```
    ///
    /// [`Hit::story`]: crate::search::Hit::story
    pub fn story(&self, story: &str) -> Result<Vec<StoredArticle>> {
        crate::lookup::story(self, story)
    }

    /// The stories of at least `min_copies` articles, most copies first (then
    /// by story id): each story's id and its number of articles. Use
    /// [`Searcher::story`] for the articles of one.
    pub fn stories(&self, min_copies: u64) -> Result<Vec<(String, u64)>> {
        crate::lookup::stories(self, min_copies)
    }

    /// The articles named by `id_or_path` (as [`Searcher::get`] names them),
    /// each with its comments that match `request`'s query (searched as in
    /// comments, with its `any`), whole and marked, in article order.
    pub fn matching_comments(
        &self,
        id_or_path: &str,
        request: &SearchRequest,
    ) -> Result<Vec<(StoredArticle, Vec<CommentSnippet>)>> {
        crate::lookup::matching_comments(self, id_or_path, request)
    }

    /// What the snapshot holds: documents, sources, dates, comments, size.
    pub fn stats(&self) -> Result<Stats> {
        crate::stats::stats(self)
    }

    /// Writes every article of the snapshot to `writer` as NDJSON (see
    /// [`crate::export`]), segment by segment in stored order, without the
    /// archive folder: the index stores every exported part. `writer` is
    /// buffered here; it is flushed before returning.
    pub fn export(&self, writer: impl Write) -> Result<ExportReport> {
        crate::export::export_index(self, writer)
    }

    /// The number of articles in the snapshot.
    pub fn documents(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// The record of the snapshot's commit.
    pub fn record(&self) -> &IndexRecord {
        &self.record
    }

    /// The index folder.
    pub fn index_path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn tantivy(&self) -> &tantivy::Searcher {
        &self.searcher
    }

    /// The stored article at `address`.
    pub(crate) fn article_at(&self, address: DocAddress) -> Result<StoredArticle> {
        let doc: TantivyDocument = self
            .searcher
            .doc(address)
            .map_err(|e| self.engine_error(e))?;
        Ok(StoredArticle::from(crate::document::read(
            &self.fields,
            &doc,
        )))
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Classifies an engine error met while reading the snapshot: damaged
    /// files become [`Error::Damaged`].
    pub(crate) fn engine_error(&self, error: TantivyError) -> Error {
        open_error(&self.path, error)
    }
}
