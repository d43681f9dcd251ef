//! `newsie export`: a run's records as tables that join on their keys, for pandas, R, DuckDB
//! or Spark: `articles`, `entities`, `mentions`, `positions`, `places`, `quotes` and, given
//! `newsie issues` output, `issues` and `issue_positions`. Records are read twice, a line at a
//! time: once for the fingerprints (duplicates), once for the rows; the quotes table is
//! gathered in memory (one entry per distinct quotation).

pub mod duplicates;
pub mod table;

use crate::analysis::issues::Issues;
use crate::doc::Kind;
use crate::output::record::{for_each_record, name_of, quoted, Record};
use crate::stages::fingerprint;
use anyhow::{Context, Result};
use duplicates::Item;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use table::{days, Cell, Format, TableWriter, Type};

/// What to export and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records files (`newsie extract` output), read in order.
    pub records: Vec<PathBuf>,
    /// `newsie issues` output, for the issues tables.
    pub issues: Option<PathBuf>,
    /// The tables' format.
    pub format: Format,
    /// Folder the tables go to.
    pub dir: PathBuf,
    /// Leave the copies of a story out of every table.
    pub drop_duplicates: bool,
    /// A user's names for entities (`--aliases`).
    pub aliases: crate::analysis::who::resolve::Aliases,
}

/// Rows written, by table, and the copies found.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Rows by table.
    pub rows: BTreeMap<String, usize>,
    /// Articles found to copy an earlier one.
    pub duplicates: usize,
    /// Lines that were not records.
    pub skipped: usize,
}

const ARTICLES: &[(&str, Type)] = &[
    ("article", Type::Str),
    ("title", Type::Str),
    ("date", Type::Date),
    ("url", Type::Str),
    ("source", Type::Str),
    ("words", Type::Int),
    ("error", Type::Str),
    ("duplicate_of", Type::Str),
    ("similarity", Type::Float),
    ("language", Type::Str),
    ("error_message", Type::Str),
    ("error_line", Type::Int),
    ("schema_version", Type::Str),
    ("model", Type::Str),
    ("extensions", Type::Str),
];
const ENTITIES: &[(&str, Type)] = &[
    ("article", Type::Str),
    ("entity", Type::Str),
    ("type", Type::Str),
    ("name", Type::Str),
    ("role", Type::Str),
    ("affiliation", Type::Str),
    ("mentions", Type::Int),
    ("corpus_id", Type::Str),
];
const MENTIONS: &[(&str, Type)] = &[
    ("article", Type::Str),
    ("entity", Type::Str),
    ("start", Type::Int),
    ("end", Type::Int),
    ("text", Type::Str),
    ("confidence", Type::Float),
];
const POSITIONS: &[(&str, Type)] = &[
    ("article", Type::Str),
    ("position", Type::Str),
    ("speaker_entity", Type::Str),
    ("speaker", Type::Str),
    ("speaker_role", Type::Str),
    ("speaker_id", Type::Str),
    ("speaker_row", Type::Str),
    ("cue", Type::Str),
    ("content", Type::Str),
    ("kind", Type::Str),
    ("stance", Type::Str),
    ("confidence", Type::Float),
    ("reported_by", Type::Str),
    ("quote_id", Type::Str),
    ("speaker_affiliation", Type::Str),
    ("speaker_inferred", Type::Bool),
    ("speaker_start", Type::Int),
    ("speaker_end", Type::Int),
    ("cue_start", Type::Int),
    ("cue_end", Type::Int),
    ("content_start", Type::Int),
    ("content_end", Type::Int),
    ("candidate", Type::Bool),
];
const PLACES: &[(&str, Type)] = &[
    ("article", Type::Str),
    ("entity", Type::Str),
    ("name", Type::Str),
    ("geonames_id", Type::Int),
    ("feature", Type::Str),
    ("country", Type::Str),
    ("admin1", Type::Str),
    ("lat", Type::Float),
    ("lon", Type::Float),
    ("confidence", Type::Float),
    ("confident", Type::Bool),
    ("focus", Type::Bool),
    ("feature_code", Type::Str),
    ("mentions", Type::Int),
];
const QUOTES: &[(&str, Type)] = &[
    ("quote_id", Type::Str),
    ("text", Type::Str),
    ("first_date", Type::Date),
    ("articles", Type::Int),
    ("positions", Type::Int),
    ("speaker", Type::Str),
    ("speakers", Type::Str),
];
const ISSUES: &[(&str, Type)] = &[
    ("issue", Type::Str),
    ("label", Type::Str),
    ("keywords", Type::Str),
    ("positions", Type::Int),
];
const ISSUE_POSITIONS: &[(&str, Type)] = &[
    ("issue", Type::Str),
    ("article", Type::Str),
    ("position", Type::Str),
];

/// Every table's name and columns, in the order they are written.
pub const TABLES: &[(&str, &[(&str, Type)])] = &[
    ("articles", ARTICLES),
    ("entities", ENTITIES),
    ("mentions", MENTIONS),
    ("positions", POSITIONS),
    ("places", PLACES),
    ("quotes", QUOTES),
    ("issues", ISSUES),
    ("issue_positions", ISSUE_POSITIONS),
];

fn each_record(paths: &[PathBuf], mut f: impl FnMut(Record) -> Result<()>) -> Result<usize> {
    let mut skipped = 0;
    for path in paths {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut failed = None;
        skipped += for_each_record(BufReader::with_capacity(1 << 16, file), |r| {
            if failed.is_none() {
                if let Err(e) = f(r) {
                    failed = Some(e);
                }
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(skipped)
}

fn text(meta: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<String> {
    match meta.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// One distinct quotation, gathered over the run.
#[derive(Default)]
struct Quote {
    text: String,
    first_date: Option<i32>,
    articles: usize,
    last_article: String,
    positions: usize,
    speakers: HashMap<String, usize>,
}

/// Writes the tables.
pub fn export(o: &Options) -> Result<Summary> {
    std::fs::create_dir_all(&o.dir)
        .with_context(|| format!("cannot create {}", o.dir.display()))?;
    // pass 1: fingerprints and dates, for the copies
    let mut items = Vec::new();
    let mut index = Vec::new(); // record number → item
    each_record(&o.records, |r| {
        let sig = r.fingerprint.as_deref().and_then(fingerprint::decode);
        index.push(sig.map(|_| items.len()));
        if let Some(sig) = sig {
            let date = text(&r.meta, "date").and_then(|d| days(&d));
            items.push(Item {
                id: r.id,
                date,
                sig,
            });
        }
        Ok(())
    })?;
    let copies = duplicates::find(&items);
    let copy_of = |record: usize| -> Option<(&str, f64)> {
        let i = index.get(record).copied().flatten()?;
        copies.get(&i).map(|&(f, s)| (items[f].id.as_str(), s))
    };
    let mut summary = Summary {
        duplicates: copies.len(),
        ..Summary::default()
    };
    let mut writers: BTreeMap<&str, Box<dyn TableWriter>> = BTreeMap::new();
    for (name, columns) in &TABLES[..5] {
        writers.insert(name, o.format.create(&o.dir, name, columns)?);
    }
    let who = crate::analysis::who::Who::of_files(&o.records, &o.aliases)?;
    let mut quotes: HashMap<String, Quote> = HashMap::new();
    let mut n = 0;
    summary.skipped = each_record(&o.records, |mut r| {
        let copy = copy_of(n);
        who.annotate(n as u32, &mut r);
        let rows: Vec<_> = (r.positions.iter())
            .map(|p| who.speaker_row(n as u32, p.speaker.as_ref()))
            .collect();
        n += 1;
        if copy.is_some() && o.drop_duplicates {
            return Ok(());
        }
        let mut tables = Tables {
            writers: &mut writers,
            rows: &mut summary.rows,
            quotes: &mut quotes,
        };
        write_record(&r, &rows, copy, &mut tables)
    })?;
    for (_, w) in writers {
        w.finish()?;
    }
    let mut w = o.format.create(&o.dir, "quotes", QUOTES)?;
    let mut quotes: Vec<(String, Quote)> = quotes.into_iter().collect();
    quotes.sort_by(|a, b| b.1.positions.cmp(&a.1.positions).then(a.0.cmp(&b.0)));
    for (id, q) in quotes {
        let mut speakers: Vec<(String, usize)> = q.speakers.into_iter().collect();
        speakers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let list: Vec<String> = speakers.iter().map(|(s, k)| format!("{s} ({k})")).collect();
        w.row(vec![
            id.into(),
            q.text.into(),
            Cell::Date(q.first_date),
            q.articles.into(),
            q.positions.into(),
            speakers.first().map(|s| s.0.clone()).into(),
            list.join("; ").into(),
        ])?;
        *summary.rows.entry("quotes".into()).or_default() += 1;
    }
    w.finish()?;
    if let Some(path) = &o.issues {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let found: Issues = serde_json::from_reader(BufReader::new(file))
            .with_context(|| format!("{} is not newsie issues output", path.display()))?;
        let mut issues = o.format.create(&o.dir, "issues", ISSUES)?;
        let mut members = o
            .format
            .create(&o.dir, "issue_positions", ISSUE_POSITIONS)?;
        for issue in &found.issues {
            issues.row(vec![
                issue.id.as_str().into(),
                issue.label.as_str().into(),
                issue.keywords.join(" ").into(),
                issue.positions.len().into(),
            ])?;
            for m in &issue.positions {
                members.row(vec![
                    issue.id.as_str().into(),
                    m.article.as_str().into(),
                    m.position.as_str().into(),
                ])?;
            }
            *summary.rows.entry("issue_positions".into()).or_default() += issue.positions.len();
        }
        *summary.rows.entry("issues".into()).or_default() += found.issues.len();
        issues.finish()?;
        members.finish()?;
    }
    Ok(summary)
}

/// What a record's rows go to.
struct Tables<'a, 'w> {
    writers: &'a mut BTreeMap<&'w str, Box<dyn TableWriter>>,
    rows: &'a mut BTreeMap<String, usize>,
    quotes: &'a mut HashMap<String, Quote>,
}

/// A record's rows; `speakers` is the speaker row of each of its positions.
fn write_record(
    r: &Record,
    speakers: &[crate::analysis::who::SpeakerRow],
    copy: Option<(&str, f64)>,
    t: &mut Tables,
) -> Result<()> {
    let (writers, rows, quotes) = (&mut *t.writers, &mut *t.rows, &mut *t.quotes);
    let mut put = |table: &str, cells: Vec<Cell>| -> Result<()> {
        *rows.entry(table.into()).or_default() += 1;
        writers.get_mut(table).expect("a table").row(cells)
    };
    let article = || Cell::from(r.id.as_str());
    let date = text(&r.meta, "date").and_then(|d| days(&d));
    let words = match (&r.text, r.words) {
        (_, n) if n > 0 => Some(n as i64),
        (Some(t), _) => Some(t.split_whitespace().count() as i64),
        _ => None,
    };
    put(
        "articles",
        vec![
            article(),
            text(&r.meta, "title").into(),
            Cell::Date(date),
            text(&r.meta, "url").into(),
            text(&r.meta, "source").into(),
            Cell::Int(words.filter(|_| r.error.is_none())),
            r.error.as_ref().map(|e| e.kind.as_str().to_string()).into(),
            copy.map(|c| c.0.to_string()).into(),
            Cell::Float(copy.map(|c| c.1)),
            r.language.clone().into(),
            r.error.as_ref().map(|e| e.message.clone()).into(),
            Cell::Int(r.error.as_ref().and_then(|e| e.line).map(|l| l as i64)),
            r.schema_version.as_str().into(),
            (!r.model.is_null()).then(|| r.model.to_string()).into(),
            (!r.extensions.is_empty())
                .then(|| serde_json::to_string(&r.extensions).expect("JSON values"))
                .into(),
        ],
    )?;
    for e in &r.entities {
        put(
            "entities",
            vec![
                article(),
                e.id.as_str().into(),
                name_of(e.label).into(),
                e.name.as_str().into(),
                e.role.clone().into(),
                e.affiliation.clone().into(),
                e.mentions.len().into(),
                e.corpus_id.clone().into(),
            ],
        )?;
        for m in &e.mentions {
            put(
                "mentions",
                vec![
                    article(),
                    e.id.as_str().into(),
                    m.start.into(),
                    m.end.into(),
                    m.text.as_str().into(),
                    m.confidence.into(),
                ],
            )?;
        }
    }
    for (p, row) in r.positions.iter().zip(speakers) {
        let speaker = p.speaker.as_ref();
        put(
            "positions",
            vec![
                article(),
                p.id.as_str().into(),
                speaker.and_then(|s| s.entity.clone()).into(),
                speaker.and_then(|s| s.name.clone()).into(),
                speaker.and_then(|s| s.role.clone()).into(),
                row.id.clone().into(),
                row.name.as_str().into(),
                p.cue.text.as_str().into(),
                p.content.text.as_str().into(),
                name_of(p.kind).into(),
                name_of(p.stance).into(),
                p.confidence.into(),
                p.reported_by.clone().into(),
                p.quote_id.clone().into(),
                speaker.and_then(|s| s.affiliation.clone()).into(),
                Cell::Bool(speaker.map(|s| s.inferred)),
                Cell::Int(speaker.map(|s| s.span.start as i64)),
                Cell::Int(speaker.map(|s| s.span.end as i64)),
                p.cue.start.into(),
                p.cue.end.into(),
                p.content.start.into(),
                p.content.end.into(),
                p.candidate.into(),
            ],
        )?;
        if let Some(id) = &p.quote_id {
            let q = quotes.entry(id.clone()).or_default();
            if q.text.is_empty() {
                q.text = quoted(&p.content.text, p.kind == Kind::Mixed);
            }
            q.positions += 1;
            // a record's positions come together: a new id is a new article
            if q.articles == 0 || q.last_article != r.id {
                q.articles += 1;
                q.last_article = r.id.clone();
            }
            if let Some(d) = date {
                q.first_date = Some(q.first_date.map_or(d, |f| f.min(d)));
            }
            if row.id.is_some() || row.name != crate::analysis::who::UNATTRIBUTED {
                *q.speakers.entry(row.name.clone()).or_default() += 1;
            }
        }
    }
    for p in &r.places {
        put(
            "places",
            vec![
                article(),
                p.entity.as_str().into(),
                p.name.as_str().into(),
                Cell::Int(p.geonames_id.map(i64::from)),
                name_of(p.feature).into(),
                p.country.as_str().into(),
                p.admin1.as_str().into(),
                p.lat.into(),
                p.lon.into(),
                p.confidence.into(),
                p.confident.into(),
                r.focus.contains(&p.country).into(),
                p.feature_code.as_str().into(),
                p.mentions.into(),
            ],
        )?;
    }
    Ok(())
}
