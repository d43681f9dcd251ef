//! Grouping decoded spans into positions: each cue with its content pieces and its source.

use super::signed::breaks;
use super::{sentence_of, Role};
use crate::doc::{Doc, Position};
pub(super) use crate::model::bio::Span;
use std::ops::Range;

/// A content farther than this many words from every cue belongs to none (a guard: contents
/// sit beside their cue, before, after or around it).
const MAX_CONTENT_GAP: usize = 40;

/// Words between a content and a cue of another sentence that may still join them.
const MAX_GAP_ACROSS: usize = 2;

/// Words between two spans; 0 when they touch or overlap.
fn gap(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// Span indices by the sentence each span starts in.
fn by_sentence(doc: &Doc, spans: &[&Span<Role>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); doc.sentences.len() + 1];
    for (i, s) in spans.iter().enumerate() {
        out[sentence_of(doc, s.words.start)].push(i);
    }
    out
}

/// The cue a quotation with no cue of its own continues: `"Q1," she said. "Q2."` is one
/// position in two pieces (docs/positions.md). The quotation opens the sentence right after the
/// cue's, in the same paragraph; the cue is the last of that sentence.
fn continued(
    doc: &Doc,
    cues: &[&Span<Role>],
    cues_in: &[Vec<usize>],
    quoted: &[bool],
    c: &Span<Role>,
    sentence: usize,
) -> Option<usize> {
    let first = doc.sentences.get(sentence)?.tokens.start;
    if sentence == 0 || first == 0 || !quoted[c.words.start] || breaks(doc, first - 1) {
        return None;
    }
    // the quotation opens the sentence: no unquoted word before the content
    if (first..c.words.start).any(|w| !quoted[w]) {
        return None;
    }
    cues_in[sentence - 1]
        .iter()
        .copied()
        .max_by_key(|&i| cues[i].words.start)
}

pub(super) fn group(doc: &Doc, spans: &[Span<Role>], quoted: &[bool]) -> Vec<Position> {
    let of = |r: Role| spans.iter().filter(move |s| s.kind == r);
    let cues: Vec<&Span<Role>> = of(Role::Cue).collect();
    let cues_in = by_sentence(doc, &cues);
    let mut contents: Vec<Vec<&Span<Role>>> = vec![vec![]; cues.len()];
    for c in of(Role::Content) {
        // the nearest cue of a sentence the content starts or ends in (on a tie the one before
        // the content, the usual order); a cue of another sentence only right beside it ("he
        // said:" before a new line): a content whose cue the model missed stays out rather
        // than join a wrong one (PolNeAR dev: exact Content F1 +2.7 points)
        let edges = [
            sentence_of(doc, c.words.start),
            sentence_of(doc, c.words.end - 1),
        ];
        // cues of the sentences from the one before to the one after: any other is too far
        // (looking at them all made a 5 MB article quadratic)
        let near = edges[0].saturating_sub(1)..(edges[1] + 2).min(cues_in.len());
        let best = near
            .flat_map(|s| cues_in[s].iter().map(move |&i| (s, i)))
            .map(|(s, i)| {
                let q = cues[i];
                let apart = !edges.contains(&s);
                let g = gap(&q.words, &c.words);
                (apart, g, q.words.start > c.words.start, i)
            })
            .min()
            .filter(|&(apart, g, _, _)| !apart || g <= MAX_GAP_ACROSS)
            .map(|(_, g, before, i)| (g, before, i));
        match best {
            Some((g, _, i)) if g <= MAX_CONTENT_GAP => contents[i].push(c),
            Some(_) => {}
            None => {
                if let Some(i) = continued(doc, &cues, &cues_in, quoted, c, edges[0]) {
                    contents[i].push(c);
                }
            }
        }
    }
    let sources: Vec<&Span<Role>> = of(Role::Source).collect();
    let sources_in = by_sentence(doc, &sources);
    cues.iter()
        .zip(contents)
        .filter(|(_, c)| !c.is_empty())
        .map(|(q, parts)| {
            let source = sources_in[sentence_of(doc, q.words.start)]
                .iter()
                .map(|&i| sources[i])
                .min_by_key(|s| (gap(&s.words, &q.words), s.words.start > q.words.start));
            let mut content: Vec<Range<usize>> = Vec::new();
            for p in &parts {
                match content.last_mut() {
                    // a content split only by a window's or the model's B- tag is one piece
                    Some(last) if last.end == p.words.start => last.end = p.words.end,
                    _ => content.push(p.words.clone()),
                }
            }
            let confs: Vec<f32> = std::iter::once(q.confidence)
                .chain(parts.iter().map(|c| c.confidence))
                .chain(source.map(|s| s.confidence))
                .collect();
            Position {
                source: source.map(|s| s.words.clone()),
                speaker: None,
                cue: q.words.clone(),
                content,
                confidence: confs.iter().sum::<f32>() / confs.len() as f32,
                ..Position::default()
            }
        })
        .collect()
}
