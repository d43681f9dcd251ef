//! The one model interface: a token classifier takes a batch of windows and returns, for every
//! wordpiece of every window, a probability per label. A model trained here and any rust-bert
//! compatible BERT token classifier in a local folder load the same way.

use crate::windows::{Window, WindowSpec};
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

/// Label probabilities of one window: `len` rows of `labels` columns, row-major.
#[derive(Debug, Clone)]
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

/// Batch of windows in, per-token label scores out.
pub trait TokenClassifier: Send {
    /// The labels, in column order.
    fn labels(&self) -> &[String];
    /// How the model's windows are cut.
    fn spec(&self) -> WindowSpec;
    /// The tokenizer its windows are built with.
    fn tokenizer(&self) -> &Tokenizer;
    /// Provenance written into each record.
    fn provenance(&self) -> Value;
    /// Label probabilities of every wordpiece of each window.
    fn classify(&self, batch: &[&Window]) -> Result<Vec<Scores>>;
}

/// `newsie.json` beside a model's `config.json`. Absent for a plain rust-bert / Hugging Face
/// folder, which then needs `model.safetensors` (or `rust_model.ot`) and `tokenizer.json`.
#[derive(Debug, Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    name: Option<String>,
    /// The head this model is ("ner", "attribution"): which decoding stage reads it.
    #[serde(default)]
    task: Option<String>,
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

impl Manifest {
    fn read(dir: &Path) -> Result<Self> {
        match std::fs::read_to_string(dir.join("newsie.json")) {
            Ok(s) => {
                serde_json::from_str(&s).with_context(|| format!("{}/newsie.json", dir.display()))
            }
            Err(_) => Ok(Manifest::default()),
        }
    }
}

/// Loads a model folder: one model, or an ensemble when its `newsie.json` names members.
pub fn load(dir: &Path, precision: Precision) -> Result<Box<dyn TokenClassifier>> {
    // a missing folder reads as no manifest, and BertTagger::load says it does not exist
    let manifest = Manifest::read(dir)?;
    if manifest.members.is_empty() {
        return Ok(Box::new(BertTagger::load(dir, precision)?));
    }
    Ok(Box::new(Ensemble::load(dir, &manifest, precision)?))
}

/// A model and the name of the head it is.
pub struct Head {
    /// The head's name ("ner", "attribution").
    pub name: String,
    /// The model.
    pub model: Box<dyn TokenClassifier>,
}

/// The models of a folder that are the wanted heads, in the order asked. Each sub-folder is a
/// model; its head is the `task` of its `newsie.json`, else the folder's name (a plain rust-bert
/// folder named `ner/`).
pub fn load_heads(dir: &Path, precision: Precision, wanted: &[&str]) -> Result<Vec<Head>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("model folder {} does not exist", dir.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("newsie.json").is_file() || p.join("config.json").is_file())
        .collect();
    folders.sort();
    let mut by_head: Vec<(String, PathBuf)> = Vec::new();
    for f in folders {
        let task = Manifest::read(&f)?.task;
        let head =
            task.unwrap_or_else(|| f.file_name().unwrap_or_default().to_string_lossy().into());
        if let Some((_, other)) = by_head.iter().find(|(h, _)| *h == head) {
            bail!(
                "{} and {} are both the {head} model; keep one",
                other.display(),
                f.display()
            );
        }
        by_head.push((head, f));
    }
    wanted
        .iter()
        .map(|&head| {
            let what = || format!("cannot load the {head} model");
            let Some((_, folder)) = by_head.iter().find(|(h, _)| h == head) else {
                return Err(anyhow!(
                    "no folder in {} has a {head} model (a newsie.json with \"task\": \"{head}\", or a folder named {head})",
                    dir.display()
                ))
                .with_context(what);
            };
            Ok(Head {
                name: head.to_string(),
                model: load(folder, precision).with_context(what)?,
            })
        })
        .collect()
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

/// Folders where `scripts/setup` puts base encoders: `$NEWSIE_CACHE`, this build's repo `.deps/`,
/// then the per-user cache.
pub fn base_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("NEWSIE_CACHE") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join(".deps"));
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
    fn kind(self) -> Kind {
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
    fn pin_kernels(self) {
        if self != Precision::Fast && std::env::var_os(ISA_CAP).is_none() {
            std::env::set_var(ISA_CAP, "AVX512_CORE_BF16");
        }
    }
}

const ISA_CAP: &str = "ONEDNN_MAX_CPU_ISA";

/// A BERT token classifier on libtorch (rust-bert), CPU.
pub struct BertTagger {
    model: BertForTokenClassification,
    // Owns the weights `model` points into.
    _vs: nn::VarStore,
    tokenizer: Tokenizer,
    labels: Vec<String>,
    spec: WindowSpec,
    provenance: Value,
}

impl BertTagger {
    /// Loads a model folder; every failure says which file and why.
    pub fn load(dir: &Path, precision: Precision) -> Result<Self> {
        precision.pin_kernels();
        if !dir.is_dir() {
            bail!("model folder {} does not exist", dir.display());
        }
        let manifest = Manifest::read(dir)?;
        let config_path = dir.join("config.json");
        let config_text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {}", config_path.display()))?;
        let config: BertConfig = serde_json::from_str(&config_text)
            .with_context(|| format!("{} is not a BERT config", config_path.display()))?;
        let id2label = config
            .id2label
            .clone()
            .ok_or_else(|| anyhow!("{} has no id2label", config_path.display()))?;
        let mut labels = vec![String::new(); id2label.len()];
        for (i, l) in id2label {
            let slot = labels
                .get_mut(i as usize)
                .ok_or_else(|| anyhow!("{}: label ids are not 0..n", config_path.display()))?;
            *slot = l;
        }

        let base = match &manifest.base {
            Some(b) => {
                let dirs = base_dirs();
                let found = dirs
                    .iter()
                    .map(|d| d.join(b))
                    .find(|d| d.join("model.safetensors").is_file());
                match found {
                    Some(d) => Some(d),
                    None => bail!("base encoder '{b}' not found in {dirs:?} (run scripts/setup)"),
                }
            }
            None => None,
        };
        let tok_path = [
            Some(dir.join("tokenizer.json")),
            base.as_ref().map(|b| b.join("tokenizer.json")),
        ]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .ok_or_else(|| anyhow!("no tokenizer.json in {}", dir.display()))?;
        let mut tokenizer = Tokenizer::from_file(&tok_path)
            .map_err(|e| anyhow!("cannot load {}: {e}", tok_path.display()))?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| anyhow!("{e}"))?;
        tokenizer.with_padding(None);

        let mut vs = nn::VarStore::new(Device::Cpu);
        let model = BertForTokenClassification::new(vs.root(), &config)
            .map_err(|e| anyhow!("{}: {e}", config_path.display()))?;
        let mut files: Vec<PathBuf> = base.iter().map(|b| b.join("model.safetensors")).collect();
        if manifest.weights.is_empty() {
            let st = dir.join("model.safetensors");
            let ot = dir.join("rust_model.ot");
            if st.is_file() {
                files.push(st);
            } else if ot.is_file() {
                vs.load(&ot)
                    .with_context(|| format!("cannot load {}", ot.display()))?;
            } else {
                bail!("no model.safetensors or rust_model.ot in {}", dir.display());
            }
        } else {
            files.extend(manifest.weights.iter().map(|w| dir.join(w)));
        }
        if !files.is_empty() {
            load_layers(&mut vs, &files)?;
        }
        vs.freeze();
        let kind = precision.kind();
        if kind == Kind::BFloat16 {
            vs.bfloat16();
        }

        let spec = match &manifest.window {
            Some(w) => WindowSpec {
                core: w.core,
                context: w.context,
                casing: manifest.casing,
            },
            None => WindowSpec {
                core: 128,
                context: 16,
                casing: manifest.casing,
            },
        };
        if spec.core + 2 * spec.context + 2 > config.max_position_embeddings as usize {
            bail!(
                "window of {} pieces is longer than the model's positions",
                spec.core + 2 * spec.context + 2
            );
        }
        let name = manifest.name.clone().unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Ok(BertTagger {
            model,
            _vs: vs,
            tokenizer,
            labels,
            spec,
            provenance: Value::String(format!("{name} ({})", precision_name(precision, kind))),
        })
    }
}

/// As the record's provenance says it: outputs of `fast` are told apart, since only they may
/// change with the threads.
fn precision_name(precision: Precision, kind: Kind) -> &'static str {
    match (kind == Kind::BFloat16, precision) {
        (true, Precision::Fast) => "bf16, fast",
        (true, _) => "bf16",
        _ => "fp32",
    }
}

/// Copies weights into the store: each later file overrides the earlier ones; names without the
/// `bert.` prefix (a bare encoder) are matched too; `NAME.rows` + `NAME.values` replace rows of
/// NAME. Every variable must be found.
fn load_layers(vs: &mut nn::VarStore, files: &[PathBuf]) -> Result<()> {
    let mut found: std::collections::HashMap<String, Tensor> = Default::default();
    for f in files {
        let tensors = Tensor::read_safetensors(f)
            .with_context(|| format!("cannot read weights {}", f.display()))?;
        for (name, t) in tensors {
            found.insert(name, t);
        }
    }
    let mut missing = Vec::new();
    tch::no_grad(|| -> Result<()> {
        for (name, mut var) in vs.variables() {
            let src = found
                .get(&name)
                .or_else(|| name.strip_prefix("bert.").and_then(|n| found.get(n)));
            match src {
                Some(t) if t.size() == var.size() => {
                    var.copy_(&t.to_kind(Kind::Float));
                }
                Some(t) => bail!(
                    "weight {name}: shape {:?} in file, model wants {:?}",
                    t.size(),
                    var.size()
                ),
                None => missing.push(name.clone()),
            }
            // sparse rows over a table (fine-tuned word embeddings over the base's)
            if let (Some(rows), Some(values)) = (
                found.get(&format!("{name}.rows")),
                found.get(&format!("{name}.values")),
            ) {
                let width = var.size().get(1).copied();
                if values.size().get(1).copied() != width
                    || rows.dim() != 1
                    || rows.size().first() != values.size().first()
                {
                    bail!(
                        "weight {name}: rows {:?} and values {:?} do not fit {:?}",
                        rows.size(),
                        values.size(),
                        var.size()
                    );
                }
                let rows = rows.to_kind(Kind::Int64);
                if rows.numel() == 0 {
                    continue;
                }
                // libtorch aborts on a row out of range: a malformed file is the user's to fix
                let (lo, hi) = (
                    rows.f_min()?.int64_value(&[]),
                    rows.f_max()?.int64_value(&[]),
                );
                if lo < 0 || hi >= var.size()[0] {
                    bail!(
                        "weight {name}: rows {:?} (from {lo} to {hi}) do not index the {} rows of {:?}",
                        rows.size(),
                        var.size()[0],
                        var.size()
                    );
                }
                let _ = var
                    .f_index_copy_(0, &rows, &values.to_kind(Kind::Float))
                    .with_context(|| format!("weight {name}: cannot copy its rows"))?;
            }
        }
        Ok(())
    })?;
    if !missing.is_empty() {
        missing.sort();
        bail!("weights missing from {:?}: {}", files, missing.join(", "));
    }
    Ok(())
}

impl TokenClassifier for BertTagger {
    fn labels(&self) -> &[String] {
        &self.labels
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

    fn classify(&self, batch: &[&Window]) -> Result<Vec<Scores>> {
        if batch.is_empty() {
            return Ok(vec![]);
        }
        let width =
            crate::windows::padded_len(batch.iter().map(|w| w.ids.len()).max().unwrap_or(0));
        let n = batch.len();
        let mut ids = vec![0i64; n * width];
        let mut types = vec![0i64; n * width];
        let mut mask = vec![0i64; n * width];
        for (r, w) in batch.iter().enumerate() {
            let row = r * width;
            ids[row..row + w.ids.len()].copy_from_slice(&w.ids);
            types[row..row + w.types.len()].copy_from_slice(&w.types);
            mask[row..row + w.ids.len()].fill(1);
        }
        let shape = [n as i64, width as i64];
        let probs = tch::no_grad(|| {
            let out = self.model.forward_t(
                Some(&Tensor::from_slice(&ids).view(shape)),
                Some(&Tensor::from_slice(&mask).view(shape)),
                Some(&Tensor::from_slice(&types).view(shape)),
                None,
                None,
                false,
            );
            out.logits.to_kind(Kind::Float).softmax(-1, Kind::Float)
        });
        let labels = self.labels.len();
        let flat: Vec<f32> = Vec::<f32>::try_from(probs.flatten(0, -1)).context("model output")?;
        Ok(batch
            .iter()
            .enumerate()
            .map(|(r, w)| {
                let start = r * width * labels;
                Scores {
                    labels,
                    probs: flat[start..start + w.ids.len() * labels].to_vec(),
                }
            })
            .collect())
    }
}

/// Token classifiers of the same labels, windows and vocabulary whose probabilities are averaged:
/// seeds of one recipe err in different places, so their mean errs less than any of them.
pub struct Ensemble {
    members: Vec<BertTagger>,
    provenance: Value,
}

impl Ensemble {
    fn load(dir: &Path, manifest: &Manifest, precision: Precision) -> Result<Self> {
        let mut members: Vec<BertTagger> = Vec::new();
        for m in &manifest.members {
            let path = dir.join(m);
            let tagger = BertTagger::load(&path, precision)
                .with_context(|| format!("member {m} of {}", dir.display()))?;
            if let Some(first) = members.first() {
                if tagger.labels != first.labels
                    || tagger.spec != first.spec
                    || tagger.tokenizer.get_vocab(true) != first.tokenizer.get_vocab(true)
                {
                    bail!(
                        "member {m} of {}: labels, windows or vocabulary differ from the first member's",
                        dir.display()
                    );
                }
            }
            members.push(tagger);
        }
        let name = manifest
            .name
            .clone()
            .unwrap_or_else(|| dir.display().to_string());
        let each: Vec<&str> = members
            .iter()
            .map(|m| m.provenance.as_str().unwrap_or_default())
            .collect();
        let provenance = Value::String(format!("{name} = mean of [{}]", each.join(", ")));
        Ok(Ensemble {
            members,
            provenance,
        })
    }
}

impl TokenClassifier for Ensemble {
    fn labels(&self) -> &[String] {
        &self.members[0].labels
    }
    fn spec(&self) -> WindowSpec {
        self.members[0].spec
    }
    fn tokenizer(&self) -> &Tokenizer {
        &self.members[0].tokenizer
    }
    fn provenance(&self) -> Value {
        self.provenance.clone()
    }

    fn classify(&self, batch: &[&Window]) -> Result<Vec<Scores>> {
        let mut sum = self.members[0].classify(batch)?;
        for m in &self.members[1..] {
            for (acc, s) in sum.iter_mut().zip(m.classify(batch)?) {
                acc.probs
                    .iter_mut()
                    .zip(&s.probs)
                    .for_each(|(a, b)| *a += b);
            }
        }
        let n = self.members.len() as f32;
        for s in &mut sum {
            s.probs.iter_mut().for_each(|p| *p /= n);
        }
        Ok(sum)
    }
}
