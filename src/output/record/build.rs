//! A Doc to its Record: what each layer of the Doc becomes in the output, rounded and ordered.

use super::*;

impl Doc {
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
                role: e.role.as_ref().map(|r| r.title.clone()),
                affiliation: e.role.as_ref().and_then(|r| r.affiliation.clone()),
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
                corpus_id: None,
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
                    confident: r.confident,
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
            schema_version: SCHEMA_VERSION.to_string(),
            meta: self.meta.clone(),
            model: model.clone(),
            entities,
            places,
            focus: self.focus.clone(),
            language: self.language.clone(),
            positions,
            extensions: self.extensions.clone(),
            error: None,
            words: self.word_count(),
            text: self.keep_text.then(|| self.text.clone()),
            fingerprint: self
                .fingerprint
                .as_ref()
                .map(crate::stages::fingerprint::encode),
        }
    }
}

impl Doc {
    pub(super) fn text_span(&self, tokens: &Range<usize>, chars: &CharIndex) -> TextSpan {
        let span = self.byte_span(tokens);
        TextSpan {
            text: self.text[span.clone()].to_string(),
            start: chars.get(span.start),
            end: chars.get(span.end),
        }
    }

    pub(super) fn position_record(
        &self,
        i: usize,
        p: &Position,
        chars: &CharIndex,
    ) -> PositionRecord {
        let speaker = p.source.as_ref().map(|s| {
            let span = self.text_span(s, chars);
            SpeakerRecord {
                entity: p.speaker.map(|e| format!("E{}", e + 1)),
                name: match (p.speaker, &p.antecedent) {
                    (Some(e), _) => Some(self.entities[e].name.clone()),
                    (None, Some(a)) => Some(self.text_span(a, chars).text),
                    // a pronoun that points at no one named is no one's name
                    (None, None) if is_pronoun(&span.text) => None,
                    (None, None) => Some(span.text.clone()),
                },
                role: p.role.as_ref().map(|r| r.title.clone()),
                affiliation: p.role.as_ref().and_then(|r| r.affiliation.clone()),
                inferred: p.inferred,
                span,
            }
        });
        let parts: Vec<TextSpan> = p.content.iter().map(|c| self.text_span(c, chars)).collect();
        let quote_id = match p.kind {
            Kind::Indirect => None,
            Kind::Direct | Kind::Mixed => {
                let text = parts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>();
                quote_id(&text.join(" "), p.kind == Kind::Mixed)
            }
        };
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
            confidence: round4(p.probability.unwrap_or(p.confidence)),
            candidate: p.candidate,
            reported_by: p.reported_by.map(|r| format!("P{}", r + 1)),
            quote_id,
        }
    }
}

/// Personal, demonstrative and relative pronouns, which name no one by themselves.
pub(super) const PRONOUNS: &[&str] = &[
    "i",
    "we",
    "you",
    "he",
    "she",
    "it",
    "they",
    "me",
    "us",
    "him",
    "her",
    "them",
    "this",
    "that",
    "these",
    "those",
    "who",
    "whom",
    "which",
    "one",
    "someone",
    "somebody",
    "everyone",
    "everybody",
];

/// The source's words are a pronoun alone.
pub(super) fn is_pronoun(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    PRONOUNS.contains(&t.as_str())
}

impl Doc {
    /// The words, sentences and quotations of this Doc, in code points.
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
pub(super) fn round4(x: f32) -> f64 {
    (x as f64 * 10_000.0).round() / 10_000.0
}

/// Coordinates as the gazetteer has them (5 decimals, about a metre), not f32 noise.
pub(super) fn round5(x: f32) -> f64 {
    (x as f64 * 100_000.0).round() / 100_000.0
}
