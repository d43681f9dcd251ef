//! Sentence embeddings from the base encoder (all-MiniLM-L6-v2, a sentence encoder: mean of its
//! last layer over the pieces, scaled to length 1), for grouping positions into issues.

use super::bert::load_layers;
use super::{base_dirs, Precision};
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::{BertConfig, BertEmbeddings, BertModel};
use std::path::{Path, PathBuf};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::{Tokenizer, TruncationParams};

/// The base encoder's folder name in the newsie cache.
pub const BASE: &str = "all-minilm-l6-v2";

/// Pieces read of a text at most: the encoder was trained on 128.
const MAX_PIECES: usize = 128;

/// Texts per forward pass at most.
const BATCH: usize = 64;

/// A sentence encoder: texts in, unit vectors out.
pub struct SentenceEncoder {
    model: BertModel<BertEmbeddings>,
    // Owns the weights `model` points into.
    _vs: nn::VarStore,
    tokenizer: Tokenizer,
    dim: usize,
}

impl SentenceEncoder {
    /// Loads the base encoder from the newsie cache (`scripts/setup` puts it there).
    pub fn load(precision: Precision) -> Result<Self> {
        let dirs = base_dirs();
        let dir = dirs
            .iter()
            .map(|d| d.join(BASE))
            .find(|d| d.join("model.safetensors").is_file())
            .ok_or_else(|| {
                anyhow!("base encoder '{BASE}' not found in {dirs:?} (run scripts/setup)")
            })?;
        Self::load_dir(&dir, precision)
    }

    /// Loads an encoder folder (config.json, tokenizer.json, model.safetensors).
    pub fn load_dir(dir: &Path, precision: Precision) -> Result<Self> {
        precision.pin_kernels();
        let config_path = dir.join("config.json");
        let config: BertConfig = serde_json::from_str(
            &std::fs::read_to_string(&config_path)
                .with_context(|| format!("cannot read {}", config_path.display()))?,
        )
        .with_context(|| format!("{} is not a BERT config", config_path.display()))?;
        let tok_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tok_path)
            .map_err(|e| anyhow!("cannot load {}: {e}", tok_path.display()))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_PIECES,
                ..Default::default()
            }))
            .map_err(|e| anyhow!("{e}"))?;
        tokenizer.with_padding(None);
        let mut vs = nn::VarStore::new(Device::Cpu);
        let model =
            BertModel::<BertEmbeddings>::new_with_optional_pooler(vs.root(), &config, false);
        let weights: PathBuf = dir.join("model.safetensors");
        if !weights.is_file() {
            bail!("no model.safetensors in {}", dir.display());
        }
        load_layers(&mut vs, &[weights])?;
        vs.freeze();
        if precision.kind() == Kind::BFloat16 {
            vs.bfloat16();
        }
        Ok(SentenceEncoder {
            model,
            _vs: vs,
            tokenizer,
            dim: config.hidden_size as usize,
        })
    }

    /// The length of a vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// One unit vector per text, in order. Texts are batched by length, so that a batch pads
    /// little; the vectors do not depend on which texts come together.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow!("cannot tokenize: {e}"))?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());
        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let width = chunk
                .iter()
                .map(|&i| encodings[i].get_ids().len())
                .max()
                .unwrap_or(0);
            let n = chunk.len();
            let mut ids = vec![0i64; n * width];
            let mut mask = vec![0i64; n * width];
            for (r, &i) in chunk.iter().enumerate() {
                let e = encodings[i].get_ids();
                for (c, &id) in e.iter().enumerate() {
                    ids[r * width + c] = id as i64;
                    mask[r * width + c] = 1;
                }
            }
            let shape = [n as i64, width as i64];
            let vectors = tch::no_grad(|| -> Result<Tensor> {
                let mask = Tensor::from_slice(&mask).view(shape);
                let hidden = super::bert::encode(
                    &self.model,
                    &Tensor::from_slice(&ids).view(shape),
                    &mask,
                    &Tensor::zeros(shape, (Kind::Int64, Device::Cpu)),
                )?
                .to_kind(Kind::Float);
                let m = mask.to_kind(Kind::Float).unsqueeze(-1);
                let sum = (hidden * &m).sum_dim_intlist(1, false, Kind::Float);
                let mean = sum / m.sum_dim_intlist(1, false, Kind::Float).clamp_min(1.0);
                let norm = mean.norm_scalaropt_dim(2, [1], true).clamp_min(1e-12);
                Ok(mean / norm)
            })?;
            let flat = Vec::<f32>::try_from(vectors.flatten(0, -1)).context("encoder output")?;
            for (r, &i) in chunk.iter().enumerate() {
                out[i] = flat[r * self.dim..(r + 1) * self.dim].to_vec();
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn paraphrases_lie_closer_than_other_topics() {
        let Ok(enc) = SentenceEncoder::load(Precision::F32) else {
            eprintln!("skipped: no base encoder (run scripts/setup)");
            return;
        };
        let v = enc
            .embed(&[
                "the two sides should agree to a ceasefire",
                "both armies must stop firing and sign a truce",
                "tariffs on imported steel will rise next month",
            ])
            .unwrap();
        assert!((dot(&v[0], &v[0]) - 1.0).abs() < 1e-4);
        assert!(
            dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.1,
            "{} {}",
            dot(&v[0], &v[1]),
            dot(&v[0], &v[2])
        );
        // alone or in a batch, the same vector
        let alone = enc
            .embed(&["tariffs on imported steel will rise next month"])
            .unwrap();
        assert!(dot(&alone[0], &v[2]) > 0.9999);
    }
}
