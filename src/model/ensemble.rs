//! Models of the same labels, windows and vocabulary, their probabilities averaged.

use super::{BertTagger, Manifest, Precision, Scores, TokenClassifier};
use crate::windows::{Window, WindowSpec};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::Path;
use tokenizers::Tokenizer;

/// Token classifiers of the same labels, windows and vocabulary whose probabilities are averaged:
/// seeds of one recipe err in different places, so their mean errs less than any of them.
pub struct Ensemble {
    members: Vec<BertTagger>,
    provenance: Value,
}

impl Ensemble {
    pub(super) fn load(dir: &Path, manifest: &Manifest, precision: Precision) -> Result<Self> {
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
