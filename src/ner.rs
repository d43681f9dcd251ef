//! Named entities: per-word label probabilities to mentions.
//!
//! Each word is read at its first wordpiece (as trained). Tags are decoded per sentence with
//! Viterbi under the BIO constraint (an `I-X` only after `B-X` or `I-X`), which mends the odd
//! stray `I-` a greedy argmax leaves. A mention's confidence is the mean probability of its tags.

use crate::doc::{Doc, EntityType, Mention};
use anyhow::{bail, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    O,
    B(EntityType),
    I(EntityType),
}

impl Tag {
    pub fn parse(label: &str) -> Option<Tag> {
        if label == "O" {
            return Some(Tag::O);
        }
        let (p, t) = label.split_once('-')?;
        let t = EntityType::parse(t)?;
        match p {
            "B" => Some(Tag::B(t)),
            "I" => Some(Tag::I(t)),
            _ => None,
        }
    }

    fn may_follow(self, prev: Option<Tag>) -> bool {
        match self {
            Tag::I(t) => matches!(prev, Some(Tag::B(p)) | Some(Tag::I(p)) if p == t),
            _ => true,
        }
    }
}

/// The labels of an NER model, parsed.
#[derive(Debug, Clone)]
pub struct Tagset(Vec<Tag>);

impl Tagset {
    pub fn new(labels: &[String]) -> Result<Self> {
        let mut tags = Vec::with_capacity(labels.len());
        for l in labels {
            match Tag::parse(l) {
                Some(t) => tags.push(t),
                None => bail!(
                    "label {l:?} is not O, B-TYPE or I-TYPE with TYPE one of PER ORG LOC MISC"
                ),
            }
        }
        Ok(Tagset(tags))
    }
}

/// Best BIO-valid tag sequence for rows of label probabilities: (label index, probability) per row.
pub fn viterbi(tags: &Tagset, rows: &[&[f32]]) -> Vec<(usize, f32)> {
    let k = tags.0.len();
    if rows.is_empty() {
        return vec![];
    }
    let lp = |p: f32| (p.max(1e-12)).ln();
    let mut score: Vec<f32> = (0..k)
        .map(|j| {
            if tags.0[j].may_follow(None) {
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
        for (j, tag) in tags.0.iter().enumerate() {
            for (i, (&s, &prev)) in score.iter().zip(&tags.0).enumerate() {
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

/// Adds `doc.mentions` from one row of label probabilities per word.
pub fn annotate(doc: &mut Doc, tags: &Tagset, word_rows: &[&[f32]]) {
    let mut mentions = Vec::new();
    for s in &doc.sentences {
        let path = viterbi(tags, &word_rows[s.tokens.clone()]);
        let mut open: Option<(usize, EntityType, f32)> = None;
        let close =
            |open: &mut Option<(usize, EntityType, f32)>, end: usize, out: &mut Vec<Mention>| {
                if let Some((start, label, sum)) = open.take() {
                    out.push(Mention {
                        tokens: start..end,
                        label,
                        confidence: sum / (end - start) as f32,
                    });
                }
            };
        for (k, &(j, p)) in path.iter().enumerate() {
            let w = s.tokens.start + k;
            match tags.0[j] {
                Tag::O => close(&mut open, w, &mut mentions),
                Tag::B(t) => {
                    close(&mut open, w, &mut mentions);
                    open = Some((w, t, p));
                }
                Tag::I(_) => {
                    if let Some(o) = open.as_mut() {
                        o.2 += p;
                    }
                }
            }
        }
        close(&mut open, s.tokens.end, &mut mentions);
    }
    doc.mentions = mentions;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Sentence, Token};

    const LABELS: [&str; 5] = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

    fn tagset() -> Tagset {
        Tagset::new(&LABELS.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// A row putting `p` on `label` and the rest spread evenly.
    fn row(label: usize, p: f32) -> Vec<f32> {
        (0..LABELS.len())
            .map(|j| if j == label { p } else { (1.0 - p) / 4.0 })
            .collect()
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
            let got: Vec<usize> = viterbi(&t, &refs).into_iter().map(|x| x.0).collect();
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn mentions_do_not_cross_sentences() {
        let mut doc = Doc::new("d", "a b c d");
        doc.tokens = (0..4)
            .map(|i| Token {
                start: 2 * i,
                end: 2 * i + 1,
            })
            .collect();
        doc.sentences = vec![
            Sentence {
                start: 0,
                end: 3,
                tokens: 0..2,
            },
            Sentence {
                start: 4,
                end: 7,
                tokens: 2..4,
            },
        ];
        // word 2 leans to I-PER, which would continue word 1's mention were it not a new sentence
        let rows: Vec<Vec<f32>> = vec![
            row(0, 0.9),
            row(1, 0.8),
            vec![0.05, 0.4, 0.5, 0.025, 0.025],
            row(0, 0.9),
        ];
        let refs: Vec<&[f32]> = rows.iter().map(|r| r.as_slice()).collect();
        annotate(&mut doc, &tagset(), &refs);
        let got: Vec<_> = doc
            .mentions
            .iter()
            .map(|m| (m.tokens.clone(), m.label))
            .collect();
        assert_eq!(got, vec![(1..2, EntityType::PER), (2..3, EntityType::PER)]);
        assert!((doc.mentions[0].confidence - 0.8).abs() < 1e-6);
        assert!((doc.mentions[1].confidence - 0.4).abs() < 1e-6);
    }

    #[test]
    fn bad_labels_are_refused() {
        assert!(Tagset::new(&["O".to_string(), "B-FOO".to_string()]).is_err());
    }
}
