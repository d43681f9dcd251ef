//! Toponym resolution scored against gold coordinates: accuracy within 161 km, median error
//! and AUC, for the shipped weights and each ablation.

use super::geo::{words_of, GeoSet, MAX_KM};
use crate::doc::CharIndex;
use crate::pipeline::Pipeline;
use crate::stages::places::gazetteer::distance_km;
use crate::stages::places::{Resolver, Weights, NAMES};
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

#[derive(Debug, Serialize, Clone)]
/// Distance scores of one set of weights.
pub struct GeoScores {
    /// Toponyms resolved to some place.
    pub resolved: usize,
    /// Share of toponyms within 161 km of the gold point.
    pub accuracy_161km: f64,
    /// Median error, km.
    pub median_km: f64,
    /// Area under the curve of ln(1 + error) over the sorted toponyms (Gritta et al.); lower
    /// is better.
    pub auc: f64,
}

#[derive(Debug, Serialize)]
/// Scores of `newsie eval places`.
pub struct PlacesReport {
    /// The file scored.
    pub file: String,
    /// Articles in it.
    pub articles: usize,
    /// Gold toponyms in it (with coordinates), all scored.
    pub toponyms: usize,
    /// Of those, found a few characters from their offsets.
    pub realigned: usize,
    /// Of those, whose text is not near their offsets: scored as misses.
    pub unusable: usize,
    /// With every signal.
    pub scores: GeoScores,
    /// The same with one ranking signal taken out at a time.
    pub ablation: Vec<(String, GeoScores)>,
}

impl std::fmt::Display for PlacesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: {} articles, {} toponyms ({} realigned to their text nearby, {} unusable and \
             scored as misses)",
            self.file, self.articles, self.toponyms, self.realigned, self.unusable
        )?;
        writeln!(
            f,
            "{:<24} {:>9} {:>12} {:>10} {:>7}",
            "", "resolved", "acc@161km", "median km", "AUC"
        )?;
        for (name, s) in std::iter::once(("all signals", &self.scores))
            .chain(self.ablation.iter().map(|(n, s)| (n.as_str(), s)))
        {
            writeln!(
                f,
                "{:<24} {:>9} {:>12.4} {:>10.1} {:>7.4}",
                name, s.resolved, s.accuracy_161km, s.median_km, s.auc
            )?;
        }
        Ok(())
    }
}

pub(crate) fn scores(mut errors: Vec<f64>, resolved: usize) -> GeoScores {
    errors.sort_by(f64::total_cmp);
    let n = errors.len();
    let within = errors.iter().filter(|&&e| e <= 161.0).count();
    let median = if n == 0 {
        0.0
    } else if n % 2 == 1 {
        errors[n / 2]
    } else {
        (errors[n / 2 - 1] + errors[n / 2]) / 2.0
    };
    let auc = if n < 2 {
        0.0
    } else {
        let area: f64 = errors
            .windows(2)
            .map(|w| ((w[0] + 1.0).ln() + (w[1] + 1.0).ln()) / 2.0)
            .sum();
        area / ((MAX_KM).ln() * (n - 1) as f64)
    };
    GeoScores {
        resolved,
        accuracy_161km: within as f64 / n.max(1) as f64,
        median_km: median,
        auc,
    }
}

/// The signals `eval places` takes out one at a time (the six kinds together), all those of
/// the article's context together, and the second round.
pub fn ablations() -> Vec<(String, Weights)> {
    let d = Weights::default();
    let without = |names: &[&str]| {
        let mut v = d.vector();
        for (x, n) in v.iter_mut().zip(NAMES) {
            if names.contains(&n) {
                *x = 0.0;
            }
        }
        Weights::from_vector(v, d.rounds)
    };
    // the six kinds come first
    let kinds = &NAMES[..6];
    std::iter::once(("- kind".to_string(), without(kinds)))
        .chain(
            NAMES
                .iter()
                .filter(|n| !kinds.contains(n))
                .map(|n| (format!("- {n}"), without(&[n]))),
        )
        .chain([
            // every signal the article's other places give
            (
                "- article context".to_string(),
                without(&[
                    "same_country",
                    "same_admin1",
                    "near",
                    "capital_abroad",
                    "proximity",
                    "city_in_admin1",
                ]),
            ),
            ("- second round".to_string(), Weights { rounds: 1, ..d }),
        ])
        .collect()
}

/// Resolves every gold toponym in its article, through the same stages as `extract` (the
/// article's entities give the context), and scores the distances to the gold coordinates.
pub fn eval_places(
    pipeline: &Pipeline,
    path: &Path,
    pages: Option<&Path>,
    weights: &[(String, Weights)],
    mut predictions: Option<&mut dyn Write>,
) -> Result<PlacesReport> {
    let Some(base) = pipeline.resolver() else {
        bail!("the pipeline has no gazetteer");
    };
    let GeoSet { articles, docs, .. } = GeoSet::load(pipeline, path, pages)?;
    let variants: Vec<(&str, Weights)> = std::iter::once(("all signals", base.weights))
        .chain(weights.iter().map(|(n, w)| (n.as_str(), *w)))
        .collect();
    let mut errors: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut resolved = vec![0; variants.len()];
    for (a, doc) in articles.iter().zip(&docs) {
        let chars = CharIndex::new(&doc.text);
        for t in &a.toponyms {
            let words = words_of(doc, &chars, t);
            for (v, (_, w)) in variants.iter().enumerate() {
                let r = Resolver {
                    gazetteer: base.gazetteer,
                    weights: *w,
                };
                let found = r.resolve(doc, &t.phrase, &words);
                let err = match found {
                    Some((p, _)) => {
                        resolved[v] += 1;
                        distance_km(p.lat, p.lon, t.lat as f32, t.lon as f32)
                    }
                    None => MAX_KM,
                };
                errors[v].push(err);
                if v == 0 {
                    if let Some(out) = predictions.as_deref_mut() {
                        let line = serde_json::json!({
                            "doc": a.id, "start": t.start, "end": t.end,
                            "geonames_id": found.and_then(|(p, _)| p.geonames_id),
                            "lat": found.map(|(p, _)| p.lat), "lon": found.map(|(p, _)| p.lon),
                        });
                        writeln!(out, "{line}")?;
                    }
                }
            }
        }
    }
    // a gold toponym whose text is not where the file says is a miss, never left out
    let unusable: usize = articles.iter().map(|a| a.unusable).sum();
    for e in &mut errors {
        e.extend(std::iter::repeat_n(MAX_KM, unusable));
    }
    let mut all: Vec<GeoScores> = errors
        .into_iter()
        .zip(resolved)
        .map(|(e, r)| scores(e, r))
        .collect();
    let main = all.remove(0);
    Ok(PlacesReport {
        file: path.display().to_string(),
        articles: articles.len(),
        toponyms: articles.iter().map(|a| a.toponyms.len()).sum::<usize>() + unusable,
        realigned: articles.iter().map(|a| a.realigned).sum(),
        unusable,
        scores: main,
        ablation: variants[1..]
            .iter()
            .map(|v| v.0.to_string())
            .zip(all)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_table() {
        let s = scores(vec![0.0, 100.0, 200.0, MAX_KM], 3);
        assert_eq!(s.accuracy_161km, 0.5);
        assert_eq!(s.median_km, 150.0);
        assert!(s.auc > 0.0 && s.auc < 1.0);
        let perfect = scores(vec![0.0, 0.0], 2);
        assert_eq!(perfect.auc, 0.0);
    }
}
