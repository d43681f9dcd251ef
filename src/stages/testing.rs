//! Docs for unit tests, built by hand the way the stages leave them.

use crate::doc::{Doc, Entity, EntityType, Mention};
use crate::stages::segment;
use std::ops::Range;

/// A segmented Doc.
pub fn segmented(text: &str) -> Doc {
    let mut d = Doc::new("t", text);
    segment::annotate(&mut d);
    d
}

/// A segmented Doc whose entities are the given (name, type), every occurrence a mention
/// (an occurrence inside an earlier entity's mention left to it).
pub fn with_entities(text: &str, names: &[(&str, EntityType)]) -> Doc {
    let mut d = segmented(text);
    let mut taken = vec![false; d.tokens.len()];
    for &(name, label) in names {
        let words: Vec<&str> = name.split(' ').collect();
        let mut mentions = vec![];
        for w in 0..d.tokens.len().saturating_sub(words.len() - 1) {
            let span = w..w + words.len();
            let same = span.clone().zip(&words).all(|(i, x)| d.token_text(i) == *x);
            if same && !taken[span.clone()].contains(&true) {
                taken[span.clone()].fill(true);
                mentions.push(d.mentions.len());
                d.mentions.push(Mention {
                    tokens: span,
                    label,
                    confidence: 1.0,
                });
            }
        }
        d.entities.push(Entity {
            label,
            name: name.into(),
            mentions,
            role: None,
        });
    }
    d
}

/// The words of the first occurrence of a phrase, which must start and end on word bounds.
pub fn words_of(doc: &Doc, phrase: &str) -> Range<usize> {
    let at = doc
        .text
        .find(phrase)
        .unwrap_or_else(|| panic!("{phrase:?} not in text"));
    let first = doc.tokens.iter().position(|t| t.start == at).unwrap();
    let end = doc
        .tokens
        .iter()
        .position(|t| t.end == at + phrase.len())
        .unwrap();
    first..end + 1
}
