//! The index schema, declared once in `schema/fields.json`.
//!
//! That file lists every field with its type, analyzer and flags; this module
//! reads it (embedded at compile time), builds the tantivy [`Schema`] from it,
//! and resolves the field handles once into [`Fields`]. A golden-file test
//! keeps `schema/tantivy-schema.json` (tantivy's own rendering of the schema)
//! in step, so any change to the index layout shows up in review.

use serde::Deserialize;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions,
};

/// The schema declaration, as committed in `schema/fields.json`.
pub const FIELDS_JSON: &str = include_str!("../schema/fields.json");

/// One field of the declaration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// `text`, `date`, `u64` or `i64`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Analyzer of a text field (`None` when not indexed).
    pub analyzer: Option<String>,
    /// Whether the field is searchable.
    pub indexed: bool,
    /// Whether positions are kept (phrase queries).
    pub positions: bool,
    /// Whether the value is kept in the document store.
    pub stored: bool,
    /// Whether the value has a column (sorting, facets, filters).
    pub fast: bool,
    /// What the field holds.
    pub doc: String,
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
            "date" => builder.add_date_field(&field.name, date_options(&field)),
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
        let record = if spec.positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::Basic
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

fn date_options(spec: &FieldSpec) -> DateOptions {
    let mut options = DateOptions::default().set_precision(DateTimePrecision::Seconds);
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
        }
    }
}
