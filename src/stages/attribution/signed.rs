//! Signed quotations: a paragraph that is one quotation, signed after a dash with its speaker's
//! name, as in vox pops and roundups of reactions ("“He represents our greatest shame.” ―
//! Sonya Herridge"). PolNeAR annotates the dash as the cue, the name as the source and the
//! quotation as the content, but no train article has the form, so the model misses it (one dev
//! article holds 24); the layout says it plainly enough for a rule.

use crate::doc::{Doc, Kind, Position};
use crate::stages::{Layer, Stage};
use std::ops::Range;

/// The stage that puts signed quotations in place of what the model read inside them; they
/// come direct, however their marks pair.
pub struct SignedQuotations;

impl Stage for SignedQuotations {
    fn name(&self) -> &str {
        "signed quotations"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Positions]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let signed = signed_quotations(doc);
        doc.positions = with_rule_positions(std::mem::take(&mut doc.positions), signed);
        Ok(())
    }
}

const DASHES: &[&str] = &["―", "—", "–"];
const CLOSING: &[&str] = &["”", "\"", "’’", "''", "»", "’", "'"];
const OPENING: &[&str] = &["“", "”", "\"", "‘‘", "``", "''", "«", "‘", "'"];

/// Longest signature read as a name, in words ("Julie A. Diaz Martinez").
const MAX_NAME: usize = 6;

/// A rule's position has no model probability; this stands for "sure, from the layout".
pub(super) const CONFIDENCE: f32 = 0.95;

/// Whether a line break separates words `a` and `a + 1`.
pub(super) fn breaks(doc: &Doc, a: usize) -> bool {
    doc.text[doc.tokens[a].end..doc.tokens[a + 1].start].contains('\n')
}

/// The words of a dash starting at word `w`: one, or two for "--" (segmented as two "-").
fn dash_at(doc: &Doc, w: usize) -> Option<Range<usize>> {
    let t = |w: usize| doc.tokens.get(w).map(|_| doc.token_text(w));
    if DASHES.contains(&t(w)?) {
        return Some(w..w + 1);
    }
    let double =
        t(w)? == "-" && t(w + 1) == Some("-") && doc.tokens[w].end == doc.tokens[w + 1].start;
    double.then_some(w..w + 2)
}

/// A capitalised name word, or an initial ("A.").
fn name_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// The model's positions with a layout rule's (signed quotations, transcript turns) in their
/// place: what the model found inside a rule's words (a cue of the quoted text, a piece of its
/// content) gives way.
pub(super) fn with_rule_positions(
    model: Vec<Position>,
    rule: Vec<(Position, Range<usize>)>,
) -> Vec<Position> {
    if rule.is_empty() {
        return model;
    }
    let inside = |r: &Range<usize>| rule.iter().any(|(_, s)| r.start < s.end && s.start < r.end);
    let mut out: Vec<Position> = model
        .into_iter()
        .filter(|p| !inside(&p.cue))
        .filter_map(|mut p| {
            p.content.retain(|c| !inside(c));
            (!p.content.is_empty()).then_some(p)
        })
        .collect();
    out.extend(rule.into_iter().map(|(p, _)| p));
    out.sort_by_key(|p| p.cue.start);
    out
}

/// Each signed quotation of the Doc as a direct position, with the words it covers (quotation
/// to signature), which no other position may share.
pub fn signed_quotations(doc: &Doc) -> Vec<(Position, Range<usize>)> {
    let n = doc.tokens.len();
    let text = |w: usize| doc.token_text(w);
    let mut out = Vec::new();
    for at in 1..n {
        let Some(dash) = dash_at(doc, at) else {
            continue;
        };
        if !CLOSING.contains(&text(at - 1)) || breaks(doc, at - 1) {
            continue;
        }
        // the name runs to the end of the paragraph, a full stop at most after it
        let mut end = dash.end;
        while end < n && end - dash.end < MAX_NAME && name_word(text(end)) && !breaks(doc, end - 1)
        {
            end += 1;
        }
        let ends_paragraph = |w: usize| w == n || breaks(doc, w - 1);
        let signed = end > dash.end
            && (ends_paragraph(end) || (text(end) == "." && ends_paragraph(end + 1)));
        if !signed {
            continue;
        }
        // the quotation opens the paragraph (looked for only now, so that each paragraph is
        // walked at most once: a long one full of asides stays linear)
        let mut first = at - 1;
        while first > 0 && !breaks(doc, first - 1) {
            first -= 1;
        }
        if first + 1 >= at - 1 || !OPENING.contains(&text(first)) {
            continue;
        }
        out.push((
            Position {
                source: Some(dash.end..end),
                speaker: None,
                cue: dash,
                content: std::iter::once(first..at).collect(),
                kind: Kind::Direct,
                confidence: CONFIDENCE,
                by_rule: true,
                ..Position::default()
            },
            first..end,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::segment;

    #[test]
    fn signed_quotations_table() {
        // (article, (content, cue, source) of each signed quotation)
        let cases: &[(&str, &[(&str, &str, &str)])] = &[
            (
                "Intro.\n\n“He represents our greatest shame.” ― Sonya Herridge\n\
                 ”He is ignorant of our culture.”― Carla Sanchez.\n\
                 \"Stop it.\" -- Julie A. Diaz Martinez",
                &[
                    ("“He represents our greatest shame.”", "―", "Sonya Herridge"),
                    ("”He is ignorant of our culture.”", "―", "Carla Sanchez"),
                    ("\"Stop it.\"", "--", "Julie A. Diaz Martinez"),
                ],
            ),
            // a dash after a quotation inside running text is an aside, not a signature
            (
                "Reid called him a “con artist” ― just as he did with Romney.",
                &[],
            ),
            ("Reid called him a “con artist” ― Trump said nothing.", &[]),
            // the paragraph must be the quotation
            ("Reid said “no” ― Harry Reid", &[]),
            // the name must end the paragraph
            ("“Stop it.” ― Harry Reid said on Monday.", &[]),
        ];
        for (article, want) in cases {
            let mut doc = Doc::new("t", *article);
            segment::annotate(&mut doc);
            let got: Vec<(String, String, String)> = signed_quotations(&doc)
                .into_iter()
                .map(|(p, _)| {
                    let s = |r: &Range<usize>| doc.text[doc.byte_span(r)].to_string();
                    (s(&p.content[0]), s(&p.cue), s(p.source.as_ref().unwrap()))
                })
                .collect();
            let want: Vec<(String, String, String)> = want
                .iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
                .collect();
            assert_eq!(got, want, "{article:?}");
        }
    }
}
