//! The index schema, declared once in `schema/fields.json`.
//!
//! That file lists every field with its type, analyzer and flags; this module
//! reads it (embedded at compile time), builds the tantivy [`Schema`] from it,
//! and resolves the field handles once into [`Fields`]. A golden-file test
//! keeps `schema/tantivy-schema.json` (tantivy's own rendering of the schema)
//! in step, so any change to the index layout shows up in review.

use serde::Deserialize;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};

/// The schema declaration, as committed in `schema/fields.json`.
pub const FIELDS_JSON: &str = include_str!("../schema/fields.json");

/// One field of the declaration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// `text`, `u64` or `i64`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Analyzer of a text field (`None` when not indexed).
    pub analyzer: Option<String>,
    /// Whether the field is searchable.
    pub indexed: bool,
    /// Whether positions are kept (phrase queries); they imply frequencies.
    pub positions: bool,
    /// Whether term frequencies are kept without positions (BM25 scores on
    /// a field that answers no phrase); default: no.
    #[serde(default)]
    pub freqs: bool,
    /// Whether the value is kept in the document store.
    pub stored: bool,
    /// Whether the value has a column (sorting, facets, filters).
    pub fast: bool,
    /// Whether `newsidx export` writes the field (default: yes). The
    /// unstemmed copies of the text (`body_words`, ...) are left out: they
    /// would repeat the whole text in every line.
    #[serde(default = "yes")]
    pub export: bool,
    /// What the field holds.
    pub doc: String,
}

fn yes() -> bool {
    true
}

/// The whole declaration: a version and the fields.
#[derive(Debug, Clone, Deserialize)]
pub struct SchemaSpec {
    /// Bumped whenever the index layout changes; indexes of another version
    /// must be rebuilt.
    pub version: u32,
    /// The fields, in schema order.
    pub fields: Vec<FieldSpec>,
}

/// The schema declaration, parsed. The file is part of the source tree, so a
/// malformed file is a build defect caught by the unit tests.
pub fn spec() -> SchemaSpec {
    serde_json::from_str(FIELDS_JSON).expect("schema/fields.json is valid (checked by tests)")
}

/// The schema version this build writes and reads.
pub fn version() -> u32 {
    spec().version
}

/// Builds the tantivy schema from the declaration.
pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    for field in spec().fields {
        match field.kind.as_str() {
            "text" => builder.add_text_field(&field.name, text_options(&field)),
            "u64" => builder.add_u64_field(&field.name, numeric_options(&field)),
            "i64" => builder.add_i64_field(&field.name, numeric_options(&field)),
            other => panic!("schema/fields.json: unknown type {other:?}"),
        };
    }
    builder.build()
}

fn text_options(spec: &FieldSpec) -> TextOptions {
    let mut options = TextOptions::default();
    if spec.indexed {
        let record = match (spec.positions, spec.freqs) {
            (true, _) => IndexRecordOption::WithFreqsAndPositions,
            (false, true) => IndexRecordOption::WithFreqs,
            (false, false) => IndexRecordOption::Basic,
        };
        let analyzer = spec.analyzer.as_deref().unwrap_or("raw");
        options = options.set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(record),
        );
    }
    if spec.stored {
        options = options.set_stored();
    }
    if spec.fast {
        options = options.set_fast("raw");
    }
    options
}

fn numeric_options(spec: &FieldSpec) -> NumericOptions {
    let mut options = NumericOptions::default();
    if spec.indexed {
        options = options.set_indexed();
    }
    if spec.stored {
        options = options.set_stored();
    }
    if spec.fast {
        options = options.set_fast();
    }
    options
}

/// How the index holds a date: the number `YYYYMMDD` (`2018-08-08` is
/// `20180808`).
///
/// tantivy's own date type counts nanoseconds in an `i64`, which only reaches
/// the years 1678 to 2261; archives hold older papers. The number keeps any
/// year from 1 to 9999, sorts and compares as the dates do, and reads the
/// same in the index, in range queries and in an export.
pub fn date_value(date: time::Date) -> i64 {
    i64::from(date.year()) * 10_000
        + i64::from(u8::from(date.month())) * 100
        + i64::from(date.day())
}

/// The date of a stored [`date_value`]; `None` for a number that is no date.
pub fn date_of_value(value: i64) -> Option<time::Date> {
    let year = i32::try_from(value / 10_000).ok()?;
    let month = time::Month::try_from(u8::try_from(value / 100 % 100).ok()?).ok()?;
    let day = u8::try_from(value % 100).ok()?;
    if value < 0 {
        return None;
    }
    time::Date::from_calendar_date(year, month, day).ok()
}

/// The field handles of the schema, resolved once.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub date: Field,
    pub source: Field,
    pub source_key: Field,
    pub source_text: Field,
    pub headline: Field,
    pub body: Field,
    pub notice: Field,
    pub comments: Field,
    pub headline_words: Field,
    pub body_words: Field,
    pub comments_words: Field,
    pub story: Field,
    pub story_key: Field,
    pub story_bands: Field,
    pub comment_count: Field,
    pub invalid_utf8: Field,
    pub file_size: Field,
    pub file_mtime: Field,
    pub file_hash: Field,
}

impl Fields {
    /// Resolves the handles in `schema`, which must be [`build_schema`]'s.
    pub fn new(schema: &Schema) -> tantivy::Result<Fields> {
        let get = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: get("id")?,
            path: get("path")?,
            date: get("date")?,
            source: get("source")?,
            source_key: get("source_key")?,
            source_text: get("source_text")?,
            headline: get("headline")?,
            body: get("body")?,
            notice: get("notice")?,
            comments: get("comments")?,
            headline_words: get("headline_words")?,
            body_words: get("body_words")?,
            comments_words: get("comments_words")?,
            story: get("story")?,
            story_key: get("story_key")?,
            story_bands: get("story_bands")?,
            comment_count: get("comment_count")?,
            invalid_utf8: get("invalid_utf8")?,
            file_size: get("file_size")?,
            file_mtime: get("file_mtime")?,
            file_hash: get("file_hash")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Golden file: tantivy's rendering of the schema. Regenerate with
    /// `NEWSIDX_BLESS=1 cargo test schema` after a deliberate change, and bump
    /// the version in `schema/fields.json`.
    #[test]
    fn schema_matches_the_golden_file() {
        let golden_path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/tantivy-schema.json");
        let rendered =
            serde_json::to_string_pretty(&build_schema()).expect("schema serialises") + "\n";
        if std::env::var_os("NEWSIDX_BLESS").is_some() {
            std::fs::write(golden_path, &rendered).expect("write golden file");
        }
        let golden = std::fs::read_to_string(golden_path).expect("read golden file");
        assert_eq!(
            rendered, golden,
            "schema changed: bless it and bump the version"
        );
    }

    #[test]
    fn dates_are_numbers_that_sort_like_the_dates() {
        use time::macros::date;
        let days = [
            date!(0001 - 01 - 01),
            date!(1665 - 11 - 16),
            date!(1969 - 12 - 31),
            date!(2018 - 08 - 08),
            date!(9999 - 12 - 31),
        ];
        assert_eq!(date_value(days[1]), 16_651_116);
        for d in days {
            assert_eq!(date_of_value(date_value(d)), Some(d));
        }
        assert!(days.windows(2).all(|w| date_value(w[0]) < date_value(w[1])));
        for bad in [0, -20180808, 20181301, 20180230, 20180800] {
            assert_eq!(date_of_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_declared_field_resolves() {
        let schema = build_schema();
        Fields::new(&schema).expect("all fields exist");
        assert_eq!(schema.fields().count(), spec().fields.len());
    }

    #[test]
    fn declaration_is_consistent() {
        for field in spec().fields {
            assert!(!field.doc.is_empty(), "{} needs a doc line", field.name);
            assert_eq!(
                field.kind == "text" && field.indexed,
                field.analyzer.is_some(),
                "{}: indexed text fields, and only they, name an analyzer",
                field.name
            );
            assert!(!field.positions || field.indexed, "{}", field.name);
            assert!(
                !field.freqs || (field.indexed && !field.positions),
                "{}",
                field.name
            );
        }
    }
}
