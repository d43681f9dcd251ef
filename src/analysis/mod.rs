//! Analyses over a run's records, on top of the pipeline: positions grouped into [`issues`],
//! the records as [`export`] tables, the HTML [`report`], and [`who`] is who across the corpus.

pub mod export;
pub mod issues;
pub mod report;
pub mod who;

#[cfg(test)]
mod shape;
