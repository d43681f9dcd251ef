//! `newsie report` (an HTML page of a run) and `newsie segment` (what the models see).

use super::args::ReportArgs;
use super::{create, output, Failure, Phase};
use anyhow::Context;
use newsie::input::{Corpus, Fields};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn segment(inputs: &[PathBuf], output_path: Option<&Path>) -> Result<(), Failure> {
    let corpus = Corpus::open(inputs, Fields::default()).setup()?;
    let mut out = output(output_path)?;
    for item in corpus {
        let line = match item.running()? {
            newsie::input::Input::Article(a) => {
                let mut doc = a.into_doc();
                newsie::stages::segment::annotate(&mut doc);
                serde_json::to_string(&doc.to_segment_record())
            }
            newsie::input::Input::Bad { id, error } => {
                serde_json::to_string(&newsie::output::record::Record::error(id, error))
            }
        };
        writeln!(out, "{}", line.expect("records serialise")).running()?;
    }
    out.flush().context("cannot write output").running()
}

pub fn report(a: ReportArgs) -> Result<(), Failure> {
    use newsie::analysis::report::{map, read_records, Report};
    let records = std::fs::File::open(&a.records)
        .with_context(|| format!("cannot read {}", a.records.display()))
        .setup()?;
    let map_path = a.map.clone().or_else(map::find).with_context(|| {
        format!(
            "no world map ({} in {:?}); run scripts/setup, or give --map",
            map::FILE,
            newsie::model::base_dirs()
        )
    });
    let countries = map::load(&map_path.setup()?).setup()?;
    let mut texts = std::collections::HashMap::new();
    if !a.articles.is_empty() {
        let fields = Fields {
            id: a.id_field,
            text: a.text_field,
        };
        for input in Corpus::open(&a.articles, fields).setup()? {
            if let newsie::input::Input::Article(article) = input.running()? {
                texts.insert(article.id, article.text);
            }
        }
    }
    let (records, skipped) = read_records(std::io::BufReader::new(records)).running()?;
    if skipped > 0 {
        eprintln!("newsie: skipped {skipped} lines that are not newsie records");
    }
    let title = a.title.unwrap_or_else(|| {
        a.records
            .file_name()
            .map_or_else(|| "newsie".into(), |n| n.to_string_lossy().into_owned())
    });
    let issues = match &a.issues {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))
                .setup()?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| {
                        format!("{} is not the output of newsie issues", path.display())
                    })
                    .setup()?,
            )
        }
        None => None,
    };
    let n = records.len();
    let mut out = create(&a.output)?;
    Report {
        title: &title,
        records,
        texts,
        countries: &countries,
        issues,
    }
    .write(&mut out)
    .running()?;
    out.flush().context("cannot write the report").running()?;
    eprintln!("newsie: report of {n} records in {}", a.output.display());
    Ok(())
}
