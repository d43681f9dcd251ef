//! The order of the stages, and the streaming around them.
//!
//! Articles are read in chunks; in each chunk rayon segments and tokenizes the articles, the
//! windows of the whole chunk are sorted by length and run through both models (NER, then
//! attribution, on the same batches; libtorch uses its own threads for each batch, rayon is idle
//! meanwhile: no oversubscription), then rayon decodes entities and positions and resolves places.
//! Records are written in input order, a chunk at a time. A window's scores do not depend on the
//! other windows of its batch (see [`windows::batches`]), so neither the thread count nor the
//! batch or chunk size changes the output.

use crate::attribution::Role;
use crate::bio::Tagset;
use crate::corpus::{Article, Input};
use crate::doc::{Doc, EntityType, Record};
use crate::gazetteer::Gazetteer;
use crate::model::{self, Precision, Scores, TokenClassifier};
use crate::places::{Resolver, Weights};
use crate::windows::{self, Window, WindowSpec};
use crate::{attribution, entities, ner, segment};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// Articles read, annotated and written together: at most this many, and no more once their text
/// reaches `CHUNK_BYTES` (about 80,000 words, some seconds of work; `--chunk-kib` changes it).
/// Enough windows to sort into batches of even length; bounds memory.
pub const CHUNK_ARTICLES: usize = 1024;
pub const CHUNK_BYTES: usize = 512 << 10;

#[derive(Debug, Clone)]
pub struct Options {
    pub batch_size: usize,
    /// A bad input line stops the run instead of giving an error record.
    pub strict: bool,
    /// Text per chunk (`CHUNK_BYTES` by default): bounds memory.
    pub chunk_bytes: usize,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub articles: u64,
    pub errors: u64,
    pub words: u64,
    /// Records whose id an earlier record had (all are written).
    pub duplicate_ids: u64,
    pub first_duplicate: Option<String>,
}

/// The token classifiers, run on the same windows, batch by batch.
pub struct Models {
    pub ner: Box<dyn TokenClassifier>,
    /// Absent when only entities are wanted (`newsie eval ner`).
    pub attribution: Option<Box<dyn TokenClassifier>>,
}

impl Models {
    /// The models of a folder: `ner/`, and `attribution/` when asked for.
    pub fn load(dir: &std::path::Path, precision: Precision, attribution: bool) -> Result<Self> {
        let ner = model::load(&dir.join("ner"), precision).context("cannot load the NER model")?;
        let attribution = if attribution {
            Some(
                model::load(&dir.join("attribution"), precision)
                    .context("cannot load the attribution model")?,
            )
        } else {
            None
        };
        Ok(Models { ner, attribution })
    }

    /// Each model over one batch, as the pipeline runs them.
    pub fn classify(&self, batch: &[&Window]) -> Result<Vec<WindowScores>> {
        let ner = self.ner.classify(batch)?;
        let attribution = match &self.attribution {
            Some(m) => m.classify(batch)?.into_iter().map(Some).collect(),
            None => vec![None; batch.len()],
        };
        Ok(ner
            .into_iter()
            .zip(attribution)
            .map(|(ner, attribution)| WindowScores { ner, attribution })
            .collect())
    }
}

/// Label probabilities of one window from each model.
#[derive(Debug, Clone)]
pub struct WindowScores {
    pub ner: Scores,
    pub attribution: Option<Scores>,
}

pub struct Pipeline {
    // Models are Send, not Sync (libtorch tensors): one thread runs them at a time; rayon's
    // workers only touch the tokenizer, which is shared.
    models: Mutex<Models>,
    tokenizer: Tokenizer,
    spec: WindowSpec,
    tags: Tagset<EntityType>,
    roles: Option<Tagset<Role>>,
    /// Absent when places are not wanted (`newsie eval ner`).
    gazetteer: Option<Gazetteer>,
    cls: u32,
    sep: u32,
    opts: Options,
    provenance: Value,
}

impl Pipeline {
    pub fn new(models: Models, gazetteer: Option<Gazetteer>, opts: Options) -> Result<Self> {
        let tags = Tagset::new(models.ner.labels()).context("NER model")?;
        let tok = models.ner.tokenizer();
        let (Some(cls), Some(sep)) = (tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")) else {
            bail!("NER tokenizer has no [CLS] / [SEP]");
        };
        let mut provenance = json!({ "ner": models.ner.provenance() });
        let roles = match &models.attribution {
            Some(a) => {
                // one set of windows feeds both models
                if a.spec() != models.ner.spec()
                    || a.tokenizer().get_vocab(true) != tok.get_vocab(true)
                {
                    bail!(
                        "the attribution model's windows or vocabulary differ from the NER model's"
                    );
                }
                provenance["attribution"] = a.provenance();
                Some(Tagset::new(a.labels()).context("attribution model")?)
            }
            None => None,
        };
        Ok(Pipeline {
            tokenizer: tok.clone(),
            spec: models.ner.spec(),
            models: Mutex::new(models),
            tags,
            roles,
            gazetteer,
            cls,
            sep,
            opts: Options {
                batch_size: opts.batch_size.max(1),
                ..opts
            },
            provenance,
        })
    }

    /// The places stage, when the pipeline has a gazetteer.
    pub fn resolver(&self) -> Option<Resolver<'_>> {
        self.gazetteer.as_ref().map(|g| Resolver {
            gazetteer: g,
            weights: Weights::default(),
        })
    }

    /// The windows of segmented articles, built in parallel.
    pub fn windows(&self, docs: &[Doc]) -> Result<Vec<Window>> {
        let spec = self.spec;
        let per_doc: Result<Vec<Vec<Window>>> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let pieces = windows::pieces(&self.tokenizer, d)?;
                Ok(windows::build(i, d, &pieces, spec, self.cls, self.sep))
            })
            .collect();
        Ok(per_doc?.into_iter().flatten().collect())
    }

    /// Runs the models over windows, in batches of one padded length; scores come back in
    /// window order.
    pub fn classify(&self, windows: &[Window]) -> Result<Vec<WindowScores>> {
        let mut scores: Vec<Option<WindowScores>> = vec![None; windows.len()];
        let models = self.models.lock().expect("model lock");
        for batch in windows::batches(windows, self.opts.batch_size) {
            let refs: Vec<&Window> = batch.iter().map(|&i| &windows[i]).collect();
            for (&i, s) in batch.iter().zip(models.classify(&refs)?) {
                scores[i] = Some(s);
            }
        }
        Ok(scores
            .into_iter()
            .map(|s| s.expect("every window scored"))
            .collect())
    }

    /// All stages after segmentation, on a chunk of articles.
    pub fn annotate(&self, docs: &mut [Doc]) -> Result<()> {
        let windows = self.windows(docs)?;
        let scores = self.classify(&windows)?;
        // windows are grouped by article, in order
        let mut by_doc: Vec<Vec<(&Window, &WindowScores)>> = vec![Vec::new(); docs.len()];
        for (w, s) in windows.iter().zip(&scores) {
            by_doc[w.doc].push((w, s));
        }
        docs.par_iter_mut().zip(by_doc).for_each(|(doc, ws)| {
            // one row per word, read at its first piece
            let rows = |pick: &dyn Fn(&WindowScores) -> Option<&Scores>| {
                let mut rows: Vec<&[f32]> = Vec::with_capacity(doc.tokens.len());
                for (w, s) in &ws {
                    debug_assert_eq!(w.first_word, rows.len());
                    if let Some(s) = pick(s) {
                        rows.extend(w.heads.iter().map(|&h| s.row(h)));
                    }
                }
                rows
            };
            let ner_rows = rows(&|s| Some(&s.ner));
            let role_rows = rows(&|s| s.attribution.as_ref());
            ner::annotate(doc, &self.tags, &ner_rows);
            entities::annotate(doc);
            if let Some(roles) = &self.roles {
                attribution::annotate(doc, roles, &role_rows);
            }
            if let Some(resolver) = self.resolver() {
                resolver.annotate(doc);
            }
        });
        Ok(())
    }

    /// Windows per model batch from now on (the output does not change with it).
    pub fn set_batch_size(&mut self, size: usize) {
        self.opts.batch_size = size.max(1);
    }

    /// Segments and annotates articles: their Docs, in order.
    pub fn docs(&self, articles: Vec<Article>) -> Result<Vec<Doc>> {
        let mut docs: Vec<Doc> = articles.into_iter().map(Article::into_doc).collect();
        docs.par_iter_mut().for_each(segment::annotate);
        self.annotate(&mut docs)?;
        Ok(docs)
    }

    /// Segments and annotates a chunk of inputs; one record per input, in order.
    pub fn process(&self, chunk: Vec<Input>) -> Result<Vec<Record>> {
        let mut articles = Vec::new();
        let mut slots: Vec<std::result::Result<usize, Record>> = Vec::with_capacity(chunk.len());
        for item in chunk {
            match item {
                Input::Article(a) => {
                    slots.push(Ok(articles.len()));
                    articles.push(a);
                }
                Input::Bad { id, error } => slots.push(Err(Record::error(id, error))),
            }
        }
        let docs = self.docs(articles)?;
        let mut records: Vec<Option<Record>> = docs
            .par_iter()
            .map(|d| Some(d.to_record(&self.provenance)))
            .collect();
        Ok(slots
            .into_iter()
            .map(|s| match s {
                Ok(i) => records[i].take().expect("one record per article"),
                Err(r) => r,
            })
            .collect())
    }

    /// The corpus cut into the chunks `extract` processes. Chunk boundaries depend only on the
    /// input (and `--chunk-bytes`), so a resumed run can restart at one and repeat the bytes.
    pub fn chunks<I: Iterator<Item = Result<Input>>>(&self, corpus: I) -> Chunks<I> {
        Chunks {
            corpus: corpus.peekable(),
            strict: self.opts.strict,
            chunk_bytes: self.opts.chunk_bytes,
        }
    }

    /// Reads the corpus, writes one JSONL record per article in input order. `progress` is
    /// called after each chunk with the running totals.
    pub fn extract(
        &self,
        corpus: impl Iterator<Item = Result<Input>>,
        out: &mut dyn Write,
        progress: &dyn Fn(&Summary),
    ) -> Result<Summary> {
        self.extract_chunks(self.chunks(corpus), out, progress)
    }

    /// `extract` over chunks already cut (some perhaps skipped, on resume).
    pub fn extract_chunks(
        &self,
        chunks: impl Iterator<Item = Result<Vec<Input>>>,
        out: &mut dyn Write,
        progress: &dyn Fn(&Summary),
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        // 64-bit hashes, not ids: 16 bytes an article; a collision among 10^8 ids is unlikely
        let mut seen = std::collections::HashSet::new();
        for chunk in chunks {
            let records = self.process(chunk?)?;
            let lines: Vec<Vec<u8>> = records
                .par_iter()
                .map(|r| {
                    let mut v = serde_json::to_vec(r).expect("records serialise");
                    v.push(b'\n');
                    v
                })
                .collect();
            // a whole chunk at once, then flushed: a killed run leaves whole chunks and at most
            // one torn line, which --resume drops
            out.write_all(&lines.concat())?;
            out.flush()?;
            for r in &records {
                summary.articles += 1;
                summary.errors += r.error.is_some() as u64;
                summary.words += r.words as u64;
                if !seen.insert(crate::corpus::id_hash(&r.id)) {
                    summary.duplicate_ids += 1;
                    summary.first_duplicate.get_or_insert_with(|| r.id.clone());
                }
            }
            progress(&summary);
        }
        Ok(summary)
    }
}

/// Opens a killed run's output for appending after its last whole chunk. Reads the output along
/// the input's chunks, a line per input, checking that the ids match; truncates the file after
/// the last chunk whose lines are all there (a torn last line goes with its chunk). Returns the
/// file and the chunk to redo, if any; `chunks` goes on after it.
pub fn resume(
    path: &Path,
    chunks: &mut impl Iterator<Item = Result<Vec<Input>>>,
) -> Result<(std::fs::File, Option<Vec<Input>>)> {
    let cannot = || format!("cannot resume {}", path.display());
    let mut kept_bytes = 0u64;
    let mut pending = None;
    match std::fs::File::open(path) {
        Ok(f) => {
            let mut reader = BufReader::new(f);
            let mut line = Vec::new();
            let mut records = 0;
            'chunks: while !reader.fill_buf().with_context(cannot)?.is_empty() {
                let Some(chunk) = chunks.next() else {
                    bail!(
                        "{} has more records than the input has articles; not resuming",
                        path.display()
                    );
                };
                let chunk = chunk?;
                let mut bytes = 0;
                for input in &chunk {
                    line.clear();
                    let n = reader.read_until(b'\n', &mut line).with_context(cannot)?;
                    if line.last() != Some(&b'\n') {
                        pending = Some(chunk);
                        break 'chunks;
                    }
                    records += 1;
                    let id = serde_json::from_slice::<Value>(&line)
                        .ok()
                        .and_then(|v| v["id"].as_str().map(str::to_string));
                    let Some(id) = id else {
                        bail!(
                            "{}: line {records} is not a newsie record; not resuming",
                            path.display()
                        );
                    };
                    if id != input.record_id() {
                        bail!(
                            "{}: record {records} is {id:?}, the input has {:?} there: not the same input; not resuming",
                            path.display(),
                            input.record_id()
                        );
                    }
                    bytes += n as u64;
                }
                kept_bytes += bytes;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(cannot),
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(cannot)?;
    file.set_len(kept_bytes).with_context(cannot)?;
    Ok((file, pending))
}

/// Chunks of inputs: at most `CHUNK_ARTICLES` articles, no more once their text reaches the
/// chunk size. A bad input stops it in strict mode.
pub struct Chunks<I: Iterator<Item = Result<Input>>> {
    corpus: std::iter::Peekable<I>,
    strict: bool,
    chunk_bytes: usize,
}

impl<I: Iterator<Item = Result<Input>>> Iterator for Chunks<I> {
    type Item = Result<Vec<Input>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.corpus.peek()?;
        let mut chunk: Vec<Input> = Vec::with_capacity(CHUNK_ARTICLES);
        let mut bytes = 0;
        while chunk.len() < CHUNK_ARTICLES && bytes < self.chunk_bytes {
            let item = match self.corpus.next() {
                Some(Ok(item)) => item,
                Some(Err(e)) => return Some(Err(e)),
                None => break,
            };
            match &item {
                Input::Bad { id, error } if self.strict => {
                    let what = id.clone().or(error.line.map(|l| format!("line {l}")));
                    return Some(Err(anyhow::anyhow!(
                        "bad input {}: {}: {}",
                        what.unwrap_or_default(),
                        error.kind,
                        error.message
                    )));
                }
                Input::Article(a) => bytes += a.text.len(),
                Input::Bad { .. } => {}
            }
            chunk.push(item);
        }
        Some(Ok(chunk))
    }
}
