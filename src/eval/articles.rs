//! Main-text extraction scored on saved article pages against the bodies people marked (the
//! article extraction benchmark's measure): word 4-gram shingles of the extracted text against
//! the truth's, precision and recall per page averaged over pages, F1 of the two means. Pages
//! are read through the same [`Corpus`] as `newsie extract`.

use crate::input::{Corpus, Fields, Input};
use crate::text::id_hash;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The two halves of the pages, fixed by a hash of each page's key: `tune` is the half any
/// tuning may look at, `held-out` the half it may not.
pub fn half(key: &str) -> &'static str {
    if id_hash(key).is_multiple_of(2) {
        "tune"
    } else {
        "held-out"
    }
}

/// The set of word 4-grams (a shorter text: its words as one shingle).
pub fn shingles(text: &str) -> HashSet<String> {
    let w: Vec<String> = crate::text::plain_words(text).collect();
    if w.len() < 4 {
        return (!w.is_empty()).then(|| w.join(" ")).into_iter().collect();
    }
    w.windows(4).map(|g| g.join(" ")).collect()
}

/// Precision and recall of one page's extraction: an empty extraction of a non-empty body
/// scores 0 on both.
pub fn page_scores(extracted: &str, truth: &str) -> (f64, f64) {
    let (e, t) = (shingles(extracted), shingles(truth));
    if t.is_empty() {
        let p = if e.is_empty() { 1.0 } else { 0.0 };
        return (p, p);
    }
    let hit = e.intersection(&t).count() as f64;
    (hit / e.len().max(1) as f64, hit / t.len() as f64)
}

/// Scores of one extractor over one set of pages.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Which extractor.
    pub extractor: String,
    /// all, tune or held-out.
    pub split: String,
    /// Pages scored.
    pub pages: usize,
    /// Pages given no article text.
    pub empty: usize,
    /// Mean per-page precision.
    pub precision: f64,
    /// Mean per-page recall.
    pub recall: f64,
    /// F1 of the two means.
    pub f1: f64,
}

/// `newsie eval articles`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticlesReport {
    /// One row per extractor and split.
    pub rows: Vec<Row>,
    /// newsie's ten worst pages by F1: key, precision, recall.
    pub worst: Vec<(String, f64, f64)>,
}

impl std::fmt::Display for ArticlesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<16} {:<9} {:>5} {:>5} {:>9} {:>7} {:>7}",
            "extractor", "split", "pages", "empty", "precision", "recall", "F1"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:<16} {:<9} {:>5} {:>5} {:>9.4} {:>7.4} {:>7.4}",
                r.extractor, r.split, r.pages, r.empty, r.precision, r.recall, r.f1
            )?;
        }
        writeln!(f, "newsie's lowest pages (precision, recall):")?;
        for (k, p, r) in &self.worst {
            writeln!(f, "  {k}  {p:.3} {r:.3}")?;
        }
        Ok(())
    }
}

/// The truth file: `{key: {"articleBody": …}}`.
pub fn read_truth(path: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let v: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    v.into_iter()
        .map(
            |(k, x)| match x.get("articleBody").and_then(|b| b.as_str()) {
                Some(b) => Ok((k, b.to_string())),
                None => bail!("{}: {k} has no articleBody", path.display()),
            },
        )
        .collect()
}

/// A page's extracted text by another extractor, for the side-by-side rows.
pub type Extractor = (&'static str, fn(&[u8]) -> String);

/// Scores newsie's extraction (and each of `others`) on the pages in `pages` (`<key>.html` or
/// `.html.gz`) that `truth` has a body for.
pub fn eval_articles(pages: &Path, truth: &Path, others: &[Extractor]) -> Result<ArticlesReport> {
    let truth = read_truth(truth)?;
    let corpus = Corpus::open(&[pages.to_path_buf()], Fields::default())?;
    let mut ours = BTreeMap::new();
    for input in corpus {
        match input? {
            Input::Article(a) => ours.insert(a.id, a.text),
            Input::Bad { id, .. } => ours.insert(id.unwrap_or_default(), String::new()),
        };
    }
    let mut rows = Vec::new();
    let mut scored = |name: &str, got: &BTreeMap<String, String>| -> Vec<(String, f64, f64)> {
        let per: Vec<(String, f64, f64)> = truth
            .iter()
            .filter_map(|(k, body)| {
                let text = got.get(k)?;
                let (p, r) = page_scores(text, body);
                Some((k.clone(), p, r))
            })
            .collect();
        for split in ["all", "tune", "held-out"] {
            let part: Vec<&(String, f64, f64)> = per
                .iter()
                .filter(|(k, ..)| split == "all" || half(k) == split)
                .collect();
            let n = part.len().max(1) as f64;
            let precision = part.iter().map(|x| x.1).sum::<f64>() / n;
            let recall = part.iter().map(|x| x.2).sum::<f64>() / n;
            rows.push(Row {
                extractor: name.into(),
                split: split.into(),
                pages: part.len(),
                empty: part.iter().filter(|x| got[&x.0].trim().is_empty()).count(),
                precision,
                recall,
                f1: super::f1(precision, recall),
            });
        }
        per
    };
    let mut per = scored("newsie", &ours);
    if ours.keys().all(|k| !truth.contains_key(k)) {
        bail!(
            "no page in {} has a body in the truth file",
            pages.display()
        );
    }
    for (name, extract) in others {
        let got = truth
            .keys()
            .filter_map(|k| {
                let html = read_page(pages, k)?;
                Some((k.clone(), extract(&html)))
            })
            .collect();
        scored(name, &got);
    }
    per.sort_by(|a, b| {
        let f = |x: &(String, f64, f64)| super::f1(x.1, x.2);
        f(a).total_cmp(&f(b))
    });
    per.truncate(10);
    Ok(ArticlesReport { rows, worst: per })
}

fn read_page(dir: &Path, key: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    if let Ok(b) = std::fs::read(dir.join(format!("{key}.html"))) {
        return Some(b);
    }
    let gz = std::fs::read(dir.join(format!("{key}.html.gz"))).ok()?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_scores() {
        // (extracted, truth, precision, recall)
        let table: &[(&str, &str, f64, f64)] = &[
            ("a b c d e", "A b, c d e!", 1.0, 1.0),
            ("a b c d e f", "a b c d e", 2.0 / 3.0, 1.0),
            ("a b c d", "a b c d e", 1.0, 0.5),
            ("", "a b c d", 0.0, 0.0),
            ("x y", "x y", 1.0, 1.0),
            ("", "", 1.0, 1.0),
        ];
        for &(e, t, p, r) in table {
            assert_eq!(page_scores(e, t), (p, r), "{e:?} vs {t:?}");
        }
    }
}
