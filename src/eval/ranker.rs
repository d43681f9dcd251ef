//! The place ranker fitted and checked across collections: k-fold cross-validation by article,
//! each collection scored with weights fitted on the others only, a kept-aside collection,
//! a calibration table and the misses by cause, all beside the hand-set weights.

use super::geo::{GeoSet, Toponym, MAX_KM};
use super::places::{scores, GeoScores};
use crate::pipeline::Pipeline;
use crate::stages::places::gazetteer::{distance_km, Gazetteer, Place};
use crate::stages::places::{fit, Resolver, Weights, SIGNALS};
use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// Within this many km a place is right (the measure's 100 miles).
const RIGHT_KM: f64 = 161.0;
/// Full-batch steps of each fit.
const STEPS: usize = 1000;
/// Fits per training set: each after the first sees the context the one before resolves.
const PASSES: usize = 2;

/// Which candidates are right: the gold GeoNames id, or any within 161 km of the gold point (as
/// the measure counts them); None when none is.
fn right(cands: &[(&Place, [f32; SIGNALS])], t: &Toponym) -> Option<Vec<bool>> {
    let r: Vec<bool> = cands
        .iter()
        .map(|(p, _)| {
            (t.geonames_id.is_some() && p.geonames_id == t.geonames_id)
                || distance_km(p.lat, p.lon, t.lat as f32, t.lon as f32) <= RIGHT_KM
        })
        .collect();
    r.contains(&true).then_some(r)
}

type Example = (Vec<[f32; SIGNALS]>, Vec<bool>, f32);

/// Fits weights on the chosen articles of each set, from the hand-set ones. A collection
/// weighs as the square root of its toponyms: LGL's local US news, twice GeoVirus' size and 30
/// times geo-train's, would otherwise teach that a capital is mostly a small-town namesake,
/// while equal weights would let 151 written toponyms outweigh 4,462 real ones.
fn fitted_on(g: &Gazetteer, sets: &[(&GeoSet, Vec<bool>)], l2: f32) -> Weights {
    let mut w = Weights::hand_set();
    for _ in 0..PASSES {
        let r = Resolver {
            gazetteer: g,
            weights: w,
        };
        let mut examples: Vec<Example> = Vec::new();
        for (s, chosen) in sets {
            let e: Vec<(Vec<[f32; SIGNALS]>, Vec<bool>)> = s
                .toponyms(chosen)
                .filter_map(|(doc, t, words)| {
                    let cands = r.candidates(doc, &t.phrase, &words);
                    let i = right(&cands, t)?;
                    // a name whose candidates are all right or all wrong teaches nothing
                    (i.contains(&false)).then(|| (cands.into_iter().map(|c| c.1).collect(), i))
                })
                .collect();
            // each example √n / n: the collection's total √n
            let n = e.len();
            let weight = (n as f32).sqrt() / n.max(1) as f32;
            examples.extend(e.into_iter().map(|(c, i)| (c, i, weight)));
        }
        let total: f32 = examples.iter().map(|e| e.2).sum();
        for e in &mut examples {
            e.2 /= total;
        }
        w = fit(&examples, &w, l2, STEPS);
    }
    w
}

/// One toponym resolved: its error, the resolver's confidence, and why it is wrong if it is.
#[derive(Clone, Copy)]
struct Outcome {
    km: f64,
    confidence: Option<f32>,
    cause: Option<Cause>,
}

/// Why a toponym was missed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The gazetteer has no place by that name.
    NoName,
    /// It has the name, but none of its places lies within 161 km of the gold point.
    NotAmongCandidates,
    /// The right place was a candidate and another was chosen.
    Ranked,
}

fn resolve(
    g: &Gazetteer,
    w: Weights,
    set: &GeoSet,
    chosen: &[bool],
) -> Vec<(Outcome, Option<char>)> {
    let r = Resolver {
        gazetteer: g,
        weights: w,
    };
    set.toponyms(chosen)
        .map(|(doc, t, words)| {
            let found = r.resolve(doc, &t.phrase, &words);
            let km = found.map_or(MAX_KM, |(p, _)| {
                distance_km(p.lat, p.lon, t.lat as f32, t.lon as f32)
            });
            let cause = (km > RIGHT_KM).then(|| {
                let cands = r.candidates(doc, &t.phrase, &words);
                if cands.is_empty() {
                    Cause::NoName
                } else if right(&cands, t).is_none() {
                    Cause::NotAmongCandidates
                } else {
                    Cause::Ranked
                }
            });
            let o = Outcome {
                km,
                confidence: found.map(|f| f.1),
                cause,
            };
            (o, t.class)
        })
        .collect()
}

fn summary(outcomes: &[(Outcome, Option<char>)]) -> GeoScores {
    scores(
        outcomes.iter().map(|o| o.0.km).collect(),
        outcomes.iter().filter(|o| o.0.confidence.is_some()).count(),
    )
}

#[derive(Debug, Serialize)]
/// One way of setting the weights, scored on each collection.
pub struct Row {
    /// How the weights were set and where they are scored.
    pub weights: String,
    /// Scores by collection (None: not scored that way).
    pub scores: Vec<Option<GeoScores>>,
}

#[derive(Debug, Serialize)]
/// Accuracy within 161 km of the places whose confidence falls in a bin.
pub struct Bin {
    /// Lowest confidence of the bin.
    pub from: f32,
    /// Confidence the bin runs up to (not included, but 1.0 is).
    pub to: f32,
    /// Places in it.
    pub places: usize,
    /// Their share within 161 km.
    pub accuracy: f64,
}

#[derive(Debug, Serialize)]
/// Misses of one cause, by the gold place's feature class.
pub struct Misses {
    /// The collection.
    pub set: String,
    /// The cause.
    pub cause: Cause,
    /// Count by class (P, A, H, L, S, T, or ? where the collection gives none).
    pub by_class: Vec<(char, usize)>,
}

#[derive(Debug, Serialize)]
/// Scores of `newsie eval ranker`.
pub struct RankerReport {
    /// The collections, in the columns' order.
    pub sets: Vec<String>,
    /// Toponyms in each.
    pub toponyms: Vec<usize>,
    /// Hand-set, cross-validated, other-collection and fitted-on-all rows.
    pub rows: Vec<Row>,
    /// Calibration of the out-of-sample predictions (cross-validated on the training
    /// collections, the fitted weights on the kept-aside ones).
    pub calibration: Vec<Bin>,
    /// Misses of the same predictions by cause.
    pub misses: Vec<Misses>,
    /// The weights fitted on every training collection.
    pub fitted: Weights,
}

/// Confidence bins of the calibration table.
const BINS: [f32; 6] = [0.0, 0.3, 0.5, 0.7, 0.9, 1.0];

/// Fits and checks the ranker: `train` collections (cross-validated in `folds` folds by
/// article, and each scored with weights fitted on the others only) and `check` collections
/// (scored with the weights fitted on all of `train`, never fitted on).
pub fn eval_ranker(
    pipeline: &Pipeline,
    train: &[&Path],
    check: &[&Path],
    folds: usize,
    l2: f32,
) -> Result<RankerReport> {
    let Some(base) = pipeline.resolver() else {
        bail!("the pipeline has no gazetteer");
    };
    if folds < 2 {
        bail!("--folds must be 2 or more");
    }
    let g = base.gazetteer;
    let train: Vec<GeoSet> = train
        .iter()
        .map(|p| GeoSet::load(pipeline, p, None))
        .collect::<Result<_>>()?;
    let check: Vec<GeoSet> = check
        .iter()
        .map(|p| GeoSet::load(pipeline, p, None))
        .collect::<Result<_>>()?;
    let all: Vec<&GeoSet> = train.iter().chain(&check).collect();
    let every = |s: &GeoSet| vec![true; s.articles.len()];
    let mut rows = Vec::new();
    let hand: Vec<Option<GeoScores>> = all
        .iter()
        .map(|s| Some(summary(&resolve(g, Weights::hand_set(), s, &every(s)))))
        .collect();
    rows.push(Row {
        weights: "hand-set (set on LGL and GeoVirus)".into(),
        scores: hand,
    });

    // k folds by article over every training collection together
    let fold_of: Vec<Vec<usize>> = train.iter().map(|s| s.folds(folds)).collect();
    let mut held: Vec<Vec<(Outcome, Option<char>)>> = vec![Vec::new(); train.len()];
    for k in 0..folds {
        let sets: Vec<(&GeoSet, Vec<bool>)> = train
            .iter()
            .zip(&fold_of)
            .map(|(s, f)| (s, f.iter().map(|&x| x != k).collect()))
            .collect();
        let w = fitted_on(g, &sets, l2);
        for (i, (s, f)) in train.iter().zip(&fold_of).enumerate() {
            let test: Vec<bool> = f.iter().map(|&x| x == k).collect();
            held[i].extend(resolve(g, w, s, &test));
        }
    }
    rows.push(Row {
        weights: format!("fitted, {folds}-fold cross-validation by article"),
        scores: all
            .iter()
            .enumerate()
            .map(|(i, _)| held.get(i).map(|o| summary(o)))
            .collect(),
    });

    // each training collection with weights fitted on the others only
    if train.len() > 1 {
        let scores = all
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (i < train.len()).then(|| {
                    let others: Vec<(&GeoSet, Vec<bool>)> = train
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, o)| (o, every(o)))
                        .collect();
                    let w = fitted_on(g, &others, l2);
                    summary(&resolve(g, w, s, &every(s)))
                })
            })
            .collect();
        rows.push(Row {
            weights: "fitted on the other collections only".into(),
            scores,
        });
    }

    let everything: Vec<(&GeoSet, Vec<bool>)> = train.iter().map(|s| (s, every(s))).collect();
    let fitted = fitted_on(g, &everything, l2);
    let mut kept = Vec::new();
    rows.push(Row {
        weights: "fitted on all training collections".into(),
        scores: all
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let o = resolve(g, fitted, s, &every(s));
                let sum = summary(&o);
                if i >= train.len() {
                    kept.push(o);
                }
                Some(sum)
            })
            .collect(),
    });

    let out_of_sample: Vec<&Vec<(Outcome, Option<char>)>> = held.iter().chain(&kept).collect();
    let calibration = BINS
        .windows(2)
        .map(|b| {
            let inside: Vec<&Outcome> = out_of_sample
                .iter()
                .flat_map(|o| o.iter().map(|x| &x.0))
                .filter_map(|o| {
                    let c = o.confidence?;
                    (c >= b[0] && (c < b[1] || b[1] == 1.0)).then_some(o)
                })
                .collect();
            let right = inside.iter().filter(|o| o.km <= RIGHT_KM).count();
            Bin {
                from: b[0],
                to: b[1],
                places: inside.len(),
                accuracy: right as f64 / inside.len().max(1) as f64,
            }
        })
        .collect();
    let mut misses = Vec::new();
    for (s, o) in all.iter().zip(&out_of_sample) {
        for cause in [Cause::NoName, Cause::NotAmongCandidates, Cause::Ranked] {
            let mut by: Vec<(char, usize)> = Vec::new();
            for (_, class) in o.iter().filter(|x| x.0.cause == Some(cause)) {
                let c = class.unwrap_or('?');
                match by.iter_mut().find(|b| b.0 == c) {
                    Some(b) => b.1 += 1,
                    None => by.push((c, 1)),
                }
            }
            by.sort();
            misses.push(Misses {
                set: s.name.clone(),
                cause,
                by_class: by,
            });
        }
    }
    Ok(RankerReport {
        sets: all.iter().map(|s| s.name.clone()).collect(),
        toponyms: all
            .iter()
            .map(|s| s.articles.iter().map(|a| a.toponyms.len()).sum())
            .collect(),
        rows,
        calibration,
        misses,
        fitted,
    })
}

impl std::fmt::Display for RankerReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "accuracy within 161 km (median km, AUC)")?;
        write!(f, "{:<46}", "")?;
        for (s, n) in self.sets.iter().zip(&self.toponyms) {
            write!(f, " {:>26}", format!("{s} ({n})"))?;
        }
        writeln!(f)?;
        for r in &self.rows {
            write!(f, "{:<46}", r.weights)?;
            for s in &r.scores {
                match s {
                    Some(s) => write!(
                        f,
                        " {:>26}",
                        format!("{:.4} ({:.0}, {:.3})", s.accuracy_161km, s.median_km, s.auc)
                    )?,
                    None => write!(f, " {:>26}", "-")?,
                }
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "\ncalibration (out of sample): confidence, places, accuracy"
        )?;
        for b in &self.calibration {
            writeln!(
                f,
                "  {:.1}-{:.1} {:>6} {:>8.4}",
                b.from, b.to, b.places, b.accuracy
            )?;
        }
        writeln!(
            f,
            "\nmisses by cause (out of sample), by gold feature class"
        )?;
        for m in &self.misses {
            let total: usize = m.by_class.iter().map(|b| b.1).sum();
            let by: Vec<String> = m.by_class.iter().map(|(c, n)| format!("{c} {n}")).collect();
            writeln!(
                f,
                "  {:<12} {:<22} {:>5}  {}",
                m.set,
                format!("{:?}", m.cause),
                total,
                by.join(", ")
            )?;
        }
        writeln!(f, "\nweights fitted on all training collections:")?;
        for (n, w) in crate::stages::places::NAMES
            .iter()
            .zip(self.fitted.vector())
        {
            writeln!(f, "  {n:<16} {w:>8.3}")?;
        }
        Ok(())
    }
}
