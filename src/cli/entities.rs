//! `newsie entities` and `newsie eval entities`: who is who across a run (see
//! `newsie::analysis::who`).

use super::args::{AliasesArg, EntitiesArgs, RunArgs};
use super::{create, output, pipeline, print_report, Failure, Needs, Phase, NER_ONLY};
use anyhow::Context;
use newsie::analysis::who::resolve::Aliases;
use newsie::analysis::who::Who;
use newsie::output::record::for_each_record;
use std::io::Write;
use std::path::Path;

/// The user's aliases, or none.
pub fn read_aliases(a: &AliasesArg) -> anyhow::Result<Aliases> {
    match &a.aliases {
        None => Ok(Aliases::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Aliases::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        }
    }
}

pub fn entities(a: EntitiesArgs) -> Result<(), Failure> {
    let aliases = read_aliases(&a.aliases).setup()?;
    for p in &a.records {
        if !p.is_file() {
            return Err(Failure::Setup(anyhow::anyhow!(
                "cannot read {}",
                p.display()
            )));
        }
    }
    let started = std::time::Instant::now();
    let who = Who::of_files(&a.records, &aliases).running()?;
    let mut out = output(a.output.as_deref())?;
    for e in &who.resolution.entities {
        serde_json::to_writer(&mut out, e)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .context("cannot write the entities")
            .running()?;
    }
    out.flush().context("cannot write the entities").running()?;
    if let Some(path) = &a.records_out {
        let mut w = std::io::BufWriter::new(create(path)?);
        let mut article = 0u32;
        let mut failed = None;
        for p in &a.records {
            let file = std::fs::File::open(p)
                .with_context(|| format!("cannot read {}", p.display()))
                .running()?;
            for_each_record(std::io::BufReader::new(file), |mut r| {
                who.annotate(article, &mut r);
                article += 1;
                if failed.is_none() {
                    failed = serde_json::to_writer(&mut w, &r)
                        .map_err(std::io::Error::from)
                        .and_then(|()| writeln!(w))
                        .err();
                }
            })
            .running()?;
        }
        if let Some(e) = failed {
            return Err(Failure::Run(anyhow::anyhow!(
                "cannot write {}: {e}",
                path.display()
            )));
        }
        w.flush()
            .with_context(|| format!("cannot write {}", path.display()))
            .running()?;
    }
    if !a.quiet {
        let items: usize = who.resolution.of_item.len();
        eprintln!(
            "newsie: {items} person and organisation entities, {} corpus entities, {:.1} s",
            who.resolution.entities.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub fn eval_entities(
    gold: &Path,
    (polnear, pages): (&Path, &Path),
    split: &str,
    aliases: &AliasesArg,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    use newsie::eval::entities;
    let aliases = read_aliases(aliases).setup()?;
    let gold = entities::read_gold(gold).setup()?;
    let articles = entities::articles(&gold, &entities::Texts { polnear, pages }).setup()?;
    // roles and affiliations come with the attribution stages
    let needs = Needs {
        attribution: true,
        ..NER_ONLY
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let docs = pipeline.docs(articles).running()?;
    let records: Vec<_> = docs
        .iter()
        .map(|d| d.to_record(&serde_json::Value::Null))
        .collect();
    let report = entities::eval_records(&records, &gold, split, &aliases).running()?;
    print_report(&report, json)
}
