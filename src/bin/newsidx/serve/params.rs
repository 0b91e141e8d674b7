//! Query-string parameters, read into the command line's own argument
//! structs ([`SearchArgs`], [`ShowArgs`]): `GET /api/search?q=storm&sort=newest`
//! means what `newsidx search --sort newest storm` means, because both end
//! in the same `SearchArgs::request`. Names are the long options, with `_`
//! for `-` (`unknown_source`); `in`, `sort`, `facets` and `timeline` take the
//! options' values. Caps keep one request cheap (see the constants).

use clap::ValueEnum;
use percent_encoding::percent_decode_str;

use super::error::ApiError;
use crate::args::{ColorArg, FacetArg, IndexPath, JsonFlag, SearchArgs, ShowArgs};

/// Longest query (`q`, `matching`), in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 1_000;
/// Largest page (`limit`).
pub(crate) const MAX_LIMIT: usize = 100;
/// Deepest page (`offset`).
pub(crate) const MAX_OFFSET: usize = 10_000;
/// Most `source` parameters.
pub(crate) const MAX_SOURCES: usize = 50;
/// Most parameters in one query string.
const MAX_PARAMS: usize = 100;

/// The parameters of `GET /api/search`.
pub(crate) const SEARCH_PARAMS: &[&str] = &[
    "q",
    "from",
    "to",
    "source",
    "unknown_source",
    "in",
    "sort",
    "limit",
    "offset",
    "any",
    "facets",
    "timeline",
    "share",
    "by",
    "top",
    "per_comment",
    "all_copies",
    "count_by",
];

/// The parameters of `GET /api/articles/{id}`.
pub(crate) const ARTICLE_PARAMS: &[&str] = &["matching", "any"];

/// A decoded query string: name and value pairs, in order.
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes `raw` (`a=1&b=x+y`), refusing names not in `known`, text
    /// that is not UTF-8 once decoded, and too many parameters.
    fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let mut pairs = Vec::new();
        for part in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(name, "")?;
            if !known.contains(&name.as_str()) {
                let takes = if known.is_empty() {
                    "no parameters".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ApiError::bad_parameter(
                    &name,
                    format!("unknown parameter {name:?}: this endpoint takes {takes}"),
                ));
            }
            let value = decode(value, &name)?;
            pairs.push((name, value));
            if pairs.len() > MAX_PARAMS {
                return Err(ApiError::bad_parameter(
                    "",
                    format!("more than {MAX_PARAMS} parameters"),
                ));
            }
        }
        Ok(Params(pairs))
    }

    /// Every value of `name`.
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of a parameter that may be given once.
    fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let values = self.all(name);
        let first = values.first().copied();
        if values.len() > 1 {
            return Err(ApiError::bad_parameter(
                name,
                format!("{name} is given more than once"),
            ));
        }
        Ok(first)
    }

    /// A switch: absent, or `true`/`1`/empty (on), `false`/`0` (off).
    fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.one(name)? {
            None | Some("false" | "0") => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some(other) => Err(ApiError::bad_parameter(
                name,
                format!("invalid value {other:?} for {name}: expected true or false"),
            )),
        }
    }

    /// A count from 0 to `most`.
    fn number(&self, name: &str, most: usize) -> Result<Option<usize>, ApiError> {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_parameter(
                name,
                format!("invalid value {text:?} for {name}: expected a number from 0 to {most}"),
            ));
        }
        match text.parse::<usize>() {
            Ok(n) if n <= most => Ok(Some(n)),
            _ => Err(ApiError::bad_parameter(
                name,
                format!("{name} is {text}; at most {most} is accepted"),
            )),
        }
    }

    /// One of the values of an option of the command line (`sort=newest`).
    fn choice<T: ValueEnum>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.one(name)?.map(|text| choice(name, text)).transpose()
    }

    /// A query: at most [`MAX_QUERY_CHARS`] characters.
    fn query(&self, name: &str) -> Result<Option<String>, ApiError> {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        let chars = text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(ApiError::bad_parameter(
                name,
                format!(
                    "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are accepted"
                ),
            ));
        }
        Ok(Some(text.to_string()))
    }
}

/// Percent-decodes one name or value (`+` is a space).
fn decode(text: &str, name: &str) -> Result<String, ApiError> {
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            ApiError::bad_parameter(
                name,
                format!("{text:?} is not UTF-8 text once percent-decoded"),
            )
        })
}

/// `text` as a value of the command line's value enum `T`.
fn choice<T: ValueEnum>(name: &str, text: &str) -> Result<T, ApiError> {
    T::from_str(text, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        ApiError::bad_parameter(
            name,
            format!(
                "invalid value {text:?} for {name}: expected {}",
                names.join(", ")
            ),
        )
    })
}

/// Most sources with their own timeline (`top`).
const MAX_TOP: usize = 100;

/// The arguments of `newsidx search` that a `GET /api/search` query string
/// stands for (always as with `--json`).
pub(crate) fn search_args(raw: Option<&str>) -> Result<SearchArgs, ApiError> {
    let p = Params::parse(raw, SEARCH_PARAMS)?;
    let query = p.query("q")?.ok_or_else(|| {
        ApiError::bad_parameter("q", "q, the query, is required (* finds every article)")
    })?;
    let source: Vec<String> = p.all("source").into_iter().map(str::to_string).collect();
    if source.len() > MAX_SOURCES {
        return Err(ApiError::bad_parameter(
            "source",
            format!("more than {MAX_SOURCES} sources"),
        ));
    }
    let mut facets = Vec::new();
    for item in p.all("facets").into_iter().flat_map(|v| v.split(',')) {
        let facet: FacetArg = choice("facets", item)?;
        if !facets.contains(&facet) {
            facets.push(facet);
        }
    }
    Ok(SearchArgs {
        query: vec![query],
        index: IndexPath { index: None },
        any: p.flag("any")?,
        from: p.one("from")?.map(str::to_string),
        to: p.one("to")?.map(str::to_string),
        source,
        unknown_source: p.flag("unknown_source")?,
        search_in: p.choice("in")?.unwrap_or(crate::args::InArg::All),
        sort: p.choice("sort")?.unwrap_or(crate::args::SortArg::Relevance),
        limit: p.number("limit", MAX_LIMIT)?,
        offset: p.number("offset", MAX_OFFSET)?.unwrap_or(0),
        facets,
        timeline: p.choice("timeline")?,
        share: p.flag("share")?,
        by: p.choice("by")?,
        top: p.number("top", MAX_TOP)?.unwrap_or(5),
        per_comment: p.flag("per_comment")?,
        all_copies: p.flag("all_copies")?,
        count_by: p
            .choice("count_by")?
            .unwrap_or(crate::args::CountArg::Articles),
        files_with_matches: false,
        count: false,
        csv: false,
        color: ColorArg::Never,
        json: JsonFlag { json: true },
    })
}

/// Refuses any parameter (`GET /api/stats` takes none).
pub(crate) fn no_params(raw: Option<&str>) -> Result<(), ApiError> {
    Params::parse(raw, &[]).map(|_| ())
}

/// The arguments of `newsidx show ID` that `GET /api/articles/ID` with this
/// query string stands for (always as with `--json`).
pub(crate) fn show_args(id: String, raw: Option<&str>) -> Result<ShowArgs, ApiError> {
    let p = Params::parse(raw, ARTICLE_PARAMS)?;
    let matching = p.query("matching")?;
    let any = p.flag("any")?;
    if any && matching.is_none() {
        return Err(ApiError::bad_parameter(
            "any",
            "any applies to matching: give matching=QUERY too",
        ));
    }
    Ok(ShowArgs {
        id,
        index: IndexPath { index: None },
        matching,
        any,
        color: ColorArg::Never,
        json: JsonFlag { json: true },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{InArg, PeriodArg, SortArg};

    fn parameter(result: Result<SearchArgs, ApiError>) -> String {
        let err = result.expect_err("an error");
        assert_eq!(err.status.as_u16(), 400, "{err:?}");
        err.parameter.unwrap_or_default()
    }

    #[test]
    fn every_option_is_read() {
        let args = search_args(Some(
            "q=storm+%22sea+wall%22&from=2011&to=2012-06&source=Herald&source=gazette\
             &unknown_source=1&in=comments&sort=oldest&limit=5&offset=20&any=true\
             &facets=source,year&timeline=month&per_comment&all_copies&count_by=stories",
        ))
        .expect("valid");
        assert_eq!(args.query, ["storm \"sea wall\""]);
        assert_eq!(
            (args.from.as_deref(), args.to.as_deref()),
            (Some("2011"), Some("2012-06"))
        );
        assert_eq!(args.source, ["Herald", "gazette"]);
        assert!(args.unknown_source && args.any && args.per_comment);
        assert_eq!(
            (args.search_in, args.sort),
            (InArg::Comments, SortArg::Oldest)
        );
        assert_eq!((args.limit, args.offset), (Some(5), 20));
        assert_eq!(args.facets, [FacetArg::Source, FacetArg::Year]);
        assert_eq!(args.timeline, Some(PeriodArg::Month));
        assert!(args.all_copies && args.count_by == crate::args::CountArg::Stories);
        assert!(args.json.json && !args.count && !args.files_with_matches);
    }

    #[test]
    fn defaults_are_the_command_lines() {
        let args = search_args(Some("q=storm")).expect("valid");
        assert_eq!(
            (args.search_in, args.sort),
            (InArg::All, SortArg::Relevance)
        );
        assert_eq!((args.limit, args.offset), (None, 0));
        assert!(args.facets.is_empty() && args.timeline.is_none() && !args.any);
        assert!(!args.all_copies && args.count_by == crate::args::CountArg::Articles);
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(parameter(search_args(None)), "q");
        assert_eq!(parameter(search_args(Some("q=a&form=2011"))), "form");
        assert_eq!(parameter(search_args(Some("q=a&limit=101"))), "limit");
        assert_eq!(parameter(search_args(Some("q=a&limit=-1"))), "limit");
        assert_eq!(
            parameter(search_args(Some("q=a&limit=99999999999999999999999"))),
            "limit"
        );
        assert_eq!(parameter(search_args(Some("q=a&offset=10001"))), "offset");
        assert_eq!(parameter(search_args(Some("q=a&sort=best"))), "sort");
        assert_eq!(parameter(search_args(Some("q=a&in=title"))), "in");
        assert_eq!(
            parameter(search_args(Some("q=a&facets=source,month"))),
            "facets"
        );
        assert_eq!(
            parameter(search_args(Some("q=a&timeline=hour"))),
            "timeline"
        );
        assert_eq!(parameter(search_args(Some("q=a&any=yes"))), "any");
        assert_eq!(parameter(search_args(Some("q=a&q=b"))), "q");
        assert_eq!(parameter(search_args(Some("q=%FF"))), "q");
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert_eq!(parameter(search_args(Some(&long))), "q");
        let ok = format!("q={}", "é".repeat(MAX_QUERY_CHARS));
        assert!(search_args(Some(&ok)).is_ok(), "characters, not bytes");
        let sources = "&source=x".repeat(MAX_SOURCES + 1);
        assert_eq!(
            parameter(search_args(Some(&format!("q=a{sources}")))),
            "source"
        );
    }

    #[test]
    fn article_parameters() {
        let args = show_args("x".into(), Some("matching=storm&any")).expect("valid");
        assert_eq!((args.matching.as_deref(), args.any), (Some("storm"), true));
        assert!(show_args("x".into(), Some("any=1")).is_err());
        assert!(show_args("x".into(), Some("q=storm")).is_err());
    }
}
