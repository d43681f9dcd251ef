//! `newsie report`: one self-contained HTML page of a run, to look at what the models found.
//!
//! The records (and, when given, the article texts) are gathered into one compact JSON value,
//! gzipped and embedded in the page as base64; the page's script unpacks it with the browser's
//! own `DecompressionStream` and renders the corpus view and, lazily, one article or speaker
//! at a time, so 10,000 articles make a file of a few MB that opens at once. The world map's
//! outlines and points are plain SVG drawn here.

pub mod map;

use crate::analysis::who::resolve::Aliases;
use crate::analysis::who::{Who, UNATTRIBUTED, UNNAMED};
use crate::doc::Stance;
use crate::output::record::{name_of, Record};
use anyhow::{Context, Result};
use base64::Engine;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufRead, Write};

const PAGE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// What the page's script gets.
#[derive(Serialize, Default)]
struct Data {
    title: String,
    counts: Counts,
    speakers: Vec<Speaker>,
    places: Vec<Place>,
    articles: Vec<Article>,
    issues: Vec<IssueView>,
}

/// An issue of `newsie issues` as the page shows it: who is for, who is against, its positions.
#[derive(Serialize, Default)]
struct IssueView {
    id: String,
    label: String,
    keywords: Vec<String>,
    /// (speaker, positions in support), most first.
    support: Vec<(String, usize)>,
    /// (speaker, positions in opposition), most first.
    oppose: Vec<(String, usize)>,
    /// (article, position) indices of the positions the records still have.
    positions: Vec<[usize; 2]>,
}

#[derive(Serialize, Default, Debug, PartialEq)]
struct Counts {
    articles: usize,
    errors: usize,
    entities: usize,
    positions: usize,
    places: usize,
    /// Articles whose text the page has.
    texts: usize,
}

#[derive(Serialize, Default)]
struct Speaker {
    name: String,
    support: usize,
    oppose: usize,
    neutral: usize,
    /// (article, position) indices.
    positions: Vec<[usize; 2]>,
}

#[derive(Serialize)]
struct Place {
    name: String,
    country: String,
    feature: String,
    lat: f64,
    lon: f64,
    mentions: usize,
    articles: usize,
}

#[derive(Serialize)]
struct Article {
    id: String,
    title: Option<String>,
    text: Option<String>,
    error: Option<String>,
    /// (type, name) of each entity.
    entities: Vec<(String, String)>,
    /// Mentions as (start, end, entity index), in code points.
    mentions: Vec<(usize, usize, usize)>,
    positions: Vec<Position>,
    /// Indices into `Data::places`.
    places: Vec<usize>,
}

#[derive(Serialize)]
struct Position {
    id: String,
    speaker: Option<String>,
    speaker_span: Option<[usize; 2]>,
    cue_span: [usize; 2],
    content_spans: Vec<[usize; 2]>,
    /// The cue's and content's words, only when the page has no text to cut them from.
    #[serde(skip_serializing_if = "Option::is_none")]
    cue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    kind: String,
    stance: String,
}

/// Reads newsie records, one per line. Lines that are not records (a torn last line of a
/// killed run, say) are skipped and counted.
pub fn read_records(reader: impl BufRead) -> Result<(Vec<Record>, usize)> {
    let mut records = Vec::new();
    let skipped = crate::output::record::for_each_record(reader, |r| records.push(r))?;
    Ok((records, skipped))
}

/// The report's inputs: records, texts by article id, country outlines.
pub struct Report<'a> {
    /// The page's heading.
    pub title: &'a str,
    /// The run's records.
    pub records: Vec<Record>,
    /// Article texts by id, where given.
    pub texts: HashMap<String, String>,
    /// Country outlines.
    pub countries: &'a [map::Country],
    /// The output of `newsie issues` over these records, if given.
    pub issues: Option<crate::analysis::issues::Issues>,
}

impl Report<'_> {
    /// Writes the page.
    pub fn write(self, out: &mut impl Write) -> Result<()> {
        let mut data = gather(self.title, self.records, self.texts);
        if let Some(issues) = self.issues {
            data.issues = issue_views(&data, issues);
        }
        let json = serde_json::to_vec(&data).expect("report data serialises");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&json).expect("gzip in memory");
        let packed =
            base64::engine::general_purpose::STANDARD.encode(gz.finish().expect("gzip in memory"));
        let page = PAGE
            .replacen("{{title}}", &escape(self.title), 2)
            .replacen("{{style}}", STYLE, 1)
            .replacen("{{map}}", &svg(self.countries, &data.places), 1)
            .replacen("{{script}}", SCRIPT, 1);
        // The data goes in last: it is large, and must not be searched for placeholders.
        let (head, tail) = page.split_once("{{data}}").expect("page has a data slot");
        out.write_all(head.as_bytes())
            .and_then(|_| out.write_all(packed.as_bytes()))
            .and_then(|_| out.write_all(tail.as_bytes()))
            .context("cannot write the report")
    }
}

/// The page's data of `records` as JSON: what the page can show (the output's shape test).
#[cfg(test)]
pub(super) fn view(records: Vec<Record>) -> serde_json::Value {
    serde_json::to_value(gather("view", records, HashMap::new())).expect("plain data")
}

fn gather(title: &str, records: Vec<Record>, mut texts: HashMap<String, String>) -> Data {
    let mut data = Data {
        title: title.to_string(),
        ..Data::default()
    };
    let who = Who::of_slice(&records, &Aliases::default());
    let mut speakers: HashMap<String, usize> = HashMap::new();
    let mut places: HashMap<(Option<u32>, String), usize> = HashMap::new();
    for (a, r) in records.into_iter().enumerate() {
        let c = &mut data.counts;
        c.articles += 1;
        c.errors += usize::from(r.error.is_some());
        c.entities += r.entities.len();
        c.positions += r.positions.len();
        c.places += r.places.len();
        // texts given beside the records first, else the record's own (web pages, --with-text)
        let text = texts.remove(&r.id).or(r.text);
        c.texts += usize::from(text.is_some());
        let mut article = Article {
            title: r
                .meta
                .get("title")
                .and_then(|t| t.as_str())
                .map(str::to_string),
            text,
            error: r.error.map(|e| format!("{}: {}", e.kind, e.message)),
            mentions: r
                .entities
                .iter()
                .enumerate()
                .flat_map(|(k, e)| e.mentions.iter().map(move |m| (m.start, m.end, k)))
                .collect(),
            entities: (r.entities.into_iter())
                .map(|e| (format!("{:?}", e.label), e.name))
                .collect(),
            positions: Vec::with_capacity(r.positions.len()),
            places: Vec::new(),
            id: r.id,
        };
        article.mentions.sort_by_key(|m| (m.0, m.1));
        for p in r.positions {
            let row = who.speaker_row(a as u32, p.speaker.as_ref());
            // by the row's name: a pronoun resolved to a name joins that name's entity
            if row.id.is_some() || row.name != UNATTRIBUTED {
                let k = *speakers.entry(row.name.clone()).or_insert_with(|| {
                    data.speakers.push(Speaker {
                        name: row.name,
                        ..Speaker::default()
                    });
                    data.speakers.len() - 1
                });
                let speaker = &mut data.speakers[k];
                match p.stance {
                    Stance::Support => speaker.support += 1,
                    Stance::Oppose => speaker.oppose += 1,
                    Stance::Neutral => speaker.neutral += 1,
                }
                speaker.positions.push([a, article.positions.len()]);
            }
            article.positions.push(Position {
                id: p.id,
                speaker_span: p.speaker.as_ref().map(|s| [s.span.start, s.span.end]),
                speaker: p.speaker.and_then(|s| s.name),
                cue_span: [p.cue.start, p.cue.end],
                content_spans: p.content.spans,
                cue: article.text.is_none().then_some(p.cue.text),
                content: article.text.is_none().then_some(p.content.text),
                kind: name_of(p.kind),
                stance: name_of(p.stance),
            });
        }
        for p in r.places {
            let key = (p.geonames_id, p.name.clone());
            let k = *places.entry(key).or_insert_with(|| {
                data.places.push(Place {
                    name: p.name.clone(),
                    country: p.country.clone(),
                    feature: name_of(p.feature),
                    lat: p.lat,
                    lon: p.lon,
                    mentions: 0,
                    articles: 0,
                });
                data.places.len() - 1
            });
            data.places[k].mentions += p.mentions;
            if !article.places.contains(&k) {
                data.places[k].articles += 1;
                article.places.push(k);
            }
        }
        data.articles.push(article);
    }
    // Most cited first; the indices articles hold into `places` follow the sort.
    data.speakers.sort_by(|x, y| {
        y.positions
            .len()
            .cmp(&x.positions.len())
            .then_with(|| x.name.cmp(&y.name))
    });
    let mut places: Vec<(usize, Place)> = data.places.drain(..).enumerate().collect();
    places.sort_by(|(_, x), (_, y)| {
        y.mentions
            .cmp(&x.mentions)
            .then_with(|| x.name.cmp(&y.name))
    });
    let mut rank = vec![0; places.len()];
    for (r, (k, _)) in places.iter().enumerate() {
        rank[*k] = r;
    }
    data.places = places.into_iter().map(|(_, p)| p).collect();
    for article in &mut data.articles {
        for k in &mut article.places {
            *k = rank[*k];
        }
    }
    data
}

/// The issues, with their positions found among the articles and their speakers for and
/// against (named speakers only, most positions first).
fn issue_views(data: &Data, issues: crate::analysis::issues::Issues) -> Vec<IssueView> {
    let mut at: HashMap<(&str, &str), [usize; 2]> = HashMap::new();
    for (a, article) in data.articles.iter().enumerate() {
        for (p, position) in article.positions.iter().enumerate() {
            at.insert((article.id.as_str(), position.id.as_str()), [a, p]);
        }
    }
    let mut sides: HashMap<&str, (Vec<(String, usize)>, Vec<(String, usize)>)> = HashMap::new();
    for row in &issues.table {
        if row.speaker_id.is_none() && [UNATTRIBUTED, UNNAMED].contains(&row.speaker.as_str()) {
            continue;
        }
        let name = &row.speaker;
        let side = sides.entry(row.issue.as_str()).or_default();
        if row.support > 0 {
            side.0.push((name.clone(), row.support));
        }
        if row.oppose > 0 {
            side.1.push((name.clone(), row.oppose));
        }
    }
    issues
        .issues
        .iter()
        .map(|issue| {
            let (mut support, mut oppose) = sides.remove(issue.id.as_str()).unwrap_or_default();
            for list in [&mut support, &mut oppose] {
                list.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            }
            IssueView {
                id: issue.id.clone(),
                label: issue.label.clone(),
                keywords: issue.keywords.clone(),
                support,
                oppose,
                positions: issue
                    .positions
                    .iter()
                    .filter_map(|m| at.get(&(m.article.as_str(), m.position.as_str())).copied())
                    .collect(),
            }
        })
        .collect()
}

/// The map: country outlines, then one point per place, sized by mentions (area ∝ mentions).
fn svg(countries: &[map::Country], places: &[Place]) -> String {
    let mut s = format!(
        r#"<svg id="map" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Places on a world map"><g class="countries">"#,
        map::WIDTH,
        map::HEIGHT * 0.85 // the south of the map is Antarctica, left out
    );
    for c in countries {
        s.push_str(&format!(
            r#"<path d="{}"><title>{}</title></path>"#,
            c.path,
            escape(&c.name)
        ));
    }
    s.push_str(r#"</g><g class="points">"#);
    let max = places.iter().map(|p| p.mentions).max().unwrap_or(1).max(1) as f64;
    // Largest first, so that small points lie on top of them.
    for (k, p) in places.iter().enumerate() {
        let (x, y) = map::project(p.lon, p.lat);
        let r = 1.5 + 10.0 * (p.mentions as f64 / max).sqrt();
        s.push_str(&format!(
            r#"<circle class="point {}" data-place="{k}" cx="{x:.1}" cy="{y:.1}" r="{r:.1}"><title>{} ({}): {} mentions in {} articles</title></circle>"#,
            escape(&p.feature),
            escape(&p.name),
            escape(&p.country),
            p.mentions,
            p.articles
        ));
    }
    s.push_str("</g></svg>");
    s
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // no text of the input may look like a placeholder of the page
            '{' => out.push_str("&#123;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDS: &str = r#"
{"id":"a","title":"T","entities":[{"id":"E1","type":"PER","name":"Zelenskyy","mentions":[{"start":0,"end":9,"text":"Zelenskyy","confidence":1}]},{"id":"E2","type":"LOC","name":"Kyiv","mentions":[{"start":20,"end":24,"text":"Kyiv","confidence":1},{"start":30,"end":34,"text":"Kyiv","confidence":1}]}],"places":[{"entity":"E2","name":"Kyiv","geonames_id":703448,"feature":"city","feature_code":"PPLC","country":"UA","admin1":"12","lat":50.45,"lon":30.52,"confidence":0.9,"mentions":2}],"focus":["UA"],"positions":[{"id":"P1","speaker":{"entity":"E1","name":"Zelenskyy","text":"Zelenskyy","start":0,"end":9},"cue":{"text":"rejected","start":10,"end":18},"content":{"text":"the offer","start":19,"end":28,"spans":[[19,28]]},"kind":"indirect","stance":"oppose","confidence":0.9}],"error":null}
{"id":"b","entities":[],"places":[{"entity":"E1","name":"Kyiv","geonames_id":703448,"feature":"city","feature_code":"PPLC","country":"UA","admin1":"12","lat":50.45,"lon":30.52,"confidence":0.9,"mentions":1},{"entity":"E2","name":"Paris","geonames_id":2988507,"feature":"city","feature_code":"PPLC","country":"FR","admin1":"11","lat":48.85,"lon":2.35,"confidence":0.9,"mentions":5}],"positions":[{"id":"P1","speaker":{"entity":null,"name":"Zelenskyy","text":"he","start":0,"end":2},"cue":{"text":"said","start":3,"end":7},"content":{"text":"x","start":8,"end":9,"spans":[[8,9]]},"kind":"indirect","stance":"neutral","confidence":0.9},{"id":"P2","speaker":null,"cue":{"text":"said","start":3,"end":7},"content":{"text":"y","start":8,"end":9,"spans":[[8,9]]},"kind":"direct","stance":"neutral","confidence":0.9}]}
{"id":"c","schema_version":"1","model":null,"entities":[],"places":[],"focus":[],"positions":[],"error":{"kind":"missing_text","message":"no text"}}
{"id":"torn","entities":[{"#;

    #[test]
    fn records_are_gathered_into_counts_speakers_and_places() {
        let (records, skipped) = read_records(RECORDS.as_bytes()).unwrap();
        assert_eq!((records.len(), skipped), (3, 1));
        let texts = HashMap::from([("a".to_string(), "Zelenskyy rejected".to_string())]);
        let data = gather("run", records, texts);
        let want = Counts {
            articles: 3,
            errors: 1,
            entities: 2,
            positions: 3,
            places: 3,
            texts: 1,
        };
        assert_eq!(data.counts, want);
        // one speaker across two articles; the position with no speaker is nobody's
        assert_eq!(data.speakers.len(), 1);
        let z = &data.speakers[0];
        assert_eq!((z.support, z.oppose, z.neutral), (0, 1, 1));
        assert_eq!(z.positions, vec![[0, 0], [1, 0]]);
        // places by mentions: Paris 5, Kyiv 2 + 1; articles point at the sorted list
        let names: Vec<_> = data
            .places
            .iter()
            .map(|p| (&*p.name, p.mentions, p.articles))
            .collect();
        assert_eq!(names, vec![("Paris", 5, 1), ("Kyiv", 3, 2)]);
        assert_eq!(data.articles[0].places, vec![1]);
        assert_eq!(data.articles[1].places, vec![1, 0]);
        assert_eq!(
            data.articles[0].mentions,
            vec![(0, 9, 0), (20, 24, 1), (30, 34, 1)]
        );
        // words of positions are cut from the text where the page has it
        assert_eq!(data.articles[0].positions[0].content, None);
        assert_eq!(data.articles[1].positions[0].content.as_deref(), Some("x"));
        assert_eq!(
            data.articles[2].error.as_deref(),
            Some("missing_text: no text")
        );
    }

    #[test]
    fn the_page_is_self_contained() {
        let (records, _) = read_records(RECORDS.as_bytes()).unwrap();
        let countries = map::countries(
            r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},"arcs":[[[0,0],[1,1]]],
            "objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"Polygon","arcs":[[0]],"properties":{"name":"A & B"}}]}}}"#,
        )
        .unwrap();
        let report = Report {
            title: "<run>",
            records,
            texts: HashMap::new(),
            countries: &countries,
            issues: None,
        };
        let mut page = Vec::new();
        report.write(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains("<title>&lt;run&gt;"));
        assert!(page.contains("<title>A &amp; B</title>"));
        assert_eq!(page.matches("<circle class=\"point").count(), 2);
        assert!(!page.contains("{{"), "a placeholder is left");
        for remote in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!page.contains(remote), "the page loads {remote}");
        }
    }

    #[test]
    fn escaping() {
        let table = [
            ("a<b>", "a&lt;b&gt;"),
            ("\"'&", "&quot;&#39;&amp;"),
            ("Kyiv", "Kyiv"),
            ("{{data}}", "&#123;&#123;data}}"),
        ];
        for (raw, want) in table {
            assert_eq!(escape(raw), want);
        }
    }
}
