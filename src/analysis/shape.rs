//! The output has one shape: every field of the record (`output::record`) reaches the user as a
//! column of `newsie export` or a view of `newsie report`. A field added to the record fails to
//! compile in `full_record` until it is filled there, then fails `every_field_has_a_column_or_a_view`
//! until it is given a column or a view here.

use crate::analysis::export::TABLES;
use crate::analysis::report;
use crate::doc::{EntityType, Feature, Kind, Stance, KEPT_FIELDS};
use crate::output::record::{
    ContentRecord, EntityRecord, ErrorKind, MentionRecord, PlaceRecord, PositionRecord, Record,
    RecordError, SpeakerRecord, TextSpan, SCHEMA_VERSION,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Where a field of the record goes.
enum Goes {
    /// `table.column` of `newsie export`.
    Column(&'static str),
    /// A key path of the report page's data.
    View(&'static str),
}
use Goes::{Column, View};

/// Each field of the record by its key path in the JSON (arrays looked through), and where it goes.
const SHAPE: &[(&str, Goes)] = &[
    ("id", Column("articles.article")),
    ("schema_version", Column("articles.schema_version")),
    ("title", Column("articles.title")),
    ("date", Column("articles.date")),
    ("url", Column("articles.url")),
    ("source", Column("articles.source")),
    ("model", Column("articles.model")),
    ("entities.id", Column("entities.entity")),
    ("entities.type", Column("entities.type")),
    ("entities.name", Column("entities.name")),
    ("entities.role", Column("entities.role")),
    ("entities.affiliation", Column("entities.affiliation")),
    ("entities.corpus_id", Column("entities.corpus_id")),
    ("entities.mentions.start", Column("mentions.start")),
    ("entities.mentions.end", Column("mentions.end")),
    ("entities.mentions.text", Column("mentions.text")),
    (
        "entities.mentions.confidence",
        Column("mentions.confidence"),
    ),
    ("places.entity", Column("places.entity")),
    ("places.name", Column("places.name")),
    ("places.geonames_id", Column("places.geonames_id")),
    ("places.feature", Column("places.feature")),
    ("places.feature_code", Column("places.feature_code")),
    ("places.country", Column("places.country")),
    ("places.admin1", Column("places.admin1")),
    ("places.lat", Column("places.lat")),
    ("places.lon", Column("places.lon")),
    ("places.confidence", Column("places.confidence")),
    ("places.confident", Column("places.confident")),
    ("places.mentions", Column("places.mentions")),
    ("focus", Column("places.focus")),
    ("language", Column("articles.language")),
    ("positions.id", Column("positions.position")),
    (
        "positions.speaker.entity",
        Column("positions.speaker_entity"),
    ),
    ("positions.speaker.name", Column("positions.speaker")),
    ("positions.speaker.role", Column("positions.speaker_role")),
    (
        "positions.speaker.affiliation",
        Column("positions.speaker_affiliation"),
    ),
    (
        "positions.speaker.inferred",
        Column("positions.speaker_inferred"),
    ),
    (
        "positions.speaker.text",
        View("articles.positions.speaker_span"),
    ),
    ("positions.speaker.start", Column("positions.speaker_start")),
    ("positions.speaker.end", Column("positions.speaker_end")),
    ("positions.cue.text", Column("positions.cue")),
    ("positions.cue.start", Column("positions.cue_start")),
    ("positions.cue.end", Column("positions.cue_end")),
    ("positions.content.text", Column("positions.content")),
    ("positions.content.start", Column("positions.content_start")),
    ("positions.content.end", Column("positions.content_end")),
    (
        "positions.content.spans",
        View("articles.positions.content_spans"),
    ),
    ("positions.kind", Column("positions.kind")),
    ("positions.stance", Column("positions.stance")),
    ("positions.confidence", Column("positions.confidence")),
    ("positions.candidate", Column("positions.candidate")),
    ("positions.reported_by", Column("positions.reported_by")),
    ("positions.quote_id", Column("positions.quote_id")),
    ("extensions", Column("articles.extensions")),
    ("error.kind", Column("articles.error")),
    ("error.message", Column("articles.error_message")),
    ("error.line", Column("articles.error_line")),
    ("words", Column("articles.words")),
    ("text", View("articles.text")),
    // the MinHash is read to find copies: the article's duplicate_of and similarity
    ("fingerprint", Column("articles.duplicate_of")),
];

fn span(text: &str, start: usize) -> TextSpan {
    TextSpan {
        text: text.into(),
        start,
        end: start + text.chars().count(),
    }
}

/// A record with every field set, built field by field (no `..Default`), so that a new field
/// of any of its parts must be set here.
fn full_record(error: bool) -> Record {
    let meta = KEPT_FIELDS
        .iter()
        .map(|k| (k.to_string(), json!("2026-01-02")));
    Record {
        id: "a1".into(),
        schema_version: SCHEMA_VERSION.into(),
        meta: meta.collect(),
        model: json!({"ner": "m"}),
        entities: vec![EntityRecord {
            id: "E1".into(),
            label: EntityType::PER,
            name: "Ann Lee".into(),
            mentions: vec![MentionRecord {
                start: 0,
                end: 7,
                text: "Ann Lee".into(),
                confidence: 0.9,
            }],
            role: Some("minister".into()),
            affiliation: Some("Norway".into()),
            corpus_id: Some("C1".into()),
        }],
        places: vec![PlaceRecord {
            entity: "E2".into(),
            name: "Oslo".into(),
            geonames_id: Some(3143244),
            feature: Feature::City,
            feature_code: "PPLC".into(),
            country: "NO".into(),
            admin1: "12".into(),
            lat: 59.9,
            lon: 10.7,
            confidence: 0.8,
            confident: true,
            mentions: 1,
        }],
        focus: vec!["NO".into()],
        language: Some("nob".into()),
        positions: vec![PositionRecord {
            id: "P1".into(),
            speaker: Some(SpeakerRecord {
                entity: Some("E1".into()),
                name: Some("Ann Lee".into()),
                role: Some("minister".into()),
                affiliation: Some("Norway".into()),
                inferred: true,
                span: span("Ann Lee", 0),
            }),
            cue: span("said", 8),
            content: ContentRecord {
                text: "it holds".into(),
                start: 13,
                end: 21,
                spans: vec![[13, 21]],
            },
            kind: Kind::Indirect,
            stance: Stance::Support,
            confidence: 0.7,
            candidate: true,
            reported_by: Some("P0".into()),
            quote_id: Some("Q1".into()),
        }],
        extensions: BTreeMap::from([("stage".into(), json!({"x": 1}))]),
        error: error.then(|| RecordError {
            kind: ErrorKind::InvalidJson,
            message: "bad".into(),
            line: Some(3),
        }),
        words: 3,
        text: Some("Ann Lee said it holds in Oslo".into()),
        fingerprint: Some("AAAA".into()),
    }
}

/// Key paths of a JSON value, arrays looked through; `opaque` paths are leaves whatever they hold.
fn paths(v: &Value, at: &str, opaque: &[&str], out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) if !opaque.contains(&at) => {
            for (k, x) in map {
                let p = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                paths(x, &p, opaque, out);
            }
        }
        Value::Array(items) if items.iter().any(|x| x.is_object() || x.is_array()) => {
            for x in items {
                paths(x, at, opaque, out);
            }
        }
        _ => {
            out.insert(at.to_string());
        }
    }
}

#[test]
fn every_field_has_a_column_or_a_view() {
    let record = serde_json::to_value(full_record(true)).unwrap();
    let mut fields = BTreeSet::new();
    paths(&record, "", &["model", "extensions"], &mut fields);
    let shaped: BTreeSet<String> = SHAPE.iter().map(|(f, _)| f.to_string()).collect();
    let missing: Vec<_> = fields.difference(&shaped).collect();
    assert!(
        missing.is_empty(),
        "record fields with no column and no view: {missing:?}"
    );
    let stale: Vec<_> = shaped.difference(&fields).collect();
    assert!(stale.is_empty(), "no such field of the record: {stale:?}");

    let columns: BTreeSet<String> = TABLES
        .iter()
        .flat_map(|(t, cols)| cols.iter().map(move |(c, _)| format!("{t}.{c}")))
        .collect();
    let mut views = BTreeSet::new();
    paths(&report::view(vec![full_record(false)]), "", &[], &mut views);
    for (field, goes) in SHAPE {
        match goes {
            Column(c) => assert!(columns.contains(*c), "{field}: export has no column {c}"),
            View(v) => assert!(views.contains(*v), "{field}: the report has no view {v}"),
        }
    }
}

#[test]
fn the_paths_walk_looks_through_arrays_and_stops_at_opaque_values() {
    let v = json!({"a": [{"b": 1}, {"c": {"d": 2}}], "m": {"x": 1}, "s": [[1, 2]], "t": [1]});
    let mut got = BTreeSet::new();
    paths(&v, "", &["m"], &mut got);
    let want = ["a.b", "a.c.d", "m", "s", "t"].map(String::from);
    assert_eq!(got, BTreeSet::from(want));
}
