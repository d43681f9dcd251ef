//! The output, defined once: one [`Record`] per input, serialised as a JSON line
//! (`schema/record.schema.json` is tested against these types).

use crate::doc::{CharIndex, Doc, EntityType, Feature, Kind, Position, Stance};
pub use crate::error::{ErrorKind, RecordError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ops::Range;

mod build;

/// Version of the record layout (`schema/record.schema.json`).
pub const SCHEMA_VERSION: &str = "1";

/// Double quotation marks: single ones are also apostrophes ("don’t").
const QUOTE_MARKS: &[char] = &['"', '“', '”', '„', '«', '»'];

/// The words a direct or mixed content quotes: a mixed content's words inside its quotation
/// marks (pieces joined with " … "), a direct content's whole, without the marks.
pub fn quoted(content: &str, quoted_only: bool) -> String {
    if !quoted_only {
        return content
            .trim_matches(|c: char| QUOTE_MARKS.contains(&c) || c.is_whitespace())
            .to_string();
    }
    let mut inside = false;
    let mut pieces: Vec<String> = vec![];
    for c in content.chars() {
        if QUOTE_MARKS.contains(&c) {
            inside = !inside;
            if inside {
                pieces.push(String::new());
            }
        } else if inside {
            pieces.last_mut().expect("opened").push(c);
        }
    }
    pieces
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" … ")
}

/// A direct quotation's id: FNV-1a of its [`quoted`] words (lowercased, letters and digits,
/// single spaces), 16 hex digits, so that the same words quoted anywhere get the same id.
pub fn quote_id(content: &str, quoted_only: bool) -> Option<String> {
    let text = quoted(content, quoted_only);
    let words: Vec<String> = crate::text::plain_words(&text).collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{:016x}", crate::text::id_hash(&words.join(" "))))
}

/// How the record writes a value: a kind, stance or feature's name.
pub fn name_of(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Reads newsie records, one JSON line each, handing each to `f` as it comes; lines that are not
/// records (a torn last line of a killed run, say) are skipped and counted.
pub fn for_each_record(
    reader: impl std::io::BufRead,
    mut f: impl FnMut(Record),
) -> anyhow::Result<usize> {
    use anyhow::Context;
    let mut skipped = 0;
    for line in reader.lines() {
        let line = line.context("cannot read the records")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(&line) {
            Ok(r) => f(r),
            Err(_) => skipped += 1,
        }
    }
    Ok(skipped)
}

/// Words, sentences and quotations of an article (`newsie segment`), in code points.
#[derive(Debug, Serialize, Deserialize)]
pub struct SegmentRecord {
    /// The article's id.
    pub id: String,
    /// `[start, end)` of each word.
    pub words: Vec<[usize; 2]>,
    /// `[first word, end word)` of each sentence.
    pub sentences: Vec<[usize; 2]>,
    /// `[start, end)` of each paired quotation, marks included.
    pub quotations: Vec<[usize; 2]>,
}

#[derive(Debug, Serialize, Deserialize)]
/// A mention of an entity: its span of the text.
pub struct MentionRecord {
    /// Code point offset of its start.
    pub start: usize,
    /// Code point offset just past it.
    pub end: usize,
    /// Its text.
    pub text: String,
    /// The mean probability of its tags.
    pub confidence: f64,
}

#[derive(Debug, Serialize, Deserialize)]
/// An entity: its type, canonical name and mentions.
pub struct EntityRecord {
    /// "E1", "E2", … in the record.
    pub id: String,
    #[serde(rename = "type")]
    /// PER, ORG, LOC or MISC.
    pub label: EntityType,
    /// The canonical name.
    pub name: String,
    /// Every mention, in text order.
    pub mentions: Vec<MentionRecord>,
    /// A person's most frequent role in the article ("President", "spokeswoman").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The country or organisation of that role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// The one id of this person or organisation across the run (`newsie entities`); absent
    /// from `extract`'s records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corpus_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
/// A place entity resolved to a gazetteer entry.
pub struct PlaceRecord {
    /// Id of the entity.
    pub entity: String,
    /// The gazetteer's name of the place.
    pub name: String,
    /// GeoNames id; null for a place added by hand without one.
    pub geonames_id: Option<u32>,
    /// continent, country, region, district, city or union.
    pub feature: Feature,
    /// GeoNames feature code (PPLC, ADM1, …).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// GeoNames admin1 code within the country.
    pub admin1: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// How sure the resolver is: the chosen candidate's probability under the ranker.
    pub confidence: f64,
    /// The confidence reaches the run's `--place-threshold` (records written before the field
    /// existed read as confident).
    #[serde(default = "yes")]
    pub confident: bool,
    /// Mentions of the entity in the article.
    pub mentions: usize,
}

fn yes() -> bool {
    true
}

/// A stretch of the text, code point offsets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TextSpan {
    /// The words.
    pub text: String,
    /// Code point offset of the start.
    pub start: usize,
    /// Code point offset just past the end.
    pub end: usize,
}

#[derive(Debug, Serialize, Deserialize)]
/// Who holds a position: the source's words and the entity they name.
pub struct SpeakerRecord {
    /// Id of the entity the source names, if any.
    pub entity: Option<String>,
    /// The entity's name, or the source's text when it names no entity; null when that text is
    /// a pronoun alone ("he", "they", "I") that points at no one the article names.
    pub name: Option<String>,
    /// The speaker's role where the article gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The country or organisation of that role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// The source is not next to the cue but inferred (a coordinated clause's subject, the
    /// noun a relative clause hangs on).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    #[serde(flatten)]
    /// The source's words and offsets.
    pub span: TextSpan,
}

#[derive(Debug, Serialize, Deserialize)]
/// What is said, in one or more pieces.
pub struct ContentRecord {
    /// The pieces joined with " … ".
    pub text: String,
    /// Code point offset of the first piece's start.
    pub start: usize,
    /// Code point offset just past the last piece.
    pub end: usize,
    /// `[start, end)` of each piece.
    pub spans: Vec<[usize; 2]>,
}

#[derive(Debug, Serialize, Deserialize)]
/// A reported position.
pub struct PositionRecord {
    /// "P1", "P2", … in the record.
    pub id: String,
    /// Null when the article does not say who holds the position.
    pub speaker: Option<SpeakerRecord>,
    /// The cue's words.
    pub cue: TextSpan,
    /// What is said.
    pub content: ContentRecord,
    /// direct, mixed or indirect.
    pub kind: Kind,
    /// support, oppose or neutral.
    pub stance: Stance,
    /// The probability that this is a position a reader would name (calibrated on
    /// hand-labelled web pages, docs/positions.md).
    pub confidence: f64,
    /// Present (true) when the confidence is below the precision threshold and the run kept
    /// every candidate (`--all-candidates`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub candidate: bool,
    /// Id of the position whose content reports this one; absent at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_by: Option<String>,
    /// For a direct or mixed position: the id of its quotation's words ([`quote_id`]), the
    /// same wherever the words are quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
}

/// One output line.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    /// The article's id, or "line:N".
    pub id: String,
    /// The record layout's version.
    #[serde(default)]
    pub schema_version: String,
    #[serde(flatten)]
    /// The input's kept fields (title, date, url, source).
    pub meta: Map<String, Value>,
    /// Which models found what; null in an error record.
    #[serde(default)]
    pub model: Value,
    /// The entities the article mentions.
    #[serde(default)]
    pub entities: Vec<EntityRecord>,
    /// Its places, resolved.
    #[serde(default)]
    pub places: Vec<PlaceRecord>,
    /// Main countries of the article.
    #[serde(default)]
    pub focus: Vec<String>,
    /// The text's language (ISO 639-3) where it is reliably not English; absent for English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Its reported positions.
    #[serde(default)]
    pub positions: Vec<PositionRecord>,
    /// What stages outside the core added, by stage name; absent when none did.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Value>,
    /// Why the input could not be processed; null when it was.
    #[serde(default)]
    pub error: Option<RecordError>,
    /// Words in the article (0 in an error record).
    #[serde(default)]
    pub words: usize,
    /// The article's text, which the offsets point into: for web pages (the extracted main
    /// text) and with `--with-text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// MinHash of the text's word shingles, base64 (`newsie export` finds duplicates by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Record {
    /// The record of an input that could not be processed: same shape, empty findings.
    pub fn error(id: Option<String>, error: RecordError) -> Self {
        let id = id.unwrap_or_else(|| error.fallback_id());
        Record {
            id,
            schema_version: SCHEMA_VERSION.to_string(),
            meta: Map::new(),
            model: Value::Null,
            entities: vec![],
            places: vec![],
            focus: vec![],
            language: None,
            positions: vec![],
            extensions: BTreeMap::new(),
            error: Some(error),
            words: 0,
            text: None,
            fingerprint: None,
        }
    }
}

#[cfg(test)]
mod tests;
