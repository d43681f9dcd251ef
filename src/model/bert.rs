//! The BERT token classifier on libtorch (rust-bert): loading a folder (config, tokenizer, weights
//! over a base), precision, the forward pass.

use super::folder::Folder;
use super::{HeadSpec, Precision, Scores, TokenClassifier};
use crate::model::windows::{Window, WindowSpec};
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::{BertEmbeddings, BertModel};
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
        let f = Folder::read(dir)?;
        let mut vs = nn::VarStore::new(Device::Cpu);
        let root = vs.root();
        let encoder = BertModel::new_with_optional_pooler(&root / "bert", &f.config, false);
        let linear = |p: nn::Path, labels: usize| {
            nn::linear(p, f.config.hidden_size, labels as i64, Default::default())
        };
        let linears: Vec<nn::Linear> = if f.classifier {
            vec![linear(&root / "classifier", f.heads[0].labels.len())]
        } else {
            f.heads
                .iter()
                .map(|h| linear(&root / "heads" / h.name.as_str(), h.labels.len()))
                .collect()
        };
        if let Some(ot) = &f.ot {
            vs.load(ot)
                .with_context(|| format!("cannot load {}", ot.display()))?;
        }
        let files: Vec<PathBuf> = f.base.iter().chain(&f.weights).cloned().collect();
        if !files.is_empty() {
            load_layers(&mut vs, &files)?;
        }
        vs.freeze();
        let kind = precision.kind();
        if kind == Kind::BFloat16 {
            vs.bfloat16();
        }
        Ok(BertTagger {
            encoder,
            linears,
            provenance: Value::String(format!("{} ({})", f.name, precision_name(precision, kind))),
            heads: f.heads,
            _vs: vs,
            tokenizer: f.tokenizer,
            spec: f.spec,
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
