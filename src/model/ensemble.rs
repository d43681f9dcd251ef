//! Models of the same labels, windows and vocabulary, their probabilities averaged.

use super::{load_one, HeadSpec, Manifest, Runtime, Scores, TokenClassifier};
use crate::model::windows::{Window, WindowSpec};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::Path;
use tokenizers::Tokenizer;

/// Token classifiers of the same labels, windows and vocabulary whose probabilities are averaged:
/// seeds of one recipe err in different places, so their mean errs less than any of them.
pub struct Ensemble {
    members: Vec<Box<dyn TokenClassifier>>,
    /// The members' heads under the ensemble's task names.
    heads: Vec<HeadSpec>,
    provenance: Value,
}

impl Ensemble {
    pub(super) fn load(dir: &Path, manifest: &Manifest, rt: Runtime) -> Result<Self> {
        let mut members: Vec<Box<dyn TokenClassifier>> = Vec::new();
        for m in &manifest.members {
            let path = dir.join(m);
            let tagger =
                load_one(&path, rt).with_context(|| format!("member {m} of {}", dir.display()))?;
            if let Some(first) = members.first() {
                let labels = |t: &dyn TokenClassifier| {
                    t.heads()
                        .iter()
                        .map(|h| h.labels.clone())
                        .collect::<Vec<_>>()
                };
                if labels(tagger.as_ref()) != labels(first.as_ref())
                    || tagger.spec() != first.spec()
                    || tagger.tokenizer().get_vocab(true) != first.tokenizer().get_vocab(true)
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
        let each: Vec<String> = members
            .iter()
            .map(|m| m.provenance().as_str().unwrap_or_default().to_string())
            .collect();
        let provenance = Value::String(format!("{name} = mean of [{}]", each.join(", ")));
        let tasks = manifest.tasks(dir);
        let Some(first) = members.first() else {
            bail!("{}: an ensemble of no members", dir.display());
        };
        if tasks.len() != first.heads().len() {
            bail!(
                "{}: {} tasks for members of {} heads",
                dir.display(),
                tasks.len(),
                first.heads().len()
            );
        }
        let heads = tasks
            .into_iter()
            .zip(first.heads())
            .map(|(name, h)| HeadSpec {
                name,
                labels: h.labels.clone(),
            })
            .collect();
        Ok(Ensemble {
            members,
            heads,
            provenance,
        })
    }
}

impl TokenClassifier for Ensemble {
    fn heads(&self) -> &[HeadSpec] {
        &self.heads
    }
    fn spec(&self) -> WindowSpec {
        self.members[0].spec()
    }
    fn tokenizer(&self) -> &Tokenizer {
        self.members[0].tokenizer()
    }
    fn provenance(&self) -> Value {
        self.provenance.clone()
    }

    fn classify(&self, batch: &[&Window]) -> Result<Vec<Vec<Scores>>> {
        let mut sum = self.members[0].classify(batch)?;
        for m in &self.members[1..] {
            for (acc, s) in sum
                .iter_mut()
                .flatten()
                .zip(m.classify(batch)?.iter().flatten())
            {
                acc.probs
                    .iter_mut()
                    .zip(&s.probs)
                    .for_each(|(a, b)| *a += b);
            }
        }
        let n = self.members.len() as f32;
        for s in sum.iter_mut().flatten() {
            s.probs.iter_mut().for_each(|p| *p /= n);
        }
        Ok(sum)
    }
}
