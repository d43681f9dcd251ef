//! Which candidates are positions a reader would name (docs/positions.md). The tagger marks
//! actions, the writer's own voice and page furniture as speech too; each candidate gets a
//! probability that it is a position from what tells them apart (the cue's kind, the speaker's
//! kind, first or second person outside quotation marks, the line's role on the page, the
//! tagger's confidence, the content's shape), by a logistic regression fitted on hand-labelled
//! real pages (`newsie eval positions --fit`). It becomes the position's `confidence`; below the
//! threshold the candidate is dropped, or kept and marked where the run asks for every one.
//!
//! One speech act is one position: a nested reading that repeats a position found elsewhere
//! (the same cue) is dropped first.

use super::kind::quoted_words;
use crate::doc::{Doc, EntityType, Kind, Position};
use crate::stages::{Layer, Stage};
use crate::text::plain_words;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

mod lexicon;
mod rules;
use lexicon::{
    ACTION, CAPTION, CLAUSE_OPENERS, COGNITION, FIRST_SECOND, NEGATION, SAY, SPEECH, THIRD,
};
use rules::{not_speech, speech_act};

/// Which candidates count as positions: the two readings differ in the weights that score them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Reading {
    /// Weights fitted on the labelled web pages and PolNeAR's news together: keeps most of what
    /// PolNeAR annotates as attributions (endorsements, criticism, actions taken as stances).
    #[default]
    Broad,
    /// Weights fitted on the labelled web pages and on news candidates judged by the same
    /// guideline (docs/positions.md): fewer positions, more of them ones a reader would name;
    /// PolNeAR's broader attributions fall below its threshold.
    Strict,
}

/// The stage: dedupes, scores and filters positions.
pub struct PrecisionStage {
    /// The weights that score candidates.
    pub model: &'static PrecisionModel,
    /// Candidates less probable than this are not positions.
    pub threshold: f32,
    /// Positions inside a content less probable than this are not positions.
    pub nested_threshold: f32,
    /// Keep those below the threshold too, marked `candidate`.
    pub keep_candidates: bool,
    /// Positions in texts in other languages than English are kept.
    pub all_languages: bool,
}

impl PrecisionStage {
    /// With the reading's bundled weights and their thresholds.
    pub fn new(reading: Reading, keep_candidates: bool, all_languages: bool) -> Self {
        let model = PrecisionModel::of(reading);
        PrecisionStage {
            model,
            threshold: model.threshold,
            nested_threshold: model.nested_threshold,
            keep_candidates,
            all_languages,
        }
    }
}

impl Stage for PrecisionStage {
    fn name(&self) -> &str {
        "precision"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![
            Layer::Language,
            Layer::Positions,
            Layer::Speakers,
            Layer::Stances,
        ]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Checked]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        dedupe(doc);
        let m = self.model;
        let quoted = quoted_words(doc);
        let page = Page::of(doc, &quoted);
        let probs: Vec<f32> = (0..doc.positions.len())
            .map(|i| match &doc.positions[i] {
                // a layout rule's position is as sure as the rule
                p if p.by_rule => p.confidence,
                p if not_speech(doc, p) => 0.0,
                p if p.reported_by.is_some() && !speech_act(doc, &quoted, p) => 0.0,
                _ => m.score(&features(doc, &quoted, &page, i)),
            })
            .collect();
        let foreign = doc.language.is_some() && !self.all_languages;
        // a top-level candidate is judged by its probability; one inside a content falls with
        // the position that reports it, and by its own probability against a threshold of its
        // own (PolNeAR, which the top-level one keeps, has no positions inside positions)
        let mut below = vec![false; probs.len()];
        for (i, p) in doc.positions.iter().enumerate() {
            below[i] = match p.reported_by {
                None => probs[i] < self.threshold,
                Some(r) => below[r] || (!p.by_rule && probs[i] < self.nested_threshold),
            };
        }
        let keep: Vec<bool> = below
            .iter()
            .map(|&b| !foreign && (!b || self.keep_candidates))
            .collect();
        for ((p, prob), b) in doc.positions.iter_mut().zip(&probs).zip(&below) {
            p.probability = Some(*prob);
            p.candidate = *b;
        }
        retain(doc, &keep);
        Ok(())
    }
}

/// Keeps the positions marked, re-hanging a kept position whose reporter goes on the nearest
/// kept one above it.
pub(super) fn retain(doc: &mut Doc, keep: &[bool]) {
    let mut new_index = vec![None; keep.len()];
    let mut n = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = Some(n);
            n += 1;
        }
    }
    let old = std::mem::take(&mut doc.positions);
    let parents: Vec<Option<usize>> = old.iter().map(|p| p.reported_by).collect();
    for (i, mut p) in old.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let mut up = parents[i];
        while let Some(u) = up {
            if new_index[u].is_some() {
                break;
            }
            up = parents[u];
        }
        p.reported_by = up.and_then(|u| new_index[u]);
        doc.positions.push(p);
    }
}

/// Drops a position whose cue an earlier position (in the Doc's order: the top level first)
/// already has: a nested reading of a top-level position, or one inner position found from two
/// levels; and one that repeats an earlier position of the same speaker word for word (a page
/// that renders its story twice, a pull quote with its cue): counted once, it is one position.
pub(super) fn dedupe(doc: &mut Doc) {
    let mut seen: Vec<Range<usize>> = vec![];
    let mut said: Vec<(Repeat, &[Range<usize>])> = vec![];
    let keep: Vec<bool> = (doc.positions.iter())
        .map(|p| {
            let dup = seen
                .iter()
                .any(|c| c.start < p.cue.end && p.cue.start < c.end);
            let key = repeat_key(doc, p);
            // elsewhere in the text: a position inside another's content is not its repeat
            let elsewhere = |q: &[Range<usize>]| {
                !q.iter()
                    .any(|a| p.content.iter().any(|b| a.start < b.end && b.start < a.end))
            };
            let repeat = key.as_ref().is_some_and(|(who, w)| {
                said.iter().any(|((s, v), q)| {
                    s == who && elsewhere(q) && 5 * w.intersection(v).count() >= 4 * w.len()
                })
            });
            if !dup && !repeat {
                seen.push(p.cue.clone());
                said.extend(key.map(|k| (k, p.content.as_slice())));
            }
            !dup && !repeat
        })
        .collect();
    if keep.iter().any(|k| !k) {
        retain(doc, &keep);
    }
}

/// The fewest distinct words of a content that a repeat must hold: shorter contents ("it was
/// true") are said again in earnest.
const REPEAT_WORDS: usize = 8;

/// Who speaks and the distinct words they say.
type Repeat = (String, HashSet<String>);

/// Who speaks (the entity, else the source's words) and the content's distinct words, where
/// there is a speaker and the content is long enough to tell a repeat.
fn repeat_key(doc: &Doc, p: &Position) -> Option<Repeat> {
    let who = match (p.speaker, &p.source) {
        (Some(e), _) => format!("#{e}"),
        (None, Some(s)) if !s.is_empty() => plain_words(&doc.text[doc.byte_span(s)]).collect(),
        _ => return None,
    };
    let words: HashSet<String> = (p.content.iter())
        .filter(|r| !r.is_empty())
        .flat_map(|r| plain_words(&doc.text[doc.byte_span(r)]))
        .collect();
    (words.len() >= REPEAT_WORDS).then_some((who, words))
}

/// The index of "source_first_second" in [`FEATURES`].
const FIRST_SECOND_SOURCE: usize = 7;

/// The names of [`features`], in order.
pub const FEATURES: [&str; 28] = [
    "tagger",
    "cue_speech",
    "cue_cognition",
    "cue_according",
    "cue_words",
    "source_none",
    "source_entity",
    "source_first_second",
    "source_third_pronoun",
    "source_unnamed",
    "direct",
    "mixed",
    "content_words",
    "content_short",
    "content_first_second",
    "line_short",
    "line_unended",
    "line_list",
    "line_caption",
    "inferred",
    "cue_quoted",
    "cue_say",
    "cue_negated",
    "content_to",
    "content_that",
    "doc_first_second",
    "doc_unended",
    "cue_action",
];

fn stem_in(word: &str, stems: &[&str]) -> bool {
    let w = word.to_lowercase();
    stems.iter().any(|s| w.starts_with(s))
}

fn lower(doc: &Doc, w: usize) -> String {
    doc.token_text(w).to_lowercase().replace('’', "'")
}

/// What the whole text is like, computed once per text: the share of its words outside
/// quotations that are the writer's or the reader's pronouns (times 20, at most 1: reviews,
/// advice, blogs), the share of its lines that end without a full stop (headings, captions,
/// lists: page furniture), and where its lines break.
pub struct Page {
    first_second: f32,
    unended: f32,
    newlines: Vec<usize>,
}

impl Page {
    /// The shape of a Doc's text; `quoted` as [`quoted_words`] gives it.
    pub fn of(doc: &Doc, quoted: &[bool]) -> Page {
        let (mut outside, mut personal) = (0usize, 0usize);
        for (w, &q) in quoted.iter().enumerate() {
            if q || !doc.token_text(w).chars().any(char::is_alphanumeric) {
                continue;
            }
            outside += 1;
            personal += FIRST_SECOND.contains(&lower(doc, w).as_str()) as usize;
        }
        let lines: Vec<&str> = doc
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let unended = lines.iter().filter(|l| !ended(l)).count();
        Page {
            first_second: (20.0 * personal as f32 / outside.max(1) as f32).min(1.0),
            unended: unended as f32 / lines.len().max(1) as f32,
            newlines: doc.text.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    /// The byte span of the line (between newlines) that holds byte `at` of `text`.
    fn line_at(&self, text: &str, at: usize) -> Range<usize> {
        let k = self.newlines.partition_point(|&n| n < at);
        let start = if k == 0 { 0 } else { self.newlines[k - 1] + 1 };
        let end = self.newlines.get(k).copied().unwrap_or(text.len());
        start..end
    }
}

/// A line that ends as a sentence does.
fn ended(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', '"', '”', '’', '\'', ':', ')'])
}

/// What tells a position from a candidate that is not one, for position `i` of a Doc whose
/// words `quoted` marks and whose text's shape is `page`.
pub fn features(doc: &Doc, quoted: &[bool], page: &Page, i: usize) -> Vec<f32> {
    let p: &Position = &doc.positions[i];
    let cue_words: Vec<String> = p.cue.clone().map(|w| lower(doc, w)).collect();
    let speech = cue_words.iter().any(|w| stem_in(w, SPEECH));
    let cognition = !speech && cue_words.iter().any(|w| stem_in(w, COGNITION));
    let according = cue_words.iter().any(|w| w == "according");
    let source: Vec<String> = p
        .source
        .clone()
        .map_or(vec![], |s| s.map(|w| lower(doc, w)).collect());
    let source_quoted = p.source.as_ref().is_some_and(|s| quoted[s.start]);
    let first_second =
        !source_quoted && source.len() == 1 && FIRST_SECOND.contains(&source[0].as_str());
    let third = source.len() == 1 && THIRD.contains(&source[0].as_str());
    let entity = p
        .speaker
        .is_some_and(|e| matches!(doc.entities[e].label, EntityType::PER | EntityType::ORG));
    let unnamed = !source.is_empty() && !entity && !first_second && !third;
    let content_words: Vec<usize> = p
        .content
        .iter()
        .flat_map(|r| r.clone())
        .filter(|&w| doc.token_text(w).chars().any(char::is_alphanumeric))
        .collect();
    let first_content = content_words.first().map(|&w| lower(doc, w));
    // a content that is a clause or a quotation, not a thing done
    let speech_object = p.kind != Kind::Indirect
        || first_content
            .as_deref()
            .is_some_and(|w| CLAUSE_OPENERS.contains(&w));
    let content_first_second = content_words
        .iter()
        .any(|&w| !quoted[w] && FIRST_SECOND.contains(&lower(doc, w).as_str()));
    let cue_start = doc.tokens[p.cue.start].start;
    let line = page.line_at(&doc.text, cue_start);
    let line_text = &doc.text[line.clone()];
    let line_words = line_text.split_whitespace().count();
    let ended = ended(line_text);
    let list = line_text
        .trim_start()
        .starts_with(['•', '-', '*', '–', '·', '►', '▪'])
        || line_text
            .trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
            && line_words < 15;
    let caption = line_text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| CAPTION.contains(&w.to_lowercase().as_str()));
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    vec![
        p.confidence,
        b(speech),
        b(cognition),
        b(according),
        (cue_words.len().min(4) as f32) / 4.0,
        b(p.source.is_none()),
        b(entity),
        b(first_second),
        b(third),
        b(unnamed),
        b(p.kind == Kind::Direct),
        b(p.kind == Kind::Mixed),
        ((1 + content_words.len()) as f32).ln() / 5.0,
        b(content_words.len() < 4),
        b(content_first_second && p.kind == Kind::Indirect),
        b(line_words < 10),
        b(!ended),
        b(list),
        b(caption && line_words < 40),
        b(p.inferred),
        b(quoted[p.cue.start]),
        b(cue_words.iter().any(|w| stem_in(w, SAY))),
        b(cue_words
            .iter()
            .any(|w| stem_in(w, NEGATION) || w.ends_with("n't"))),
        b(first_content.as_deref() == Some("to")),
        b(first_content.as_deref() == Some("that") || p.kind != Kind::Indirect),
        page.first_second,
        page.unended,
        b(!speech_object && cue_words.iter().any(|w| stem_in(w, ACTION))),
    ]
}

/// A logistic regression over [`features`], and the threshold it was chosen with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PrecisionModel {
    /// The feature names, in order (checked against [`FEATURES`]).
    pub features: Vec<String>,
    /// One per feature.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
    /// Candidates below it are not positions.
    pub threshold: f32,
    /// A position inside a content below it is not one either (0: it stands or falls with its
    /// reporter alone).
    #[serde(default)]
    pub nested_threshold: f32,
    /// What the weights were fitted on, and how the threshold was chosen.
    #[serde(default)]
    pub fitted_on: String,
}

/// The fitted weights this build carries, one file per reading.
const WEIGHTS: &str = include_str!("precision.json");
const STRICT_WEIGHTS: &str = include_str!("precision-strict.json");

impl PrecisionModel {
    /// The weights of a reading this build carries.
    pub fn of(reading: Reading) -> &'static PrecisionModel {
        static BROAD: OnceLock<PrecisionModel> = OnceLock::new();
        static STRICT: OnceLock<PrecisionModel> = OnceLock::new();
        let (cell, json) = match reading {
            Reading::Broad => (&BROAD, WEIGHTS),
            Reading::Strict => (&STRICT, STRICT_WEIGHTS),
        };
        cell.get_or_init(|| {
            let m: PrecisionModel = serde_json::from_str(json).expect("precision weights parse");
            assert_eq!(m.features, FEATURES, "precision weights for other features");
            m
        })
    }

    /// The probability that a candidate with these features is a position: the writer or the
    /// reader outside quotation marks is never a source (docs/positions.md), however sure the
    /// tagger is; else the regression's.
    pub fn score(&self, x: &[f32]) -> f32 {
        if x[FIRST_SECOND_SOURCE] > 0.0 {
            0.0
        } else {
            self.probability(x)
        }
    }

    /// The regression's probability.
    pub fn probability(&self, x: &[f32]) -> f32 {
        let z = self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Fits the weights: full-batch gradient descent on the weighted mean log loss plus `l2` on
    /// the weights (classes unweighted, so that the probabilities stay calibrated).
    pub fn fit(xs: &[Vec<f32>], ys: &[bool], ws: &[f32], l2: f32, steps: usize) -> PrecisionModel {
        let mut m = PrecisionModel {
            features: FEATURES.iter().map(|s| s.to_string()).collect(),
            weights: vec![0.0; FEATURES.len()],
            bias: 0.0,
            threshold: 0.5,
            nested_threshold: 0.0,
            fitted_on: String::new(),
        };
        let n: f32 = ws.iter().sum::<f32>().max(1e-6);
        let rate = 1.0;
        for _ in 0..steps {
            let mut gw = vec![0.0f32; FEATURES.len()];
            let mut gb = 0.0f32;
            for ((x, &y), w) in xs.iter().zip(ys).zip(ws) {
                let g = w * (m.probability(x) - if y { 1.0 } else { 0.0 }) / n;
                gb += g;
                for (j, v) in x.iter().enumerate() {
                    gw[j] += g * v;
                }
            }
            m.bias -= rate * gb;
            for (w, g) in m.weights.iter_mut().zip(&gw) {
                *w -= rate * (g + l2 * *w);
            }
        }
        m
    }
}

#[cfg(test)]
mod tests;
