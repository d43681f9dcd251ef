//! Fitting the precision stage's weights on the labelled pages' tune split (`newsie eval positions --fit`).

use super::*;

/// How `fit_precision` fits.
#[derive(Debug, Clone, Copy)]
pub struct FitOptions<'a> {
    /// The gold pages fitted on (`tune`).
    pub split: &'a str,
    /// A PolNeAR split whose candidates are fitted on too, every k-th article.
    pub polnear: Option<(&'a Path, usize)>,
    /// Folds by page of the cross-validation.
    pub folds: usize,
    /// The L2 penalty.
    pub l2: f32,
    /// The threshold written (default: the best pages F1 out of fold).
    pub threshold: Option<f32>,
    /// Candidates of PolNeAR articles judged by docs/positions.md: those articles are read
    /// instead of every k-th, and a candidate is a position by its judgement, not by PolNeAR's.
    pub news_labels: Option<&'a Path>,
}

/// A news candidate judged by docs/positions.md.
#[derive(Debug, Deserialize)]
struct NewsLabel {
    article: String,
    /// Code point offsets of the cue (empty: none) and of the content's pieces.
    cue: Vec<[usize; 2]>,
    content: Vec<[usize; 2]>,
    position: bool,
}

impl NewsLabel {
    /// Whether it judges this candidate: the cues overlap, or the contents where it has no cue.
    fn judges(&self, p: &PositionRecord) -> bool {
        match self.cue.first() {
            Some(&c) => overlaps(c, [p.cue.start, p.cue.end]),
            None => (self.content.iter()).any(|&a| p.content.spans.iter().any(|&b| overlaps(a, b))),
        }
    }
}

/// The precision model fitted on a split's pages, and what cross-validation by page says of it.
#[derive(Debug, Serialize)]
pub struct FitReport {
    /// Candidates fitted on, and how many of them are positions.
    pub candidates: usize,
    /// Of them, matched to a gold position.
    pub positives: usize,
    /// Gold positions of the split (the most recall can reach is `positives` of them).
    pub gold: usize,
    /// Folds by page.
    pub folds: usize,
    /// News candidates fitted on too (PolNeAR), and how many of them are attributions.
    pub news: (usize, usize),
    /// Out-of-fold precision and recall on the pages at each threshold tried, and the news
    /// candidates' F1 against their gold attributions.
    pub curve: Vec<(f32, f64, f64, f64)>,
    /// The threshold written: the one given, else the highest pages F1 out of fold.
    pub threshold: f32,
    /// The model fitted on every page of the split, with that threshold.
    pub model: crate::stages::attribution::precision::PrecisionModel,
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} candidates, {} of them positions, {} gold positions; {}-fold by page:",
            self.candidates, self.positives, self.gold, self.folds
        )?;
        writeln!(
            f,
            "and {} news candidates, {} of them attributions",
            self.news.0, self.news.1
        )?;
        for (t, p, r, k) in &self.curve {
            let mark = if *t == self.threshold { " <" } else { "" };
            writeln!(
                f,
                "  threshold {t:.2}: pages precision {p:.4}, recall {r:.4}; news F1 {k:.4}{mark}"
            )?;
        }
        for (name, w) in self.model.features.iter().zip(&self.model.weights) {
            writeln!(f, "  {name:>22} {w:+.3}")?;
        }
        writeln!(f, "  {:>22} {:+.3}", "bias", self.model.bias)
    }
}

/// Fits the precision model on a split's pages (the pipeline keeps every candidate): each
/// candidate is a position when it matches a gold one. The threshold is the one given, else the
/// one with the best F1 over out-of-fold probabilities (folds by page).
pub fn fit_precision(
    pipeline: &crate::pipeline::Pipeline,
    dir: &Path,
    gold: &Path,
    opts: &FitOptions,
) -> anyhow::Result<FitReport> {
    let FitOptions {
        split,
        polnear,
        folds,
        l2,
        threshold,
        news_labels,
    } = *opts;
    use crate::stages::attribution::precision::{features, Page, PrecisionModel};
    let (pages, golds) = read_gold(gold, split)?;
    let docs = page_docs(pipeline, dir, &pages)?;
    let (mut xs, mut ys, mut page_of) = (vec![], vec![], vec![]);
    // PolNeAR articles (every k-th of the split, in name order): a candidate is a position when
    // its cue meets a gold cue
    let mut news = (vec![], vec![]);
    let mut news_gold = 0;
    if let Some((dir, every)) = polnear {
        let gold = super::super::attribution::read_polnear(dir)?;
        let labels: Option<Vec<NewsLabel>> = match news_labels {
            Some(path) => Some(read_jsonl(path)?.into_iter().map(|(_, l)| l).collect()),
            None => None,
        };
        let chosen: Vec<_> = match &labels {
            Some(labels) => {
                let names: std::collections::BTreeSet<&str> =
                    labels.iter().map(|l| l.article.as_str()).collect();
                (gold.into_iter())
                    .filter(|g| names.contains(g.name.as_str()))
                    .collect()
            }
            None => gold.into_iter().step_by(every.max(1)).collect(),
        };
        let articles = chosen
            .iter()
            .map(|g| crate::input::Article {
                id: g.name.clone(),
                text: g.text.clone(),
                meta: Default::default(),
                keep_text: false,
            })
            .collect();
        news_gold = match &labels {
            Some(labels) => labels.iter().filter(|l| l.position).count(),
            None => chosen.iter().map(|g| g.attributions.len()).sum(),
        };
        for (doc, g) in pipeline.docs(articles)?.iter().zip(&chosen) {
            let quoted = crate::stages::attribution::quoted_words(doc);
            let page = Page::of(doc, &quoted);
            let rec = doc.to_record(&serde_json::Value::Null);
            for (i, p) in rec.positions.iter().enumerate() {
                if p.reported_by.is_some() {
                    continue;
                }
                let cue = [p.cue.start, p.cue.end];
                let hit = match &labels {
                    // a candidate no one judged is left out
                    Some(labels) => {
                        match labels.iter().find(|l| l.article == g.name && l.judges(p)) {
                            Some(l) => l.position,
                            None => continue,
                        }
                    }
                    None => (g.attributions.iter())
                        .any(|a| a.cue.iter().any(|&(s, e)| overlaps(cue, [s, e]))),
                };
                news.0.push(features(doc, &quoted, &page, i));
                news.1.push(hit);
            }
        }
    }
    for (k, doc) in docs.iter().enumerate() {
        let quoted = crate::stages::attribution::quoted_words(doc);
        let page = Page::of(doc, &quoted);
        let rec = doc.to_record(&serde_json::Value::Null);
        let text = rec.text.as_deref().unwrap_or("");
        let g: Vec<&GoldLine> = golds.iter().filter(|g| g.page == doc.id).collect();
        let preds: Vec<&PositionRecord> = rec.positions.iter().collect();
        let matched: Vec<usize> = match_positions(&g, &preds, &word_spans(text))
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        for i in (0..doc.positions.len()).filter(|&i| doc.positions[i].reported_by.is_none()) {
            xs.push(features(doc, &quoted, &page, i));
            ys.push(matched.contains(&i));
            page_of.push(k);
        }
    }
    let steps = 3000;
    let folds = folds.max(2);
    // the news candidates join the pages' folds, one in `folds` each
    let n_pages = xs.len();
    let all_x: Vec<Vec<f32>> = xs.iter().chain(&news.0).cloned().collect();
    let all_y: Vec<bool> = ys.iter().chain(&news.1).copied().collect();
    let fold_of = |i: usize| {
        if i < n_pages {
            page_of[i] % folds
        } else {
            i % folds
        }
    };
    // the two kinds of text weigh the same in all
    let news_weight = n_pages as f32 / news.0.len().max(1) as f32;
    let all_w: Vec<f32> = (0..all_x.len())
        .map(|i| if i < n_pages { 1.0 } else { news_weight })
        .collect();
    let mut oof = vec![0.0f32; all_x.len()];
    for fold in 0..folds {
        let train: Vec<usize> = (0..all_x.len()).filter(|&i| fold_of(i) != fold).collect();
        let tx: Vec<Vec<f32>> = train.iter().map(|&i| all_x[i].clone()).collect();
        let ty: Vec<bool> = train.iter().map(|&i| all_y[i]).collect();
        let tw: Vec<f32> = train.iter().map(|&i| all_w[i]).collect();
        let m = PrecisionModel::fit(&tx, &ty, &tw, l2, steps);
        for i in (0..all_x.len()).filter(|&i| fold_of(i) == fold) {
            oof[i] = m.score(&all_x[i]);
        }
    }
    let positives = ys.iter().filter(|&&y| y).count();
    let news_hits = news.1.iter().filter(|&&y| y).count();
    let mut curve = vec![];
    let mut best = (0.0f32, -1.0f64);
    for step in 0..=18 {
        let t = step as f32 * 0.05;
        let kept: Vec<usize> = (0..n_pages).filter(|&i| oof[i] >= t).collect();
        let tp = kept.iter().filter(|&&i| ys[i]).count();
        let p = tp as f64 / kept.len().max(1) as f64;
        let r = tp as f64 / golds.len().max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        // the news candidates' F1 against the gold attributions (by cue)
        let kept: Vec<usize> = (n_pages..all_x.len()).filter(|&i| oof[i] >= t).collect();
        let hits = kept.iter().filter(|&&i| all_y[i]).count();
        let news_f1 = 2.0 * hits as f64 / (kept.len() + news_gold).max(1) as f64;
        if f1 > best.1 {
            best = (t, f1);
        }
        curve.push((t, p, r, news_f1));
    }
    let mut model = PrecisionModel::fit(&all_x, &all_y, &all_w, l2, steps);
    let chosen = threshold.unwrap_or(best.0);
    model.threshold = chosen;
    model.fitted_on = format!(
        "{split} pages of {}: {} candidates, {positives} positions; {} news candidates, {news_hits} attributions; threshold {}",
        gold.file_name().map(|f| f.to_string_lossy()).unwrap_or_default(),
        xs.len(),
        news.0.len(),
        match threshold {
            Some(_) => "given".to_string(),
            None => format!("best pages F1 {folds}-fold"),
        }
    );
    Ok(FitReport {
        candidates: xs.len(),
        positives,
        news: (news.0.len(), news_hits),
        gold: golds.len(),
        folds,
        curve,
        threshold: chosen,
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judgement_names_its_candidate_by_the_cue_else_the_content() {
        let p: PositionRecord = serde_json::from_value(serde_json::json!({
            "id": "P1", "speaker": null,
            "cue": {"text": "said", "start": 10, "end": 14},
            "content": {"text": "…", "start": 15, "end": 40, "spans": [[15, 40]]},
            "kind": "indirect", "stance": "neutral", "confidence": 0.5
        }))
        .unwrap();
        let label = |cue: Vec<[usize; 2]>, content: Vec<[usize; 2]>| NewsLabel {
            article: "a".into(),
            cue,
            content,
            position: true,
        };
        // (cue, content) -> judges the candidate
        let table = [
            (vec![[10, 14]], vec![[60, 70]], true),
            (vec![[12, 20]], vec![], true),
            (vec![[0, 10]], vec![[15, 40]], false),
            (vec![], vec![[30, 50]], true),
            (vec![], vec![[40, 50]], false),
        ];
        for (cue, content, want) in table {
            let l = label(cue.clone(), content.clone());
            assert_eq!(l.judges(&p), want, "{cue:?} {content:?}");
        }
    }
}
