//! The one interface of the pipeline's steps: a [`Stage`] reads some layers of a [`Doc`] and adds
//! others. The pipeline is an ordered list of stages, checked when it is built
//! ([`check`]): a stage whose requirement no stage before it adds is refused.
//!
//! Adding a stage is one new file with a type that implements [`Stage`], and one line where
//! `pipeline` builds its list.

pub mod attribution;
pub mod entities;
pub mod fingerprint;
pub mod language;
pub mod ner;
pub mod places;
pub mod segment;
pub mod tag;
#[cfg(test)]
pub(crate) mod testing;

pub use crate::doc::Layer;
pub use crate::error::MissingLayer;

use crate::doc::Doc;
use anyhow::Result;
use rayon::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// One step of the pipeline: reads what it [`requires`](Stage::requires) of a Doc and adds
/// what it says it [`adds`](Stage::adds).
pub trait Stage: Send + Sync {
    /// A short name, for messages.
    fn name(&self) -> &str;
    /// What must be on the Doc before this stage runs.
    fn requires(&self) -> Vec<Layer>;
    /// What this stage adds to the Doc (or rewrites, when it also requires it).
    fn adds(&self) -> Vec<Layer>;
    /// Annotates one article.
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()>;
    /// Annotates a chunk of articles: in parallel by default; model stages batch across them.
    fn annotate_all(&self, docs: &mut [Doc]) -> crate::Result<()> {
        docs.par_iter_mut().try_for_each(|d| self.annotate(d))
    }
    /// What the record's `model` says of this stage (a model's name and precision), by key.
    fn provenance(&self) -> Vec<(String, Value)> {
        Vec::new()
    }
}

/// A stage shared with whoever else needs it (the bench reads the tagger's windows).
impl<S: Stage + ?Sized> Stage for Arc<S> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn requires(&self) -> Vec<Layer> {
        (**self).requires()
    }
    fn adds(&self) -> Vec<Layer> {
        (**self).adds()
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        (**self).annotate(doc)
    }
    fn annotate_all(&self, docs: &mut [Doc]) -> crate::Result<()> {
        (**self).annotate_all(docs)
    }
    fn provenance(&self) -> Vec<(String, Value)> {
        (**self).provenance()
    }
}

/// Checks that every stage's requirements are added by a stage before it.
pub fn check(stages: &[Box<dyn Stage>]) -> Result<(), MissingLayer> {
    let mut have: Vec<Layer> = Vec::new();
    for s in stages {
        if let Some(needs) = s.requires().into_iter().find(|l| !have.contains(l)) {
            return Err(MissingLayer {
                stage: s.name().to_string(),
                needs,
                order: stages
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(" → "),
            });
        }
        have.extend(s.adds());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage that only declares.
    struct Declares(&'static str, Vec<Layer>, Vec<Layer>);

    impl Stage for Declares {
        fn name(&self) -> &str {
            self.0
        }
        fn requires(&self) -> Vec<Layer> {
            self.1.clone()
        }
        fn adds(&self) -> Vec<Layer> {
            self.2.clone()
        }
        fn annotate(&self, _: &mut Doc) -> crate::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stage_needs_what_an_earlier_stage_adds() {
        use Layer::*;
        let segment = || Declares("segment", vec![], vec![Words]);
        let ner = || Declares("ner", vec![Words, Head("ner".into())], vec![Mentions]);
        let tag = || Declares("tag", vec![Words], vec![Head("ner".into())]);
        // (stages, the stage refused and what it lacks)
        let table: Vec<(Vec<Declares>, Option<(&str, Layer)>)> = vec![
            (vec![segment(), tag(), ner()], None),
            (
                vec![segment(), ner(), tag()],
                Some(("ner", Head("ner".into()))),
            ),
            (vec![tag(), segment()], Some(("tag", Words))),
            (vec![], None),
        ];
        for (stages, want) in table {
            let stages: Vec<Box<dyn Stage>> = stages
                .into_iter()
                .map(|s| Box::new(s) as Box<dyn Stage>)
                .collect();
            let got = check(&stages).err().map(|e| (e.stage.clone(), e.needs));
            assert_eq!(got, want.map(|(s, l)| (s.to_string(), l)));
        }
        let stages: Vec<Box<dyn Stage>> = vec![Box::new(segment()), Box::new(ner())];
        let msg = check(&stages).unwrap_err().to_string();
        assert_eq!(
            msg,
            "stage 'ner' needs the ner head's scores, which no stage before it adds \
             (stages: segment → ner)"
        );
    }
}
