//! `newsie issues`: a run's positions grouped into issues (see `newsie::analysis::issues`).

use super::args::IssuesArgs;
use super::{libtorch_threads, output, Failure, Phase};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use newsie::analysis::issues::{group, read_positions, Issues, Options};
use newsie::analysis::who::Who;
use newsie::model::sentence::SentenceEncoder;
use newsie::output::record::name_of;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn issues(a: IssuesArgs) -> Result<(), Failure> {
    let records = std::fs::File::open(&a.records)
        .with_context(|| format!("cannot read {}", a.records.display()))
        .setup()?;
    libtorch_threads(a.threads);
    let encoder = SentenceEncoder::load(a.precision).setup()?;
    let aliases = super::entities::read_aliases(&a.aliases).setup()?;
    let who = Who::of_files(&[&a.records], &aliases).running()?;
    let (members, skipped) = read_positions(std::io::BufReader::new(records), &who).running()?;
    if skipped > 0 && !a.quiet {
        eprintln!("newsie: skipped {skipped} lines that are not newsie records");
    }
    let options = Options {
        threshold: a.threshold,
        merge: a.merge,
        min_size: a.min_size as usize,
        ..Options::default()
    };
    let bar = (!a.quiet && std::io::stderr().is_terminal()).then(|| {
        ProgressBar::new(members.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} positions embedded, {eta} left")
                .expect("template"),
        )
    });
    let started = std::time::Instant::now();
    let found = group(members, &encoder, &options, |n| {
        if let Some(b) = &bar {
            b.inc(n as u64);
        }
    })
    .running()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut out = output(a.output.as_deref())?;
    serde_json::to_writer(&mut out, &found)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .context("cannot write the issues")
        .running()?;
    if let Some(dir) = &a.csv {
        write_csv(&found, dir).running()?;
    }
    if !a.quiet {
        eprintln!(
            "newsie: {} positions, {} in {} issues, {:.1} s",
            found.positions,
            found.grouped,
            found.issues.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// issues.csv (one row per issue), issue_positions.csv (one per position in an issue) and
/// speakers.csv (the speaker × issue table).
fn write_csv(found: &Issues, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let open = |name: &str| {
        let path = dir.join(name);
        csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))
    };
    let mut issues = open("issues.csv")?;
    issues.write_record(["issue", "label", "keywords", "positions"])?;
    let mut positions = open("issue_positions.csv")?;
    positions.write_record([
        "issue",
        "article",
        "position",
        "speaker",
        "speaker_id",
        "stance",
        "content",
    ])?;
    for issue in &found.issues {
        issues.write_record([
            issue.id.as_str(),
            &issue.label,
            &issue.keywords.join(" "),
            &issue.positions.len().to_string(),
        ])?;
        for m in &issue.positions {
            positions.write_record([
                issue.id.as_str(),
                &m.article,
                &m.position,
                &m.speaker,
                m.speaker_id.as_deref().unwrap_or(""),
                &name_of(m.stance),
                &m.content,
            ])?;
        }
    }
    let mut speakers = open("speakers.csv")?;
    speakers.write_record([
        "issue",
        "speaker",
        "speaker_id",
        "support",
        "oppose",
        "neutral",
        "sources",
    ])?;
    for s in &found.table {
        speakers.write_record([
            s.issue.as_str(),
            &s.speaker,
            s.speaker_id.as_deref().unwrap_or(""),
            &s.support.to_string(),
            &s.oppose.to_string(),
            &s.neutral.to_string(),
            &s.sources.join("; "),
        ])?;
    }
    issues.flush()?;
    positions.flush()?;
    speakers.flush()?;
    Ok(())
}
