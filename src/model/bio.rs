//! BIO tag sequences, shared by the token-classification stages: labels parsed from a model's
//! config, the best BIO-valid path through per-word probabilities (Viterbi: an `I-X` only after
//! `B-X` or `I-X`, which mends the odd stray `I-` a greedy argmax leaves), and its spans.

use anyhow::{bail, Result};
use std::ops::Range;

/// What a span is: an entity type, an attribution role.
pub trait SpanType: Copy + Eq + std::fmt::Debug {
    /// The type a label's suffix names, if any.
    fn parse(s: &str) -> Option<Self>;
    /// For error messages: the accepted names.
    const NAMES: &'static str;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A BIO tag.
pub enum Tag<T> {
    /// Outside any span.
    O,
    /// Begins a span.
    B(T),
    /// Continues a span.
    I(T),
}

impl<T: SpanType> Tag<T> {
    /// The tag of a label ("O", "B-PER", …), if it is one.
    pub fn parse(label: &str) -> Option<Self> {
        if label == "O" {
            return Some(Tag::O);
        }
        let (p, t) = label.split_once('-')?;
        let t = T::parse(t)?;
        match p {
            "B" => Some(Tag::B(t)),
            "I" => Some(Tag::I(t)),
            _ => None,
        }
    }

    fn may_follow(self, prev: Option<Tag<T>>) -> bool {
        match self {
            Tag::I(t) => matches!(prev, Some(Tag::B(p)) | Some(Tag::I(p)) if p == t),
            _ => true,
        }
    }
}

/// The labels of a model, parsed, in the model's label order.
#[derive(Debug, Clone)]
pub struct Tagset<T>(Vec<Tag<T>>);

impl<T: SpanType> Tagset<T> {
    /// The tags of a model's labels, in order; refused when a label is not O, B-X or I-X.
    pub fn new(labels: &[String]) -> Result<Self> {
        let mut tags = Vec::with_capacity(labels.len());
        for l in labels {
            match Tag::parse(l) {
                Some(t) => tags.push(t),
                None => bail!(
                    "label {l:?} is not O, B-TYPE or I-TYPE with TYPE one of {}",
                    T::NAMES
                ),
            }
        }
        Ok(Tagset(tags))
    }

    /// Best BIO-valid tag sequence for rows of label probabilities: (label index, probability)
    /// per row.
    pub fn viterbi(&self, rows: &[&[f32]]) -> Vec<(usize, f32)> {
        let tags = &self.0;
        let k = tags.len();
        if rows.is_empty() {
            return vec![];
        }
        let lp = |p: f32| (p.max(1e-12)).ln();
        let mut score: Vec<f32> = (0..k)
            .map(|j| {
                if tags[j].may_follow(None) {
                    lp(rows[0][j])
                } else {
                    f32::NEG_INFINITY
                }
            })
            .collect();
        let mut back: Vec<Vec<usize>> = Vec::with_capacity(rows.len());
        for row in &rows[1..] {
            let mut next = vec![f32::NEG_INFINITY; k];
            let mut bp = vec![0usize; k];
            for (j, tag) in tags.iter().enumerate() {
                for (i, (&s, &prev)) in score.iter().zip(tags).enumerate() {
                    if tag.may_follow(Some(prev)) && s > next[j] {
                        next[j] = s;
                        bp[j] = i;
                    }
                }
                next[j] += lp(row[j]);
            }
            back.push(bp);
            score = next;
        }
        let mut best = (0..k)
            .max_by(|&a, &b| score[a].total_cmp(&score[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut path = vec![best; rows.len()];
        for (t, bp) in back.iter().enumerate().rev() {
            best = bp[best];
            path[t] = best;
        }
        path.into_iter().zip(rows).map(|(j, r)| (j, r[j])).collect()
    }

    /// The spans of a decoded path, offset by `first` (the index of the path's first word): each
    /// with its type and the mean probability of its tags.
    pub fn spans(&self, path: &[(usize, f32)], first: usize) -> Vec<Span<T>> {
        let tags = path.iter().map(|&(j, _)| match self.0[j] {
            Tag::O => None,
            Tag::B(t) => Some((true, t)),
            Tag::I(t) => Some((false, t)),
        });
        tag_spans(tags)
            .into_iter()
            .map(|(words, kind)| Span {
                confidence: path[words.clone()].iter().map(|&(_, p)| p).sum::<f32>()
                    / words.len() as f32,
                words: first + words.start..first + words.end,
                kind,
            })
            .collect()
    }
}

/// The spans of a tag sequence, each tag `None` (O) or `(begins, kind)`: a `B-` tag opens a
/// span; an `I-` tag continues an open span of its kind, else opens one (as IOB1 reads).
pub fn tag_spans<K: PartialEq>(
    tags: impl IntoIterator<Item = Option<(bool, K)>>,
) -> Vec<(Range<usize>, K)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, K)> = None;
    let mut n = 0;
    for (i, tag) in tags.into_iter().enumerate() {
        n = i + 1;
        let continues = matches!((&tag, &open), (Some((false, k)), Some((_, o))) if k == o);
        if !continues {
            if let Some((s, k)) = open.take() {
                out.push((s..i, k));
            }
            open = tag.map(|(_, k)| (i, k));
        }
    }
    if let Some((s, k)) = open {
        out.push((s..n, k));
    }
    out
}

/// A decoded span of words.
#[derive(Debug, Clone, PartialEq)]
pub struct Span<T> {
    /// Its words.
    pub words: Range<usize>,
    /// Its type.
    pub kind: T,
    /// The mean probability of its tags.
    pub confidence: f32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::EntityType;

    const LABELS: [&str; 5] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    fn tagset() -> Tagset<EntityType> {
        Tagset::new(&LABELS.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn viterbi_table() {
        // (rows of probabilities over O B-PER I-PER B-LOC I-LOC, expected labels)
        let table: &[(&[[f32; 5]], &[usize])] = &[
            (
                &[
                    [0.0, 0.9, 0.1, 0.0, 0.0],
                    [0.1, 0.0, 0.9, 0.0, 0.0],
                    [0.9, 0.0, 0.1, 0.0, 0.0],
                ],
                &[1, 2, 0],
            ),
            // a stray I-PER after O: B-PER if it is the runner-up
            (
                &[[0.9, 0.1, 0.0, 0.0, 0.0], [0.1, 0.3, 0.6, 0.0, 0.0]],
                &[0, 1],
            ),
            // I-LOC right after B-PER cannot be: I-PER, the runner-up, wins
            (
                &[[0.0, 0.9, 0.0, 0.1, 0.0], [0.1, 0.0, 0.3, 0.0, 0.6]],
                &[1, 2],
            ),
            // unless the whole path is better as a LOC
            (
                &[[0.0, 0.5, 0.0, 0.4, 0.1], [0.05, 0.0, 0.05, 0.0, 0.9]],
                &[3, 4],
            ),
            (&[], &[]),
        ];
        let t = tagset();
        for (input, want) in table {
            let refs: Vec<&[f32]> = input.iter().map(|r| r.as_slice()).collect();
            let got: Vec<usize> = t.viterbi(&refs).into_iter().map(|x| x.0).collect();
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn spans_table() {
        // (path labels, expected (words, type)) with the path starting at word 10
        let table: &[(&[usize], &[(Range<usize>, EntityType)])] = &[
            (&[0, 1, 2, 0], &[(11..13, EntityType::PER)]),
            (
                &[1, 3, 4],
                &[(10..11, EntityType::PER), (11..13, EntityType::LOC)],
            ),
            (
                &[1, 1],
                &[(10..11, EntityType::PER), (11..12, EntityType::PER)],
            ),
            (&[0, 0], &[]),
        ];
        let t = tagset();
        for (labels, want) in table {
            let path: Vec<(usize, f32)> = labels.iter().map(|&j| (j, 0.5)).collect();
            let got: Vec<_> = t
                .spans(&path, 10)
                .into_iter()
                .map(|s| (s.words, s.kind))
                .collect();
            assert_eq!(got, *want, "{labels:?}");
        }
    }

    #[test]
    fn confidence_is_the_mean_of_the_span() {
        let t = tagset();
        let got = t.spans(&[(1, 0.8), (2, 0.4), (0, 0.9)], 0);
        assert!((got[0].confidence - 0.6).abs() < 1e-6);
    }

    #[test]
    fn bad_labels_are_refused() {
        assert!(Tagset::<EntityType>::new(&["O".to_string(), "B-FOO".to_string()]).is_err());
    }
}
