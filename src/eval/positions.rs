//! Positions on real web pages against hand labels (docs/positions.md): precision, recall, and
//! of the matched, speaker right, stance right and fully right; per page and a stance confusion.
//!
//! A prediction matches a gold position when their cues overlap (their contents, for a gold
//! position without a cue) and the prediction's content holds at least half of the gold
//! content's words; one to one, the best overlaps first.

use super::{read_jsonl, Prf};
use crate::doc::Stance;
use crate::output::record::{PositionRecord, Record};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

mod fit;
pub use fit::{fit_precision, FitOptions, FitReport};

/// One line of the gold file: a page (no `content`) or a position on it.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldLine {
    /// The page's key.
    pub page: String,
    /// `tune` or `heldout`.
    pub split: String,
    /// On a page line: the first 16 hex digits of the SHA-256 of the text labelled.
    #[serde(default)]
    pub sha: Option<String>,
    /// The position's number on its page.
    #[serde(default)]
    pub n: Option<usize>,
    /// Code point offsets of the cue.
    #[serde(default)]
    pub cue: Option<[usize; 2]>,
    /// Code point offsets of each content piece; absent on a page line.
    #[serde(default)]
    pub content: Option<Vec<[usize; 2]>>,
    /// Code point offsets of the source's words.
    #[serde(default)]
    pub speaker: Option<[usize; 2]>,
    /// The speaker as the article names them most fully.
    #[serde(default)]
    pub resolved: Option<String>,
    /// `n` of the position whose content holds this one.
    #[serde(default)]
    pub nested_in: Option<usize>,
    /// The stance.
    #[serde(default)]
    pub stance: Option<Stance>,
    /// A second stance the guideline allows.
    #[serde(default)]
    pub stance2: Option<Stance>,
}

/// The gold file: its pages (key → SHA) and positions, of the split asked for (`all`: both).
pub fn read_gold(
    path: &Path,
    split: &str,
) -> anyhow::Result<(BTreeMap<String, String>, Vec<GoldLine>)> {
    let mut pages = BTreeMap::new();
    let mut positions = vec![];
    for (line, g) in read_jsonl::<GoldLine>(path)? {
        if split != "all" && g.split != split {
            continue;
        }
        match (&g.content, &g.sha) {
            (None, Some(sha)) => {
                pages.insert(g.page.clone(), sha.clone());
            }
            (Some(c), _) if !c.is_empty() && g.stance.is_some() => positions.push(g),
            _ => anyhow::bail!(
                "{}: line {line}: neither a page nor a position",
                path.display()
            ),
        }
    }
    Ok((pages, positions))
}

/// The first 16 hex digits of the SHA-256 of a text, as the gold file keeps them.
pub fn text_sha(text: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(text.as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Per-page counts.
#[derive(Debug, Default, Serialize)]
pub struct PageCounts {
    /// The page's key.
    pub page: String,
    /// Gold positions.
    pub gold: usize,
    /// Predicted positions.
    pub predicted: usize,
    /// Matched pairs.
    pub matched: usize,
    /// Matched with speaker and stance right.
    pub fully_right: usize,
}

/// The scores.
#[derive(Debug, Default, Serialize)]
pub struct PositionsReport {
    /// The split scored.
    pub split: String,
    /// Pages scored.
    pub pages: usize,
    /// Pages of the gold file whose text is not the one labelled (left out, named here).
    pub changed_pages: Vec<String>,
    /// Pages of the gold file with no record in the run (left out, named here).
    pub missing_pages: Vec<String>,
    /// Positions found and matched.
    pub positions: Prf,
    /// Of the matched: speaker right.
    pub speaker_right: f64,
    /// Of the matched: stance equal to a gold label.
    pub stance_right: f64,
    /// Matched with speaker and stance right, of the gold positions.
    pub fully_right: f64,
    /// Matched with speaker and stance right, of the predictions.
    pub fully_right_of_predicted: f64,
    /// Stance of the matched, gold (the label the prediction agreed with where it did) × predicted.
    pub stance_confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Per page.
    pub per_page: Vec<PageCounts>,
}

/// Scores the records of a run over the gold pages.
pub fn score(
    gold_pages: &BTreeMap<String, String>,
    gold: &[GoldLine],
    records: &[Record],
    split: &str,
) -> PositionsReport {
    let mut report = PositionsReport {
        split: split.into(),
        ..Default::default()
    };
    let by_id: BTreeMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    let (mut tp, mut n_pred, mut n_gold) = (0, 0, 0);
    let (mut speaker_ok, mut stance_ok, mut full) = (0, 0, 0);
    for (page, sha) in gold_pages {
        let Some(rec) = by_id.get(page.as_str()) else {
            report.missing_pages.push(page.clone());
            continue;
        };
        let text = rec.text.as_deref().unwrap_or("");
        if &text_sha(text) != sha {
            report.changed_pages.push(page.clone());
            continue;
        }
        let golds: Vec<&GoldLine> = gold.iter().filter(|g| &g.page == page).collect();
        let preds: Vec<&PositionRecord> = rec.positions.iter().collect();
        let words = word_spans(text);
        let pairs = match_positions(&golds, &preds, &words);
        let mut counts = PageCounts {
            page: page.clone(),
            gold: golds.len(),
            predicted: preds.len(),
            matched: pairs.len(),
            fully_right: 0,
        };
        for (g, p) in pairs {
            let (g, p) = (golds[g], preds[p]);
            let sp = speaker_right(g, p, rec, text);
            let st = Some(p.stance) == g.stance || Some(p.stance) == g.stance2;
            let row = if Some(p.stance) == g.stance2 {
                g.stance2
            } else {
                g.stance
            };
            *report
                .stance_confusion
                .entry(crate::output::record::name_of(row))
                .or_default()
                .entry(crate::output::record::name_of(p.stance))
                .or_default() += 1;
            speaker_ok += sp as usize;
            stance_ok += st as usize;
            if sp && st {
                full += 1;
                counts.fully_right += 1;
            }
        }
        tp += counts.matched;
        n_pred += counts.predicted;
        n_gold += counts.gold;
        report.pages += 1;
        report.per_page.push(counts);
    }
    report.positions = Prf {
        tp,
        fp: n_pred - tp,
        fn_: n_gold - tp,
        ..Prf::default()
    }
    .finish();
    let of = |k: usize, n: usize| k as f64 / n.max(1) as f64;
    report.speaker_right = of(speaker_ok, tp);
    report.stance_right = of(stance_ok, tp);
    report.fully_right = of(full, n_gold);
    report.fully_right_of_predicted = of(full, n_pred);
    report
}

/// Code point spans of the words (runs of letters and digits) of a text.
fn word_spans(text: &str) -> Vec<[usize; 2]> {
    let mut out = vec![];
    let mut start = None;
    for (i, c) in text.chars().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push([s, i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push([s, text.chars().count()]);
    }
    out
}

fn overlaps(a: [usize; 2], b: [usize; 2]) -> bool {
    a[0] < b[1] && b[0] < a[1]
}

fn inside(w: [usize; 2], spans: &[[usize; 2]]) -> bool {
    spans.iter().any(|s| s[0] <= w[0] && w[1] <= s[1])
}

/// The share of the gold content's words that the prediction's content holds.
fn content_share(gold: &[[usize; 2]], pred: &[[usize; 2]], words: &[[usize; 2]]) -> f64 {
    let gw: Vec<_> = words.iter().filter(|w| inside(**w, gold)).collect();
    if gw.is_empty() {
        return 0.0;
    }
    let held = gw.iter().filter(|w| inside(***w, pred)).count();
    held as f64 / gw.len() as f64
}

/// Matched (gold index, prediction index) pairs, one to one, best content share first.
fn match_positions(
    golds: &[&GoldLine],
    preds: &[&PositionRecord],
    words: &[[usize; 2]],
) -> Vec<(usize, usize)> {
    let mut candidates = vec![];
    for (gi, g) in golds.iter().enumerate() {
        let gc = g.content.as_deref().unwrap_or_default();
        for (pi, p) in preds.iter().enumerate() {
            let pc = &p.content.spans;
            let anchored = match g.cue {
                Some(cue) => overlaps(cue, [p.cue.start, p.cue.end]),
                None => gc.iter().any(|a| pc.iter().any(|b| overlaps(*a, *b))),
            };
            let share = content_share(gc, pc, words);
            if anchored && share >= 0.5 {
                candidates.push((share, gi, pi));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let (mut gu, mut pu) = (vec![false; golds.len()], vec![false; preds.len()]);
    let mut pairs = vec![];
    for (_, gi, pi) in candidates {
        if !gu[gi] && !pu[pi] {
            gu[gi] = true;
            pu[pi] = true;
            pairs.push((gi, pi));
        }
    }
    pairs
}

/// Lowercased words of a name, honorifics and punctuation left out.
fn name_words(name: &str) -> Vec<String> {
    const TITLES: &[&str] = &["mr", "mrs", "ms", "dr", "sir", "the"];
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !TITLES.contains(&w.as_str()))
        .collect()
}

/// Two names of one speaker: the same words, or one a part of the other ("Trump", "Donald
/// Trump"; "Pentagon", "the Pentagon").
fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (name_words(a), name_words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    long.windows(short.len()).any(|w| w == short.as_slice())
}

/// The speaker is right when it names the gold speaker (by name, or by the same source words
/// where the article names no one), and names no one where the gold names no one.
fn speaker_right(g: &GoldLine, p: &PositionRecord, rec: &Record, text: &str) -> bool {
    let entity_name = p.speaker.as_ref().and_then(|s| {
        s.entity
            .as_ref()
            .and_then(|e| rec.entities.iter().find(|x| &x.id == e))
            .map(|e| e.name.clone())
    });
    match (&g.resolved, p.speaker.as_ref()) {
        (Some(r), Some(s)) => {
            entity_name.as_deref().is_some_and(|n| same_name(n, r))
                || s.name.as_deref().is_some_and(|n| same_name(n, r))
        }
        (Some(_), None) => false,
        (None, None) => true,
        (None, Some(s)) => {
            // no one named: right when it names no entity and, where the gold has source
            // words, points at them
            entity_name.is_none()
                && g.speaker.is_none_or(|gs| {
                    let span = [s.span.start, s.span.end];
                    overlaps(gs, span) || {
                        let gt: String = text.chars().skip(gs[0]).take(gs[1] - gs[0]).collect();
                        same_name(&gt, &s.span.text)
                    }
                })
        }
    }
}

impl fmt::Display for PositionsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.positions;
        writeln!(
            f,
            "positions on {} pages ({}): precision {:.4}, recall {:.4}, F1 {:.4} ({} matched, {} predicted, {} gold)",
            self.pages, self.split, p.precision, p.recall, p.f1, p.tp, p.tp + p.fp, p.tp + p.fn_
        )?;
        writeln!(
            f,
            "of the matched: speaker right {:.4}, stance right {:.4}; fully right {:.4} of gold, {:.4} of predicted",
            self.speaker_right, self.stance_right, self.fully_right, self.fully_right_of_predicted
        )?;
        writeln!(f, "stance, gold (rows) x predicted:")?;
        let names = ["support", "oppose", "neutral"];
        writeln!(
            f,
            "  {:>8} {:>8} {:>8} {:>8}",
            "", names[0], names[1], names[2]
        )?;
        for g in names {
            let row = self.stance_confusion.get(g);
            let n = |p: &str| row.and_then(|r| r.get(p)).copied().unwrap_or(0);
            writeln!(
                f,
                "  {g:>8} {:>8} {:>8} {:>8}",
                n(names[0]),
                n(names[1]),
                n(names[2])
            )?;
        }
        writeln!(f, "per page (gold / predicted / matched / fully right):")?;
        for c in &self.per_page {
            writeln!(
                f,
                "  {} {:>3} {:>3} {:>3} {:>3}",
                &c.page[..c.page.len().min(12)],
                c.gold,
                c.predicted,
                c.matched,
                c.fully_right
            )?;
        }
        for (what, pages) in [
            ("text changed", &self.changed_pages),
            ("no record", &self.missing_pages),
        ] {
            if !pages.is_empty() {
                writeln!(f, "left out, {what}: {}", pages.join(", "))?;
            }
        }
        Ok(())
    }
}

/// The article of page `key` in a folder of `<key>.html` / `<key>.html.gz` pages, as extract
/// reads it; `None` for a page with no article text.
pub fn read_page(dir: &Path, key: &str) -> anyhow::Result<Option<crate::input::Article>> {
    use anyhow::Context;
    use std::io::Read;
    let plain = dir.join(format!("{key}.html"));
    let gz = dir.join(format!("{key}.html.gz"));
    let html = if plain.is_file() {
        std::fs::read(&plain).with_context(|| format!("cannot read {}", plain.display()))?
    } else {
        let f = std::fs::File::open(&gz)
            .with_context(|| format!("no page {key} in {}", dir.display()))?;
        let mut out = vec![];
        flate2::read::GzDecoder::new(f)
            .read_to_end(&mut out)
            .with_context(|| format!("cannot read {}", gz.display()))?;
        out
    };
    Ok(
        match crate::input::page_input(key.to_string(), &html, None) {
            crate::input::Input::Article(a) => Some(a),
            crate::input::Input::Bad { .. } => None,
        },
    )
}

/// Reads the gold pages and runs them through the pipeline: their Docs, in the gold file's
/// page order.
pub fn page_docs(
    pipeline: &crate::pipeline::Pipeline,
    dir: &Path,
    pages: &BTreeMap<String, String>,
) -> anyhow::Result<Vec<crate::doc::Doc>> {
    let mut articles = vec![];
    for key in pages.keys() {
        articles.extend(read_page(dir, key)?);
    }
    Ok(pipeline.docs(articles)?)
}

/// Records of Docs, the candidates below the threshold left out.
fn records_of(docs: &[crate::doc::Doc]) -> Vec<Record> {
    docs.iter()
        .map(|d| {
            let mut r = d.to_record(&serde_json::Value::Null);
            r.positions.retain(|p| !p.candidate);
            r
        })
        .collect()
}

/// Scores a pipeline (run with every candidate kept) on the gold pages of a split.
pub fn eval_positions(
    pipeline: &crate::pipeline::Pipeline,
    dir: &Path,
    gold: &Path,
    split: &str,
) -> anyhow::Result<PositionsReport> {
    let (pages, positions) = read_gold(gold, split)?;
    let docs = page_docs(pipeline, dir, &pages)?;
    Ok(score(&pages, &positions, &records_of(&docs), split))
}

/// Scores the records of a run (`newsie extract PAGES --with-text`) on the gold pages of a split.
pub fn eval_records(records: &Path, gold: &Path, split: &str) -> anyhow::Result<PositionsReport> {
    use anyhow::Context;
    let (pages, positions) = read_gold(gold, split)?;
    let f = std::fs::File::open(records)
        .with_context(|| format!("cannot read {}", records.display()))?;
    let mut recs = vec![];
    crate::output::record::for_each_record(std::io::BufReader::new(f), |mut r| {
        r.positions.retain(|p| !p.candidate);
        recs.push(r)
    })?;
    Ok(score(&pages, &positions, &recs, split))
}

#[cfg(test)]
mod tests;
