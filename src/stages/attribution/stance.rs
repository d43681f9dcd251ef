//! A position's stance toward what its content is about (docs/stance.md): a softmax regression
//! over features of the cue and the content, its weights fitted on the stance set's train split
//! (`newsie eval stance --fit`). The cue-word rule it replaced is kept as one of its features and
//! as the baseline of `newsie eval stance`.

use super::sentence_of;
use crate::doc::{Doc, Stance};
use crate::stages::{Layer, Stage};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::OnceLock;

mod lexicon;
use lexicon::{
    CONTENT_NEGATORS, DEONTIC, FUTURE, NEGATIVE, NEGATORS, OPPOSE, POSITIVE, PURSUE_CUES, RELAYED,
    RELAY_CUES, REPROACH_CUES, SUPPORT, TIME_WORDS, VIEW_CUES, WARN_CUES,
};

/// The stage that reads each position's stance off its cue and content.
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
        let stances: Vec<Stance> = doc
            .positions
            .iter()
            .map(|p| stance(doc, &p.cue, &p.content))
            .collect();
        for (p, s) in doc.positions.iter_mut().zip(stances) {
            p.stance = s;
        }
        Ok(())
    }
}

fn is_negator(w: &str) -> bool {
    NEGATORS.contains(&w) || w.ends_with("n't") || w.ends_with("n’t")
}

/// The cue-word rule: the stance of the first stance-bearing word of the cue; "called for"
/// supports and "ruled out" opposes. A negation in the cue or just before it turns support into
/// opposition and opposition into neutral ("did not reject").
pub fn cue_rule(doc: &Doc, cue: &Range<usize>) -> Stance {
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

/// The features of a position, in the order of [`FEATURES`].
pub const FEATURES: &[&str] = &[
    "cue_rule_support",
    "cue_rule_oppose",
    "cue_relay",
    "cue_view",
    "cue_warn",
    "cue_say",
    "cue_pursue",
    "cue_reproach",
    "content_negated",
    "content_negated_early",
    "content_refusal",
    "content_intention",
    "content_deontic",
    "content_future",
    "content_first_person",
    "content_negative",
    "content_positive",
    "content_valence_negative",
    "content_valence_positive",
    "content_number",
    "content_time",
    "content_opinion",
    "content_degree",
    "content_question",
    "content_quoted",
    "content_relayed",
    "content_short",
];

fn any_stem(words: &[String], stems: &[&str]) -> bool {
    words.iter().any(|w| stems.iter().any(|s| w.starts_with(s)))
}

fn any_word(words: &[String], list: &[&str]) -> bool {
    words.iter().any(|w| list.contains(&w.as_str()))
}

fn content_negator(w: &str) -> bool {
    CONTENT_NEGATORS.contains(&w) || w.ends_with("n't") || w.ends_with("n’t")
}

/// A position's features: what its cue is (the cue-word rule's verdict, a cue that relays, that
/// states a view, that warns, a plain "said") and what its content does (negates, refuses,
/// prescribes, predicts, judges, counts, asks, relays another's words).
pub fn features(doc: &Doc, cue: &Range<usize>, content: &[Range<usize>]) -> Vec<f32> {
    let lower = |r: &Range<usize>| -> Vec<String> {
        r.clone()
            .map(|w| doc.token_text(w).to_lowercase())
            .collect()
    };
    let cue_words = lower(cue);
    let words: Vec<String> = content.iter().flat_map(lower).collect();
    let rule = cue_rule(doc, cue);
    let said = cue_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "said" | "says" | "say" | "saying" | "stated" | "added"
        )
    });
    // "not only", "no one more", "no bigger", "no reason to delay": negations that do not refuse
    let negated_at: Vec<usize> = (0..words.len())
        .filter(|&i| content_negator(&words[i]))
        .filter(|&i| {
            let next = |k: usize| words.get(i + k).map(String::as_str).unwrap_or("");
            !(next(1) == "only"
                || next(1) == "reason"
                || next(1).ends_with("er")
                || next(1) == "more"
                || next(2) == "more"
                || next(1) == "one" && next(2).ends_with("er"))
        })
        .collect();
    let negated = !negated_at.is_empty();
    // "could not give up", "would never accept", "won't": a modal refused
    let refusal = words.iter().enumerate().any(|(i, w)| {
        let modal = |w: &str| {
            matches!(
                w,
                "could" | "can" | "would" | "will" | "should" | "must" | "did" | "does" | "do"
            )
        };
        (modal(w) && words.get(i + 1).is_some_and(|n| content_negator(n)))
            || matches!(
                w.as_str(),
                "cannot"
                    | "can't"
                    | "can’t"
                    | "won't"
                    | "won’t"
                    | "wouldn't"
                    | "wouldn’t"
                    | "couldn't"
                    | "couldn’t"
            )
    });
    let first = |ws: &[&str]| words.first().is_some_and(|w| ws.contains(&w.as_str()));
    let text = content
        .iter()
        .map(|r| &doc.text[doc.byte_span(r)])
        .collect::<Vec<_>>()
        .join(" ");
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let valence = valence_sums(&words);
    vec![
        flag(rule == Stance::Support),
        flag(rule == Stance::Oppose),
        flag(any_stem(&cue_words, RELAY_CUES)),
        flag(any_stem(&cue_words, VIEW_CUES)),
        flag(any_stem(&cue_words, WARN_CUES)),
        flag(said),
        flag(any_stem(&cue_words, PURSUE_CUES)),
        flag(any_stem(&cue_words, REPROACH_CUES)),
        flag(negated),
        flag(negated_at.first().is_some_and(|&i| i < 6)),
        flag(refusal),
        flag(!negated && (any_word(&words, DEONTIC) || any_word(&words, FUTURE))),
        flag(any_word(&words, DEONTIC) || text.contains("have to") || text.contains("has to")),
        flag(any_word(&words, FUTURE)),
        flag(any_word(&words, &["i", "we", "me", "us", "our", "my"])),
        flag(any_stem(&words, NEGATIVE)),
        flag(any_stem(&words, POSITIVE)),
        (-valence.0 / 4.0).min(1.0),
        (valence.1 / 4.0).min(1.0),
        flag(text.chars().any(|c| c.is_ascii_digit())),
        flag(any_word(&words, TIME_WORDS)),
        flag(any_word(
            &words,
            &[
                "think",
                "believe",
                "feel",
                "felt",
                "hope",
                "want",
                "wish",
                "sure",
                "convinced",
                "clear",
                "obviously",
                "clearly",
            ],
        )),
        flag(words.iter().any(|w| {
            matches!(
                w.as_str(),
                "most" | "more" | "very" | "too" | "really" | "so" | "only" | "least" | "much"
            ) || (w.len() > 5 && w.ends_with("est"))
        })),
        flag(text.contains('?')),
        flag(first(&["\"", "“", "''", "‘", "'"])),
        flag(any_word(&words, RELAYED)),
        flag(
            words
                .iter()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count()
                <= 2,
        ),
    ]
}

/// Word valences of the VADER sentiment lexicon (Hutto and Gilbert 2014, MIT licence, from the
/// PyPI package vaderSentiment 3.3.2: its lowercase single words, -4 to 4).
const VALENCE: &str = include_str!("valence.tsv");

fn valence_of(word: &str) -> Option<f32> {
    static TABLE: OnceLock<std::collections::HashMap<&'static str, f32>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        VALENCE
            .lines()
            .filter_map(|l| {
                let (w, v) = l.split_once('\t')?;
                Some((w, v.parse().ok()?))
            })
            .collect()
    });
    table.get(word).copied()
}

/// The sums of a content's negative and of its positive word valences; a word after a negator
/// (three words back at most) counts the other way, at 0.74 of its weight as VADER does.
fn valence_sums(words: &[String]) -> (f32, f32) {
    let (mut neg, mut pos) = (0.0, 0.0);
    for (i, w) in words.iter().enumerate() {
        let Some(mut v) = valence_of(w) else { continue };
        if words[i.saturating_sub(3)..i]
            .iter()
            .any(|p| content_negator(p))
        {
            v *= -0.74;
        }
        if v < 0.0 {
            neg += v;
        } else {
            pos += v;
        }
    }
    (neg, pos)
}

/// The stances in the order of the model's rows.
pub const CLASSES: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Neutral];

/// A softmax regression over [`features`]: one row of weights and a bias per stance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StanceModel {
    /// The feature names, in order (checked against [`FEATURES`]).
    pub features: Vec<String>,
    /// One row per stance of [`CLASSES`].
    pub weights: Vec<Vec<f32>>,
    /// One per stance of [`CLASSES`].
    pub bias: Vec<f32>,
}

/// The fitted weights this build carries.
const WEIGHTS: &str = include_str!("stance.json");

impl StanceModel {
    /// The weights this build carries.
    pub fn bundled() -> &'static StanceModel {
        static MODEL: OnceLock<StanceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            let m: StanceModel = serde_json::from_str(WEIGHTS).expect("stance.json parses");
            assert_eq!(m.features, FEATURES, "stance.json is for other features");
            m
        })
    }

    /// Per-stance scores (logits) of a feature vector.
    pub fn scores(&self, x: &[f32]) -> [f32; 3] {
        let mut out = [0.0; 3];
        for (k, o) in out.iter_mut().enumerate() {
            *o = self.bias[k]
                + self.weights[k]
                    .iter()
                    .zip(x)
                    .map(|(w, v)| w * v)
                    .sum::<f32>();
        }
        out
    }

    /// The stance with the highest score.
    pub fn predict(&self, x: &[f32]) -> Stance {
        let s = self.scores(x);
        let best = (0..3).fold(0, |b, k| if s[k] > s[b] { k } else { b });
        CLASSES[best]
    }

    /// Fits the weights to labelled feature vectors: full-batch gradient descent on the mean
    /// cross-entropy plus an L2 penalty `l2` on the weights, classes weighted by the inverse of
    /// their frequency so that macro-F1, not accuracy, is what it aims at.
    pub fn fit(xs: &[Vec<f32>], ys: &[Stance], l2: f32, steps: usize) -> StanceModel {
        let d = xs.first().map_or(FEATURES.len(), Vec::len);
        let mut m = StanceModel {
            features: FEATURES.iter().map(|s| s.to_string()).collect(),
            weights: vec![vec![0.0; d]; 3],
            bias: vec![0.0; 3],
        };
        let class = |y: Stance| CLASSES.iter().position(|&c| c == y).unwrap_or(2);
        let mut counts = [0usize; 3];
        for &y in ys {
            counts[class(y)] += 1;
        }
        let n = ys.len().max(1) as f32;
        let weight: Vec<f32> = counts
            .iter()
            .map(|&c| n / (3.0 * c.max(1) as f32))
            .collect();
        let rate = 0.5;
        for _ in 0..steps {
            let mut gw = vec![vec![0.0f32; d]; 3];
            let mut gb = [0.0f32; 3];
            for (x, &y) in xs.iter().zip(ys) {
                let s = m.scores(x);
                let max = s.iter().cloned().fold(f32::MIN, f32::max);
                let e: Vec<f32> = s.iter().map(|v| (v - max).exp()).collect();
                let z: f32 = e.iter().sum();
                let y = class(y);
                for k in 0..3 {
                    let g = (e[k] / z - if k == y { 1.0 } else { 0.0 }) * weight[y] / n;
                    gb[k] += g;
                    for (j, v) in x.iter().enumerate() {
                        gw[k][j] += g * v;
                    }
                }
            }
            for k in 0..3 {
                m.bias[k] -= rate * gb[k];
                for (w, g) in m.weights[k].iter_mut().zip(&gw[k]) {
                    *w -= rate * (g + l2 * *w);
                }
            }
        }
        m
    }
}

/// A position's stance by the bundled weights.
pub(super) fn stance(doc: &Doc, cue: &Range<usize>, content: &[Range<usize>]) -> Stance {
    let m = StanceModel::bundled();
    m.predict(&features(doc, cue, content))
}
