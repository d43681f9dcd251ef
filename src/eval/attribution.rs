//! Reported positions against PolNeAR-style brat standoff: `DIR/text/<article>.txt` and
//! `DIR/attributions/<article>_<annotator>.ann` (Source / Cue / Content spans joined by E lines).
//! Where an article has several annotators' files the first in name order counts.

use super::Prf;
use crate::output::record::PositionRecord;
use crate::pipeline::Pipeline;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// Code point `[start, end)` pieces of a span (contents may be discontinuous).
type Parts = Vec<(usize, usize)>;

/// One attribution, in code points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribution {
    /// The source's character spans, if any.
    pub source: Option<Parts>,
    /// The cue's character spans.
    pub cue: Parts,
    /// The content's character spans.
    pub content: Parts,
}

/// An annotated article.
#[derive(Debug)]
pub struct GoldArticle {
    /// The article's file name, without extension.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Every Source / Cue / Content span annotated, by role.
    pub spans: BTreeMap<&'static str, HashSet<Parts>>,
    /// Its annotated attributions.
    pub attributions: Vec<Attribution>,
}

/// The roles scored, in report order.
pub const ROLES: [&str; 3] = ["Source", "Cue", "Content"];

/// Pieces without the white space at their edges, so that annotators' stray spaces do not count.
fn trim(text: &[char], parts: &[(usize, usize)]) -> Parts {
    parts
        .iter()
        .map(|&(mut s, mut e)| {
            e = e.min(text.len());
            while s < e && text[s].is_whitespace() {
                s += 1;
            }
            while e > s && text[e - 1].is_whitespace() {
                e -= 1;
            }
            (s, e)
        })
        .filter(|(s, e)| s < e)
        .collect()
}

/// Reads a brat `.ann`: T lines of the three roles, E lines joining them.
pub fn read_ann(
    ann: &str,
    text: &str,
) -> Result<(BTreeMap<&'static str, HashSet<Parts>>, Vec<Attribution>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut t: HashMap<&str, (&'static str, Parts)> = HashMap::new();
    let mut spans: BTreeMap<&'static str, HashSet<Parts>> =
        ROLES.iter().map(|r| (*r, HashSet::new())).collect();
    let mut relations = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 {
            continue;
        }
        if cols[0].starts_with('T') {
            let (label, offsets) = cols[1].split_once(' ').unwrap_or((cols[1], ""));
            let Some(role) = ROLES.iter().find(|r| r.eq_ignore_ascii_case(label)) else {
                continue;
            };
            let mut parts = Vec::new();
            for p in offsets.split(';') {
                let se: Vec<usize> = p
                    .split_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("line {}: bad offsets {offsets:?}", n + 1))?;
                let [s, e] = se[..] else {
                    bail!("line {}: bad offsets {offsets:?}", n + 1)
                };
                parts.push((s, e));
            }
            let parts = trim(&chars, &parts);
            if !parts.is_empty() {
                spans.get_mut(role).expect("role").insert(parts.clone());
                t.insert(cols[0], (role, parts));
            }
        } else if cols[0].starts_with('E') {
            relations.push(cols[1]);
        }
    }
    let mut attributions = Vec::new();
    for r in relations {
        let get = |role: &str| -> Option<Parts> {
            r.split_whitespace()
                .filter_map(|arg| arg.split_once(':'))
                .filter(|(k, _)| k.eq_ignore_ascii_case(role))
                .find_map(|(_, id)| t.get(id).map(|x| x.1.clone()))
        };
        let (source, cue, content) = (get("Source"), get("Cue"), get("Content"));
        if let Some(cue) = cue {
            attributions.push(Attribution {
                source,
                cue,
                content: content.unwrap_or_default(),
            });
        }
    }
    Ok((spans, attributions))
}

/// The annotated articles of a PolNeAR split, in name order.
pub fn read_polnear(dir: &Path) -> Result<Vec<GoldArticle>> {
    let (text_dir, ann_dir) = (dir.join("text"), dir.join("attributions"));
    let list = |d: &Path, ext: &str| -> Result<Vec<String>> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .with_context(|| format!("cannot read {}", d.display()))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(ext))
            .collect();
        v.sort();
        Ok(v)
    };
    let anns = list(&ann_dir, ".ann")?;
    let mut out = Vec::new();
    for f in list(&text_dir, ".txt")? {
        let name = f.trim_end_matches(".txt").to_string();
        let text = std::fs::read_to_string(text_dir.join(&f))
            .with_context(|| format!("cannot read {}", text_dir.join(&f).display()))?;
        let prefix = format!("{name}_");
        let (spans, attributions) = match anns.iter().find(|a| a.starts_with(&prefix)) {
            Some(a) => {
                let path = ann_dir.join(a);
                let ann = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                read_ann(&ann, &text).with_context(|| format!("{}", path.display()))?
            }
            None => Default::default(),
        };
        out.push(GoldArticle {
            name,
            text,
            spans,
            attributions,
        });
    }
    if out.is_empty() {
        bail!("no .txt files in {}", text_dir.display());
    }
    Ok(out)
}

/// What the pipeline found, as the record says it, in the gold's terms.
fn predicted(p: &PositionRecord) -> Attribution {
    Attribution {
        // an inferred source is not the tagger's: PolNeAR leaves those attributions without one
        source: p
            .speaker
            .as_ref()
            .filter(|s| !s.inferred)
            .map(|s| vec![(s.span.start, s.span.end)]),
        cue: vec![(p.cue.start, p.cue.end)],
        content: p.content.spans.iter().map(|s| (s[0], s[1])).collect(),
    }
}

fn meets(a: &Parts, b: &Parts) -> bool {
    a.iter()
        .any(|&(s, e)| b.iter().any(|&(t, f)| s < f && t < e))
}

#[derive(Debug, Default, Serialize)]
/// Scores of `newsie eval attribution`.
pub struct AttributionReport {
    /// The folder scored.
    pub dir: String,
    /// Articles in it.
    pub articles: usize,
    /// Attributions annotated.
    pub gold_attributions: usize,
    /// Top-level positions found.
    pub predicted_attributions: usize,
    /// Source, Cue, Content and Attribution (all three parts) by exact offsets.
    pub exact: BTreeMap<String, Prf>,
    /// The same, a match being any overlap.
    pub overlap: BTreeMap<String, Prf>,
}

impl std::fmt::Display for AttributionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: {} articles, {} gold attributions, {} predicted",
            self.dir, self.articles, self.gold_attributions, self.predicted_attributions
        )?;
        writeln!(
            f,
            "{:<12} {:>8} {:>8} {:>8}   {:>8} {:>8} {:>8}",
            "", "exact P", "R", "F1", "overlap P", "R", "F1"
        )?;
        for k in ["Source", "Cue", "Content", "Attribution"] {
            let (e, o) = (&self.exact[k], &self.overlap[k]);
            writeln!(
                f,
                "{:<12} {:>8.4} {:>8.4} {:>8.4}   {:>9.4} {:>8.4} {:>8.4}",
                k, e.precision, e.recall, e.f1, o.precision, o.recall, o.f1
            )?;
        }
        Ok(())
    }
}

/// Counts for one kind of span over all articles.
#[derive(Default)]
struct Tally {
    exact: Prf,
    pred: usize,
    pred_hit: usize,
    gold: usize,
    gold_hit: usize,
}

impl Tally {
    fn add<T: Eq + std::hash::Hash>(
        &mut self,
        pred: &HashSet<T>,
        gold: &HashSet<T>,
        meet: impl Fn(&T, &T) -> bool,
    ) {
        self.exact.tp += pred.intersection(gold).count();
        self.exact.fp += pred.difference(gold).count();
        self.exact.fn_ += gold.difference(pred).count();
        self.pred += pred.len();
        self.gold += gold.len();
        self.pred_hit += pred
            .iter()
            .filter(|p| gold.iter().any(|g| meet(p, g)))
            .count();
        self.gold_hit += gold
            .iter()
            .filter(|g| pred.iter().any(|p| meet(p, g)))
            .count();
    }
}

/// Source, Cue and Content spans and whole attributions found by the pipeline, scored against
/// the gold annotation, exact and overlapping. With `out`, writes one brat `.ann` per article.
pub fn eval_attribution(
    pipeline: &Pipeline,
    dir: &Path,
    out: Option<&Path>,
) -> Result<AttributionReport> {
    let gold = read_polnear(dir)?;
    if let Some(o) = out {
        std::fs::create_dir_all(o).with_context(|| format!("cannot create {}", o.display()))?;
    }
    let records = super::process_texts(pipeline, gold.iter().map(|g| (&*g.name, &*g.text)))?;
    let mut tallies: BTreeMap<&str, Tally> = Default::default();
    let mut report = AttributionReport {
        dir: dir.display().to_string(),
        articles: gold.len(),
        ..Default::default()
    };
    for (g, r) in gold.iter().zip(&records) {
        // PolNeAR annotates the top level only: positions inside contents are not scored here
        let pred: Vec<Attribution> = r
            .positions
            .iter()
            .filter(|p| p.reported_by.is_none())
            .map(predicted)
            .collect();
        for role in ROLES {
            let p: HashSet<Parts> = pred
                .iter()
                .filter_map(|a| match role {
                    "Source" => a.source.clone(),
                    "Cue" => Some(a.cue.clone()),
                    _ => Some(a.content.clone()),
                })
                .collect();
            tallies
                .entry(role)
                .or_default()
                .add(&p, &g.spans[role], meets);
        }
        let p: HashSet<Attribution> = pred.iter().cloned().collect();
        let gs: HashSet<Attribution> = g.attributions.iter().cloned().collect();
        tallies
            .entry("Attribution")
            .or_default()
            .add(&p, &gs, |a, b| {
                let source = match (&a.source, &b.source) {
                    (None, None) => true,
                    (Some(x), Some(y)) => meets(x, y),
                    _ => false,
                };
                source && meets(&a.cue, &b.cue) && meets(&a.content, &b.content)
            });
        report.gold_attributions += gs.len();
        report.predicted_attributions += p.len();
        if let Some(o) = out {
            let path = o.join(format!("{}.ann", g.name));
            std::fs::write(&path, to_brat(&g.text, &pred))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    for (k, t) in tallies {
        report.exact.insert(k.to_string(), t.exact.finish());
        report.overlap.insert(
            k.to_string(),
            Prf::overlap(t.pred_hit, t.pred, t.gold_hit, t.gold),
        );
    }
    Ok(report)
}

/// brat standoff of predicted attributions, as PolNeAR writes them: T lines for Source, Cue and
/// Content (a source serving several cues is written once), an Attribution (or
/// Attribution-no-source) T on the cue, and an E line joining them.
pub fn to_brat(text: &str, attributions: &[Attribution]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut ids: HashMap<(&str, Parts), String> = HashMap::new();
    let mut next = 0;
    let mut t = |out: &mut String, label: &'static str, parts: &Parts| -> String {
        if let Some(id) = ids.get(&(label, parts.clone())) {
            if label != "Attribution" && label != "Attribution-no-source" {
                return id.clone();
            }
        }
        next += 1;
        let id = format!("T{next}");
        let offsets: Vec<String> = parts.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let words: Vec<String> = parts
            .iter()
            .map(|&(s, e)| {
                chars[s..e]
                    .iter()
                    .map(|c| if c.is_whitespace() { ' ' } else { *c })
                    .collect()
            })
            .collect();
        let _ = writeln!(
            out,
            "{id}\t{label} {}\t{}",
            offsets.join(";"),
            words.join(" ")
        );
        ids.insert((label, parts.clone()), id.clone());
        id
    };
    for (i, a) in attributions.iter().enumerate() {
        let source = a.source.as_ref().map(|s| t(&mut out, "Source", s));
        let cue = t(&mut out, "Cue", &a.cue);
        let content = t(&mut out, "Content", &a.content);
        let anchor = if source.is_some() {
            "Attribution"
        } else {
            "Attribution-no-source"
        };
        let rel = t(&mut out, anchor, &a.cue);
        let mut args = format!("{anchor}:{rel} Content:{content} Cue:{cue}");
        if let Some(s) = source {
            let _ = write!(args, " Source:{s}");
        }
        let _ = writeln!(out, "E{}\t{args}", i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "“No,” Zelenskyy said, “never.” Biden agreed.";
    const ANN: &str = "T1\tContent 1 3\tNo\n\
                       T2\tSource 6 15\tZelenskyy\n\
                       T3\tCue 16 20\tsaid\n\
                       T4\tContent 23 28;29 29\tnever\n\
                       T5\tAttribution 16 20\tsaid\n\
                       E1\tAttribution:T5 Content:T1 Cue:T3 Source:T2\n\
                       #1\tAnnotatorNotes T1\ta note\n\
                       T6\tCue 37 43\tagreed\n\
                       T7\tDiscuss 31 36\tBiden\n";

    #[test]
    fn reads_spans_and_relations() {
        let (spans, attrs) = read_ann(ANN, TEXT).unwrap();
        assert_eq!(spans["Content"].len(), 2);
        assert!(spans["Cue"].contains(&vec![(37, 43)]));
        assert_eq!(
            attrs,
            vec![Attribution {
                source: Some(vec![(6, 15)]),
                cue: vec![(16, 20)],
                content: vec![(1, 3)],
            }]
        );
    }

    #[test]
    fn brat_round_trip() {
        let attrs = vec![
            Attribution {
                source: Some(vec![(6, 15)]),
                cue: vec![(16, 20)],
                content: vec![(1, 3), (23, 28)],
            },
            Attribution {
                source: Some(vec![(6, 15)]),
                cue: vec![(37, 43)],
                content: vec![(23, 28)],
            },
            Attribution {
                source: None,
                cue: vec![(37, 43)],
                content: vec![(1, 3)],
            },
        ];
        let ann = to_brat(TEXT, &attrs);
        assert_eq!(
            ann.matches("\tSource ").count(),
            1,
            "shared source written once"
        );
        assert!(ann.contains("\tContent 1 3;23 28\tNo never\n"), "{ann}");
        assert!(ann.contains("Attribution-no-source"));
        let (_, back) = read_ann(&ann, TEXT).unwrap();
        assert_eq!(back, attrs);
    }

    #[test]
    fn overlap_scores() {
        let mut t = Tally::default();
        let pred: HashSet<Parts> = [vec![(0, 5)], vec![(10, 12)]].into_iter().collect();
        let gold: HashSet<Parts> = [vec![(0, 5)], vec![(11, 20)], vec![(30, 31)]]
            .into_iter()
            .collect();
        t.add(&pred, &gold, meets);
        let e = t.exact.finish();
        assert_eq!((e.tp, e.fp, e.fn_), (1, 1, 2));
        let o = Prf::overlap(t.pred_hit, t.pred, t.gold_hit, t.gold);
        assert_eq!((o.precision, o.recall), (1.0, 2.0 / 3.0));
    }
}
