//! The BERT token classifier on libtorch (rust-bert): loading a folder (config, tokenizer, weights
//! over a base), precision, the forward pass.

use super::{base_dirs, HeadSpec, Manifest, Precision, Scores, TokenClassifier};
use crate::model::windows::{Window, WindowSpec};
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

pub(super) const ISA_CAP: &str = "ONEDNN_MAX_CPU_ISA";

/// A BERT token classifier on libtorch (rust-bert), CPU: one encoder and one linear head per
/// task. A Hugging Face `BertForTokenClassification` folder is the one-head case (`classifier`,
/// labels in `config.json`); a folder whose `newsie.json` lists several tasks keeps each head
/// at `heads.<task>`, its labels under `heads` there.
pub struct BertTagger {
    pub(super) encoder: BertModel<BertEmbeddings>,
    pub(super) linears: Vec<nn::Linear>,
    pub(super) heads: Vec<HeadSpec>,
    // Owns the weights `model` points into.
    pub(super) _vs: nn::VarStore,
    pub(super) tokenizer: Tokenizer,
    pub(super) spec: WindowSpec,
    pub(super) provenance: Value,
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
        let tasks = manifest.tasks(dir);
        let heads: Vec<HeadSpec> = if manifest.heads.is_empty() {
            let [task] = tasks.as_slice() else {
                bail!(
                    "{}/newsie.json lists {} tasks and no labels for them under \"heads\"",
                    dir.display(),
                    tasks.len()
                );
            };
            vec![HeadSpec {
                name: task.clone(),
                labels: config_labels(&config, &config_path)?,
            }]
        } else {
            tasks
                .iter()
                .map(|t| match manifest.heads.get(t) {
                    Some(labels) if !labels.is_empty() => Ok(HeadSpec {
                        name: t.clone(),
                        labels: labels.clone(),
                    }),
                    _ => Err(anyhow!(
                        "{}/newsie.json: task {t} has no labels under \"heads\"",
                        dir.display()
                    )),
                })
                .collect::<Result<_>>()?
        };

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
        let root = vs.root();
        let encoder = BertModel::new_with_optional_pooler(&root / "bert", &config, false);
        let linear = |p: nn::Path, labels: usize| {
            nn::linear(p, config.hidden_size, labels as i64, Default::default())
        };
        let linears: Vec<nn::Linear> = match heads.as_slice() {
            [one] if manifest.heads.is_empty() => {
                vec![linear(&root / "classifier", one.labels.len())]
            }
            _ => heads
                .iter()
                .map(|h| linear(&root / "heads" / h.name.as_str(), h.labels.len()))
                .collect(),
        };
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
            encoder,
            linears,
            heads,
            _vs: vs,
            tokenizer,
            spec,
            provenance: Value::String(format!("{name} ({})", precision_name(precision, kind))),
        })
    }
}

/// The encoder's last hidden states of a padded batch (ids, attention mask, token types).
pub(super) fn encode(
    encoder: &BertModel<BertEmbeddings>,
    ids: &Tensor,
    mask: &Tensor,
    types: &Tensor,
) -> Result<Tensor> {
    let out = encoder
        .forward_t(
            Some(ids),
            Some(mask),
            Some(types),
            None,
            None,
            None,
            None,
            false,
        )
        .map_err(|e| anyhow!("encoder: {e}"))?;
    Ok(out.hidden_state)
}

/// The labels of a one-head folder's `config.json` (`id2label`, ids 0..n).
fn config_labels(config: &BertConfig, path: &Path) -> Result<Vec<String>> {
    let id2label = config
        .id2label
        .clone()
        .ok_or_else(|| anyhow!("{} has no id2label", path.display()))?;
    let mut labels = vec![String::new(); id2label.len()];
    for (i, l) in id2label {
        let slot = labels
            .get_mut(i as usize)
            .ok_or_else(|| anyhow!("{}: label ids are not 0..n", path.display()))?;
        *slot = l;
    }
    Ok(labels)
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
pub(super) fn load_layers(vs: &mut nn::VarStore, files: &[PathBuf]) -> Result<()> {
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
        if batch.is_empty() {
            return Ok(vec![]);
        }
        let width =
            crate::model::windows::padded_len(batch.iter().map(|w| w.ids.len()).max().unwrap_or(0));
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
        let probs = tch::no_grad(|| -> Result<Vec<Tensor>> {
            let hidden = encode(
                &self.encoder,
                &Tensor::from_slice(&ids).view(shape),
                &Tensor::from_slice(&mask).view(shape),
                &Tensor::from_slice(&types).view(shape),
            )?;
            // dropout is the identity at inference
            Ok(self
                .linears
                .iter()
                .map(|l| {
                    hidden
                        .apply(l)
                        .to_kind(Kind::Float)
                        .softmax(-1, Kind::Float)
                })
                .collect())
        })?;
        let mut out: Vec<Vec<Scores>> = (0..n).map(|_| Vec::with_capacity(probs.len())).collect();
        for (p, head) in probs.iter().zip(&self.heads) {
            let labels = head.labels.len();
            let flat: Vec<f32> = Vec::<f32>::try_from(p.flatten(0, -1)).context("model output")?;
            for (r, w) in batch.iter().enumerate() {
                let start = r * width * labels;
                out[r].push(Scores {
                    labels,
                    probs: flat[start..start + w.ids.len() * labels].to_vec(),
                });
            }
        }
        Ok(out)
    }
}
