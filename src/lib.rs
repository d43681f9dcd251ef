//! newsie: news corpora in, one JSONL record per article out, with the entities each article
//! mentions, the places it is about and the positions it reports.
//!
//! The house is spaCy-like: [`doc::Doc`] holds an article and everything found in it; each stage
//! (`segment`, `windows`, `ner`, `entities`, `attribution`, `places`) takes the Doc and adds to
//! it; only [`pipeline`] knows their order. Models sit behind [`model::TokenClassifier`]; the
//! gazetteer behind [`gazetteer::Gazetteer`]. [`eval`] and [`report`] sit on top.

pub mod attribution;
pub mod bio;
pub mod corpus;
pub mod doc;
pub mod entities;
pub mod eval;
pub mod gazetteer;
pub mod model;
pub mod ner;
pub mod output;
pub mod pipeline;
pub mod places;
pub mod record;
pub mod report;
pub mod segment;
pub mod stage;
pub mod tag;
#[cfg(test)]
mod testing;
pub mod windows;
