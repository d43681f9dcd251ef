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

/// Words too common to tell issues apart.
const STOPWORDS: &[&str] = &[
    "the", "and", "that", "for", "with", "this", "was", "were", "are", "have", "has", "had", "not",
    "but", "they", "their", "them", "his", "her", "she", "him", "its", "our", "you", "your",
    "from", "will", "would", "could", "should", "can", "been", "being", "there", "what", "which",
    "who", "when", "where", "about", "into", "than", "then", "also", "more", "very", "just", "all",
    "any", "some", "one", "said", "says", "say", "because", "over", "out", "only", "other", "such",
    "these", "those", "does", "did", "doing", "how", "mrs", "mr", "ms", "why", "may", "might",
    "must", "own", "both", "each", "few", "most", "much", "many", "after", "before", "again",
    "now", "even", "still", "way", "get", "got", "make", "made", "going", "want", "need", "well",
    "here", "it's", "don't", "we", "he", "it", "is", "be", "to", "of", "in", "on", "a", "an", "as",
    "at", "by", "or", "if", "so", "no", "do", "i", "me", "my", "us",
];

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| {
            crate::doc::strip_possessive(w)
                .trim_matches(|c| c == '\'' || c == '’')
                .to_lowercase()
        })
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        .filter(|w| w.chars().any(char::is_alphabetic))
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

/// Issues from the assignment: members, label (the member nearest the centre), keywords (by
/// frequency in the issue times rarity over all contents), the speaker table.
fn label(
    members: Vec<Member>,
    kept: &[usize],
    vectors: &Vectors,
    assign: &[Option<usize>],
) -> Issues {
    let dim = vectors.dim;
    let mut by_issue: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (row, c) in assign.iter().enumerate() {
        if let Some(c) = c {
            by_issue.entry(*c).or_default().push(row);
        }
    }
    let mut doc_freq: HashMap<String, usize> = HashMap::new();
    for &i in kept {
        let mut seen: Vec<String> = words(&members[i].content).collect();
        seen.sort();
        seen.dedup();
        for w in seen {
            *doc_freq.entry(w).or_default() += 1;
        }
    }
    let n_docs = kept.len().max(1) as f32;
    let mut groups: Vec<Vec<usize>> = by_issue.into_values().collect();
    groups.sort_by_key(|rows| (std::cmp::Reverse(rows.len()), rows[0]));
    let mut v = vec![0.0f32; dim];
    let mut issues = Vec::with_capacity(groups.len());
    let mut table = Vec::new();
    for (k, rows) in groups.iter().enumerate() {
        let id = format!("I{}", k + 1);
        let mut centre = vec![0.0f32; dim];
        for &r in rows {
            vectors.get(r, &mut v);
            for (c, x) in centre.iter_mut().zip(&v) {
                *c += x;
            }
        }
        let central = rows
            .iter()
            .map(|&r| {
                vectors.get(r, &mut v);
                (r, dot(&v, &centre))
            })
            .fold((rows[0], f32::MIN), |b, x| if x.1 > b.1 { x } else { b })
            .0;
        let mut counts: HashMap<String, usize> = HashMap::new();
        for &r in rows {
            for w in words(&members[kept[r]].content) {
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut scored: Vec<(f32, String)> = counts
            .into_iter()
            .filter(|(_, c)| *c >= 2 || rows.len() < 3)
            .map(|(w, c)| (c as f32 * (n_docs / doc_freq[&w] as f32).ln(), w))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut speakers: BTreeMap<(&str, Option<&String>), SpeakerStances> = BTreeMap::new();
        for &r in rows {
            let m = &members[kept[r]];
            let s = speakers
                .entry((m.speaker.as_str(), m.speaker_id.as_ref()))
                .or_insert_with(|| SpeakerStances {
                    issue: id.clone(),
                    speaker: m.speaker.clone(),
                    speaker_id: m.speaker_id.clone(),
                    sources: vec![],
                    support: 0,
                    oppose: 0,
                    neutral: 0,
                });
            match m.stance {
                Stance::Support => s.support += 1,
                Stance::Oppose => s.oppose += 1,
                Stance::Neutral => s.neutral += 1,
            }
            if let Some(source) = &m.source {
                if !s.sources.contains(source) {
                    s.sources.push(source.clone());
                }
            }
        }
        let mut rows_of_table: Vec<SpeakerStances> = speakers.into_values().collect();
        rows_of_table.sort_by_key(|s| std::cmp::Reverse(s.support + s.oppose + s.neutral));
        table.extend(rows_of_table);
        issues.push(Issue {
            label: members[kept[central]].content.clone(),
            keywords: scored.into_iter().take(5).map(|(_, w)| w).collect(),
            positions: rows.iter().map(|&r| members[kept[r]].clone()).collect(),
            id,
        });
    }
    Issues {
        positions: members.len(),
        grouped: groups.iter().map(Vec::len).sum(),
        issues,
        table,
    }
}

#[cfg(test)]
mod grouping;
#[cfg(test)]
mod tests;
