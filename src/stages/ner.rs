//! Named entities: per-word label probabilities to mentions.
//!
//! Each word is read at its first wordpiece (as trained). Tags are decoded per sentence (a name
//! never crosses one) with the BIO Viterbi of [`crate::model::bio`]. A mention's confidence is the mean
//! probability of its tags.

use crate::doc::{Doc, EntityType, Mention};
use crate::model::bio::{SpanType, Tagset};
use crate::stages::{Layer, Stage};
use anyhow::{Context, Result};

/// The head whose scores this stage decodes.
pub const HEAD: &str = "ner";

/// The NER decoding stage: the `ner` head's scores to mentions.
pub struct Ner {
    tags: Tagset<EntityType>,
}

impl Ner {
    /// For a head with these labels (`O`, `B-PER`, …).
    pub fn new(labels: &[String]) -> Result<Self> {
        Ok(Ner {
            tags: Tagset::new(labels).context("NER model")?,
        })
    }
}

impl Stage for Ner {
    fn name(&self) -> &str {
        "ner"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Head(HEAD.into())]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Mentions]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let scores = doc.heads.get(HEAD).map(|h| h.rows()).unwrap_or_default();
        doc.mentions = mentions(doc, &self.tags, &scores);
        Ok(())
    }
}

impl SpanType for EntityType {
    fn parse(s: &str) -> Option<Self> {
        EntityType::parse(s)
    }
    const NAMES: &'static str = "PER ORG LOC MISC";
}

/// The mentions of a Doc, from one row of label probabilities per word.
pub fn mentions(doc: &Doc, tags: &Tagset<EntityType>, word_rows: &[&[f32]]) -> Vec<Mention> {
    let mut mentions = Vec::new();
    for s in &doc.sentences {
        let path = tags.viterbi(&word_rows[s.tokens.clone()]);
        mentions.extend(
            tags.spans(&path, s.tokens.start)
                .into_iter()
                .map(|sp| Mention {
                    tokens: sp.words,
                    label: sp.kind,
                    confidence: sp.confidence,
                }),
        );
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Sentence, Token};

    const LABELS: [&str; 5] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    fn tagset() -> Tagset<EntityType> {
        Tagset::new(&LABELS.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// A row putting `p` on `label` and the rest spread evenly.
    fn row(label: usize, p: f32) -> Vec<f32> {
        (0..LABELS.len())
            .map(|j| if j == label { p } else { (1.0 - p) / 4.0 })
            .collect()
    }

    #[test]
    fn mentions_do_not_cross_sentences() {
        let mut doc = Doc::new("d", "a b c d");
        doc.tokens = (0..4)
            .map(|i| Token {
                start: 2 * i,
                end: 2 * i + 1,
            })
            .collect();
        doc.sentences = vec![
            Sentence {
                start: 0,
                end: 3,
                tokens: 0..2,
            },
            Sentence {
                start: 4,
                end: 7,
                tokens: 2..4,
            },
        ];
        // word 2 leans to I-PER, which would continue word 1's mention were it not a new sentence
        let rows: Vec<Vec<f32>> = vec![
            row(0, 0.9),
            row(1, 0.8),
            vec![0.05, 0.4, 0.5, 0.025, 0.025],
            row(0, 0.9),
        ];
        let refs: Vec<&[f32]> = rows.iter().map(|r| r.as_slice()).collect();
        doc.mentions = mentions(&doc, &tagset(), &refs);
        let got: Vec<_> = doc
            .mentions
            .iter()
            .map(|m| (m.tokens.clone(), m.label))
            .collect();
        assert_eq!(got, vec![(1..2, EntityType::PER), (2..3, EntityType::PER)]);
        assert!((doc.mentions[0].confidence - 0.8).abs() < 1e-6);
        assert!((doc.mentions[1].confidence - 0.4).abs() < 1e-6);
    }
}
