//! The model stage: every model head over the same windows, batched across a chunk of articles.
//!
//! A model may hold several heads over one encoder (one forward pass feeds them all). The
//! windows of the whole chunk are sorted by length and run through each model, batch by
//! batch (libtorch uses its own threads for each batch; rayon is idle meanwhile: no
//! oversubscription). A window's scores do not depend on the other windows of its batch (see
//! [`windows::batches`]), so neither the thread count nor the batch or chunk size changes them.
//! Each head's probabilities land on the Doc, one row per word (`Doc::heads`), for the decoding
//! stages to read.

use crate::doc::{Doc, WordScores};
use crate::model::windows::{self, Window, WindowSpec};
use crate::model::{Scores, TokenClassifier};
use crate::stages::{Layer, Stage};
use anyhow::{bail, Result};
use rayon::prelude::*;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tokenizers::Tokenizer;

/// The model stage: heads that read the same windows.
pub struct Tag {
    // Models are Send, not Sync (libtorch tensors): one thread runs them at a time; rayon's
    // workers only touch the tokenizer, which is shared.
    models: Mutex<Vec<Box<dyn TokenClassifier>>>,
    /// The heads read, in order; `at` says which model and which of its heads each is.
    names: Vec<String>,
    /// Heads read only where a stage asks ([`Tag::head_scores`]), not over whole articles.
    on_demand: Vec<bool>,
    at: Vec<(usize, usize)>,
    labels: Vec<Vec<String>>,
    provenance: Vec<(String, Value)>,
    tokenizer: Tokenizer,
    spec: WindowSpec,
    cls: u32,
    sep: u32,
    batch_size: AtomicUsize,
}

impl Tag {
    /// The heads named, of these models; the models must share their windows and vocabulary
    /// (one set of windows feeds all).
    pub fn new(
        models: Vec<Box<dyn TokenClassifier>>,
        heads: Vec<String>,
        batch_size: usize,
    ) -> Result<Self> {
        let Some(first) = models.first() else {
            bail!("no model to run");
        };
        let tok = first.tokenizer().clone();
        let (Some(cls), Some(sep)) = (tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")) else {
            bail!(
                "the {} model's tokenizer has no [CLS] / [SEP]",
                first.heads()[0].name
            );
        };
        let spec = first.spec();
        for m in &models[1..] {
            if m.spec() != spec || m.tokenizer().get_vocab(true) != tok.get_vocab(true) {
                bail!(
                    "the {} model's windows or vocabulary differ from the {} model's",
                    m.heads()[0].name,
                    first.heads()[0].name
                );
            }
        }
        let mut at = Vec::new();
        let mut labels = Vec::new();
        for name in &heads {
            let found = models.iter().enumerate().find_map(|(i, m)| {
                let k = m.heads().iter().position(|h| &h.name == name)?;
                Some((i, k, m.heads()[k].labels.clone()))
            });
            let Some((i, k, l)) = found else {
                bail!("no model has the {name} head");
            };
            at.push((i, k));
            labels.push(l);
        }
        let provenance = heads
            .iter()
            .zip(&at)
            .map(|(name, &(i, _))| (name.clone(), models[i].provenance()))
            .collect();
        Ok(Tag {
            on_demand: vec![false; heads.len()],
            names: heads,
            at,
            labels,
            provenance,
            models: Mutex::new(models),
            tokenizer: tok,
            spec,
            cls,
            sep,
            batch_size: AtomicUsize::new(batch_size.max(1)),
        })
    }

    /// Marks heads as read only where a stage asks for them (the stance head reads a position's
    /// words, not the article).
    pub fn on_demand(mut self, heads: &[String]) -> Self {
        for (name, d) in self.names.iter().zip(&mut self.on_demand) {
            *d = heads.contains(name);
        }
        self
    }

    /// The labels of a head, if this stage has it.
    pub fn labels(&self, head: &str) -> Option<&[String]> {
        let i = self.names.iter().position(|n| n == head)?;
        Some(&self.labels[i])
    }

    /// Windows per model batch from now on (the output does not change with it).
    pub fn set_batch_size(&self, size: usize) {
        self.batch_size.store(size.max(1), Ordering::Relaxed);
    }

    /// The windows of segmented articles, built in parallel.
    pub fn windows(&self, docs: &[Doc]) -> Result<Vec<Window>> {
        let per_doc: Result<Vec<Vec<Window>>> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| {
                let pieces = windows::pieces(&self.tokenizer, d)?;
                Ok(windows::build(i, d, &pieces, self.spec, self.cls, self.sep))
            })
            .collect();
        Ok(per_doc?.into_iter().flatten().collect())
    }

    /// Runs every head read over whole articles (not those [`Tag::on_demand`] marks) over
    /// windows, in batches of one padded length; per window, the scores of each head, in window
    /// order.
    pub fn classify(&self, windows: &[Window]) -> Result<Vec<Vec<Scores>>> {
        self.classify_heads(windows, &self.article_heads())
    }

    /// The heads read over whole articles.
    fn article_heads(&self) -> Vec<bool> {
        self.on_demand.iter().map(|d| !d).collect()
    }

    /// As `classify`, with only the heads marked (a model none of whose heads is marked is not
    /// run).
    fn classify_heads(&self, windows: &[Window], run: &[bool]) -> Result<Vec<Vec<Scores>>> {
        let mut scores: Vec<Vec<Scores>> = vec![Vec::new(); windows.len()];
        let models = self.models.lock().unwrap_or_else(|e| e.into_inner());
        let used: Vec<usize> = (0..models.len())
            .filter(|&i| self.at.iter().zip(run).any(|(a, &r)| r && a.0 == i))
            .collect();
        for batch in windows::batches(windows, self.batch_size.load(Ordering::Relaxed)) {
            let refs: Vec<&Window> = batch.iter().map(|&i| &windows[i]).collect();
            let mut out: Vec<Option<Vec<Vec<Scores>>>> = (0..models.len()).map(|_| None).collect();
            for &i in &used {
                out[i] = Some(models[i].classify(&refs)?);
            }
            for (&(i, k), _) in self.at.iter().zip(run).filter(|(_, &r)| r) {
                let per_window = out[i].as_mut().expect("run above");
                for (&w, s) in batch.iter().zip(per_window.iter_mut()) {
                    scores[w].push(std::mem::take(&mut s[k]));
                }
            }
        }
        Ok(scores)
    }

    /// Per Doc, the word scores of the heads marked, in head order.
    fn word_scores(&self, docs: &[Doc], run: &[bool]) -> Result<Vec<Vec<WordScores>>> {
        let windows = self.windows(docs)?;
        let scores = self.classify_heads(&windows, run)?;
        // windows are grouped by article, in order
        let mut by_doc: Vec<Vec<(&Window, Vec<Scores>)>> = vec![Vec::new(); docs.len()];
        for (w, s) in windows.iter().zip(scores) {
            by_doc[w.doc].push((w, s));
        }
        let labels: Vec<usize> = (self.labels.iter().zip(run))
            .filter(|(_, &r)| r)
            .map(|(l, _)| l.len())
            .collect();
        Ok(docs
            .par_iter()
            .zip(by_doc)
            .map(|(doc, ws)| {
                labels
                    .iter()
                    .enumerate()
                    .map(|(k, &labels)| {
                        // one row per word, read at its first piece
                        let mut probs = Vec::with_capacity(doc.tokens.len() * labels);
                        for (w, s) in &ws {
                            debug_assert_eq!(w.first_word * labels, probs.len());
                            for &h in &w.heads {
                                probs.extend_from_slice(s[k].row(h));
                            }
                        }
                        WordScores { labels, probs }
                    })
                    .collect()
            })
            .collect())
    }

    /// One head's word scores of each Doc (Docs the pipeline does not hold: the contents of
    /// positions, read as texts of their own).
    pub fn head_scores(&self, docs: &[Doc], head: &str) -> Result<Vec<WordScores>> {
        let run: Vec<bool> = self.names.iter().map(|n| n == head).collect();
        if !run.contains(&true) {
            bail!("no {head} model");
        }
        Ok(self
            .word_scores(docs, &run)?
            .into_iter()
            .map(|mut s| s.remove(0))
            .collect())
    }
}

impl Stage for Tag {
    fn name(&self) -> &str {
        "tag"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words]
    }
    fn adds(&self) -> Vec<Layer> {
        (self.names.iter().zip(&self.on_demand))
            .filter(|(_, &d)| !d)
            .map(|(n, _)| Layer::Head(n.clone()))
            .collect()
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        self.annotate_all(std::slice::from_mut(doc))
    }
    fn annotate_all(&self, docs: &mut [Doc]) -> crate::Result<()> {
        let run = self.article_heads();
        let scores = self.word_scores(docs, &run)?;
        let names: Vec<&String> = (self.names.iter().zip(&run))
            .filter(|(_, &r)| r)
            .map(|(n, _)| n)
            .collect();
        for (doc, heads) in docs.iter_mut().zip(scores) {
            for (name, s) in names.iter().zip(heads) {
                doc.heads.insert((*name).clone(), s);
            }
        }
        Ok(())
    }
    fn provenance(&self) -> Vec<(String, Value)> {
        self.provenance.clone()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::windows;

    #[test]
    fn the_training_script_builds_the_same_windows() {
        // scripts/train/windows.py, which the training script uses, on the sample corpus's
        // words with made-up piece counts and several window sizes
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/train/windows.py");
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/sample.jsonl");
        let mut cases = Vec::new();
        for line in std::fs::read_to_string(sample).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let doc = crate::stages::testing::segmented(v["text"].as_str().unwrap());
            let words: Vec<String> = (0..doc.tokens.len())
                .map(|i| doc.token_text(i).to_string())
                .collect();
            let counts: Vec<usize> = words.iter().map(|w| 1 + w.len() / 4).collect();
            let starts: Vec<usize> = doc.sentences.iter().map(|s| s.tokens.start).collect();
            for (core, context) in [(128, 64), (32, 8), (8, 2), (3, 0)] {
                cases.push((words.clone(), counts.clone(), starts.clone(), core, context));
            }
        }
        let input: String = cases
            .iter()
            .map(|(words, counts, starts, core, context)| {
                let case = serde_json::json!({"words": words, "counts": counts,
                    "starts": starts, "core": core, "context": context});
                format!("{case}\n")
            })
            .collect();
        let child = std::process::Command::new("python3")
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("skipped: no python3 to run {script}");
            return;
        };
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), cases.len());
        for ((words, counts, starts, core, context), got) in cases.iter().zip(&lines) {
            let want: Vec<[usize; 4]> = windows::plan(counts, starts, *core, *context)
                .iter()
                .map(|p| [p.ctx_start, p.core_start, p.core_end, p.ctx_end])
                .collect();
            assert_eq!(
                got["plan"],
                serde_json::json!(want),
                "core {core} context {context}"
            );
            let casings: Vec<i64> = words.iter().map(|w| windows::casing(w)).collect();
            assert_eq!(got["casing"], serde_json::json!(casings));
        }
    }
}
