//! `newsie extract`: one record per input, in order, with a progress bar and a summary line.

use super::args::ExtractArgs;
use super::{output, pipeline_with, Failure, Phase, EVERYTHING};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsie::input::{Corpus, Fields};
use newsie::output::JsonlSink;
use newsie::pipeline::Summary;
use std::io::{IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::time::Instant;

pub fn extract(a: ExtractArgs) -> Result<(), Failure> {
    let fields = Fields {
        id: a.id_field.clone(),
        text: a.text_field.clone(),
    };
    let corpus = Corpus::open(&a.inputs, fields)?
        .max_text_bytes(a.max_article_mib as usize * 1024 * 1024)
        .with_text(a.with_text);
    let warc = corpus.warc_counts();
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
            let (file, next) = newsie::output::jsonl::resume(path, &mut chunks)?;
            pending = next;
            Box::new(std::io::BufWriter::new(file)) as Box<dyn Write>
        }
        _ => output(a.output.as_deref())?,
    };
    let mut sink = JsonlSink::new(out);
    let chunks = pending.into_iter().map(Ok).chain(chunks);
    let summary = pipeline.extract_chunks(chunks, &mut sink, &progress)?;
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
        let warc = warc.lock().unwrap_or_else(|e| e.into_inner());
        if warc.records > 0 {
            eprintln!("newsie: WARC {}", warc.summary());
        }
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
