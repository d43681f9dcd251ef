//! The article and everything found in it; what a record serialises.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::ops::Range;

/// Version of the record layout (`schema/record.schema.json`).
pub const SCHEMA_VERSION: &str = "1";

/// Input fields copied into the record when present.
pub const KEPT_FIELDS: [&str; 4] = ["title", "date", "url", "source"];

/// A word: byte offsets into `Doc::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

/// A sentence: byte offsets and the range of its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub tokens: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteSide {
    Open,
    Close,
    /// Straight quotes: which side is decided by pairing.
    Either,
}

/// A quotation mark (typographic or straight) at byte offset `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteMark {
    pub start: usize,
    pub mark: char,
    pub side: QuoteSide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityType {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityType {
    pub fn all() -> [EntityType; 4] {
        [Self::PER, Self::ORG, Self::LOC, Self::MISC]
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PER" => Some(Self::PER),
            "ORG" => Some(Self::ORG),
            "LOC" => Some(Self::LOC),
            "MISC" => Some(Self::MISC),
            _ => None,
        }
    }
}

/// A named-entity mention over a range of tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub tokens: Range<usize>,
    pub label: EntityType,
    pub confidence: f32,
}

/// Mentions of one thing, with its canonical name.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub label: EntityType,
    pub name: String,
    /// Indices into `Doc::mentions`, in text order.
    pub mentions: Vec<usize>,
}

/// The kind of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feature {
    Continent,
    Country,
    /// First-level administrative region (state, oblast, province), or a region by hand (Donbas).
    Region,
    /// Second-level region (US county, raion).
    District,
    City,
    /// A union of countries (the EU).
    Union,
}

impl Feature {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "continent" => Feature::Continent,
            "country" => Feature::Country,
            "region" => Feature::Region,
            "district" => Feature::District,
            "city" => Feature::City,
            "union" => Feature::Union,
            _ => return None,
        })
    }
}

/// A gazetteer entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// GeoNames id; `None` for a place added by hand without one.
    pub geonames_id: Option<u32>,
    pub name: String,
    pub feature: Feature,
    /// GeoNames feature code (PCLI, ADM1, ADM2, PPL, PPLC; RGN, TERR by hand).
    pub code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// GeoNames admin1 code within the country.
    pub admin1: String,
    pub lat: f32,
    pub lon: f32,
    pub population: u64,
}

/// A place entity resolved to a gazetteer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPlace {
    /// Index into `Doc::entities`.
    pub entity: usize,
    pub place: Place,
    pub confidence: f32,
}

/// How a position is reported: its content wholly in quotation marks, partly, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Direct,
    Mixed,
    Indirect,
}

/// The speaker's stance towards the content, read from the cue and its negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Support,
    Oppose,
    Neutral,
}

/// A reported position (an attribution): who (source) said, proposed, rejected (cue) what
/// (content). Spans are ranges of tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub source: Option<Range<usize>>,
    /// Index into `Doc::entities` of the source's speaker, when the article names it.
    pub speaker: Option<usize>,
    pub cue: Range<usize>,
    /// One or more pieces, in text order (a content interrupted by "he said" has two).
    pub content: Vec<Range<usize>>,
    pub kind: Kind,
    pub stance: Stance,
    pub confidence: f32,
}

/// An article and all annotations the stages add to it.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub id: String,
    pub text: String,
    /// Kept input fields (title, date, url, source).
    pub meta: Map<String, Value>,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<QuoteMark>,
    /// Byte spans of paired quotations, marks included.
    pub quotations: Vec<Range<usize>>,
    pub mentions: Vec<Mention>,
    pub entities: Vec<Entity>,
    pub positions: Vec<Position>,
    pub places: Vec<ResolvedPlace>,
    /// Main countries of the article (ISO 3166-1 alpha-2), most mentioned first.
    pub focus: Vec<String>,
}

impl Doc {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Doc {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    pub fn token_text(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.text[t.start..t.end]
    }

    /// Byte range covered by a range of tokens.
    pub fn byte_span(&self, tokens: &Range<usize>) -> Range<usize> {
        self.tokens[tokens.start].start..self.tokens[tokens.end - 1].end
    }

    /// Number of words, as counted for throughput.
    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }

    /// The record for this article. `model` is the provenance of the models that annotated it.
    pub fn to_record(&self, model: &Value) -> Record {
        let chars = CharIndex::new(&self.text);
        let entities = self
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| EntityRecord {
                id: format!("E{}", i + 1),
                label: e.label,
                name: e.name.clone(),
                mentions: e
                    .mentions
                    .iter()
                    .map(|&m| {
                        let m = &self.mentions[m];
                        let span = self.byte_span(&m.tokens);
                        MentionRecord {
                            start: chars.get(span.start),
                            end: chars.get(span.end),
                            text: self.text[span].to_string(),
                            confidence: round4(m.confidence),
                        }
                    })
                    .collect(),
            })
            .collect();
        let places = self
            .places
            .iter()
            .map(|r| {
                let p = &r.place;
                PlaceRecord {
                    entity: format!("E{}", r.entity + 1),
                    name: p.name.clone(),
                    geonames_id: p.geonames_id,
                    feature: p.feature,
                    feature_code: p.code.clone(),
                    country: p.country.clone(),
                    admin1: p.admin1.clone(),
                    lat: round5(p.lat),
                    lon: round5(p.lon),
                    confidence: round4(r.confidence),
                    mentions: self.entities[r.entity].mentions.len(),
                }
            })
            .collect();
        let positions = self
            .positions
            .iter()
            .enumerate()
            .map(|(i, p)| self.position_record(i, p, &chars))
            .collect();
        Record {
            id: self.id.clone(),
            schema_version: SCHEMA_VERSION,
            meta: self.meta.clone(),
            model: model.clone(),
            entities,
            places,
            focus: self.focus.clone(),
            positions,
            error: None,
            words: self.word_count(),
        }
    }
}

impl Doc {
    fn text_span(&self, tokens: &Range<usize>, chars: &CharIndex) -> TextSpan {
        let span = self.byte_span(tokens);
        TextSpan {
            text: self.text[span.clone()].to_string(),
            start: chars.get(span.start),
            end: chars.get(span.end),
        }
    }

    fn position_record(&self, i: usize, p: &Position, chars: &CharIndex) -> PositionRecord {
        let speaker = p.source.as_ref().map(|s| {
            let span = self.text_span(s, chars);
            SpeakerRecord {
                entity: p.speaker.map(|e| format!("E{}", e + 1)),
                name: match p.speaker {
                    Some(e) => self.entities[e].name.clone(),
                    None => span.text.clone(),
                },
                span,
            }
        });
        let parts: Vec<TextSpan> = p.content.iter().map(|c| self.text_span(c, chars)).collect();
        let whole = self.text_span(
            &(p.content[0].start..p.content[p.content.len() - 1].end),
            chars,
        );
        PositionRecord {
            id: format!("P{}", i + 1),
            speaker,
            cue: self.text_span(&p.cue, chars),
            content: ContentRecord {
                // the pieces joined: what the speaker is reported to hold, without "he said"
                text: parts
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" … "),
                start: whole.start,
                end: whole.end,
                spans: parts.iter().map(|t| [t.start, t.end]).collect(),
            },
            kind: p.kind,
            stance: p.stance,
            confidence: round4(p.confidence),
        }
    }
}

/// Words, sentences and quotations of an article (`newsie segment`), in code points.
#[derive(Debug, Serialize)]
pub struct SegmentRecord {
    pub id: String,
    /// `[start, end)` of each word.
    pub words: Vec<[usize; 2]>,
    /// `[first word, end word)` of each sentence.
    pub sentences: Vec<[usize; 2]>,
    /// `[start, end)` of each paired quotation, marks included.
    pub quotations: Vec<[usize; 2]>,
}

impl Doc {
    pub fn to_segment_record(&self) -> SegmentRecord {
        let chars = CharIndex::new(&self.text);
        SegmentRecord {
            id: self.id.clone(),
            words: self
                .tokens
                .iter()
                .map(|t| [chars.get(t.start), chars.get(t.end)])
                .collect(),
            sentences: self
                .sentences
                .iter()
                .map(|s| [s.tokens.start, s.tokens.end])
                .collect(),
            quotations: self
                .quotations
                .iter()
                .map(|q| [chars.get(q.start), chars.get(q.end)])
                .collect(),
        }
    }
}

/// Rounded so that records are stable across thread counts and read well.
fn round4(x: f32) -> f64 {
    (x as f64 * 10_000.0).round() / 10_000.0
}

/// Coordinates as the gazetteer has them (5 decimals, about a metre), not f32 noise.
fn round5(x: f32) -> f64 {
    (x as f64 * 100_000.0).round() / 100_000.0
}

/// Byte offset to Unicode code point offset (what Python indexes with).
pub struct CharIndex {
    /// Byte offset of each char boundary, ascending; the position in this list is the char index.
    bounds: Option<Vec<usize>>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { bounds: None };
        }
        let mut bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bounds.push(text.len());
        CharIndex {
            bounds: Some(bounds),
        }
    }

    pub fn get(&self, byte: usize) -> usize {
        match &self.bounds {
            None => byte,
            Some(b) => b.binary_search(&byte).unwrap_or_else(|i| i),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MentionRecord {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub confidence: f64,
}

#[derive(Debug, Serialize)]
pub struct EntityRecord {
    pub id: String,
    #[serde(rename = "type")]
    pub label: EntityType,
    pub name: String,
    pub mentions: Vec<MentionRecord>,
}

#[derive(Debug, Serialize)]
pub struct PlaceRecord {
    pub entity: String,
    pub name: String,
    pub geonames_id: Option<u32>,
    pub feature: Feature,
    pub feature_code: String,
    pub country: String,
    pub admin1: String,
    pub lat: f64,
    pub lon: f64,
    pub confidence: f64,
    /// Mentions of the entity in the article.
    pub mentions: usize,
}

/// A stretch of the text, code point offsets.
#[derive(Debug, Clone, Serialize)]
pub struct TextSpan {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Serialize)]
pub struct SpeakerRecord {
    /// Id of the entity the source names, if any.
    pub entity: Option<String>,
    /// The entity's name, or the source's text when it names no entity.
    pub name: String,
    #[serde(flatten)]
    pub span: TextSpan,
}

#[derive(Debug, Serialize)]
pub struct ContentRecord {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// `[start, end)` of each piece.
    pub spans: Vec<[usize; 2]>,
}

#[derive(Debug, Serialize)]
pub struct PositionRecord {
    pub id: String,
    /// Null when the article does not say who holds the position.
    pub speaker: Option<SpeakerRecord>,
    pub cue: TextSpan,
    pub content: ContentRecord,
    pub kind: Kind,
    pub stance: Stance,
    pub confidence: f64,
}

/// Why an input record could not be processed.
#[derive(Debug, Clone, Serialize)]
pub struct RecordError {
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One output line.
#[derive(Debug, Serialize)]
pub struct Record {
    pub id: String,
    pub schema_version: &'static str,
    #[serde(flatten)]
    pub meta: Map<String, Value>,
    pub model: Value,
    pub entities: Vec<EntityRecord>,
    pub places: Vec<PlaceRecord>,
    /// Main countries of the article.
    pub focus: Vec<String>,
    pub positions: Vec<PositionRecord>,
    pub error: Option<RecordError>,
    /// Words in the article, for throughput figures.
    #[serde(skip)]
    pub words: usize,
}

impl Record {
    /// The record of an input that could not be processed: same shape, empty findings.
    pub fn error(id: Option<String>, error: RecordError) -> Self {
        let id = id.unwrap_or_else(|| match error.line {
            Some(l) => format!("line:{l}"),
            None => String::new(),
        });
        Record {
            id,
            schema_version: SCHEMA_VERSION,
            meta: Map::new(),
            model: Value::Null,
            entities: vec![],
            places: vec![],
            focus: vec![],
            positions: vec![],
            error: Some(error),
            words: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets() {
        // (text, byte, expected char)
        let table: &[(&str, usize, usize)] = &[
            ("abc", 2, 2),
            ("Zelenskyy", 9, 9),
            ("“Kyiv” said", 3, 1),
            ("“Kyiv” said", 7, 5),
            ("Ölçü x", 7, 4),
        ];
        for &(text, byte, want) in table {
            assert_eq!(CharIndex::new(text).get(byte), want, "{text:?} @ {byte}");
        }
    }
}
