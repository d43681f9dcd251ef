//! `newsie eval entities`: corpus ids against the labelled set of docs/entities.md. Each gold
//! mention takes the corpus id of the run's PER or ORG entity with a mention over it (a gold
//! mention no entity covers stands alone); B³ and pairwise precision and recall over the gold
//! mentions of a split, with the baseline that joins entities by their exact name beside.

use crate::analysis::who::resolve::Aliases;
use crate::analysis::who::Who;
use crate::doc::EntityType;
use crate::eval::positions::{read_page, text_sha};
use crate::output::record::Record;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A line of the gold file: an article or a mention.
#[derive(Debug, Deserialize)]
struct Line {
    doc: String,
    sha: Option<String>,
    split: Option<String>,
    start: Option<usize>,
    end: Option<usize>,
    entity: Option<String>,
}

/// A gold mention.
#[derive(Debug, Clone)]
pub struct GoldMention {
    /// The article ("polnear:dev/NAME", "page:KEY").
    pub doc: String,
    /// Code point offsets.
    pub start: usize,
    /// Just past the end.
    pub end: usize,
    /// The real entity's key.
    pub entity: String,
}

/// The gold file: its articles (doc → (sha, split)) and mentions.
pub struct Gold {
    /// Every article of the file.
    pub docs: BTreeMap<String, (String, String)>,
    /// Every mention.
    pub mentions: Vec<GoldMention>,
}

/// Reads the gold file.
pub fn read_gold(path: &Path) -> anyhow::Result<Gold> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut docs = BTreeMap::new();
    let mut mentions = vec![];
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let l: Line = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a gold line", path.display(), n + 1))?;
        match (l.sha, l.split, l.start, l.end, l.entity) {
            (Some(sha), Some(split), ..) => {
                docs.insert(l.doc, (sha, split));
            }
            (_, _, Some(start), Some(end), Some(entity)) if start < end => {
                mentions.push(GoldMention {
                    doc: l.doc,
                    start,
                    end,
                    entity,
                })
            }
            _ => bail!(
                "{}:{}: neither an article nor a mention",
                path.display(),
                n + 1
            ),
        }
    }
    Ok(Gold { docs, mentions })
}

/// Where the gold articles' texts are.
pub struct Texts<'a> {
    /// The PolNeAR folder (`dev/text/NAME.txt`).
    pub polnear: &'a Path,
    /// The folder of web pages (`KEY.html.gz`).
    pub pages: &'a Path,
}

/// The gold articles as newsie reads them, each checked against its sha.
pub fn articles(gold: &Gold, texts: &Texts) -> anyhow::Result<Vec<crate::input::Article>> {
    let mut out = vec![];
    for (doc, (sha, _)) in &gold.docs {
        let article = if let Some(rest) = doc.strip_prefix("polnear:") {
            let (split, name) = rest.split_once('/').context("polnear:SPLIT/NAME")?;
            let path = texts
                .polnear
                .join(split)
                .join("text")
                .join(format!("{name}.txt"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            crate::input::Article {
                id: doc.clone(),
                text,
                meta: Default::default(),
                keep_text: false,
            }
        } else if let Some(key) = doc.strip_prefix("page:") {
            let mut a =
                read_page(texts.pages, key)?.with_context(|| format!("page {key} has no text"))?;
            a.id = doc.clone();
            a
        } else {
            bail!("{doc}: not polnear:… or page:…");
        };
        if &text_sha(&article.text) != sha {
            bail!("{doc}: its text is not the one labelled (sha differs)");
        }
        out.push(article);
    }
    Ok(out)
}

/// B³ and pairwise scores of one clustering.
#[derive(Debug, Default, Serialize)]
pub struct Scores {
    /// B³ precision, recall, F1.
    pub b3: [f64; 3],
    /// Pairwise precision, recall, F1.
    pub pairwise: [f64; 3],
}

/// What `eval entities` prints.
#[derive(Debug, Serialize)]
pub struct EntitiesReport {
    /// The split scored.
    pub split: String,
    /// Articles and gold mentions in it.
    pub articles: usize,
    /// Gold mentions scored.
    pub mentions: usize,
    /// Of those, covered by an entity the run found.
    pub found: usize,
    /// Corpus ids.
    pub corpus_ids: Scores,
    /// Entities joined by their exact name only.
    pub exact_name: Scores,
    /// The same two over the found mentions only (what the resolver decides).
    pub corpus_ids_found: Scores,
    /// The baseline over the found mentions only.
    pub exact_name_found: Scores,
    /// Gold entities whose found mentions got more than one corpus id (largest first).
    pub split_up: Vec<String>,
    /// Corpus ids given to found mentions of more than one gold entity.
    pub merged: Vec<String>,
}

/// "key: a (3), b (1)" for each key whose items carry more than one value, most items first.
fn spread(keys: &[String], values: &[String]) -> Vec<String> {
    let mut by: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (k, v) in keys.iter().zip(values) {
        *by.entry(k).or_default().entry(v).or_default() += 1;
    }
    let mut out: Vec<(usize, String)> = by
        .into_iter()
        .filter(|(_, vs)| vs.len() > 1)
        .map(|(k, vs)| {
            let mut vs: Vec<_> = vs.into_iter().collect();
            vs.sort_by_key(|v| std::cmp::Reverse(v.1));
            let total = vs.iter().map(|v| v.1).sum();
            let list: Vec<String> = vs.iter().map(|(v, n)| format!("{v} ({n})")).collect();
            (total, format!("{k}: {}", list.join(", ")))
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(_, s)| s).collect()
}

impl std::fmt::Display for EntitiesReport {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        writeln!(
            f,
            "{} split: {} articles, {} gold mentions, {} covered by an entity found",
            self.split, self.articles, self.mentions, self.found
        )?;
        writeln!(
            f,
            "{:<26} {:>24}   {:>24}",
            "", "B³ P / R / F1", "pairwise P / R / F1"
        )?;
        for (name, s) in [
            ("corpus ids", &self.corpus_ids),
            ("exact name", &self.exact_name),
            ("corpus ids (found only)", &self.corpus_ids_found),
            ("exact name (found only)", &self.exact_name_found),
        ] {
            writeln!(
                f,
                "{name:<26} {:.4} / {:.4} / {:.4}   {:.4} / {:.4} / {:.4}",
                s.b3[0], s.b3[1], s.b3[2], s.pairwise[0], s.pairwise[1], s.pairwise[2]
            )?;
        }
        for (what, list) in [("split up", &self.split_up), ("merged", &self.merged)] {
            writeln!(f, "{what}: {} (the first 15)", list.len())?;
            for line in list.iter().take(15) {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// How many items carry each label.
fn sizes(labels: &[String]) -> HashMap<&str, f64> {
    let mut m: HashMap<&str, f64> = HashMap::new();
    for l in labels {
        *m.entry(l.as_str()).or_default() += 1.0;
    }
    m
}

/// B³ and pairwise precision/recall of predicted against gold cluster labels.
pub fn score(pred: &[String], gold: &[String]) -> Scores {
    let n = pred.len();
    let (p_size, g_size) = (sizes(pred), sizes(gold));
    let mut both: HashMap<(&str, &str), f64> = HashMap::new();
    for (p, g) in pred.iter().zip(gold) {
        *both.entry((p.as_str(), g.as_str())).or_default() += 1.0;
    }
    let (mut bp, mut br) = (0.0, 0.0);
    for (p, g) in pred.iter().zip(gold) {
        let k = both[&(p.as_str(), g.as_str())];
        bp += k / p_size[p.as_str()];
        br += k / g_size[g.as_str()];
    }
    let pairs = |m: &HashMap<&str, f64>| m.values().map(|k| k * (k - 1.0) / 2.0).sum::<f64>();
    let right: f64 = both.values().map(|k| k * (k - 1.0) / 2.0).sum();
    let f1 = |p: f64, r: f64| {
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let (bp, br) = (ratio(bp, n as f64), ratio(br, n as f64));
    let (pp, pr) = (ratio(right, pairs(&p_size)), ratio(right, pairs(&g_size)));
    Scores {
        b3: [bp, br, f1(bp, br)],
        pairwise: [pp, pr, f1(pp, pr)],
    }
}

/// Scores the records of the gold articles (any order) on one split ("tune", "heldout", "all");
/// the corpus ids come from all of them.
pub fn eval_records(
    records: &[Record],
    gold: &Gold,
    split: &str,
    aliases: &Aliases,
) -> anyhow::Result<EntitiesReport> {
    let who = Who::of_slice(records, aliases);
    let by_doc: HashMap<&str, (u32, &Record)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), (i as u32, r)))
        .collect();
    let in_split = |doc: &str| split == "all" || gold.docs.get(doc).is_some_and(|d| d.1 == split);
    let (mut ids, mut names, mut truth, mut found) = (vec![], vec![], vec![], vec![]);
    for (k, m) in gold
        .mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| in_split(&m.doc))
    {
        let Some(&(article, record)) = by_doc.get(m.doc.as_str()) else {
            bail!("no record of {}", m.doc);
        };
        let entity = record.entities.iter().find(|e| {
            matches!(e.label, EntityType::PER | EntityType::ORG)
                && e.mentions
                    .iter()
                    .any(|x| x.start < m.end && m.start < x.end)
        });
        let alone = format!("missed:{k}");
        match entity {
            Some(e) => {
                let id = who
                    .entity(article, &e.id)
                    .map_or(alone.clone(), |c| c.id.clone());
                ids.push(id);
                names.push(format!("{:?}:{}", e.label, e.name));
                found.push(true);
            }
            None => {
                ids.push(alone.clone());
                names.push(alone);
                found.push(false);
            }
        }
        truth.push(m.entity.clone());
    }
    let only = |v: &[String]| -> Vec<String> {
        v.iter()
            .zip(&found)
            .filter(|(_, f)| **f)
            .map(|(x, _)| x.clone())
            .collect()
    };
    Ok(EntitiesReport {
        split: split.to_string(),
        articles: gold.docs.keys().filter(|d| in_split(d)).count(),
        mentions: truth.len(),
        found: found.iter().filter(|f| **f).count(),
        corpus_ids: score(&ids, &truth),
        exact_name: score(&names, &truth),
        corpus_ids_found: score(&only(&ids), &only(&truth)),
        exact_name_found: score(&only(&names), &only(&truth)),
        split_up: spread(&only(&truth), &only(&ids)),
        merged: spread(&only(&ids), &only(&truth)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn b3_and_pairs_count_a_merge_against_precision_and_a_split_against_recall() {
        let gold = labels("a a b b");
        let same = score(&gold, &gold);
        assert_eq!(same.b3, [1.0, 1.0, 1.0]);
        assert_eq!(same.pairwise, [1.0, 1.0, 1.0]);
        let merged = score(&labels("x x x x"), &gold);
        assert_eq!(merged.b3[1], 1.0);
        assert!((merged.b3[0] - 0.5).abs() < 1e-9);
        assert!((merged.pairwise[0] - 2.0 / 6.0).abs() < 1e-9);
        let split = score(&labels("x y z w"), &gold);
        assert_eq!(split.b3[0], 1.0);
        assert!((split.b3[1] - 0.5).abs() < 1e-9);
        assert_eq!(split.pairwise[1], 0.0);
    }
}
