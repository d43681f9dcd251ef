//! Throughput of `extract` against the bare model forward pass on the same windows, in one run.
//! Used by scripts/bench; prints a table of words/s and ratios.

use anyhow::{Context, Result};
use clap::Parser;
use newsie::corpus::{Corpus, Fields, Input};
use newsie::doc::Doc;
use newsie::model::Precision;
use newsie::pipeline::{Models, Options, Pipeline};
use newsie::segment;
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
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// fp32 instead of the default precision (bf16 where the CPU has it).
    #[arg(long)]
    fp32: bool,
    /// Rounds per thread count; the best of each side is kept.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Thread counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
}

fn main() -> Result<()> {
    let a = Args::parse();
    let precision = if a.fp32 {
        Precision::F32
    } else {
        Precision::Auto
    };
    let opts = Options {
        batch_size: a.batch_size,
        strict: false,
        chunk_bytes: newsie::pipeline::CHUNK_BYTES,
    };
    // both models, as extract runs them; the bare forward pass runs the same two
    let start = Instant::now();
    let gazetteer = newsie::gazetteer::Gazetteer::find()
        .map(|p| newsie::gazetteer::Gazetteer::load(&p))
        .transpose()?;
    match &gazetteer {
        Some(g) => println!(
            "gazetteer: {} places loaded in {:.2} s",
            g.places.len(),
            start.elapsed().as_secs_f64()
        ),
        None => println!("gazetteer: none (run scripts/setup); places not resolved"),
    }
    let pipeline = Pipeline::new(
        Models::load(&a.models, precision, true)?,
        gazetteer,
        opts.clone(),
    )?;
    let forward_models = Models::load(&a.models, precision, true)?;

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
    let windows = pipeline.windows(&docs)?;
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
    println!(
        "{:>7} {:>14} {:>14} {:>9}",
        "threads", "forward w/s", "extract w/s", "extract/forward"
    );
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i].ids.len());
    for &t in &a.threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build()?;
        tch::set_num_threads(t as i32);
        // best of a few alternating rounds, so a busy moment hits both sides alike
        let (mut forward, mut extract) = (0f64, 0f64);
        for _ in 0..a.rounds {
            let start = Instant::now();
            for batch in order.chunks(a.batch_size) {
                let refs: Vec<_> = batch.iter().map(|&i| &windows[i]).collect();
                forward_models.classify(&refs)?;
            }
            forward = forward.max(words as f64 / start.elapsed().as_secs_f64());
            let corpus = Corpus::open(std::slice::from_ref(&tmp), Fields::default())?;
            let start = Instant::now();
            let s = pool.install(|| pipeline.extract(corpus, &mut std::io::sink(), &|_| {}))?;
            extract = extract.max(s.words as f64 / start.elapsed().as_secs_f64());
        }
        println!(
            "{:>7} {:>14.0} {:>14.0} {:>9.3}",
            t,
            forward,
            extract,
            extract / forward
        );
    }
    std::fs::remove_file(&tmp).ok();
    Ok(())
}
