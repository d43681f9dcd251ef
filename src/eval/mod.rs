//! Evaluation on annotated corpora, through the same stages as `extract`.

pub mod attribution;
pub mod ner;
pub mod nested;
pub mod places;
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
