//! Rules the regression does not learn: what the guideline (docs/positions.md) says is no
//! position whatever the tagger's confidence, and what a position inside a content needs.

use super::lexicon::{ACTS, CLAUSE_OPENERS, COGNITION, MODALS, SPEECH};
use super::{lower, stem_in};
use crate::doc::{Doc, Position};

/// Forms of "be" before a passive participle.
const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "'s"];

/// Adverbs that may stand between "be" and the participle ("is widely seen as").
const BETWEEN: &[&str] = &[
    "widely",
    "often",
    "also",
    "generally",
    "commonly",
    "now",
    "still",
];

/// Participles of perception and the writer's inference: with no one named, "it is believed"
/// and "they are seen as" are no one's position (docs/positions.md).
const INFERENCE: &[&str] = &[
    "said",
    "seen",
    "believed",
    "thought",
    "considered",
    "expected",
    "known",
    "understood",
    "regarded",
    "viewed",
    "deemed",
    "rumored",
    "rumoured",
    "felt",
];

/// Verbs that name a thing ("a poem called “Winter Solstice”", "is called feather duvet lung").
const NAMING: &[&str] = &["called", "named", "dubbed", "titled", "entitled"];

/// A candidate with no source whose cue is a passive of perception or inference, or a verb
/// that names a thing: the tagger reads these as speech, the guideline does not.
pub(super) fn not_speech(doc: &Doc, p: &Position) -> bool {
    if p.source.is_some() {
        return false;
    }
    let cue: Vec<String> = p.cue.clone().map(|w| lower(doc, w)).collect();
    let Some(verb) = cue
        .iter()
        .position(|w| INFERENCE.contains(&w.as_str()) || NAMING.contains(&w.as_str()))
    else {
        return false;
    };
    // "called for" and "called on" ask for something
    let next =
        (p.cue.start + verb + 1 < doc.tokens.len()).then(|| lower(doc, p.cue.start + verb + 1));
    if matches!(next.as_deref(), Some("for" | "on" | "upon")) {
        return false;
    }
    if NAMING.contains(&cue[verb].as_str()) {
        return true;
    }
    // the "be" before the participle, in the cue or just before it
    let mut w = p.cue.start + verb;
    while w > 0 {
        w -= 1;
        let word = lower(doc, w);
        if BE.contains(&word.as_str()) {
            return true;
        }
        if !BETWEEN.contains(&word.as_str()) {
            return false;
        }
    }
    false
}

/// Whether a candidate reports a speech act or a stance: a cue of speech, belief or intention
/// (with a modal: "would block"), or a content that is a clause or a quotation. Inside a
/// content the tagger also reads what people did as speech ("is facing scrutiny", "didn't
/// know how to play"), and there PolNeAR, which the regression learns from, has nothing to
/// teach: it annotates no positions inside positions.
pub(super) fn speech_act(doc: &Doc, quoted: &[bool], p: &Position) -> bool {
    let cue: Vec<String> = p.cue.clone().map(|w| lower(doc, w)).collect();
    let stems = [SPEECH, COGNITION, ACTS];
    cue.iter()
        .any(|w| stems.iter().any(|s| stem_in(w, s)) || MODALS.contains(&w.as_str()))
        || p.content.first().is_some_and(|c| {
            quoted[c.start] || CLAUSE_OPENERS.contains(&lower(doc, c.start).as_str())
        })
}
