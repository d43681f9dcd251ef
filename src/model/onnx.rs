//! The BERT token classifier on ONNX Runtime (`--backend onnx`): the graph `scripts/export_onnx.py`
//! wrote of the same folder (int8 by default, fp32 with `--precision fp32`), run by the
//! `libonnxruntime.so` of the PyPI onnxruntime wheel that `scripts/setup` puts in the cache.

use super::folder::Folder;
use super::{base_dirs, find_set_up, HeadSpec, Precision, Scores, TokenClassifier};
use crate::model::windows::{Window, WindowSpec};
use anyhow::{anyhow, bail, Context, Result};
use ort::session::{builder::GraphOptimizationLevel, Session};
use ort::value::{Tensor, TensorRef};
use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use tokenizers::Tokenizer;

/// The ONNX Runtime release whose C API `ort` is built for, as `scripts/setup` installs it.
const RUNTIME: &str = "onnxruntime-1.31.1/libonnxruntime.so";

/// The exporter: a graph is found by a key over it and the folder's files, so that a changed
/// model or exporter is never run from an old export.
const EXPORTER: &[u8] = include_bytes!("../../scripts/export_onnx.py");

/// A token classifier on ONNX Runtime. Each window is run alone, unpadded: int8 activations are
/// scaled by their tensor's range, so a window in a batch would score by its neighbours. One
/// single-threaded session per thread, the windows of a batch shared among them: a window's
/// products split between two threads gained less than two windows at once (docs/benchmarks.md),
/// and a session runs one call at a time.
pub struct OnnxTagger {
    sessions: Vec<Mutex<Session>>,
    heads: Vec<HeadSpec>,
    tokenizer: Tokenizer,
    spec: WindowSpec,
    provenance: Value,
}

/// The environment, once per process: the library is loaded by path, no variable needed.
fn environment() -> Result<&'static ort::environment::Environment> {
    static ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> =
        OnceLock::new();
    ENV.get_or_init(|| {
        let lib = find_set_up(RUNTIME).ok_or_else(|| {
            format!(
                "--backend onnx needs {RUNTIME} in one of {:?} (run scripts/setup)",
                base_dirs()
            )
        })?;
        ort::init_from(&lib)
            .map_err(|e| format!("cannot load {}: {e}", lib.display()))?
            .with_name("newsie")
            .build()
            .map_err(|e| format!("ONNX Runtime: {e}"))
    })
    .as_ref()
    .map_err(|e| anyhow!("{e}"))
}

/// The export's file name for a folder: `onnx/<key>-<int8|fp32>.onnx` in the set-up folders.
/// The key covers the activation ranges of the int8 export (`int8_ranges.safetensors`) too.
fn export_name(dir: &Path, weights: &[PathBuf], precision: Precision) -> Result<String> {
    let mut h = Sha256::new();
    h.update(EXPORTER);
    let manifest = dir.join("newsie.json");
    let ranges = dir.join("int8_ranges.safetensors");
    let files = [dir.join("config.json")]
        .into_iter()
        .chain(manifest.is_file().then_some(manifest))
        .chain(weights.iter().cloned())
        .chain(ranges.is_file().then_some(ranges));
    for p in files {
        h.update(std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?);
    }
    let key: String = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let kind = if precision == Precision::F32 {
        "fp32"
    } else {
        "int8"
    };
    Ok(format!("onnx/{key}-{kind}.onnx"))
}

impl OnnxTagger {
    /// Loads a model folder's export, one session for each of `threads`.
    pub fn load(dir: &Path, precision: Precision, threads: usize) -> Result<Self> {
        let f = Folder::read(dir)?;
        if f.ot.is_some() {
            bail!(
                "{}: --backend onnx reads safetensors weights, not rust_model.ot",
                dir.display()
            );
        }
        if matches!(precision, Precision::Bf16 | Precision::Fast) {
            bail!("--backend onnx runs int8 (--precision auto) or fp32, not bf16");
        }
        let name = export_name(&f.dir, &f.weights, precision)?;
        let path = find_set_up(&name).ok_or_else(|| {
            anyhow!(
                "no ONNX export of {} ({name} in none of {:?}): run scripts/setup, or for a \
                 folder of your own: scripts/export-onnx {} (it writes into the newsie cache)",
                dir.display(),
                base_dirs(),
                dir.display()
            )
        })?;
        let options = |e: &dyn std::fmt::Display| anyhow!("ONNX Runtime session options: {e}");
        let env = environment()?;
        let session = || -> Result<Session> {
            Session::builder(env)
                .map_err(|e| options(&e))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| options(&e))?
                .with_intra_threads(1)
                .map_err(|e| options(&e))?
                .with_inter_threads(1)
                .map_err(|e| options(&e))?
                .commit_from_file(&path)
                .map_err(|e| anyhow!("cannot load {}: {e}", path.display()))
        };
        let sessions: Vec<Mutex<Session>> = (0..threads.max(1))
            .map(|_| session().map(Mutex::new))
            .collect::<Result<_>>()?;
        let outputs = sessions[0].lock().map_or(0, |s| s.outputs().len());
        if outputs != f.heads.len() {
            bail!(
                "{}: {outputs} outputs for {} heads (an export of another folder?)",
                path.display(),
                f.heads.len()
            );
        }
        let kind = if precision == Precision::F32 {
            "onnx fp32"
        } else {
            "onnx int8"
        };
        Ok(OnnxTagger {
            sessions,
            provenance: Value::String(format!("{} ({kind})", f.name)),
            heads: f.heads,
            tokenizer: f.tokenizer,
            spec: f.spec,
        })
    }

    fn run(&self, session: &mut Session, w: &Window) -> Result<Vec<Scores>> {
        let n = w.ids.len();
        // the window's own ids and types, read in place
        fn view(v: &[i64]) -> ort::Result<TensorRef<'_, i64>> {
            TensorRef::from_array_view(([1usize, v.len()], v))
        }
        let inputs = ort::inputs![
            "input_ids" => view(&w.ids)?,
            "attention_mask" => Tensor::from_array(([1usize, n], vec![1i64; n]))?,
            "token_type_ids" => view(&w.types)?,
        ];
        let out = session.run(inputs)?;
        self.heads
            .iter()
            .enumerate()
            .map(|(k, h)| {
                let (_, probs) = out[k].try_extract_tensor::<f32>()?;
                let labels = h.labels.len();
                if probs.len() != n * labels {
                    bail!("head {}: {} scores for {n} pieces", h.name, probs.len());
                }
                Ok(Scores {
                    labels,
                    probs: probs.to_vec(),
                })
            })
            .collect()
    }
}

impl TokenClassifier for OnnxTagger {
    fn heads(&self) -> &[HeadSpec] {
        &self.heads
    }
    fn spec(&self) -> WindowSpec {
        self.spec
    }
    fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
    fn provenance(&self) -> Value {
        self.provenance.clone()
    }

    fn classify(&self, batch: &[&Window]) -> Result<Vec<Vec<Scores>>> {
        batch
            .par_iter()
            .map(|w| {
                // each worker its own session; a busy one is waited for
                let i = rayon::current_thread_index().unwrap_or(0) % self.sessions.len();
                let mut session = self.sessions[i]
                    .lock()
                    .map_err(|_| anyhow!("an earlier model run panicked"))?;
                self.run(&mut session, w)
            })
            .collect()
    }
}
