//! The one model interface: a token classifier takes a batch of windows and returns, for every
//! wordpiece of every window, a probability per label of each head it has (one encoder may feed
//! several heads: NER and attribution read the same windows). A model trained here and any
//! rust-bert compatible BERT token classifier in a local folder load the same way.

mod bert;
pub mod bio;
mod ensemble;
mod folder;
mod onnx;
pub mod sentence;
pub mod windows;

pub use bert::BertTagger;
use bert::ISA_CAP;
pub use ensemble::Ensemble;
pub use onnx::OnnxTagger;

use crate::model::windows::{Window, WindowSpec};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tch::Kind;
use tokenizers::Tokenizer;

/// Label probabilities of one window: `len` rows of `labels` columns, row-major.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Labels per row.
    pub labels: usize,
    /// `rows × labels` probabilities.
    pub probs: Vec<f32>,
}

impl Scores {
    /// The probabilities of wordpiece `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.probs[i * self.labels..(i + 1) * self.labels]
    }
}

/// A head of a model: the name of the task it serves ("ner", "attribution": which decoding
/// stage reads it) and its labels, in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadSpec {
    /// The task.
    pub name: String,
    /// The labels.
    pub labels: Vec<String>,
}

/// Batch of windows in, per-token label scores of each head out.
pub trait TokenClassifier: Send {
    /// The heads, in the order of [`TokenClassifier::classify`]'s scores.
    fn heads(&self) -> &[HeadSpec];
    /// How the model's windows are cut.
    fn spec(&self) -> WindowSpec;
    /// The tokenizer its windows are built with.
    fn tokenizer(&self) -> &Tokenizer;
    /// Provenance written into each record.
    fn provenance(&self) -> Value;
    /// Per window, the label probabilities of every wordpiece for each head, in head order.
    fn classify(&self, batch: &[&Window]) -> Result<Vec<Vec<Scores>>>;
}

/// `newsie.json` beside a model's `config.json`. Absent for a plain rust-bert / Hugging Face
/// folder, which then needs `model.safetensors` (or `rust_model.ot`) and `tokenizer.json`.
#[derive(Debug, Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    name: Option<String>,
    /// The head this model is ("ner", "attribution": which decoding stage reads it), or the
    /// heads of a model with several, in order.
    #[serde(default)]
    task: Option<Task>,
    /// The labels of each head of a model with several (a single head's are in `config.json`).
    #[serde(default)]
    heads: std::collections::BTreeMap<String, Vec<String>>,
    /// Name of a base encoder folder in the newsie cache whose weights are loaded first.
    #[serde(default)]
    base: Option<String>,
    /// Weight files in this folder, laid over the base in order.
    #[serde(default)]
    weights: Vec<String>,
    #[serde(default)]
    casing: bool,
    #[serde(default)]
    window: Option<WindowManifest>,
    /// Sub-folders, each a model of the same labels and windows, whose probabilities are
    /// averaged (an ensemble); the folder then has no weights of its own.
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
enum Task {
    One(String),
    Many(Vec<String>),
}

impl Manifest {
    /// The heads' names: the `task`, else the folder's name (a plain rust-bert folder `ner/`).
    fn tasks(&self, dir: &Path) -> Vec<String> {
        match &self.task {
            Some(Task::One(t)) => vec![t.clone()],
            Some(Task::Many(ts)) => ts.clone(),
            None => vec![dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()],
        }
    }

    fn read(dir: &Path) -> Result<Self> {
        match std::fs::read_to_string(dir.join("newsie.json")) {
            Ok(s) => {
                serde_json::from_str(&s).with_context(|| format!("{}/newsie.json", dir.display()))
            }
            Err(_) => Ok(Manifest::default()),
        }
    }
}

/// What runs the models: libtorch (rust-bert) or ONNX Runtime (the CLI's `--backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Backend {
    /// rust-bert on libtorch.
    #[default]
    Torch,
    /// ONNX Runtime, the graphs `scripts/setup` exports (int8, or fp32 with `--precision fp32`).
    Onnx,
}

/// How a model folder is run: the backend, the number format and the backend's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    /// libtorch or ONNX Runtime.
    pub backend: Backend,
    /// The number format.
    pub precision: Precision,
    /// ONNX Runtime's sessions, one per thread (libtorch's threads are set process-wide); 0 for
    /// all cores.
    pub threads: usize,
}

impl From<Precision> for Runtime {
    /// libtorch at this precision.
    fn from(precision: Precision) -> Self {
        Runtime {
            backend: Backend::Torch,
            precision,
            threads: 0,
        }
    }
}

impl Runtime {
    fn threads(&self) -> usize {
        if self.threads > 0 {
            return self.threads;
        }
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Loads one model folder (no ensemble) on the runtime's backend.
fn load_one(dir: &Path, rt: Runtime) -> Result<Box<dyn TokenClassifier>> {
    Ok(match rt.backend {
        Backend::Torch => Box::new(BertTagger::load(dir, rt.precision)?),
        Backend::Onnx => Box::new(OnnxTagger::load(dir, rt.precision, rt.threads())?),
    })
}

/// Loads a model folder: one model, or an ensemble when its `newsie.json` names members.
pub fn load(dir: &Path, rt: impl Into<Runtime>) -> Result<Box<dyn TokenClassifier>> {
    let rt = rt.into();
    // a missing folder reads as no manifest, and the loader says it does not exist
    let manifest = Manifest::read(dir)?;
    if manifest.members.is_empty() {
        return load_one(dir, rt);
    }
    Ok(Box::new(Ensemble::load(dir, &manifest, rt)?))
}

/// The sub-folders of `dir` that are models (a `newsie.json` or a `config.json`), in name order.
fn model_folders(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("model folder {} does not exist", dir.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("newsie.json").is_file() || p.join("config.json").is_file())
        .collect();
    folders.sort();
    Ok(folders)
}

/// Whether a sub-folder of `dir` holds the head (by its manifest's `task` or its name).
pub fn has_head(dir: &Path, head: &str) -> bool {
    model_folders(dir).is_ok_and(|folders| {
        folders
            .iter()
            .any(|f| Manifest::read(f).is_ok_and(|m| m.tasks(f).iter().any(|t| t == head)))
    })
}

/// The models of a folder that hold the wanted heads, each loaded once: every sub-folder is a
/// model, whose heads are the `task` of its `newsie.json` (one name or a list), else the
/// folder's name (a plain rust-bert folder named `ner/`). A head two folders hold is refused.
pub fn load_heads(
    dir: &Path,
    rt: impl Into<Runtime>,
    wanted: &[&str],
) -> Result<Vec<Box<dyn TokenClassifier>>> {
    let rt = rt.into();
    let folders = model_folders(dir)?;
    let mut by_head: Vec<(String, usize)> = Vec::new();
    for (i, f) in folders.iter().enumerate() {
        for head in Manifest::read(f)?.tasks(f) {
            if let Some((_, other)) = by_head.iter().find(|(h, _)| *h == head) {
                bail!(
                    "{} and {} both have the {head} head; keep one",
                    folders[*other].display(),
                    f.display()
                );
            }
            by_head.push((head, i));
        }
    }
    // in the order asked, each folder loaded when first needed: the first problem is reported
    let (mut models, mut loaded): (Vec<Box<dyn TokenClassifier>>, Vec<usize>) = Default::default();
    for &head in wanted {
        let Some(&(_, i)) = by_head.iter().find(|(h, _)| h == head) else {
            bail!(
                "cannot load the {head} model: no folder in {} has a {head} head (a newsie.json with \"task\": \"{head}\", or a folder named {head})",
                dir.display()
            );
        };
        if !loaded.contains(&i) {
            let f = &folders[i];
            models.push(
                load(f, rt)
                    .with_context(|| format!("cannot load the {head} model in {}", f.display()))?,
            );
            loaded.push(i);
        }
    }
    Ok(models)
}

#[derive(Debug, Deserialize)]
struct WindowManifest {
    core: usize,
    context: usize,
}

/// The file `name` in the first of [`base_dirs`] that has it.
pub fn find_set_up(name: &str) -> Option<PathBuf> {
    base_dirs()
        .into_iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Folders where `scripts/setup` and `scripts/install` put base encoders and the other set-up
/// files: `$NEWSIE_CACHE`, each of [`crate::home::roots`] (an install's files, a checkout's
/// `.deps/`), then the per-user cache.
pub fn base_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("NEWSIE_CACHE") {
        dirs.push(PathBuf::from(d));
    }
    for root in crate::home::roots() {
        dirs.push(root.join(".deps"));
        dirs.push(root);
    }
    let user = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
    if let Some(u) = user {
        dirs.push(u.join("newsie"));
    }
    dirs
}

/// Number format of the weights and activations at inference (also the CLI's `--precision`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Precision {
    /// bf16 where the CPU computes it natively (AVX-512 BF16), else fp32.
    Auto,
    #[value(name = "fp32")]
    /// 32-bit floats everywhere.
    F32,
    /// bf16 weights and activations.
    Bf16,
    /// As `Auto`, with every bf16 kernel the CPU has, AMX included: faster where there is AMX,
    /// but scores then change in their last digits with the threads and the batch shapes.
    Fast,
}

impl Precision {
    /// bf16 is about 3 times faster than fp32 on a CPU with AVX-512 BF16 and scores the same on
    /// CoNLL (see models/ner/MODEL_CARD.md); without it libtorch emulates bf16, slowly.
    pub(crate) fn kind(self) -> Kind {
        match self {
            Precision::F32 => Kind::Float,
            Precision::Bf16 => Kind::BFloat16,
            Precision::Auto | Precision::Fast => {
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx512bf16") {
                    return Kind::BFloat16;
                }
                Kind::Float
            }
        }
    }

    /// Keeps oneDNN (libtorch's CPU kernels) to the AVX-512 BF16 ones unless `Fast`: its AMX
    /// kernels block a matrix product by the thread count and the matrix shape, so a word's
    /// scores would depend on `--threads` and on its batch (measured on a Xeon with AMX:
    /// confidences differ in the third decimal). oneDNN reads the cap once, at its first kernel,
    /// so this must run before any model computes; a cap the user set is left alone.
    pub(crate) fn pin_kernels(self) {
        if self != Precision::Fast && std::env::var_os(ISA_CAP).is_none() {
            std::env::set_var(ISA_CAP, "AVX512_CORE_BF16");
        }
    }
}
