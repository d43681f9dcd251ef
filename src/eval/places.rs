//! Toponym resolution against gold coordinates: the LGL / TR-News XML schema (`<toponym>` with
//! `start`, `end`, `phrase` and a `gaztag`) and GeoVirus' (`<location>` with `name`, `start`,
//! `end`, `lat`, `lon`; offsets shifted by one).

use super::ranker::GeoSet;
use crate::doc::{CharIndex, Doc};
use crate::gazetteer::distance_km;
use crate::pipeline::Pipeline;
use crate::places::{Resolver, Weights, NAMES};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::io::Write;
use std::ops::Range;
use std::path::Path;

/// Half the Earth's circumference: the error of a toponym left unresolved.
pub(crate) const MAX_KM: f64 = 20039.0;

#[derive(Debug, Clone)]
/// A gold toponym.
pub struct Toponym {
    /// Code points into the article text.
    pub start: usize,
    /// Code point offset just past it.
    pub end: usize,
    /// Its text.
    pub phrase: String,
    /// Gold latitude.
    pub lat: f64,
    /// Gold longitude.
    pub lon: f64,
    /// Gold GeoNames id, where the collection gives one.
    pub geonames_id: Option<u32>,
    /// Gold GeoNames feature class (P populated place, A country or region, H water, L area,
    /// S spot or building, T terrain), where the collection gives one.
    pub class: Option<char>,
}

#[derive(Debug)]
/// An article of a geocoding collection.
pub struct GeoArticle {
    /// Its id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// Its gold toponyms.
    pub toponyms: Vec<Toponym>,
    /// Of those, how many were found a few characters away from their offsets.
    pub realigned: usize,
    /// Gold toponyms with coordinates whose text is nowhere near their offsets: left out of
    /// `toponyms`, scored as misses.
    pub unusable: usize,
}

/// How far from its offsets a gold toponym's text is looked for, in code points.
const REALIGN_WINDOW: usize = 60;

/// Where the phrase is: at its offsets, one before them (GeoVirus' convention), else its
/// nearest occurrence within [`REALIGN_WINDOW`] (`true`: realigned); None where it is not near.
fn align(chars: &[char], phrase: &str, s: usize, e: usize) -> Option<(usize, usize, bool)> {
    let p: Vec<char> = phrase.chars().collect();
    let at =
        |s: usize| !p.is_empty() && s + p.len() <= chars.len() && chars[s..s + p.len()] == p[..];
    if e == s + p.len() && at(s) {
        return Some((s, e, false));
    }
    if s > 0 && e == s + p.len() && at(s - 1) {
        return Some((s - 1, e - 1, false));
    }
    let lo = s.saturating_sub(REALIGN_WINDOW);
    let hi = (s + REALIGN_WINDOW).min(chars.len());
    (lo..hi)
        .filter(|&k| at(k))
        .min_by_key(|&k| k.abs_diff(s))
        .map(|k| (k, k + p.len(), true))
}

/// Reads a collection: LGL / TR-News or GeoVirus XML, or toponyms labelled on web pages (a
/// `.jsonl` of page ids, offsets and places: docs/places-labels.md) whose texts are those of the
/// pages in the folder `pages`, as extract reads them.
pub fn read_geo(path: &Path, pages: Option<&Path>) -> Result<Vec<GeoArticle>> {
    if path.extension().is_some_and(|e| e == "jsonl") {
        let Some(dir) = pages else {
            bail!(
                "{}: toponyms labelled on web pages need --pages (the pages' folder)",
                path.display()
            );
        };
        return read_geo_pages(path, dir);
    }
    read_geo_xml(path)
}

/// A line of a pages file: a page with the SHA of its text, or a toponym on it.
#[derive(serde::Deserialize)]
struct PageLine {
    page: String,
    #[serde(default)]
    sha: Option<String>,
    #[serde(default)]
    start: Option<usize>,
    #[serde(default)]
    end: Option<usize>,
    /// Negative: an entry newsie's gazetteer adds by hand, not a GeoNames id.
    #[serde(default)]
    geonameid: Option<i64>,
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    lon: Option<f64>,
    #[serde(default)]
    kind: Option<String>,
}

/// See [`read_geo`]: a line per page with the SHA of its text (`{"page", "sha"}`), then its
/// toponyms. A page whose text is not the one labelled (the text extraction changed) or that is
/// missing has its toponyms counted unusable, scored as misses.
fn read_geo_pages(path: &Path, dir: &Path) -> Result<Vec<GeoArticle>> {
    let mut out: Vec<GeoArticle> = Vec::new();
    // per page: its text is the one labelled
    let mut usable: Vec<bool> = Vec::new();
    for (line, g) in super::read_jsonl::<PageLine>(path)? {
        if let Some(sha) = &g.sha {
            if out.iter().any(|a| a.id == g.page) {
                bail!("{}: line {line}: page {} again", path.display(), g.page);
            }
            let there = ["html", "html.gz"]
                .iter()
                .any(|e| dir.join(format!("{}.{e}", g.page)).is_file());
            let text = match there {
                true => super::positions::read_page(dir, &g.page)?.map(|a| a.text),
                false => None,
            };
            usable.push(text.as_deref().map(super::positions::text_sha).as_ref() == Some(sha));
            out.push(GeoArticle {
                id: g.page.clone(),
                text: text.unwrap_or_default(),
                toponyms: Vec::new(),
                realigned: 0,
                unusable: 0,
            });
            continue;
        }
        let (Some(a), Some(&ok)) = (out.last_mut(), usable.last()) else {
            bail!(
                "{}: line {line}: a toponym before its page's line",
                path.display()
            );
        };
        if a.id != g.page {
            bail!(
                "{}: line {line}: a toponym of page {} under page {}",
                path.display(),
                g.page,
                a.id
            );
        }
        let (Some(start), Some(end), Some(lat), Some(lon)) = (g.start, g.end, g.lat, g.lon) else {
            bail!(
                "{}: line {line}: a toponym needs start, end, lat and lon",
                path.display()
            );
        };
        if start >= end {
            bail!(
                "{}: line {line}: a toponym from {start} to {end}",
                path.display()
            );
        }
        if !ok {
            a.unusable += 1;
            continue;
        }
        let phrase: String = a.text.chars().skip(start).take(end - start).collect();
        if phrase.chars().count() != end - start {
            bail!(
                "{}: line {line}: a toponym past the page's text",
                path.display()
            );
        }
        let class = match g.kind.as_deref() {
            Some("country" | "region") => Some('A'),
            Some("city") => Some('P'),
            Some("water") => Some('H'),
            Some("area" | "continent") => Some('L'),
            Some("landmark") => Some('S'),
            _ => None,
        };
        a.toponyms.push(Toponym {
            start,
            end,
            phrase,
            lat,
            lon,
            geonames_id: g.geonameid.and_then(|i| u32::try_from(i).ok()),
            class,
        });
    }
    if out.is_empty() {
        bail!("{}: no pages", path.display());
    }
    Ok(out)
}

fn child_text<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
}

/// Reads LGL / TR-News or GeoVirus XML; toponyms without gold coordinates are left out, and
/// offsets are set so that `text[start..end]` (code points) is the phrase.
pub fn read_geo_xml(path: &Path) -> Result<Vec<GeoArticle>> {
    let xml =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc = roxmltree::Document::parse(&xml).with_context(|| format!("{}", path.display()))?;
    let mut out = Vec::new();
    for (a, art) in doc
        .descendants()
        .filter(|n| n.has_tag_name("article"))
        .enumerate()
    {
        let text = child_text(art, "text").unwrap_or_default().to_string();
        let chars: Vec<char> = text.chars().collect();
        let id = art
            .attribute("docid")
            .map(str::to_string)
            .unwrap_or_else(|| a.to_string());
        let mut toponyms = Vec::new();
        let (mut realigned, mut unusable) = (0, 0);
        for t in art
            .descendants()
            .filter(|n| n.has_tag_name("toponym") || n.has_tag_name("location"))
        {
            let gold = t.children().find(|c| c.has_tag_name("gaztag")).unwrap_or(t);
            let num = |n: roxmltree::Node, k: &str| -> Option<f64> {
                child_text(n, k)?.trim().parse().ok()
            };
            let (Some(start), Some(end), Some(lat), Some(lon)) = (
                num(t, "start"),
                num(t, "end"),
                num(gold, "lat"),
                num(gold, "lon"),
            ) else {
                continue;
            };
            let phrase = child_text(t, "phrase")
                .or_else(|| child_text(t, "name"))
                .unwrap_or_default()
                .to_string();
            if !(0.0 <= start && start < end) {
                bail!(
                    "{}: article {id}: a toponym from {start} to {end} (its end must come after its start)",
                    path.display()
                );
            }
            let Some((s, e, moved)) = align(&chars, &phrase, start as usize, end as usize) else {
                unusable += 1;
                continue;
            };
            realigned += usize::from(moved);
            let class = child_text(gold, "fclass")
                .and_then(|c| c.trim().chars().next())
                .or_else(|| {
                    let code = child_text(gold, "fcode")?.trim();
                    Some(if code.starts_with("PPL") { 'P' } else { 'A' })
                });
            toponyms.push(Toponym {
                start: s,
                end: e,
                phrase,
                lat,
                lon,
                geonames_id: gold.attribute("geonameid").and_then(|g| g.parse().ok()),
                class,
            });
        }
        out.push(GeoArticle {
            id,
            text,
            toponyms,
            realigned,
            unusable,
        });
    }
    if out.is_empty() {
        bail!("{}: no <article> elements", path.display());
    }
    Ok(out)
}

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

/// The words of a Doc a code point span covers.
pub(crate) fn words_of(doc: &Doc, chars: &CharIndex, t: &Toponym) -> Range<usize> {
    let (s, e) = (chars.byte(t.start), chars.byte(t.end));
    let first = doc.tokens.partition_point(|w| w.end <= s);
    let end = doc.tokens.partition_point(|w| w.start < e);
    first..end.max(first)
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

    #[test]
    fn toponyms_on_pages_read_their_page_and_a_changed_page_is_counted_unusable() {
        let dir = tempfile::tempdir().unwrap();
        let body = "<p>Floods hit the centre of Lyon on Monday after days of rain, and the river \
                    rose higher than it had in forty years, the regional prefecture said.</p>\
                    <p>Officials in Paris said the army would send boats and pumps to the city \
                    before the weekend, when more rain is expected across the south.</p>";
        let page = format!(
            "<!DOCTYPE html><html><head><title>Floods in Lyon</title></head><body><article>\
             <h1>Floods in Lyon</h1>{body}</article></body></html>"
        );
        for key in ["p1", "p2"] {
            std::fs::write(dir.path().join(format!("{key}.html")), &page).unwrap();
        }
        let text = super::super::positions::read_page(dir.path(), "p1")
            .unwrap()
            .expect("an article")
            .text;
        let chars: Vec<char> = text.chars().collect();
        let at = |name: &str| {
            let n: Vec<char> = name.chars().collect();
            (0..chars.len())
                .find(|&i| chars[i..].starts_with(&n))
                .unwrap()
        };
        let sha = super::super::positions::text_sha(&text);
        let topo = |page: &str, start: usize, len: usize| {
            format!(
                "{{\"page\": \"{page}\", \"start\": {start}, \"end\": {}, \"geonameid\": 1, \
                 \"lat\": 45.7, \"lon\": 4.8, \"kind\": \"city\"}}\n",
                start + len
            )
        };
        // p1 as labelled; p2's text is not the one labelled; p3 is missing
        let gold = format!(
            "{{\"page\": \"p1\", \"sha\": \"{sha}\"}}\n{}{}\
             {{\"page\": \"p2\", \"sha\": \"0000000000000000\"}}\n{}\
             {{\"page\": \"p3\", \"sha\": \"{sha}\"}}\n{}",
            topo("p1", at("Lyon"), 4),
            topo("p1", at("Paris"), 5),
            topo("p2", at("Lyon"), 4),
            topo("p3", 0, 4),
        );
        let path = dir.path().join("gold.jsonl");
        std::fs::write(&path, gold).unwrap();
        assert!(read_geo(&path, None).is_err(), "pages need their folder");
        let a = read_geo(&path, Some(dir.path())).unwrap();
        let phrases: Vec<&str> = a[0].toponyms.iter().map(|t| t.phrase.as_str()).collect();
        assert_eq!(phrases, ["Lyon", "Paris"]);
        assert_eq!(a[0].toponyms[0].class, Some('P'));
        assert_eq!((a[1].toponyms.len(), a[1].unusable), (0, 1));
        assert_eq!((a[2].toponyms.len(), a[2].unusable), (0, 1));
    }

    #[test]
    fn gold_offsets_a_few_characters_off_are_realigned_and_lost_ones_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.xml");
        let text = "Floods hit Paris on Monday. Later, officials in Lyon said the Rhone rose.";
        let topo = |phrase: &str, start: usize| {
            format!(
                "<toponym><start>{start}</start><end>{}</end><phrase>{phrase}</phrase>\
                 <gaztag><lat>1</lat><lon>2</lon></gaztag></toponym>",
                start + phrase.chars().count()
            )
        };
        // Paris where it is, Lyon four characters early, Rhone one late (GeoVirus' shift),
        // Berlin not in the text
        let xml = format!(
            "<articles><article docid=\"a\"><text>{text}</text><toponyms>{}{}{}{}</toponyms>\
             </article></articles>",
            topo("Paris", 11),
            topo("Lyon", 44),
            topo("Rhone", 63),
            topo("Berlin", 5)
        );
        std::fs::write(&path, xml).unwrap();
        let a = &read_geo_xml(&path).unwrap()[0];
        let chars: Vec<char> = a.text.chars().collect();
        let found: Vec<String> = a
            .toponyms
            .iter()
            .map(|t| chars[t.start..t.end].iter().collect())
            .collect();
        assert_eq!(found, ["Paris", "Lyon", "Rhone"]);
        assert_eq!((a.realigned, a.unusable), (1, 1));
    }

    #[test]
    fn reads_both_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let lgl = dir.path().join("lgl.xml");
        std::fs::write(
            &lgl,
            "<articles><article docid=\"7\"><text>In Zürich and Paris.</text><toponyms>\
             <toponym><start>3</start><end>9</end><phrase>Zürich</phrase><gaztag geonameid=\"1\">\
             <lat>47.37</lat><lon>8.54</lon></gaztag></toponym>\
             <toponym><start>14</start><end>19</end><phrase>Paris</phrase></toponym>\
             </toponyms></article></articles>",
        )
        .unwrap();
        let a = read_geo_xml(&lgl).unwrap();
        assert_eq!(a[0].id, "7");
        assert_eq!(a[0].toponyms.len(), 1, "no gold, left out");
        assert_eq!((a[0].toponyms[0].start, a[0].toponyms[0].end), (3, 9));
        let gv = dir.path().join("gv.xml");
        std::fs::write(
            &gv,
            "<articles><article><text>Cases in Pandi.</text><locations><location>\
             <name>Pandi</name><start>10</start><end>15</end><lat>14.87</lat><lon>120.95</lon>\
             </location></locations></article></articles>",
        )
        .unwrap();
        let a = read_geo_xml(&gv).unwrap();
        assert_eq!(
            (a[0].toponyms[0].start, a[0].toponyms[0].end),
            (9, 14),
            "shifted by one"
        );
    }
}
