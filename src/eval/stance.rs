//! Stance against the labelled set (`tests/data/stance.jsonl`, made by `docs/stance.md`):
//! accuracy, macro-F1 and the confusion matrix of the bundled weights and of the cue-word rule
//! they replaced, the kappa of the blind relabelling, and the fitting of the weights.

use crate::doc::{CharIndex, Doc, Stance};
use crate::stages::attribution::stance::{cue_rule, features, StanceModel, CLASSES};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// One labelled position of the set.
#[derive(Debug, Clone, Deserialize)]
pub struct StanceItem {
    /// Its id.
    pub id: String,
    /// `polnear` (offsets into a PolNeAR dev article) or `written` (text given).
    pub set: String,
    /// The PolNeAR article id.
    #[serde(default)]
    pub article: Option<String>,
    /// The text of a written item.
    #[serde(default)]
    pub text: Option<String>,
    /// Code point spans of the cue.
    pub cue: Vec<[usize; 2]>,
    /// Code point spans of the content.
    pub content: Vec<[usize; 2]>,
    /// The label.
    pub label: Stance,
    /// `train` or `test`.
    pub split: String,
    /// A second labelling, made blind.
    #[serde(default)]
    pub relabel: Option<Stance>,
}

/// A labelled position with its features.
#[derive(Debug, Clone)]
pub struct Example {
    /// The item's id.
    pub id: String,
    /// `train` or `test`.
    pub split: String,
    /// The label.
    pub label: Stance,
    /// The second label, if any.
    pub relabel: Option<Stance>,
    /// A second stance the guideline allows (real pages' labels): a prediction of it is right.
    pub alt: Option<Stance>,
    /// Its features.
    pub x: Vec<f32>,
    /// The cue-word rule's stance.
    pub rule: Stance,
}

/// Reads the set.
pub fn read_stance(path: &Path) -> Result<Vec<StanceItem>> {
    let mut items = Vec::new();
    for (line, item) in super::read_jsonl::<StanceItem>(path)? {
        if item.set == "written" && item.text.is_none()
            || item.set == "polnear" && item.article.is_none()
        {
            bail!(
                "{}: line {line}: a {} item without its {}",
                path.display(),
                item.set,
                if item.set == "written" {
                    "text"
                } else {
                    "article"
                }
            );
        }
        items.push(item);
    }
    Ok(items)
}

/// The words that overlap a code point span.
fn words(doc: &Doc, chars: &CharIndex, span: [usize; 2]) -> Range<usize> {
    let (start, end) = (chars.byte(span[0]), chars.byte(span[1]));
    let first = doc.tokens.partition_point(|t| t.end <= start);
    let last = doc.tokens.partition_point(|t| t.start < end);
    first..last.max(first)
}

/// The set's items with their features; PolNeAR items read their article from `polnear`
/// (`text/<article>.txt`) and are left out when it is `None`.
pub fn examples(items: &[StanceItem], polnear: Option<&Path>) -> Result<Vec<Example>> {
    let mut docs: HashMap<String, (Doc, CharIndex)> = HashMap::new();
    let mut out = Vec::new();
    for item in items {
        let key = match (&item.text, &item.article, polnear) {
            (Some(_), _, _) => item.id.clone(),
            (None, Some(a), Some(_)) => a.clone(),
            _ => continue,
        };
        if !docs.contains_key(&key) {
            let text = match (&item.text, polnear) {
                (Some(t), _) => t.clone(),
                (None, Some(dir)) => {
                    let path = dir.join("text").join(format!("{key}.txt"));
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?
                }
                (None, None) => unreachable!("left out above"),
            };
            let mut doc = Doc::new(key.clone(), text);
            crate::stages::segment::annotate(&mut doc);
            let chars = CharIndex::new(&doc.text);
            docs.insert(key.clone(), (doc, chars));
        }
        let (doc, chars) = &docs[&key];
        // a cue in pieces ("pointed … to") is scored from its first piece, as the tagger finds it
        let cue = words(doc, chars, item.cue[0]);
        let content: Vec<Range<usize>> =
            item.content.iter().map(|&s| words(doc, chars, s)).collect();
        if cue.is_empty() {
            bail!("{}: the cue covers no word", item.id);
        }
        let x = features(doc, &cue, &content);
        out.push(Example {
            id: item.id.clone(),
            split: item.split.clone(),
            label: item.label,
            relabel: item.relabel,
            alt: None,
            x,
            rule: cue_rule(doc, &cue),
        });
    }
    Ok(out)
}

impl Example {
    /// The gold label a prediction is scored against: the second label where it agrees with it.
    pub fn gold_for(&self, pred: Stance) -> Stance {
        if self.alt == Some(pred) {
            pred
        } else {
            self.label
        }
    }

    /// (gold, predicted) of a prediction.
    fn pair(&self, pred: Stance) -> (Stance, Stance) {
        (self.gold_for(pred), pred)
    }
}

/// The positions labelled on real web pages (`tests/data/positions-pages.jsonl`,
/// docs/positions.md) as stance examples: split `pages` (the tune pages) and `pages-heldout`;
/// positions without a cue are left out (the features read the cue).
pub fn page_examples(gold: &Path, dir: &Path) -> Result<Vec<Example>> {
    let (pages, positions) = super::positions::read_gold(gold, "all")?;
    let mut out = Vec::new();
    for key in pages.keys() {
        let Some(article) = super::positions::read_page(dir, key)? else {
            continue;
        };
        let mut doc = article.into_doc();
        crate::stages::segment::annotate(&mut doc);
        let chars = CharIndex::new(&doc.text);
        for g in positions.iter().filter(|g| &g.page == key) {
            let (Some(cue), Some(content), Some(label)) = (g.cue, &g.content, g.stance) else {
                continue;
            };
            let cue = words(&doc, &chars, cue);
            if cue.is_empty() {
                continue;
            }
            let content: Vec<Range<usize>> =
                content.iter().map(|&s| words(&doc, &chars, s)).collect();
            out.push(Example {
                id: format!("{key}:{}", g.n.unwrap_or(0)),
                split: if g.split == "heldout" {
                    "pages-heldout"
                } else {
                    "pages"
                }
                .to_string(),
                label,
                relabel: None,
                alt: g.stance2,
                x: features(&doc, &cue, &content),
                rule: cue_rule(&doc, &cue),
            });
        }
    }
    Ok(out)
}

/// Accuracy, macro-F1 and the confusion matrix of a set of predictions.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Positions scored.
    pub n: usize,
    /// Share right.
    pub accuracy: f64,
    /// Mean over the three stances of their F1.
    pub macro_f1: f64,
    /// F1 of support, oppose, neutral.
    pub f1: [f64; 3],
    /// Rows: gold support, oppose, neutral; columns: predicted, same order.
    pub confusion: [[usize; 3]; 3],
}

impl Scores {
    /// Scores predictions against gold labels.
    pub fn new(pairs: impl IntoIterator<Item = (Stance, Stance)>) -> Self {
        let index = |s: Stance| CLASSES.iter().position(|&c| c == s).unwrap_or(2);
        let mut confusion = [[0usize; 3]; 3];
        for (gold, pred) in pairs {
            confusion[index(gold)][index(pred)] += 1;
        }
        let n: usize = confusion.iter().flatten().sum();
        let right: usize = (0..3).map(|k| confusion[k][k]).sum();
        let mut f1 = [0.0; 3];
        for (k, f) in f1.iter_mut().enumerate() {
            let tp = confusion[k][k] as f64;
            let pred: usize = (0..3).map(|g| confusion[g][k]).sum();
            let gold: usize = confusion[k].iter().sum();
            let (p, r) = (tp / pred.max(1) as f64, tp / gold.max(1) as f64);
            *f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
        }
        Scores {
            n,
            accuracy: right as f64 / n.max(1) as f64,
            macro_f1: f1.iter().sum::<f64>() / 3.0,
            f1,
            confusion,
        }
    }
}

/// Cohen's kappa of two labellings.
pub fn kappa(pairs: &[(Stance, Stance)]) -> f64 {
    let n = pairs.len().max(1) as f64;
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let chance: f64 = CLASSES
        .iter()
        .map(|&c| {
            let a = pairs.iter().filter(|(x, _)| *x == c).count() as f64;
            let b = pairs.iter().filter(|(_, y)| *y == c).count() as f64;
            a * b / n / n
        })
        .sum();
    if chance >= 1.0 {
        1.0
    } else {
        (agree - chance) / (1.0 - chance)
    }
}

/// The L2 penalty and the steps of the fit.
pub const L2: f32 = 0.1;
/// Gradient steps of the fit.
pub const STEPS: usize = 3000;

/// What `newsie eval stance` prints.
#[derive(Debug, Clone, Serialize)]
pub struct StanceReport {
    /// The split scored (`train`, `test`, `fresh`, `extra` or `all`).
    pub split: String,
    /// The splits fitted on (by `--fit` and the cross-validation).
    pub fit_on: Vec<String>,
    /// The bundled weights.
    pub model: Scores,
    /// Weights fitted on `fit_on`, when that is not the train split the bundled ones were fitted
    /// on, scored on the same split.
    pub refit: Option<Scores>,
    /// The cue-word rule.
    pub cue_rule: Scores,
    /// K-fold cross-validation on the splits fitted on (weights fitted on K-1 folds, scored on
    /// the one left), when asked for.
    pub cross_validation: Option<Scores>,
    /// Kappa of the blind relabelling and how many it covers.
    pub kappa: f64,
    /// Positions relabelled.
    pub relabelled: usize,
    /// PolNeAR items left out (no `--polnear`).
    pub left_out: usize,
}

/// Scores the bundled weights and the rule on a split (`all` for every item); `fit_on` are the
/// splits the cross-validation (and a refit, when they are not just `train`) learn from.
pub fn eval_stance(
    examples: &[Example],
    split: &str,
    fit_on: &[String],
    folds: usize,
    left_out: usize,
) -> StanceReport {
    let chosen: Vec<&Example> = examples
        .iter()
        .filter(|e| split == "all" || e.split == split)
        .collect();
    let model = StanceModel::bundled();
    let relabels: Vec<(Stance, Stance)> = examples
        .iter()
        .filter_map(|e| e.relabel.map(|r| (e.label, r)))
        .collect();
    let refit = (fit_on != ["train"]).then(|| {
        let m = fit(examples, fit_on);
        Scores::new(chosen.iter().map(|e| e.pair(m.predict(&e.x))))
    });
    StanceReport {
        split: split.to_string(),
        fit_on: fit_on.to_vec(),
        model: Scores::new(chosen.iter().map(|e| e.pair(model.predict(&e.x)))),
        refit,
        cue_rule: Scores::new(chosen.iter().map(|e| e.pair(e.rule))),
        cross_validation: (folds > 1).then(|| cross_validate(examples, fit_on, folds)),
        kappa: kappa(&relabels),
        relabelled: relabels.len(),
        left_out,
    }
}

/// The examples of the given splits.
fn of_splits<'a>(examples: &'a [Example], splits: &[String]) -> Vec<&'a Example> {
    examples
        .iter()
        .filter(|e| splits.contains(&e.split))
        .collect()
}

/// Fits the weights on the given splits (the bundled ones: `train`).
pub fn fit(examples: &[Example], on: &[String]) -> StanceModel {
    let train = of_splits(examples, on);
    let xs: Vec<Vec<f32>> = train.iter().map(|e| e.x.clone()).collect();
    let ys: Vec<Stance> = train.iter().map(|e| e.label).collect();
    StanceModel::fit(&xs, &ys, L2, STEPS)
}

/// K-fold cross-validation over the given splits (fold = position among them modulo K).
pub fn cross_validate(examples: &[Example], on: &[String], k: usize) -> Scores {
    let train = of_splits(examples, on);
    let mut pairs = Vec::new();
    for fold in 0..k {
        let (held, rest): (Vec<_>, Vec<_>) =
            train.iter().enumerate().partition(|(i, _)| i % k == fold);
        let xs: Vec<Vec<f32>> = rest.iter().map(|(_, e)| e.x.clone()).collect();
        let ys: Vec<Stance> = rest.iter().map(|(_, e)| e.label).collect();
        let m = StanceModel::fit(&xs, &ys, L2, STEPS);
        pairs.extend(held.iter().map(|(_, e)| e.pair(m.predict(&e.x))));
    }
    Scores::new(pairs)
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(
            f,
            "  n {}  accuracy {:.4}  macro-F1 {:.4}  (F1 support {:.4}, oppose {:.4}, neutral {:.4})",
            self.n, self.accuracy, self.macro_f1, self.f1[0], self.f1[1], self.f1[2]
        )?;
        writeln!(f, "  gold \\ predicted   support  oppose  neutral")?;
        for (name, row) in ["support", "oppose", "neutral"].iter().zip(&self.confusion) {
            writeln!(f, "  {name:<18} {:>7} {:>7} {:>8}", row[0], row[1], row[2])?;
        }
        Ok(())
    }
}

impl fmt::Display for StanceReport {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(f, "stance, split {}", self.split)?;
        if self.left_out > 0 {
            writeln!(
                f,
                "  ({} PolNeAR items left out: no --polnear folder)",
                self.left_out
            )?;
        }
        writeln!(f, "model (bundled weights)")?;
        write!(f, "{}", self.model)?;
        if let Some(refit) = &self.refit {
            writeln!(f, "model fitted on {}", self.fit_on.join(", "))?;
            write!(f, "{refit}")?;
        }
        writeln!(f, "cue-word rule")?;
        write!(f, "{}", self.cue_rule)?;
        if let Some(cv) = &self.cross_validation {
            writeln!(f, "cross-validation on {}", self.fit_on.join(", "))?;
            write!(f, "{cv}")?;
        }
        writeln!(
            f,
            "blind relabelling: kappa {:.4} over {} positions",
            self.kappa, self.relabelled
        )
    }
}

#[cfg(test)]
mod tests;
