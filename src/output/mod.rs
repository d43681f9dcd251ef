//! Where records go: a [`RecordSink`] takes them a chunk at a time, in input order. JSONL
//! ([`jsonl::JsonlSink`], which can also resume a killed run) is the one format so far; a new
//! format is one new file here.

pub mod jsonl;
pub mod record;

use crate::output::record::Record;
use crate::Result;

pub use jsonl::JsonlSink;

/// Takes the records of a run, a chunk at a time, in input order.
pub trait RecordSink {
    /// Writes one chunk's records. A sink that writes a file should leave whole chunks behind
    /// when the process is killed, so that `--resume` can go on from them.
    fn write_chunk(&mut self, records: &[Record]) -> Result<()>;
    /// Called once after the last chunk: flushes what is buffered.
    fn finish(&mut self) -> Result<()>;
}
