//! Entities against CoNLL column files.

use super::Prf;
use crate::doc::{Doc, EntityType, Sentence, Token};
use crate::pipeline::{Pipeline, CHUNK_ARTICLES};
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::ops::Range;
use std::path::Path;

/// A CoNLL document: sentences of (token, BIO tag).
pub type ConllDoc = Vec<Vec<(String, String)>>;

/// Reads CoNLL column files: first column the token, last the tag (IOB1 or IOB2, returned as BIO),
/// blank lines between sentences, `-DOCSTART-` between documents. Universal NER's layout is
/// read too (a file that opens with a `#` comment): tab-separated index, token, tag; `#
/// newdoc` between documents, other comments skipped.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDoc>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut docs: Vec<ConllDoc> = Vec::new();
    let (mut doc, mut sent): (ConllDoc, Vec<(String, String)>) = (Vec::new(), Vec::new());
    let mut uner = None;
    for (n, line) in BufReader::new(f).lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        let uner = *uner.get_or_insert(line.starts_with('#'));
        let cols: Vec<&str> = if uner {
            line.split('\t').filter(|c| !c.is_empty()).collect()
        } else {
            line.split_whitespace().collect()
        };
        let new_doc = if uner {
            line.starts_with("# newdoc")
        } else {
            cols.first() == Some(&"-DOCSTART-")
        };
        if cols.is_empty() || new_doc || (uner && line.starts_with('#')) {
            if !sent.is_empty() {
                doc.push(std::mem::take(&mut sent));
            }
            if new_doc && !doc.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        let (word, tag) = match (uner, cols.as_slice()) {
            (true, [_, word, tag, ..]) => (*word, *tag),
            (false, [word, .., tag]) => (*word, *tag),
            _ => bail!(
                "{}: line {}: expected token and tag columns",
                path.display(),
                n + 1
            ),
        };
        let typed = |p: &str| tag.strip_prefix(p).is_some_and(|t| !t.is_empty());
        if tag != "O" && !typed("B-") && !typed("I-") {
            bail!(
                "{}: line {}: tag {tag:?} is not O, B-TYPE or I-TYPE",
                path.display(),
                n + 1
            );
        }
        sent.push((word.to_string(), tag.to_string()));
    }
    if !sent.is_empty() {
        doc.push(sent);
    }
    if !doc.is_empty() {
        docs.push(doc);
    }
    for s in docs.iter_mut().flatten() {
        to_bio(s);
    }
    Ok(docs)
}

/// IOB1 (or IOB2) to BIO: an `I-X` that does not continue an X span starts one.
fn to_bio(sent: &mut [(String, String)]) {
    let mut prev = String::from("O");
    for (_, tag) in sent.iter_mut() {
        if let Some(t) = tag.strip_prefix("I-") {
            // a tag too short to have a type ("O", or a stray "X") continues nothing
            if prev.get(2..) != Some(t) {
                *tag = format!("B-{t}");
            }
        }
        prev = tag.clone();
    }
}

/// Spans (token range, type) of a BIO sequence.
pub fn bio_spans(tags: &[&str]) -> Vec<(Range<usize>, String)> {
    let parsed = tags.iter().map(|t| {
        if let Some(k) = t.strip_prefix("B-") {
            Some((true, k))
        } else {
            t.strip_prefix("I-").map(|k| (false, k))
        }
    });
    crate::model::bio::tag_spans(parsed)
        .into_iter()
        .map(|(r, k)| (r, k.to_string()))
        .collect()
}

/// A Doc from gold tokens: text is the tokens joined by spaces, one sentence per line.
pub fn conll_doc(id: String, doc: &ConllDoc) -> Doc {
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut sentences = Vec::new();
    for s in doc {
        let first = tokens.len();
        let start = text.len();
        for (i, (w, _)) in s.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            tokens.push(Token {
                start: text.len(),
                end: text.len() + w.len(),
            });
            text.push_str(w);
        }
        sentences.push(Sentence {
            start,
            end: text.len(),
            tokens: first..tokens.len(),
        });
        text.push('\n');
    }
    let mut d = Doc::new(id, text);
    d.tokens = tokens;
    d.sentences = sentences;
    d
}

#[derive(Debug, Serialize)]
/// Scores of `newsie eval ner`.
pub struct NerReport {
    /// The file scored.
    pub file: String,
    /// Documents in it.
    pub documents: usize,
    /// Sentences in it.
    pub sentences: usize,
    /// Tokens in it.
    pub tokens: usize,
    /// Scores per entity type.
    pub by_type: BTreeMap<String, Prf>,
    /// Scores over all types.
    pub overall: Prf,
}

impl std::fmt::Display for NerReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: {} documents, {} sentences, {} tokens",
            self.file, self.documents, self.sentences, self.tokens
        )?;
        writeln!(
            f,
            "{:<8} {:>9} {:>9} {:>9} {:>7}",
            "type", "precision", "recall", "F1", "gold"
        )?;
        for (t, p) in self
            .by_type
            .iter()
            .map(|(t, p)| (t.as_str(), p))
            .chain([("overall", &self.overall)])
        {
            writeln!(
                f,
                "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>7}",
                t,
                p.precision,
                p.recall,
                p.f1,
                p.tp + p.fn_
            )?;
        }
        Ok(())
    }
}

/// Entity-level precision / recall / F1 of the pipeline's mentions against gold CoNLL spans, over
/// the types the gold uses (predictions of other types are left out). With `predictions`, writes `token gold pred` lines (blank line between sentences).
pub fn eval_ner(
    pipeline: &Pipeline,
    path: &Path,
    mut predictions: Option<&mut dyn Write>,
) -> Result<NerReport> {
    let gold_docs = read_conll(path)?;
    // a type the gold never tags (Universal NER has no MISC) is left out of the score
    let gold_types: HashSet<String> = gold_docs
        .iter()
        .flatten()
        .flatten()
        .filter_map(|(_, t)| t.get(2..).map(String::from))
        .collect();
    let mut counts: BTreeMap<String, Prf> = EntityType::all()
        .iter()
        .map(|t| format!("{t:?}"))
        .filter(|t| gold_types.contains(t))
        .map(|t| (t, Prf::default()))
        .collect();
    let (mut sentences, mut tokens) = (0, 0);
    for (c, chunk) in gold_docs.chunks(CHUNK_ARTICLES).enumerate() {
        let mut docs: Vec<Doc> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| conll_doc(format!("{}", c * CHUNK_ARTICLES + i), d))
            .collect();
        pipeline.annotate(&mut docs)?;
        for (gold, doc) in chunk.iter().zip(&docs) {
            let tags: Vec<&str> = gold.iter().flatten().map(|(_, t)| t.as_str()).collect();
            let gold_spans: HashSet<(Range<usize>, String)> = gold
                .iter()
                .scan(0, |off, s| {
                    let st: Vec<&str> = s.iter().map(|(_, t)| t.as_str()).collect();
                    let spans: Vec<_> = bio_spans(&st)
                        .into_iter()
                        .map(|(r, t)| (r.start + *off..r.end + *off, t))
                        .collect();
                    *off += s.len();
                    Some(spans)
                })
                .flatten()
                .collect();
            let pred_spans: HashSet<(Range<usize>, String)> = doc
                .mentions
                .iter()
                .map(|m| (m.tokens.clone(), format!("{:?}", m.label)))
                .filter(|(_, t)| gold_types.contains(t))
                .collect();
            for (span, t) in &pred_spans {
                let c = counts.entry(t.clone()).or_default();
                if gold_spans.contains(&(span.clone(), t.clone())) {
                    c.tp += 1
                } else {
                    c.fp += 1
                }
            }
            for g in gold_spans.difference(&pred_spans) {
                counts.entry(g.1.clone()).or_default().fn_ += 1;
            }
            sentences += gold.len();
            tokens += tags.len();
            if let Some(out) = predictions.as_deref_mut() {
                let mut pred = vec!["O".to_string(); tags.len()];
                for m in &doc.mentions {
                    for (k, i) in m.tokens.clone().enumerate() {
                        pred[i] = format!("{}-{:?}", if k == 0 { "B" } else { "I" }, m.label);
                    }
                }
                let mut i = 0;
                for s in gold {
                    for (w, g) in s {
                        writeln!(out, "{w} {g} {}", pred[i])?;
                        i += 1;
                    }
                    writeln!(out)?;
                }
            }
        }
    }
    let mut overall = Prf::default();
    for p in counts.values_mut() {
        overall.tp += p.tp;
        overall.fp += p.fp;
        overall.fn_ += p.fn_;
        *p = p.finish();
    }
    Ok(NerReport {
        file: path.display().to_string(),
        documents: gold_docs.len(),
        sentences,
        tokens,
        by_type: counts,
        overall: overall.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bio_spans_table() {
        let table: &[(&[&str], &[(usize, usize, &str)])] = &[
            (&["B-PER", "I-PER", "O"], &[(0, 2, "PER")]),
            (
                &["I-PER", "I-PER", "B-PER"],
                &[(0, 2, "PER"), (2, 3, "PER")],
            ),
            (&["B-LOC", "I-ORG"], &[(0, 1, "LOC"), (1, 2, "ORG")]),
            (&["O", "O"], &[]),
        ];
        for (tags, want) in table {
            let got: Vec<(usize, usize, String)> = bio_spans(tags)
                .into_iter()
                .map(|(r, t)| (r.start, r.end, t))
                .collect();
            let want: Vec<(usize, usize, String)> = want
                .iter()
                .map(|&(a, b, t)| (a, b, t.to_string()))
                .collect();
            assert_eq!(got, want, "{tags:?}");
        }
    }

    #[test]
    fn iob1_to_bio() {
        let mut s: Vec<(String, String)> = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]
            .iter()
            .map(|t| ("w".to_string(), t.to_string()))
            .collect();
        to_bio(&mut s);
        let tags: Vec<&str> = s.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(tags, ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]);
    }

    #[test]
    fn conll_doc_offsets() {
        let d: ConllDoc = vec![
            vec![
                ("EU".into(), "B-ORG".into()),
                ("rejects".into(), "O".into()),
            ],
            vec![("Peter".into(), "B-PER".into())],
        ];
        let doc = conll_doc("x".into(), &d);
        assert_eq!(doc.text, "EU rejects\nPeter\n");
        assert_eq!(doc.token_text(2), "Peter");
        assert_eq!(doc.sentences[1].tokens, 2..3);
    }

    #[test]
    fn both_layouts_read_to_the_same_documents() {
        let conll = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nParis NNP B-NP I-LOC\n";
        let uner = "# newdoc id = a\n# sent_id = a-1\n# text = EU rejects\n1\tEU\tB-ORG\t-\t-\n2\trejects\tO\t-\t-\n\n# sent_id = a-2\n1\tPeter\tB-PER\t-\t-\n\n# newdoc id = b\n# sent_id = b-1\n1\tParis\tB-LOC\t-\t-\n";
        let dir = tempfile::tempdir().unwrap();
        let read = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            read_conll(&p).unwrap()
        };
        let want: Vec<ConllDoc> = vec![
            vec![
                vec![
                    ("EU".into(), "B-ORG".into()),
                    ("rejects".into(), "O".into()),
                ],
                vec![("Peter".into(), "B-PER".into())],
            ],
            vec![vec![("Paris".into(), "B-LOC".into())]],
        ];
        assert_eq!(read("a.conll", conll), want);
        assert_eq!(read("a.iob2", uner), want);
    }
}
