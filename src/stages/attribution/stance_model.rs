//! A position's stance read by a model (docs/stance.md): a token classifier fine-tuned on the
//! labelled stances (`scripts/train/run stance`), every word of the position's span labelled
//! with its stance. The span is read as a text of its own; the stance is the label whose
//! log-probabilities, summed over its words, are largest. It replaces the features' stance
//! where the models folder has a stance model; it runs after the precision stage, so only the
//! positions kept are read.

use crate::doc::{Doc, Position, Stance};
use crate::stages::tag::Tag;
use crate::stages::{Layer, Stage};
use anyhow::{bail, Result};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::Arc;

/// The most words of a span read (scripts/train/data.py: STANCE_MAX_WORDS).
const MAX_WORDS: usize = 80;

/// The stage that reads each position's stance with the stance model.
pub struct ModelStances {
    tag: Arc<Tag>,
    /// The stance of each of the head's labels, in the head's order.
    labels: Vec<Stance>,
}

impl ModelStances {
    /// The head's name.
    pub const HEAD: &'static str = "stance";

    /// Runs the stance head of `tag`; its labels must be the three stances.
    pub fn new(tag: Arc<Tag>) -> Result<Self> {
        let Some(names) = tag.labels(Self::HEAD) else {
            bail!("no stance model");
        };
        let labels = names
            .iter()
            .map(|n| match n.to_ascii_lowercase().as_str() {
                "support" => Ok(Stance::Support),
                "oppose" => Ok(Stance::Oppose),
                "neutral" => Ok(Stance::Neutral),
                other => bail!(
                    "the stance model has a label {other:?}: it needs support, oppose and neutral"
                ),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ModelStances { tag, labels })
    }
}

/// The words read for a position: from its first to its last cue or content word, at most
/// [`MAX_WORDS`], the cue kept (a long quotation before its cue loses its start).
pub fn span(p: &Position) -> Option<Range<usize>> {
    let parts = std::iter::once(&p.cue)
        .chain(&p.content)
        .filter(|r| !r.is_empty());
    let lo = parts.clone().map(|r| r.start).min()?;
    let hi = parts.map(|r| r.end).max()?;
    let cue_end = if p.cue.is_empty() { lo } else { p.cue.end };
    Some(match hi - lo {
        n if n <= MAX_WORDS => lo..hi,
        _ if cue_end <= lo + MAX_WORDS => lo..lo + MAX_WORDS,
        _ => cue_end - MAX_WORDS..cue_end,
    })
}

impl Stage for ModelStances {
    fn name(&self) -> &str {
        "stance model"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Positions, Layer::Stances, Layer::Checked]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Stances]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        self.annotate_all(std::slice::from_mut(doc))
    }
    fn annotate_all(&self, docs: &mut [Doc]) -> crate::Result<()> {
        // (doc, position, words) of every position with words to read
        let todo: Vec<(usize, usize, Range<usize>)> = docs
            .iter()
            .enumerate()
            .flat_map(|(d, doc)| {
                (doc.positions.iter().enumerate())
                    .filter_map(move |(i, p)| span(p).map(|r| (d, i, r)))
            })
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        let subs: Vec<Doc> = todo
            .par_iter()
            .map(|(d, _, r)| docs[*d].slice(r.clone()))
            .collect();
        let scores = self.tag.head_scores(&subs, Self::HEAD)?;
        drop(subs);
        for ((d, i, _), s) in todo.iter().zip(scores) {
            let mut total = vec![0.0f64; s.labels];
            for row in s.probs.chunks(s.labels) {
                for (t, &p) in total.iter_mut().zip(row) {
                    *t += f64::from(p.max(1e-12)).ln();
                }
            }
            let best = (0..total.len())
                .max_by(|&a, &b| total[a].total_cmp(&total[b]).then(b.cmp(&a)))
                .expect("three labels");
            docs[*d].positions[*i].stance = self.labels[best];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(cue: Range<usize>, content: Vec<Range<usize>>) -> Position {
        Position {
            cue,
            content,
            ..Position::default()
        }
    }

    /// (cue, content pieces) -> words read.
    #[allow(clippy::single_range_in_vec_init)] // content pieces, one or more
    fn cases() -> Vec<(Range<usize>, Vec<Range<usize>>, Option<Range<usize>>)> {
        vec![
            (5..6, vec![7..20], Some(5..20)),
            (30..32, vec![10..28], Some(10..32)),
            (20..21, vec![10..18, 22..30], Some(10..30)),
            (0..0, vec![3..9], Some(3..9)),
            (0..0, vec![], None),
            // a long content after its cue: its first words
            (5..6, vec![7..200], Some(5..85)),
            // a long quotation before its cue: its last words and the cue
            (200..201, vec![10..198], Some(121..201)),
            (0..1, vec![1..81], Some(0..80)),
        ]
    }

    #[test]
    fn the_span_runs_from_the_first_to_the_last_word_and_keeps_the_cue() {
        for (cue, content, want) in cases() {
            assert_eq!(
                span(&position(cue.clone(), content.clone())),
                want,
                "{cue:?} {content:?}"
            );
        }
    }

    #[test]
    fn the_training_script_reads_the_same_words() {
        // scripts/train/data.py's stance_span, over words of two characters each ("w "), the
        // spans given in characters as the labels give them
        let chars = |r: &Range<usize>| serde_json::json!([2 * r.start, 2 * r.end - 1]);
        let input: Vec<serde_json::Value> = cases()
            .iter()
            .map(|(cue, content, _)| {
                let cue = (!cue.is_empty()).then(|| chars(cue));
                serde_json::json!({"cue": cue, "content": content.iter().map(chars).collect::<Vec<_>>()})
            })
            .collect();
        let script = "import json, sys\nfrom train.data import stance_span\nwords = [(2 * i, 2 * i + 1) for i in range(300)]\nfor c in json.load(sys.stdin):\n    print(json.dumps(stance_span(words, c['cue'], c['content'])))";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script])
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/scripts"),
            )
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3");
        use std::io::Write;
        let stdin = child.stdin.as_mut().unwrap();
        stdin
            .write_all(serde_json::Value::from(input).to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<Option<Range<usize>>> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<Option<[usize; 2]>>(l)
                    .unwrap()
                    .map(|[a, b]| a..b)
            })
            .collect();
        let want: Vec<Option<Range<usize>>> = cases().into_iter().map(|c| c.2).collect();
        assert_eq!(got, want);
    }
}
