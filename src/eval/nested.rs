//! Positions inside positions against a hand-written set (`tests/data/nested.jsonl`, its
//! README says how it is made and scored): precision and recall of the inner positions, and how
//! many inner speakers link to the right entity.

use super::Prf;
use crate::output::record::{PositionRecord, Record};
use crate::pipeline::Pipeline;
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// One text of the set.
#[derive(Debug, Deserialize)]
pub struct NestedItem {
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The positions inside others it holds.
    pub inner: Vec<GoldInner>,
}

/// An inner position as the set gives it.
#[derive(Debug, Deserialize)]
pub struct GoldInner {
    /// The source's words.
    pub speaker: String,
    /// The entity name the speaker should link to; `None` where the speaker names none.
    pub entity: Option<String>,
    /// The cue's words.
    pub cue: String,
    /// The content's words.
    pub content: String,
    /// The cue is its first occurrence after these words.
    #[serde(default)]
    pub cue_after: Option<String>,
}

/// Reads the set; every cue must be found in its text.
pub fn read_nested(path: &Path) -> Result<Vec<NestedItem>> {
    let mut items = Vec::new();
    for (line, item) in super::read_jsonl::<NestedItem>(path)? {
        for g in &item.inner {
            if cue_span(&item.text, g).is_none() {
                bail!(
                    "{}: line {line}: cue {:?} is not in the text",
                    path.display(),
                    g.cue
                );
            }
        }
        items.push(item);
    }
    Ok(items)
}

/// The gold cue's code point span.
fn cue_span(text: &str, g: &GoldInner) -> Option<(usize, usize)> {
    let from = match &g.cue_after {
        Some(a) => text.find(a.as_str())? + a.len(),
        None => 0,
    };
    let start = from + text[from..].find(g.cue.as_str())?;
    let chars = |b: usize| text[..b].chars().count();
    Some((chars(start), chars(start + g.cue.len())))
}

/// Lowercased words of letters and digits.
fn words(s: &str) -> HashSet<String> {
    crate::text::plain_words(s).collect()
}

/// A speaker's words as compared: lowercased, without a leading "the".
fn plain(s: &str) -> String {
    let s = s.trim().to_lowercase();
    s.strip_prefix("the ").map(str::to_string).unwrap_or(s)
}

fn speaker_matches(p: &PositionRecord, g: &GoldInner) -> bool {
    let Some(s) = &p.speaker else {
        return false;
    };
    match &g.entity {
        Some(e) => {
            s.entity.is_some() && s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(e))
        }
        None => plain(&s.span.text) == plain(&g.speaker),
    }
}

fn content_matches(p: &PositionRecord, g: &GoldInner) -> bool {
    let gold = words(&g.content);
    let found = words(&p.content.text);
    2 * gold.intersection(&found).count() >= gold.len()
}

#[derive(Debug, Default, Serialize)]
/// Scores of `newsie eval nested`.
pub struct NestedReport {
    /// Texts in the set.
    pub texts: usize,
    /// Inner positions: a found one matches a gold one by cue, speaker and content.
    pub inner: Prf,
    /// Found inner positions whose cue meets a gold cue with an entity, and how many of those
    /// link their speaker to that entity.
    pub with_entity: usize,
    /// How many of `with_entity` link to the right entity.
    pub linked: usize,
    /// Inner positions found in texts whose contents hold none.
    pub in_plain_texts: usize,
}

impl fmt::Display for NestedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.inner;
        writeln!(f, "nested positions, {} texts", self.texts)?;
        writeln!(
            f,
            "inner positions: precision {:.4} recall {:.4} F1 {:.4} ({} found, {} gold, {} match)",
            p.precision,
            p.recall,
            p.f1,
            p.tp + p.fp,
            p.tp + p.fn_,
            p.tp
        )?;
        writeln!(
            f,
            "speakers linked to the gold entity: {:.4} ({} of {})",
            self.linked as f64 / self.with_entity.max(1) as f64,
            self.linked,
            self.with_entity
        )?;
        writeln!(
            f,
            "inner positions in texts whose contents hold none: {}",
            self.in_plain_texts
        )
    }
}

/// Runs the pipeline over the set's texts and scores their inner positions.
pub fn eval_nested(pipeline: &Pipeline, path: &Path) -> Result<NestedReport> {
    let items = read_nested(path)?;
    let records = super::process_texts(pipeline, items.iter().map(|i| (&*i.id, &*i.text)))?;
    let mut report = NestedReport {
        texts: items.len(),
        ..Default::default()
    };
    for (item, r) in items.iter().zip(&records) {
        score(item, r, &mut report);
    }
    report.inner = report.inner.finish();
    Ok(report)
}

fn score(item: &NestedItem, r: &Record, report: &mut NestedReport) {
    let found: Vec<&PositionRecord> = r
        .positions
        .iter()
        .filter(|p| p.reported_by.is_some())
        .collect();
    if item.inner.is_empty() {
        report.in_plain_texts += found.len();
    }
    let cues: Vec<(usize, usize)> = item
        .inner
        .iter()
        .map(|g| cue_span(&item.text, g).expect("checked on reading"))
        .collect();
    let meets = |p: &PositionRecord, (s, e): (usize, usize)| p.cue.start < e && s < p.cue.end;
    let mut used = vec![false; found.len()];
    for (g, &cue) in item.inner.iter().zip(&cues) {
        let hit = (0..found.len()).find(|&k| {
            !used[k]
                && meets(found[k], cue)
                && speaker_matches(found[k], g)
                && content_matches(found[k], g)
        });
        match hit {
            Some(k) => {
                used[k] = true;
                report.inner.tp += 1;
            }
            None => report.inner.fn_ += 1,
        }
    }
    report.inner.fp += used.iter().filter(|u| !**u).count();
    for p in &found {
        let gold = item
            .inner
            .iter()
            .zip(&cues)
            .find(|(g, &c)| g.entity.is_some() && meets(p, c));
        if let Some((g, _)) = gold {
            report.with_entity += 1;
            report.linked += speaker_matches(p, g) as usize;
        }
    }
}
