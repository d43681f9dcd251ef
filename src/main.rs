//! `newsie`: a thin CLI over the library. Exit codes: 0 done, 1 failed while running,
//! 2 bad flags, models or inputs (nothing was processed).

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsie::corpus::{Corpus, Fields, Shard};
use newsie::gazetteer::Gazetteer;
use newsie::model::Precision;
use newsie::output::JsonlSink;
use newsie::pipeline::{Models, Options, Pipeline, Summary};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "newsie",
    version,
    about = "Entities, places and reported positions from news, as JSONL"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One JSONL record per input article, in input order.
    Extract(ExtractArgs),
    /// Scores the models on annotated data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Words, sentences and quotations of each article as JSONL (code point offsets), as the
    /// models see them; the training scripts read this.
    Segment {
        /// Same inputs as extract.
        #[arg(default_value = "-")]
        inputs: Vec<PathBuf>,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// One self-contained HTML page of a run's records: counts, speakers, places on a map, and
    /// each article with its entities and positions marked.
    Report(ReportArgs),
}

#[derive(Args)]
struct ReportArgs {
    /// The JSONL written by `newsie extract`.
    records: PathBuf,
    /// The corpus the records came from (same forms as extract's inputs), to show the texts.
    #[arg(long, num_args = 1..)]
    articles: Vec<PathBuf>,
    /// JSON field holding the article id in --articles.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSON field holding the article text in --articles.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// The HTML file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Country outlines, TopoJSON (default: world-atlas's countries-110m.json that
    /// scripts/setup fetches into the newsie cache).
    #[arg(long)]
    map: Option<PathBuf>,
    /// Page heading (default: the records file's name).
    #[arg(long)]
    title: Option<String>,
}

#[derive(Args)]
struct RunArgs {
    /// Worker threads (rayon and libtorch); default: all cores.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Windows per model batch at most (a batch also holds at most 2,048 wordpieces).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..))]
    batch_size: u16,
    /// Number format at inference: bf16 where the CPU has it natively (auto), or fp32 / bf16;
    /// fast: as auto with the CPU's AMX kernels too, faster where there is AMX, but the output
    /// then changes in the last digits with --threads and --batch-size.
    #[arg(long, value_enum, default_value = "auto")]
    precision: Precision,
    /// Folder holding the models (ner/ ...).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/models"))]
    models: PathBuf,
    /// The gazetteer (default: the one scripts/setup builds into the newsie cache).
    #[arg(long)]
    gazetteer: Option<PathBuf>,
    /// Top-level positions only: contents are not read again for the positions they report
    /// (faster where most of the text is reported speech).
    #[arg(long)]
    no_nested: bool,
}

#[derive(Args)]
struct ExtractArgs {
    /// JSONL (.jsonl, .jsonl.gz), a folder of .txt files, a .txt file, or - for stdin.
    #[arg(default_value = "-")]
    inputs: Vec<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// JSON field holding the article id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSON field holding the article text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// Stop at the first bad input instead of writing an error record.
    #[arg(long)]
    strict: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Complete OUTPUT after a run that was killed: keeps its whole chunks, drops the rest (a
    /// torn last line included) and goes on from there, so that OUTPUT ends as an uninterrupted
    /// run would have written it. Same inputs and flags as that run.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Only share K of N of the inputs (K = 1..N), chosen by article id: N machines (a Slurm job
    /// array) together write every record once.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Longer articles get an error record (too_large) instead of holding the run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    max_article_mib: u32,
    /// Text read and annotated at a time, in KiB: bounds memory.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    chunk_kib: u32,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Entity-level precision, recall and F1 on a CoNLL column file.
    Ner {
        #[arg(long)]
        conll: PathBuf,
        /// Write `token gold pred` lines here.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Source, Cue, Content and whole attributions (exact and overlap P/R/F1) on a PolNeAR-style
    /// folder: `text/*.txt` and `attributions/*.ann` (brat; first annotator in name order).
    Attribution {
        #[arg(long)]
        polnear: PathBuf,
        /// Write one brat `<article>.ann` per article into this folder.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Positions inside positions on a hand-written set (tests/data/nested.jsonl): precision
    /// and recall of the inner positions, and their speakers linked to the right entity.
    Nested {
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nested.jsonl"))]
        set: PathBuf,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Toponym resolution on LGL / TR-News or GeoVirus XML: accuracy within 161 km, median error,
    /// AUC, and the same with each ranking signal taken out.
    Places {
        #[arg(long)]
        gazetteer_xml: PathBuf,
        /// Write one JSON line per toponym here.
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the scores as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        run: RunArgs,
    },
}

/// Why a command failed: before any work (bad flags, models or inputs: exit code 2) or while
/// running (exit code 1).
enum Failure {
    Setup(anyhow::Error),
    Run(anyhow::Error),
}

trait Stage<T> {
    fn setup(self) -> Result<T, Failure>;
    fn running(self) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> Stage<T> for Result<T, E> {
    fn setup(self) -> Result<T, Failure> {
        self.map_err(|e| Failure::Setup(e.into()))
    }
    fn running(self) -> Result<T, Failure> {
        self.map_err(|e| Failure::Run(e.into()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => extract(a),
        Command::Segment { inputs, output } => segment(&inputs, output.as_deref()),
        Command::Report(a) => report(a),
        Command::Eval(EvalCommand::Ner {
            conll,
            predictions,
            json,
            run,
        }) => eval_ner(&conll, predictions.as_deref(), json, &run),
        Command::Eval(EvalCommand::Attribution {
            polnear,
            predictions,
            json,
            run,
        }) => eval_attribution(&polnear, predictions.as_deref(), json, &run),
        Command::Eval(EvalCommand::Nested { set, json, run }) => eval_nested(&set, json, &run),
        Command::Eval(EvalCommand::Places {
            gazetteer_xml,
            predictions,
            json,
            run,
        }) => eval_places(&gazetteer_xml, predictions.as_deref(), json, &run),
    };
    let (code, e) = match result {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Setup(e)) => (2, e),
        Err(Failure::Run(e)) => (1, e),
    };
    if broken_pipe(&e) {
        // the reader went away (`| head`): what it wanted was written, as Unix tools do
        return ExitCode::SUCCESS;
    }
    eprintln!("newsie: {e:#}");
    ExitCode::from(code)
}

/// Whether the error is a write to a pipe whose reader has gone.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn create(p: &Path) -> Result<std::io::BufWriter<std::fs::File>, Failure> {
    let f = std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()));
    Ok(std::io::BufWriter::new(f.setup()?))
}

/// A file, or stdout.
fn output(p: Option<&Path>) -> Result<Box<dyn Write>, Failure> {
    Ok(match p {
        Some(p) => Box::new(create(p)?),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// What a command needs beyond the NER model.
#[derive(Clone, Copy)]
struct Needs {
    attribution: bool,
    places: bool,
}

const EVERYTHING: Needs = Needs {
    attribution: true,
    places: true,
};

/// Thread pools, the models and the gazetteer, as a command needs them.
fn pipeline(run: &RunArgs, strict: bool, needs: Needs) -> Result<Pipeline> {
    pipeline_with(run, strict, needs, newsie::pipeline::CHUNK_BYTES)
}

fn pipeline_with(
    run: &RunArgs,
    strict: bool,
    needs: Needs,
    chunk_bytes: usize,
) -> Result<Pipeline> {
    let threads = run
        .threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("thread pool")?;
    tch::set_num_threads(threads as i32);
    tch::set_num_interop_threads(1);
    let models = Models::load(&run.models, run.precision, needs.attribution)?;
    let gazetteer = if needs.places {
        let path = run
            .gazetteer
            .clone()
            .or_else(Gazetteer::find)
            .with_context(|| {
                format!(
                    "no gazetteer ({} in {:?}); run scripts/setup, or give --gazetteer",
                    newsie::gazetteer::FILE,
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
        nested: !run.no_nested,
    };
    Pipeline::new(models, gazetteer, opts).context("cannot load the models")
}

fn extract(a: ExtractArgs) -> Result<(), Failure> {
    let fields = Fields {
        id: a.id_field.clone(),
        text: a.text_field.clone(),
    };
    let corpus = Corpus::open(&a.inputs, fields)
        .setup()?
        .max_text_bytes(a.max_article_mib as usize * 1024 * 1024);
    let pipeline =
        pipeline_with(&a.run, a.strict, EVERYTHING, a.chunk_kib as usize * 1024).setup()?;
    let (total, read) = corpus.progress_bytes();
    let bar = if !a.quiet && std::io::stderr().is_terminal() {
        let bar = match total {
            Some(t) => ProgressBar::new(t).with_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent}% {msg} ETA {eta}",
                )
                .expect("template"),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .expect("template"),
            ),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Some(bar)
    } else {
        None
    };
    let start = Instant::now();
    let rate = |s: &Summary| s.words as f64 / start.elapsed().as_secs_f64().max(1e-9);
    let progress = |s: &Summary| {
        if let Some(b) = &bar {
            b.set_position(read.load(Ordering::Relaxed));
            b.set_message(format!("{} articles, {:.0} words/s", s.articles, rate(s)));
        }
    };
    let shard = a.shard;
    let inputs = corpus.filter(move |i| match (i, shard) {
        (Ok(input), Some(s)) => s.keeps(input),
        _ => true,
    });
    let mut chunks = pipeline.chunks(inputs);
    let mut pending = None;
    let out = match (&a.output, a.resume) {
        (Some(path), true) => {
            let (file, next) = newsie::output::jsonl::resume(path, &mut chunks).setup()?;
            pending = next;
            Box::new(std::io::BufWriter::new(file)) as Box<dyn Write>
        }
        _ => output(a.output.as_deref())?,
    };
    let mut sink = JsonlSink::new(out);
    let chunks = pending.into_iter().map(Ok).chain(chunks);
    let summary = pipeline
        .extract_chunks(chunks, &mut sink, &progress)
        .running()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if !a.quiet {
        eprintln!(
            "newsie: {} articles ({} errors), {} words in {:.1} s, {:.0} words/s",
            summary.articles,
            summary.errors,
            summary.words,
            start.elapsed().as_secs_f64(),
            rate(&summary)
        );
        if summary.duplicate_ids > 0 {
            eprintln!(
                "newsie: {} records have an id seen before (kept), the first {:?}",
                summary.duplicate_ids,
                summary.first_duplicate.as_deref().unwrap_or_default()
            );
        }
    }
    Ok(())
}

/// The shared part of `eval ner` and `eval places`: a readable gold file, the pipeline, an
/// optional predictions file, the report printed.
fn eval_file<R: serde::Serialize + std::fmt::Display>(
    gold: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
    needs: Needs,
    eval: impl FnOnce(&Pipeline, Option<&mut dyn Write>) -> Result<R>,
) -> Result<(), Failure> {
    if !gold.is_file() {
        return Err(Failure::Setup(anyhow::anyhow!(
            "cannot read {}",
            gold.display()
        )));
    }
    let pipeline = pipeline(run, false, needs).setup()?;
    let mut pred_out = predictions.map(create).transpose()?;
    let report = eval(&pipeline, pred_out.as_mut().map(|w| w as &mut dyn Write)).running()?;
    if let Some(mut w) = pred_out {
        w.flush().context("cannot write predictions").running()?;
    }
    print_report(&report, json)
}

fn eval_ner(
    conll: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    let needs = Needs {
        attribution: false,
        places: false,
    };
    // a malformed gold file is the user's to fix (exit 2), found before the models load
    if conll.is_file() {
        newsie::eval::ner::read_conll(conll).setup()?;
    }
    eval_file(conll, predictions, json, run, needs, |p, out| {
        newsie::eval::eval_ner(p, conll, out)
    })
}

/// The report on stdout, as JSON or as text (`print!` would panic on a closed pipe).
fn print_report<R: serde::Serialize + std::fmt::Display>(
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

fn eval_attribution(
    dir: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    for sub in ["text", "attributions"] {
        if !dir.join(sub).is_dir() {
            return Err(Failure::Setup(anyhow::anyhow!(
                "{} has no {sub}/ folder",
                dir.display()
            )));
        }
    }
    let needs = Needs {
        attribution: true,
        places: false,
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report = newsie::eval::eval_attribution(&pipeline, dir, predictions).running()?;
    print_report(&report, json)
}

fn eval_nested(set: &Path, json: bool, run: &RunArgs) -> Result<(), Failure> {
    newsie::eval::nested::read_nested(set).setup()?;
    let needs = Needs {
        attribution: true,
        places: false,
    };
    let pipeline = pipeline(run, false, needs).setup()?;
    let report = newsie::eval::eval_nested(&pipeline, set).running()?;
    print_report(&report, json)
}

fn eval_places(
    xml: &Path,
    predictions: Option<&Path>,
    json: bool,
    run: &RunArgs,
) -> Result<(), Failure> {
    let needs = Needs {
        attribution: false,
        places: true,
    };
    if xml.is_file() {
        newsie::eval::places::read_geo_xml(xml).setup()?;
    }
    eval_file(xml, predictions, json, run, needs, |p, out| {
        newsie::eval::eval_places(p, xml, &newsie::eval::places::ablations(), out)
    })
}

fn segment(inputs: &[PathBuf], output_path: Option<&Path>) -> Result<(), Failure> {
    let corpus = Corpus::open(inputs, Fields::default()).setup()?;
    let mut out = output(output_path)?;
    for item in corpus {
        let line = match item.running()? {
            newsie::corpus::Input::Article(a) => {
                let mut doc = a.into_doc();
                newsie::segment::annotate(&mut doc);
                serde_json::to_string(&doc.to_segment_record())
            }
            newsie::corpus::Input::Bad { id, error } => {
                serde_json::to_string(&newsie::record::Record::error(id, error))
            }
        };
        writeln!(out, "{}", line.expect("records serialise")).running()?;
    }
    out.flush().context("cannot write output").running()
}

fn report(a: ReportArgs) -> Result<(), Failure> {
    use newsie::report::{map, read_records, Report};
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
            if let newsie::corpus::Input::Article(article) = input.running()? {
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
    let n = records.len();
    let mut out = create(&a.output)?;
    Report {
        title: &title,
        records,
        texts,
        countries: &countries,
    }
    .write(&mut out)
    .running()?;
    out.flush().context("cannot write the report").running()?;
    eprintln!("newsie: report of {n} records in {}", a.output.display());
    Ok(())
}
