//! `newsie export`: a run's records as Parquet or CSV tables (see `newsie::analysis::export`).

use super::args::ExportArgs;
use super::{Failure, Phase};
use newsie::analysis::export::{export as write_tables, Options};

pub fn export(a: ExportArgs) -> Result<(), Failure> {
    for path in a.records.iter().chain(&a.issues) {
        if !path.is_file() {
            return Err(Failure::Setup(anyhow::anyhow!(
                "cannot read {}",
                path.display()
            )));
        }
    }
    let started = std::time::Instant::now();
    let summary = write_tables(&Options {
        records: a.records,
        issues: a.issues,
        format: a.format,
        dir: a.output.clone(),
        drop_duplicates: a.drop_duplicates,
        aliases: super::entities::read_aliases(&a.aliases).setup()?,
    })
    .running()?;
    if !a.quiet {
        let rows: Vec<String> = summary
            .rows
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        eprintln!(
            "newsie: {} in {} ({}); {} copies of an earlier article{}; {:.1} s",
            rows.join(", "),
            a.output.display(),
            format!("{:?}", a.format).to_lowercase(),
            summary.duplicates,
            if a.drop_duplicates { " left out" } else { "" },
            started.elapsed().as_secs_f64()
        );
        if summary.skipped > 0 {
            eprintln!(
                "newsie: skipped {} lines that are not newsie records",
                summary.skipped
            );
        }
    }
    Ok(())
}
