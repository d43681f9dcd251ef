//! Web pages in: saved `.html` / `.htm` files (also gzipped) and WARC archives, each page one
//! article with its main text and metadata.

pub mod page;
pub mod warc;

pub use page::Page;
pub use warc::{WarcCounts, WarcReader};
