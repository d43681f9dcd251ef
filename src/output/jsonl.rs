//! JSON lines: one record a line, a chunk written and flushed at once; resuming a killed run.

use super::RecordSink;
use crate::input::Input;
use crate::output::record::Record;
use crate::{Error, Result};
use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// Records as JSON lines on a writer.
pub struct JsonlSink<W: Write> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonlSink { out }
    }
}

impl<W: Write> RecordSink for JsonlSink<W> {
    fn write_chunk(&mut self, records: &[Record]) -> Result<()> {
        let lines: Vec<Vec<u8>> = records
            .par_iter()
            .map(|r| {
                let mut v = serde_json::to_vec(r)?;
                v.push(b'\n');
                Ok(v)
            })
            .collect::<std::result::Result<_, serde_json::Error>>()
            .map_err(anyhow::Error::from)?;
        // a whole chunk at once, then flushed: a killed run leaves whole chunks and at most
        // one torn line, which --resume drops
        self.out.write_all(&lines.concat())?;
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        Ok(self.out.flush()?)
    }
}

/// Opens a killed run's output for appending after its last whole chunk. Reads the output along
/// the input's chunks, a line per input, checking that the ids match; truncates the file after
/// the last chunk whose lines are all there (a torn last line goes with its chunk). Returns the
/// file and the chunk to redo, if any; `chunks` goes on after it.
pub fn resume(
    path: &Path,
    chunks: &mut impl Iterator<Item = anyhow::Result<Vec<Input>>>,
) -> Result<(std::fs::File, Option<Vec<Input>>)> {
    resume_at(path, chunks).map_err(Error::Input)
}

fn resume_at(
    path: &Path,
    chunks: &mut impl Iterator<Item = anyhow::Result<Vec<Input>>>,
) -> anyhow::Result<(std::fs::File, Option<Vec<Input>>)> {
    let cannot = || format!("cannot resume {}", path.display());
    let mut kept_bytes = 0u64;
    let mut pending = None;
    match std::fs::File::open(path) {
        Ok(f) => {
            let mut reader = BufReader::new(f);
            let mut line = Vec::new();
            let mut records = 0;
            'chunks: while !reader.fill_buf().with_context(cannot)?.is_empty() {
                let Some(chunk) = chunks.next() else {
                    bail!(
                        "{} has more records than the input has articles; not resuming",
                        path.display()
                    );
                };
                let chunk = chunk?;
                let mut bytes = 0;
                for input in &chunk {
                    line.clear();
                    let n = reader.read_until(b'\n', &mut line).with_context(cannot)?;
                    if line.last() != Some(&b'\n') {
                        pending = Some(chunk);
                        break 'chunks;
                    }
                    records += 1;
                    let id = serde_json::from_slice::<Value>(&line)
                        .ok()
                        .and_then(|v| v["id"].as_str().map(str::to_string));
                    let Some(id) = id else {
                        bail!(
                            "{}: line {records} is not a newsie record; not resuming",
                            path.display()
                        );
                    };
                    if id != input.record_id() {
                        bail!(
                            "{}: record {records} is {id:?}, the input has {:?} there: not the same input; not resuming",
                            path.display(),
                            input.record_id()
                        );
                    }
                    bytes += n as u64;
                }
                kept_bytes += bytes;
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(cannot),
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(cannot)?;
    file.set_len(kept_bytes).with_context(cannot)?;
    Ok((file, pending))
}
