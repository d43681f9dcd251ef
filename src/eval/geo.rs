//! Toponym resolution against gold coordinates: the LGL / TR-News XML schema (`<toponym>` with
//! `start`, `end`, `phrase` and a `gaztag`) and GeoVirus' (`<location>` with `name`, `start`,
//! `end`, `lat`, `lon`; offsets shifted by one).
//! Read into articles and their gold toponyms ([`read_geo`]), and run through the pipeline
//! ([`GeoSet`]) for `eval places` and `eval ranker`.

use crate::doc::{CharIndex, Doc};
use crate::input::Article;
use crate::pipeline::Pipeline;
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
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

/// The words of a Doc a code point span covers.
pub(crate) fn words_of(doc: &Doc, chars: &CharIndex, t: &Toponym) -> Range<usize> {
    let (s, e) = (chars.byte(t.start), chars.byte(t.end));
    let first = doc.tokens.partition_point(|w| w.end <= s);
    let end = doc.tokens.partition_point(|w| w.start < e);
    first..end.max(first)
}

/// A collection, its articles annotated through the pipeline.
pub struct GeoSet {
    /// Its name (the file's stem).
    pub name: String,
    pub(super) articles: Vec<GeoArticle>,
    pub(super) docs: Vec<Doc>,
}

impl GeoSet {
    /// Reads a collection (the pages' folder for one labelled on web pages) and runs the
    /// pipeline's stages over its texts.
    pub fn load(pipeline: &Pipeline, path: &Path, pages: Option<&Path>) -> Result<Self> {
        let articles = read_geo(path, pages)?;
        let inputs = articles
            .iter()
            .map(|a| Article {
                id: a.id.clone(),
                text: a.text.clone(),
                meta: Default::default(),
                keep_text: false,
            })
            .collect();
        let docs = pipeline.docs(inputs)?;
        let name = path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        Ok(GeoSet {
            name,
            articles,
            docs,
        })
    }

    /// The fold (of `k`) of each article: by a hash of its id, so that it does not move when
    /// articles are added.
    pub(super) fn folds(&self, k: usize) -> Vec<usize> {
        self.articles
            .iter()
            .map(|a| {
                // FNV-1a
                let h = a.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                (h % k as u64) as usize
            })
            .collect()
    }

    /// Every toponym of the chosen articles with its Doc and word span.
    pub(super) fn toponyms<'s>(
        &'s self,
        chosen: &'s [bool],
    ) -> impl ParallelIterator<Item = (&'s Doc, &'s Toponym, std::ops::Range<usize>)> + 's {
        self.articles
            .par_iter()
            .zip(&self.docs)
            .zip(chosen)
            .filter(|(_, &c)| c)
            .flat_map_iter(|((a, doc), _)| {
                let chars = CharIndex::new(&doc.text);
                a.toponyms
                    .iter()
                    .map(move |t| (doc, t, words_of(doc, &chars, t)))
                    .collect::<Vec<_>>()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
