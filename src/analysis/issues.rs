//! Issues across a corpus: a run's positions grouped by the meaning of their contents (the base
//! sentence encoder's vectors), each issue labelled by its most central content and its top
//! keywords, and a speaker × issue table of stances.
//!
//! Grouping is one pass of leader clustering (a position joins the nearest issue whose centre is
//! within `threshold` cosine, else starts one) and then `rounds` of spherical k-means over the
//! issues found, so that the result depends little on the order of the positions. Memory grows
//! with the positions (their texts and one byte per vector dimension), never with their pairs:
//! similarities are taken against issue centres, a chunk of positions at a time.

use crate::analysis::who::Who;
use crate::doc::Stance;
use crate::model::sentence::SentenceEncoder;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

mod label;
use label::{label, words};

/// How positions are grouped.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Cosine to an issue's centre at least, to join it.
    pub threshold: f32,
    /// Cosine between two issues' centres at least, to make them one.
    pub merge: f32,
    /// Issues with fewer positions are dropped (their positions belong to none).
    pub min_size: usize,
    /// Contents with fewer words are left out ("it", "the offer": no topic to group by).
    pub min_words: usize,
    /// Rounds of k-means after the first pass.
    pub rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 0.4,
            merge: 0.55,
            min_size: 2,
            min_words: 3,
            rounds: 2,
        }
    }
}

/// A position as the issues need it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Member {
    /// The article's id.
    pub article: String,
    /// The position's id in its record ("P3").
    pub position: String,
    /// The speaker's row: its corpus entity's name, or "unattributed" / "unnamed sources".
    pub speaker: String,
    /// The speaker's corpus id, where the speaker is a person or organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// The source's own words, for an unnamed source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The speaker's stance.
    pub stance: Stance,
    /// The content's words.
    pub content: String,
}

/// One issue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Issue {
    /// "I1", "I2", … by size, largest first.
    pub id: String,
    /// Its most central content.
    pub label: String,
    /// Words its contents use more than the others do.
    pub keywords: Vec<String>,
    /// Its positions, in input order.
    pub positions: Vec<Member>,
}

/// Stance counts of one speaker on one issue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpeakerStances {
    /// The issue's id.
    pub issue: String,
    /// The speaker's row: a corpus entity's name, another named speaker's name,
    /// "unattributed" (no speaker, or a pronoun that names no one) or "unnamed sources".
    pub speaker: String,
    /// The corpus id of the row's person or organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_id: Option<String>,
    /// The unnamed sources' words, each once, in order of first use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Positions in support.
    pub support: usize,
    /// Positions in opposition.
    pub oppose: usize,
    /// Neutral positions.
    pub neutral: usize,
}

/// What `newsie issues` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Issues {
    /// Positions read.
    pub positions: usize,
    /// Positions in some issue.
    pub grouped: usize,
    /// The issues, largest first.
    pub issues: Vec<Issue>,
    /// Speaker × issue stance counts, by issue, then by positions (most first).
    pub table: Vec<SpeakerStances>,
}

/// Reads every position of a run's records, its speaker counted by `who`'s rows (error records
/// and lines that are not records are skipped and counted).
pub fn read_positions(reader: impl BufRead, who: &Who) -> Result<(Vec<Member>, usize)> {
    let mut members = Vec::new();
    let mut article = 0;
    let skipped = crate::output::record::for_each_record(reader, |record| {
        members.extend(record.positions.into_iter().map(|p| {
            let row = who.speaker_row(article, p.speaker.as_ref());
            Member {
                article: record.id.clone(),
                position: p.id,
                speaker: row.name,
                speaker_id: row.id,
                source: row.source,
                stance: p.stance,
                content: p.content.text,
            }
        }));
        article += 1;
    })?;
    Ok((members, skipped))
}

/// Unit vectors stored one signed byte per dimension (a quarter of f32's memory; cosines move
/// by less than 0.01).
pub struct Vectors {
    dim: usize,
    data: Vec<i8>,
}

impl Vectors {
    /// No vectors yet, of this length.
    pub fn new(dim: usize) -> Self {
        Vectors {
            dim,
            data: Vec::new(),
        }
    }

    /// Appends a unit vector.
    pub fn push(&mut self, v: &[f32]) {
        debug_assert_eq!(v.len(), self.dim);
        self.data.extend(
            v.iter()
                .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8),
        );
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.data.len() / self.dim.max(1)
    }

    /// None yet.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Vector `i`, as floats.
    fn get(&self, i: usize, out: &mut [f32]) {
        for (o, &b) in out
            .iter_mut()
            .zip(&self.data[i * self.dim..(i + 1) * self.dim])
        {
            *o = b as f32 / 127.0;
        }
    }
}

/// Issue centres: sums of their members' vectors, and the unit vectors of those sums.
struct Centres {
    dim: usize,
    sums: Vec<f32>,
    units: Vec<f32>,
}

impl Centres {
    fn new(dim: usize) -> Self {
        Centres {
            dim,
            sums: Vec::new(),
            units: Vec::new(),
        }
    }
    fn len(&self) -> usize {
        self.sums.len() / self.dim
    }
    /// Adds unit vector `v`, standing for `w` vectors, to centre `c` (a new one if `c` is the
    /// next index).
    fn add(&mut self, c: usize, v: &[f32], w: f32) {
        if c == self.len() {
            self.sums.extend(v.iter().map(|x| x * w));
            self.units.extend_from_slice(v);
        } else {
            for (s, x) in self.sums[c * self.dim..(c + 1) * self.dim]
                .iter_mut()
                .zip(v)
            {
                *s += x * w;
            }
        }
    }
    /// Brings the unit vectors up to the sums.
    fn normalise(&mut self) {
        for (s, u) in self
            .sums
            .chunks(self.dim)
            .zip(self.units.chunks_mut(self.dim))
        {
            // an empty centre stays zero: nothing is near it
            let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            for (u, s) in u.iter_mut().zip(s) {
                *u = s / norm;
            }
        }
    }
    /// The nearest centre of each vector and its cosine: a matrix product, a chunk at a time.
    fn nearest(&self, chunk: &[f32]) -> Vec<(usize, f32)> {
        let rows = chunk.len() / self.dim;
        if self.len() == 0 {
            return vec![(usize::MAX, f32::MIN); rows];
        }
        let a = tch::Tensor::from_slice(chunk).view([rows as i64, self.dim as i64]);
        let b = tch::Tensor::from_slice(&self.units).view([self.len() as i64, self.dim as i64]);
        let (best, at) = a.matmul(&b.transpose(0, 1)).max_dim(1, false);
        let best = Vec::<f32>::try_from(best).expect("f32 similarities");
        let at = Vec::<i64>::try_from(at).expect("indices");
        at.into_iter().map(|i| i as usize).zip(best).collect()
    }
}

/// Vectors compared against the centres at a time.
const CHUNK: usize = 1024;

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Leader clustering of `n` unit vectors (`get` fills vector `i`, `weight` is how many it
/// stands for): each joins the nearest centre within `threshold`, else starts one. A chunk is
/// compared with the centres as they stood before it (one matrix product), then its leftovers
/// with the centres the chunk itself started.
fn leader(
    n: usize,
    dim: usize,
    get: impl Fn(usize, &mut [f32]),
    weight: impl Fn(usize) -> f32,
    threshold: f32,
) -> (Vec<usize>, Centres) {
    let mut assign = vec![usize::MAX; n];
    let mut centres = Centres::new(dim);
    let mut chunk = vec![0.0f32; CHUNK * dim];
    for start in (0..n).step_by(CHUNK) {
        let rows = (n - start).min(CHUNK);
        for r in 0..rows {
            get(start + r, &mut chunk[r * dim..(r + 1) * dim]);
        }
        let near = centres.nearest(&chunk[..rows * dim]);
        let before = centres.len();
        for r in 0..rows {
            let v = &chunk[r * dim..(r + 1) * dim];
            let (mut c, mut sim) = near[r];
            for k in before..centres.len() {
                let s = dot(v, &centres.units[k * dim..(k + 1) * dim]);
                if s > sim {
                    (c, sim) = (k, s);
                }
            }
            if sim < threshold {
                c = centres.len();
            }
            assign[start + r] = c;
            centres.add(c, v, weight(start + r));
        }
        centres.normalise();
    }
    (assign, centres)
}

/// Groups vectors: each gets an issue index, or `None` when it joined no issue of `min_size`.
/// A first leader pass at `threshold`, then the same over the issues' centres (largest first)
/// at `merge`, so that an issue started by an outlying phrasing joins its topic, then k-means
/// rounds.
pub fn cluster(vectors: &Vectors, options: &Options) -> Vec<Option<usize>> {
    let dim = vectors.dim;
    let n = vectors.len();
    let (mut assign, first) = leader(
        n,
        dim,
        |i, out| vectors.get(i, out),
        |_| 1.0,
        options.threshold,
    );
    // merge: centres in order of size, each joining an earlier one within `merge`
    let mut sizes = vec![0usize; first.len()];
    for &c in &assign {
        sizes[c] += 1;
    }
    let mut order: Vec<usize> = (0..first.len()).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(sizes[c]), c));
    let (merged, mut centres) = leader(
        order.len(),
        dim,
        |i, out| out.copy_from_slice(&first.units[order[i] * dim..(order[i] + 1) * dim]),
        |i| sizes[order[i]] as f32,
        options.merge,
    );
    let mut to = vec![0usize; first.len()];
    for (i, &c) in order.iter().enumerate() {
        to[c] = merged[i];
    }
    for a in &mut assign {
        *a = to[*a];
    }
    // issues under `min_size` are dissolved, their positions free to join another in the
    // k-means rounds: every vector to its nearest centre within the threshold, centres
    // recomputed
    let mut sizes = vec![0usize; centres.len()];
    for &c in &assign {
        sizes[c] += 1;
    }
    for (c, &size) in sizes.iter().enumerate() {
        if size < options.min_size {
            centres.units[c * dim..(c + 1) * dim].fill(0.0);
        }
    }
    let mut assign: Vec<Option<usize>> = assign
        .into_iter()
        .map(|c| (sizes[c] >= options.min_size).then_some(c))
        .collect();
    let mut chunk = vec![0.0f32; CHUNK * dim];
    for _ in 0..options.rounds {
        let mut next = Centres::new(dim);
        next.sums = vec![0.0; centres.sums.len()];
        next.units = vec![0.0; centres.units.len()];
        for start in (0..n).step_by(CHUNK) {
            let rows = (n - start).min(CHUNK);
            for r in 0..rows {
                vectors.get(start + r, &mut chunk[r * dim..(r + 1) * dim]);
            }
            for (r, (c, sim)) in centres
                .nearest(&chunk[..rows * dim])
                .into_iter()
                .enumerate()
            {
                if sim >= options.threshold {
                    assign[start + r] = Some(c);
                }
                if let Some(c) = assign[start + r] {
                    next.add(c, &chunk[r * dim..(r + 1) * dim], 1.0);
                }
            }
        }
        next.normalise();
        centres = next;
    }
    let mut sizes = vec![0usize; centres.len()];
    for c in assign.iter().flatten() {
        sizes[*c] += 1;
    }
    assign
        .into_iter()
        .map(|c| c.filter(|&c| sizes[c] >= options.min_size))
        .collect()
}

/// Groups positions into issues: embeds each content with the encoder, clusters, labels.
pub fn group(
    members: Vec<Member>,
    encoder: &SentenceEncoder,
    options: &Options,
    mut progress: impl FnMut(usize),
) -> Result<Issues> {
    let total = members.len();
    let kept: Vec<usize> = (0..total)
        .filter(|&i| words(&members[i].content).count() >= options.min_words)
        .collect();
    progress(total - kept.len());
    let mut vectors = Vectors::new(encoder.dim());
    for chunk in kept.chunks(4 * CHUNK) {
        let texts: Vec<&str> = chunk.iter().map(|&i| members[i].content.as_str()).collect();
        for v in encoder.embed(&texts)? {
            vectors.push(&v);
        }
        progress(chunk.len());
    }
    let assign = cluster(&vectors, options);
    Ok(label(members, &kept, &vectors, &assign))
}

#[cfg(test)]
mod grouping;
#[cfg(test)]
mod tests;
