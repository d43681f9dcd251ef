//! The article and everything found in it. Stages add to a [`Doc`]; [`crate::output::record`] says
//! how it is written out.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// Hashes in a text's MinHash fingerprint.
pub const FINGERPRINT_HASHES: usize = 64;

/// Input fields copied into the record when present.
pub const KEPT_FIELDS: [&str; 4] = ["title", "date", "url", "source"];

/// Titles written short before a name ("Mr.", "Sen.", "Gov."), lowercased without the period:
/// not a sentence's end after them, not part of the name.
pub const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "capt", "sgt", "adm", "pres",
    "st", "rev",
];

/// A name without its possessive ("Ukraine's" → "Ukraine").
pub fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w)
}

/// A word: byte offsets into `Doc::text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the word's first byte.
    pub start: usize,
    /// Byte offset just past the word.
    pub end: usize,
}

/// A sentence: byte offsets and the range of its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of the sentence's start.
    pub start: usize,
    /// Byte offset just past the sentence.
    pub end: usize,
    /// Its words, as indices into `Doc::tokens`.
    pub tokens: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Which side of a quotation a mark opens or closes.
pub enum QuoteSide {
    /// An opening mark (“, «).
    Open,
    /// A closing mark (”, »).
    Close,
    /// Straight quotes: which side is decided by pairing.
    Either,
}

/// A quotation mark (typographic or straight) at byte offset `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteMark {
    /// Byte offset of the mark.
    pub start: usize,
    /// The mark itself.
    pub mark: char,
    /// Which side it is on.
    pub side: QuoteSide,
}

/// The four CoNLL-2003 entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    /// A person.
    PER,
    /// An organisation.
    ORG,
    /// A location.
    LOC,
    /// Any other name (nationalities, events, works).
    MISC,
}

impl EntityType {
    /// Every type, in this order.
    pub fn all() -> [EntityType; 4] {
        [Self::PER, Self::ORG, Self::LOC, Self::MISC]
    }

    /// The type of a label ("PER" …), if it is one.
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
    /// Its words.
    pub tokens: Range<usize>,
    /// Its type.
    pub label: EntityType,
    /// The mean probability of its tags.
    pub confidence: f32,
}

/// A person's role as the article gives it: a title or description ("President", "Foreign
/// Minister", "doctor") and the country or organisation it names, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// The title as written.
    pub title: String,
    /// The country (by name) or organisation (as written) of the title.
    pub affiliation: Option<String>,
}

/// Mentions of one thing, with its canonical name.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The type most of its mentions have.
    pub label: EntityType,
    /// The canonical name: its longest mention, without titles and possessive.
    pub name: String,
    /// Indices into `Doc::mentions`, in text order.
    pub mentions: Vec<usize>,
    /// A person's most frequent role in the article.
    pub role: Option<Role>,
}

/// The kind of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feature {
    /// A continent.
    Continent,
    /// A country (or a territory).
    Country,
    /// First-level administrative region (state, oblast, province), or a region by hand (Donbas).
    Region,
    /// Second-level region (US county, raion).
    District,
    /// A populated place.
    City,
    /// A union of countries (the EU).
    Union,
}

impl Feature {
    /// The kind a gazetteer column names ("city" …), if it is one.
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
    /// The name the gazetteer gives first.
    pub name: String,
    /// Its kind.
    pub feature: Feature,
    /// GeoNames feature code (PCLI, ADM1, ADM2, PPL, PPLC; RGN, TERR by hand).
    pub code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// GeoNames admin1 code within the country.
    pub admin1: String,
    /// Latitude, degrees.
    pub lat: f32,
    /// Longitude, degrees.
    pub lon: f32,
    /// Population (0 where unknown).
    pub population: u64,
}

/// A place entity resolved to a gazetteer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPlace {
    /// Index into `Doc::entities`.
    pub entity: usize,
    /// The gazetteer entry chosen.
    pub place: Place,
    /// How sure the resolver is: the chosen candidate's probability under the ranker.
    pub confidence: f32,
    /// The confidence reaches the run's threshold (`--place-threshold`); a place below it keeps
    /// its best candidate, marked not confident.
    pub confident: bool,
}

/// How a position is reported: its content wholly in quotation marks, partly, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The whole content is inside quotation marks.
    Direct,
    /// Part of the content is.
    Mixed,
    /// None of it is (reported speech).
    #[default]
    Indirect,
}

/// The speaker's stance towards the content, read from the cue and its negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// The speaker proposes, advocates or endorses the content.
    Support,
    /// The speaker rejects, denies or argues against it.
    Oppose,
    /// The speaker relays it without taking a side.
    #[default]
    Neutral,
}

/// A reported position (an attribution): who (source) said, proposed, rejected (cue) what
/// (content). Spans are ranges of tokens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Position {
    /// The source's words, when the article names one.
    pub source: Option<Range<usize>>,
    /// Index into `Doc::entities` of the source's speaker, when the article names it.
    pub speaker: Option<usize>,
    /// The cue's words ("said", "rejected", "according to").
    pub cue: Range<usize>,
    /// One or more pieces, in text order (a content interrupted by "he said" has two).
    pub content: Vec<Range<usize>>,
    /// Direct, mixed or indirect.
    pub kind: Kind,
    /// The speaker's stance.
    pub stance: Stance,
    /// The mean probability of its parts' tags.
    pub confidence: f32,
    /// Index into `Doc::positions` of the position whose content reports this one ("X said
    /// that Y had proposed …": Y's position is reported by X's); `None` at the top level.
    pub reported_by: Option<usize>,
    /// The speaker's role where the article gives one.
    pub role: Option<Role>,
    /// The words that name the speaker where the source only points at them: a relative
    /// pronoun's noun ("the ministers, who rejected the plan").
    pub antecedent: Option<Range<usize>>,
    /// The source was inferred (no source words next to the cue: the subject of a coordinated
    /// clause, the noun a relative clause hangs on).
    pub inferred: bool,
    /// The probability that this is a position a reader would name (the precision stage);
    /// the record's `confidence` where it is set.
    pub probability: Option<f32>,
    /// Below the precision threshold, kept only because the run asked for every candidate.
    pub candidate: bool,
    /// Found by a layout rule (a signed quotation, a transcript turn), not by the tagger: its
    /// `confidence` is the rule's.
    pub by_rule: bool,
}

/// An article and all annotations the stages add to it.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The article's id.
    pub id: String,
    /// The article's text.
    pub text: String,
    /// Kept input fields (title, date, url, source).
    pub meta: Map<String, Value>,
    /// The record carries the text.
    pub keep_text: bool,
    /// Its words, in order.
    pub tokens: Vec<Token>,
    /// Its sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Its quotation marks, in order.
    pub quotes: Vec<QuoteMark>,
    /// Byte spans of paired quotations, marks included.
    pub quotations: Vec<Range<usize>>,
    /// Named-entity mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Mentions grouped by what they name.
    pub entities: Vec<Entity>,
    /// Reported positions, in the order of their cues.
    pub positions: Vec<Position>,
    /// Place entities resolved to gazetteer entries.
    pub places: Vec<ResolvedPlace>,
    /// Main countries of the article (ISO 3166-1 alpha-2), most mentioned first.
    pub focus: Vec<String>,
    /// MinHash of the text's word shingles ([`crate::stages::fingerprint`]).
    pub fingerprint: Option<[u32; FINGERPRINT_HASHES]>,
    /// Per-word label probabilities of each model head ("ner", "attribution"), which the
    /// decoding stages read.
    pub heads: BTreeMap<String, WordScores>,
    /// The language of the text (ISO 639-3) where it is reliably not English; `None` for
    /// English and for texts too short to tell.
    pub language: Option<String>,
    /// What a stage outside the core adds, by the stage's name; written to the record's
    /// `extensions` as it is.
    pub extensions: BTreeMap<String, Value>,
}

/// Label probabilities of a head, one row per word (read at the word's first wordpiece).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordScores {
    /// Labels per row.
    pub labels: usize,
    /// `words × labels`, row-major.
    pub probs: Vec<f32>,
}

impl WordScores {
    /// The rows of all words.
    pub fn rows(&self) -> Vec<&[f32]> {
        self.probs.chunks(self.labels.max(1)).collect()
    }
}

impl Doc {
    /// An article with nothing found in it yet.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Doc {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }

    /// The text of word `i`.
    pub fn token_text(&self, i: usize) -> &str {
        let t = self.tokens[i];
        &self.text[t.start..t.end]
    }

    /// Byte range covered by a range of tokens.
    pub fn byte_span(&self, tokens: &Range<usize>) -> Range<usize> {
        self.tokens[tokens.start].start..self.tokens[tokens.end - 1].end
    }

    /// A Doc of a stretch of this one's words, as a text of its own: its words, sentences
    /// (cut to the stretch) and quotations are this Doc's, so word `i` of the slice is word
    /// `words.start + i` here.
    pub fn slice(&self, words: Range<usize>) -> Doc {
        let bytes = self.byte_span(&words);
        let shift = |b: usize| b - bytes.start;
        let tokens: Vec<Token> = self.tokens[words.clone()]
            .iter()
            .map(|t| Token {
                start: shift(t.start),
                end: shift(t.end),
            })
            .collect();
        let sentences = self
            .sentences
            .iter()
            .filter(|s| s.tokens.start < words.end && words.start < s.tokens.end)
            .map(|s| {
                let first = s.tokens.start.max(words.start);
                let end = s.tokens.end.min(words.end);
                Sentence {
                    start: shift(self.tokens[first].start),
                    end: shift(self.tokens[end - 1].end),
                    tokens: first - words.start..end - words.start,
                }
            })
            .collect();
        let inside = |b: usize| bytes.start <= b && b < bytes.end;
        Doc {
            id: self.id.clone(),
            text: self.text[bytes.clone()].to_string(),
            tokens,
            sentences,
            quotes: self
                .quotes
                .iter()
                .filter(|q| inside(q.start))
                .map(|q| QuoteMark {
                    start: shift(q.start),
                    ..*q
                })
                .collect(),
            quotations: self
                .quotations
                .iter()
                .filter(|q| inside(q.start) && q.end <= bytes.end)
                .map(|q| shift(q.start)..shift(q.end))
                .collect(),
            ..Default::default()
        }
    }

    /// Number of words, as counted for throughput.
    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }
}

/// Byte offset to Unicode code point offset (what Python indexes with).
pub struct CharIndex {
    /// Byte offset of each char boundary, ascending; the position in this list is the char index.
    bounds: Option<Vec<usize>>,
}

impl CharIndex {
    /// The index of a text.
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

    /// Byte offset to code point offset.
    pub fn get(&self, byte: usize) -> usize {
        match &self.bounds {
            None => byte,
            Some(b) => b.binary_search(&byte).unwrap_or_else(|i| i),
        }
    }

    /// The other way: code point offset to byte offset (the text's length past its end).
    pub fn byte(&self, char: usize) -> usize {
        match &self.bounds {
            None => char,
            Some(b) => b[char.min(b.len() - 1)],
        }
    }
}

/// A kind of annotation on the Doc that a stage needs or adds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Words, sentences, quotation marks and quotations (`segment`).
    Words,
    /// The text's language, where it is reliably not English.
    Language,
    /// Per-word label probabilities of a model head, by the head's name (`Doc::heads`).
    Head(String),
    /// Named-entity mentions.
    Mentions,
    /// Mentions grouped into entities with their canonical names.
    Entities,
    /// Reported positions: source, cue, content and kind.
    Positions,
    /// Each position's speaker, linked to an entity where the article names one.
    Speakers,
    /// Each position's stance.
    Stances,
    /// Each position's probability of being one (`confidence`), those below the threshold
    /// dropped or marked, and each speech act once.
    Checked,
    /// People's roles, on entities and on positions' speakers.
    Roles,
    /// Places resolved to gazetteer entries, and the article's focus.
    Places,
    /// The text's MinHash fingerprint, for finding the same story twice.
    Fingerprint,
    /// What a stage outside the core writes into `Doc::extensions`, by its key.
    Extension(String),
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Head(h) => write!(f, "the {h} head's scores"),
            Layer::Extension(k) => write!(f, "extension {k:?}"),
            other => write!(f, "{}", format!("{other:?}").to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests;
