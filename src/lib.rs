//! newsie: news corpora in, one JSONL record per article out, with the entities each article
//! mentions, the places it is about and the positions it reports.
//!
//! The house is spaCy-like: [`doc::Doc`] holds an article and everything found in it. Articles
//! come in through [`input`]; each step is a [`stages::Stage`] that declares what it needs of
//! the Doc and what it adds: `segment`, the model stage [`stages::tag::Tag`] (every model head
//! over the same windows), `ner`, `entities`, `attribution` (decoding, signed quotations,
//! speakers, stances, positions inside positions) and `places`. Only [`pipeline`] knows their
//! order, and checks it when it is built. Models sit behind [`model::TokenClassifier`]; the
//! gazetteer behind [`stages::places::gazetteer::Gazetteer`]. The output is defined once in
//! [`output::record`] and written through an [`output::RecordSink`]. [`analysis`] (who is who,
//! issues, export, report) and [`eval`] sit on top (docs/architecture.md).
//!
//! A corpus through the pipeline, one record per article (the shipped models and the base
//! encoder that `scripts/setup` fetches). Compiled, not run, by the doc tests: rustdoc links the
//! example in a temporary folder, where the executable-relative rpath to libtorch cannot reach;
//! the same run is what `tests/extract/` exercises.
//!
//! ```no_run
//! use newsie::input::{Corpus, Fields};
//! use newsie::model::Precision;
//! use newsie::output::JsonlSink;
//! use newsie::pipeline::{Models, Options, Pipeline};
//! use std::path::{Path, PathBuf};
//!
//! # fn main() -> anyhow::Result<()> {
//! let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
//! let models = Models::load(&repo.join("models"), Precision::Auto, true)?;
//! let options = Options {
//!     batch_size: 32,
//!     strict: false,
//!     chunk_bytes: 1 << 19,
//!     nested: true,
//!     place_threshold: newsie::stages::places::THRESHOLD,
//!     position_threshold: None,
//!     nested_threshold: None,
//!     reading: Default::default(),
//!     all_candidates: false,
//!     all_languages: false,
//! };
//! let pipeline = Pipeline::new(models, None, options)?; // no gazetteer: no places
//! let corpus = Corpus::open(&[repo.join("corpus/sample.jsonl")], Fields::default())?;
//! let mut out = Vec::new();
//! let summary = pipeline.extract(corpus, &mut JsonlSink::new(&mut out), &|_| {})?;
//! let first: serde_json::Value = serde_json::from_slice(out.split(|&b| b == b'\n').next().unwrap())?;
//! assert_eq!(summary.articles, 9);
//! assert_eq!(first["id"], "summit-geneva");
//! assert!(!first["entities"].as_array().unwrap().is_empty());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod analysis;
pub mod doc;
pub mod error;
pub mod eval;
pub mod home;
pub mod input;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod stages;
pub mod text;

pub use error::{Error, Result};
