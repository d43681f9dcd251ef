//! What a model folder says, whatever runs it: its config, heads, tokenizer, windows, name and
//! weight files (a base encoder from the cache first, then the folder's own).

use super::{base_dirs, HeadSpec, Manifest};
use crate::model::windows::WindowSpec;
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::BertConfig;
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// A model folder, read and checked.
pub(super) struct Folder {
    pub dir: PathBuf,
    pub config: BertConfig,
    pub heads: Vec<HeadSpec>,
    /// A Hugging Face one-head folder: its head is `classifier`, not `heads.<task>`.
    pub classifier: bool,
    pub tokenizer: Tokenizer,
    pub spec: WindowSpec,
    pub name: String,
    /// The base encoder's weights, when the manifest names a base.
    pub base: Option<PathBuf>,
    /// The folder's weight files, laid over the base in order (none for `rust_model.ot`).
    pub weights: Vec<PathBuf>,
    /// A rust-bert `rust_model.ot` in place of safetensors.
    pub ot: Option<PathBuf>,
}

impl Folder {
    /// Reads a model folder; every failure says which file and why.
    pub fn read(dir: &Path) -> Result<Self> {
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

        let (mut weights, mut ot) = (Vec::new(), None);
        if manifest.weights.is_empty() {
            let st = dir.join("model.safetensors");
            let rust_ot = dir.join("rust_model.ot");
            if st.is_file() {
                weights.push(st);
            } else if rust_ot.is_file() {
                ot = Some(rust_ot);
            } else {
                bail!("no model.safetensors or rust_model.ot in {}", dir.display());
            }
        } else {
            weights.extend(manifest.weights.iter().map(|w| dir.join(w)));
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
        Ok(Folder {
            dir: dir.to_path_buf(),
            config,
            classifier: manifest.heads.is_empty(),
            heads,
            tokenizer,
            spec,
            name,
            base: base.map(|b| b.join("model.safetensors")),
            weights,
            ot,
        })
    }
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
