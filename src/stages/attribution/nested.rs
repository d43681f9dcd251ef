//! Positions inside positions: a content that reports another speech act ("Putin told Trump
//! that Zelenskyy had proposed a settlement") yields that one too, reported by the first.
//!
//! PolNeAR annotates the top level only (no cue lies inside a content), so the attribution model
//! tags the claims inside a report as content. Read as a text of its own, the content is a
//! sentence like those it learned from, and the same model finds its source, cue and content.
//! Each content piece is read again that way, and so are the contents found there, down to
//! [`MAX_DEPTH`] levels. Inner speakers link to the article's entities like any other.

use super::group::group;
use super::kind::{kind, quoted_words};
use super::speaker::{first_person, relative, SpeakerIndex};
use super::stance::stance;
use super::{Role, HEAD};
use crate::doc::{Doc, Position};
use crate::model::bio::Tagset;
use crate::stages::tag::Tag;
use crate::stages::{Layer, Stage};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;

/// Levels of positions inside positions read, the top level not counted.
pub const MAX_DEPTH: usize = 3;

/// A content piece shorter than this many words holds no speech act of its own.
const MIN_WORDS: usize = 3;

/// The stage that reads each position's content as a text of its own.
pub struct Nested {
    tag: Arc<Tag>,
    tags: Tagset<Role>,
}

impl Nested {
    /// Runs the attribution head of `tag` over contents.
    pub fn new(tag: Arc<Tag>) -> Result<Self> {
        let labels = tag.labels(HEAD).context("no attribution model")?.to_vec();
        Ok(Nested {
            tag,
            tags: Tagset::new(&labels).context("attribution model")?,
        })
    }
}

/// The content pieces worth reading as texts of their own: long enough to hold a speech act,
/// without a leading "that" (a content that starts with it reads as a content again).
fn readable(doc: &Doc, content: &[Range<usize>]) -> Vec<Range<usize>> {
    content
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if doc.token_text(c.start).eq_ignore_ascii_case("that") {
                c.start += 1;
            }
            c
        })
        .filter(|c| c.len() >= MIN_WORDS)
        .collect()
}

/// Inner positions found in one content piece, in the article's words. Each must have a
/// source: what a content holds without one is mostly a piece of the content itself ("to discuss
/// the new pay offer" read as cue and content).
/// `sub` is the piece's slice of the article, whose first word is article word `first`.
fn inner(sub: &Doc, first: usize, tags: &Tagset<Role>, rows: &[&[f32]]) -> Vec<Position> {
    let spans = tags.spans(&tags.viterbi(rows), 0);
    let shift = |r: &Range<usize>| r.start + first..r.end + first;
    group(sub, &spans, &super::quoted_words(sub))
        .into_iter()
        .filter(|p| p.source.is_some())
        .map(|p| Position {
            source: p.source.as_ref().map(shift),
            cue: shift(&p.cue),
            content: p.content.iter().map(shift).collect(),
            ..p
        })
        .collect()
}

impl Stage for Nested {
    fn name(&self) -> &str {
        "nested positions"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![
            Layer::Words,
            Layer::Entities,
            Layer::Positions,
            Layer::Speakers,
            Layer::Stances,
        ]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Positions, Layer::Speakers, Layer::Stances]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        self.annotate_all(std::slice::from_mut(doc))
    }
    fn annotate_all(&self, docs: &mut [Doc]) -> crate::Result<()> {
        // (doc, position, piece) to read, level by level
        let mut todo: Vec<(usize, usize, Range<usize>)> = docs
            .par_iter()
            .enumerate()
            .flat_map_iter(|(d, doc)| {
                (doc.positions.iter().enumerate())
                    .flat_map(|(p, q)| readable(doc, &q.content).into_iter().map(move |c| (p, c)))
                    .map(move |(p, piece)| (d, p, piece))
                    .collect::<Vec<_>>()
            })
            .collect();
        for _ in 0..MAX_DEPTH {
            if todo.is_empty() {
                break;
            }
            let subs: Vec<Doc> = todo
                .par_iter()
                .map(|(d, _, piece)| docs[*d].slice(piece.clone()))
                .collect();
            let scores = self.tag.head_scores(&subs, HEAD)?;
            let found: Vec<Vec<Position>> = (todo.par_iter().zip(&subs).zip(scores))
                .map(|(((_, _, piece), sub), s)| inner(sub, piece.start, &self.tags, &s.rows()))
                .collect();
            drop(subs);
            let mut by_doc: Vec<Vec<(usize, Vec<Position>)>> = vec![Vec::new(); docs.len()];
            for ((d, p, _), f) in todo.iter().zip(found) {
                if !f.is_empty() {
                    by_doc[*d].push((*p, f));
                }
            }
            todo = docs
                .par_iter_mut()
                .zip(by_doc)
                .enumerate()
                .flat_map_iter(|(d, (doc, found))| {
                    let added = add(doc, found);
                    added
                        .into_iter()
                        .flat_map(|(p, content)| {
                            readable(doc, &content).into_iter().map(move |c| (d, p, c))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        docs.par_iter_mut().for_each(in_text_order);
        Ok(())
    }
}

/// Adds inner positions to a Doc, each reported by the position it was found in, with its kind,
/// speaker and stance; one whose cue another position has already is left out. Returns the new
/// positions' indices with their content pieces, to be read in turn.
fn add(doc: &mut Doc, found: Vec<(usize, Vec<Position>)>) -> Vec<(usize, Vec<Range<usize>>)> {
    let quoted = quoted_words(doc);
    let mut new = Vec::new();
    for (by, positions) in found {
        for mut p in positions {
            let taken = doc
                .positions
                .iter()
                .any(|q| q.cue.start < p.cue.end && p.cue.start < q.cue.end);
            // a cue half inside quotation marks is the quoted words read as a cue ("the West
            // was “waging a war” against Russia")
            let marks: Vec<bool> = p.cue.clone().map(|w| quoted[w]).collect();
            if taken || (marks.contains(&true) && marks.contains(&false)) {
                continue;
            }
            p.kind = kind(doc, &quoted, &p.content);
            p.stance = stance(doc, &p.cue, &p.content);
            p.reported_by = Some(by);
            new.push(doc.positions.len());
            doc.positions.push(p);
        }
    }
    if new.is_empty() {
        return Vec::new();
    }
    // speakers in text order: a pronoun reads the last speaker before it
    let is_new: std::collections::HashSet<usize> = new.iter().copied().collect();
    let mut order: Vec<usize> = (0..doc.positions.len()).collect();
    order.sort_by_key(|&i| (doc.positions[i].cue.start, i));
    let speakers = SpeakerIndex::new(doc);
    let mut last: Vec<Position> = Vec::new();
    let mut resolved = Vec::new();
    for i in order {
        let p = &doc.positions[i];
        let speaker = if is_new.contains(&i) {
            // "I" and "we" inside a content are the one who speaks it
            let own = p.source.as_ref().is_some_and(|s| first_person(doc, s));
            // "the Coalition Forces, who have said …": the pronoun's noun
            let antecedent = p.source.as_ref().and_then(|s| relative(doc, s));
            let s = match (own, p.reported_by) {
                (true, Some(r)) => doc.positions[r].speaker,
                _ => (antecedent.as_ref().or(p.source.as_ref()))
                    .and_then(|s| speakers.speaker(s, &p.content, &last)),
            };
            resolved.push((i, s, antecedent));
            s
        } else {
            p.speaker
        };
        if speaker.is_some() {
            last = vec![Position {
                speaker,
                ..p.clone()
            }];
        }
    }
    drop(speakers);
    for (i, speaker, antecedent) in resolved {
        doc.positions[i].speaker = speaker;
        doc.positions[i].antecedent = antecedent;
    }
    new.into_iter()
        .map(|i| (i, doc.positions[i].content.clone()))
        .collect()
}

/// Positions sorted by their cue, `reported_by` following them.
fn in_text_order(doc: &mut Doc) {
    let n = doc.positions.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (doc.positions[i].cue.start, i));
    if order.iter().enumerate().all(|(k, &i)| k == i) {
        return;
    }
    let mut new_index = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        new_index[i] = k;
    }
    let mut old: Vec<Option<Position>> = std::mem::take(&mut doc.positions)
        .into_iter()
        .map(Some)
        .collect();
    doc.positions = order
        .iter()
        .map(|&i| {
            let mut p = old[i].take().expect("each position once");
            p.reported_by = p.reported_by.map(|r| new_index[r]);
            p
        })
        .collect();
}
