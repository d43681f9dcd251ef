//! The article and everything found in it. Stages add to a [`Doc`]; [`crate::record`] says
//! how it is written out.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ops::Range;

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
    /// Index into `Doc::positions` of the position whose content reports this one ("X said
    /// that Y had proposed …": Y's position is reported by X's); `None` at the top level.
    pub reported_by: Option<usize>,
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
    /// Per-word label probabilities of each model head ("ner", "attribution"), which the
    /// decoding stages read.
    pub heads: BTreeMap<String, WordScores>,
    /// What a stage outside the core adds, by the stage's name; written to the record's
    /// `extensions` as it is.
    pub extensions: BTreeMap<String, Value>,
}

/// Label probabilities of a head, one row per word (read at the word's first wordpiece).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordScores {
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

    /// The other way: code point offset to byte offset (the text's length past its end).
    pub fn byte(&self, char: usize) -> usize {
        match &self.bounds {
            None => char,
            Some(b) => b[char.min(b.len() - 1)],
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
            assert_eq!(CharIndex::new(text).byte(want), byte, "{text:?} @ {want}");
        }
    }

    #[test]
    fn a_slice_keeps_its_words_sentences_and_quotations() {
        // "A b. “C d” e. F" : words A b . “ C d ” e . F
        let text = "A b. “C d” e. F";
        let mut doc = Doc::new("d", text);
        let mut at = 0;
        for w in ["A", "b", ".", "“", "C", "d", "”", "e", ".", "F"] {
            let start = at + text[at..].find(w).unwrap();
            doc.tokens.push(Token {
                start,
                end: start + w.len(),
            });
            at = start + w.len();
        }
        let sentence = |a: usize, b: usize| Sentence {
            start: doc.tokens[a].start,
            end: doc.tokens[b - 1].end,
            tokens: a..b,
        };
        doc.sentences = vec![sentence(0, 3), sentence(3, 9), sentence(9, 10)];
        doc.quotations = std::iter::once(doc.tokens[3].start..doc.tokens[6].end).collect();
        let s = doc.slice(1..8);
        let words: Vec<&str> = (0..s.tokens.len()).map(|i| s.token_text(i)).collect();
        assert_eq!(words, ["b", ".", "“", "C", "d", "”", "e"]);
        assert_eq!(s.text, "b. “C d” e");
        let sentences: Vec<Range<usize>> = s.sentences.iter().map(|x| x.tokens.clone()).collect();
        assert_eq!(sentences, [0..2, 2..7]);
        assert_eq!(&s.text[s.quotations[0].clone()], "“C d”");
    }
}
