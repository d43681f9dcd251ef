//! The commands behind the CLI, one file each, and what they share: exit codes, output files,
//! building the pipeline a command needs.

pub mod args;
pub mod entities;
pub mod eval;
pub mod export;
pub mod extract;
pub mod issues;
pub mod report;

use anyhow::{Context, Result};
use args::RunArgs;
use newsie::model::Runtime;
use newsie::pipeline::{Models, Options, Pipeline};
use newsie::stages::places::gazetteer::Gazetteer;
use std::io::Write;
use std::path::Path;

/// Why a command failed: before any work (bad flags, models or inputs: exit code 2) or while
/// running (exit code 1).
pub enum Failure {
    Setup(anyhow::Error),
    Run(anyhow::Error),
}

/// The library's errors say by their kind whether they are the user's to fix.
impl From<newsie::Error> for Failure {
    fn from(e: newsie::Error) -> Self {
        if e.is_setup() {
            Failure::Setup(e.into())
        } else {
            Failure::Run(e.into())
        }
    }
}

pub trait Phase<T> {
    fn setup(self) -> Result<T, Failure>;
    fn running(self) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> Phase<T> for Result<T, E> {
    fn setup(self) -> Result<T, Failure> {
        self.map_err(|e| Failure::Setup(e.into()))
    }
    fn running(self) -> Result<T, Failure> {
        self.map_err(|e| Failure::Run(e.into()))
    }
}

/// Whether the error is a write to a pipe whose reader has gone.
pub fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn create(p: &Path) -> Result<std::io::BufWriter<std::fs::File>, Failure> {
    let f = std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()));
    Ok(std::io::BufWriter::new(f.setup()?))
}

/// A file, or stdout.
pub fn output(p: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    Ok(match p {
        Some(p) => Box::new(create(p)?),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// What a command needs beyond the NER model.
#[derive(Clone, Copy)]
pub struct Needs {
    /// The attribution model and its stages.
    pub attribution: bool,
    /// The gazetteer and the places stage.
    pub places: bool,
    /// Positions inside positions (unless `--no-nested`).
    pub nested: bool,
}

pub const EVERYTHING: Needs = Needs {
    attribution: true,
    places: true,
    nested: true,
};

/// The NER model alone; the eval commands add what they score.
pub const NER_ONLY: Needs = Needs {
    attribution: false,
    places: false,
    nested: false,
};

/// Thread pools, the models and the gazetteer, as a command needs them.
pub fn pipeline(run: &RunArgs, strict: bool, needs: Needs) -> Result<Pipeline> {
    pipeline_with(run, strict, needs, newsie::pipeline::CHUNK_BYTES)
}

/// Gives libtorch the threads asked for (default: all cores), its inter-op pool one; returns the
/// count.
pub fn libtorch_threads(asked: Option<u16>) -> usize {
    let threads = asked
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    tch::set_num_threads(threads as i32);
    tch::set_num_interop_threads(1);
    threads
}

pub fn pipeline_with(
    run: &RunArgs,
    strict: bool,
    needs: Needs,
    chunk_bytes: usize,
) -> Result<Pipeline> {
    let threads = libtorch_threads(run.threads);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("thread pool")?;
    let dir = match &run.models {
        Some(d) => d.clone(),
        None => newsie::home::find("models").ok_or_else(|| {
            anyhow::anyhow!(
                "no models found: pass --models DIR, or set NEWSIE_HOME to a folder holding \
                 models/ (scripts/install lays one out)"
            )
        })?,
    };
    let rt = Runtime {
        backend: run.backend,
        precision: run.precision,
        threads,
    };
    let models = Models::load(&dir, rt, needs.attribution)?;
    let gazetteer = if needs.places {
        let path = run
            .gazetteer
            .clone()
            .or_else(Gazetteer::find)
            .with_context(|| {
                format!(
                    "no gazetteer ({} in {:?}); run scripts/setup, or give --gazetteer",
                    newsie::stages::places::gazetteer::FILE,
                    newsie::model::base_dirs()
                )
            })?;
        Some(Gazetteer::load(&path)?)
    } else {
        None
    };
    let opts = Options {
        batch_size: run.batch_size as usize,
        strict,
        chunk_bytes,
        nested: needs.nested && !run.no_nested,
        place_threshold: run.place_threshold,
        position_threshold: run.position_threshold,
        nested_threshold: run.nested_threshold,
        reading: run.positions,
        all_candidates: run.all_candidates,
        all_languages: run.all_languages,
    };
    Pipeline::new(models, gazetteer, opts).context("cannot load the models")
}

/// The report on stdout, as JSON or as text (`print!` would panic on a closed pipe).
pub fn print_report<R: serde::Serialize + std::fmt::Display>(
    report: &R,
    json: bool,
) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut out, report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write!(out, "{report}")
    };
    written.and_then(|()| out.flush()).running()
}
