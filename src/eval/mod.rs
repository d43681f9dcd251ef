//! Evaluation on annotated corpora, through the same stages as `extract`.

pub mod articles;
pub mod attribution;
pub mod entities;
pub mod geo;
pub mod ner;
pub mod nested;
pub mod places;
pub mod positions;
pub mod ranker;
pub mod roles;
pub mod stance;

pub use attribution::{eval_attribution, AttributionReport};
pub use ner::{conll_doc, eval_ner, read_conll, NerReport};
pub use nested::{eval_nested, NestedReport};
pub use places::{eval_places, PlacesReport};

use serde::Serialize;

#[derive(Debug, Default, Clone, Copy, Serialize)]
/// Counts and precision, recall and F1.
pub struct Prf {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    #[serde(rename = "fn")]
    /// False negatives.
    pub fn_: usize,
    /// tp / (tp + fp).
    pub precision: f64,
    /// tp / (tp + fn).
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    /// Overlap scores: a prediction counts for precision when it meets some gold span, a gold
    /// span for recall when some prediction meets it.
    pub fn overlap(pred_hit: usize, pred: usize, gold_hit: usize, gold: usize) -> Self {
        let mut p = Prf {
            tp: gold_hit,
            fp: pred - pred_hit,
            fn_: gold - gold_hit,
            ..Prf::default()
        }
        .finish();
        p.precision = pred_hit as f64 / pred.max(1) as f64;
        p.f1 = f1(p.precision, p.recall);
        p
    }

    /// Precision, recall and F1 from the counts.
    pub fn finish(mut self) -> Self {
        self.precision = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        self.recall = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        self.f1 = f1(self.precision, self.recall);
        self
    }
}

/// The harmonic mean of precision and recall; 0 when both are.
fn f1(precision: f64, recall: f64) -> f64 {
    let s = precision + recall;
    if s > 0.0 {
        2.0 * precision * recall / s
    } else {
        0.0
    }
}

/// Runs the pipeline over (id, text) pairs, each an article of its own: one record each, in order.
fn process_texts<'a>(
    pipeline: &crate::pipeline::Pipeline,
    texts: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> anyhow::Result<Vec<crate::output::record::Record>> {
    let inputs = texts
        .into_iter()
        .map(|(id, text)| {
            crate::input::Input::Article(crate::input::Article {
                id: id.to_string(),
                text: text.to_string(),
                meta: Default::default(),
                keep_text: false,
            })
        })
        .collect();
    Ok(pipeline.process(inputs)?)
}

/// The items of a hand-labelled JSONL set with their line numbers (blank lines skipped); an
/// unreadable line names the file and the line.
fn read_jsonl<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> anyhow::Result<Vec<(usize, T)>> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .map(|item| (n + 1, item))
                .with_context(|| format!("{}: line {}", path.display(), n + 1))
        })
        .collect()
}
