//! A position's stance, read off its cue and the negation around it.

use super::sentence_of;
use crate::doc::{Doc, Stance};
use crate::stage::{Layer, Stage};
use std::ops::Range;

/// The stage that reads each position's stance off its cue.
pub struct Stances;

impl Stage for Stances {
    fn name(&self) -> &str {
        "stances"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Stances]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let stances: Vec<Stance> = doc.positions.iter().map(|p| stance(doc, &p.cue)).collect();
        for (p, s) in doc.positions.iter_mut().zip(stances) {
            p.stance = s;
        }
        Ok(())
    }
}

/// Stems of cue words that oppose their content ("rejected", "refuses", "denial", …).
const OPPOSE: &[&str] = &[
    "reject",
    "refus",
    "deni",
    "deny",
    "dismiss",
    "oppos",
    "critic",
    "condemn",
    "denounc",
    "declin",
    "object",
    "disput",
    "slam",
    "blast",
    "rebuff",
    "rebuk",
    "disagre",
    "disapprov",
    "lambast",
    "ridicul",
    "mock",
    "scoff",
    "balk",
    "contest",
    "challeng",
    "contradict",
    "veto",
    "resist",
    "protest",
    "attack",
    "accus",
    "doubt",
    "question",
    "decr",
    "deplor",
    "blam",
    "complain",
    "bristl",
    "lament",
    "against",
];

/// Stems of cue words that support their content ("proposed", "backs", "welcoming", …).
const SUPPORT: &[&str] = &[
    "propos",
    "back",
    "welcom",
    "agre",
    "support",
    "endors",
    "prais",
    "approv",
    "accept",
    "favo",
    "advocat",
    "urg",
    "applaud",
    "hail",
    "embrac",
    "champion",
    "recommend",
    "promis",
    "pledg",
    "vow",
    "defend",
    "commend",
    "hope",
    "want",
    "insist",
    "demand",
];

const NEGATORS: &[&str] = &["not", "never", "no", "neither", "nor", "cannot", "without"];

fn is_negator(w: &str) -> bool {
    NEGATORS.contains(&w) || w.ends_with("n't") || w.ends_with("n’t")
}

/// The stance of the first stance-bearing word of the cue; "called for" supports and "ruled
/// out" opposes. A negation in the cue or just before it turns support into opposition and
/// opposition into neutral ("did not reject").
pub(super) fn stance(doc: &Doc, cue: &Range<usize>) -> Stance {
    let words: Vec<String> = cue
        .clone()
        .map(|w| doc.token_text(w).to_lowercase())
        .collect();
    let sentence = &doc.sentences[sentence_of(doc, cue.start).min(doc.sentences.len() - 1)];
    let before = cue.start.saturating_sub(3).max(sentence.tokens.start)..cue.start;
    let negated = words.iter().any(|w| is_negator(w))
        || before
            .clone()
            .any(|w| is_negator(&doc.token_text(w).to_lowercase()));
    let pairs = words.windows(2);
    let base = words
        .iter()
        .find_map(|w| {
            if OPPOSE.iter().any(|s| w.starts_with(s)) {
                Some(Stance::Oppose)
            } else if SUPPORT.iter().any(|s| w.starts_with(s)) {
                Some(Stance::Support)
            } else {
                None
            }
        })
        .or_else(|| {
            pairs
                .clone()
                .find_map(|p| match (p[0].as_str(), p[1].as_str()) {
                    (v, "for") if v.starts_with("call") => Some(Stance::Support),
                    (v, "out") if v.starts_with("rul") => Some(Stance::Oppose),
                    _ => None,
                })
        })
        .unwrap_or(Stance::Neutral);
    match (base, negated) {
        (Stance::Support, true) => Stance::Oppose,
        (Stance::Oppose, true) => Stance::Neutral,
        (s, _) => s,
    }
}
