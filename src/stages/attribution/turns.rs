//! Turns of a transcript: paragraphs that open with a speaker's name and a colon, as hearing and
//! interview transcripts print them ("VINDMAN: That's correct."). The answer belongs to the one
//! answering, which the tagger, reading a question and its answer as one text, gets wrong; the
//! layout says it plainly enough for a rule. A text is a transcript when at least two paragraphs
//! open so, each with the name of a person the article names (or a name the tagger marks as a
//! person), so that "Update:" or "Photo:" lines are no turns.

use super::signed::{breaks, with_rule_positions, CONFIDENCE};
use super::speaker::with_surname;
use crate::doc::{Doc, EntityType, Kind, Position};
use crate::stages::{Layer, Stage};
use std::ops::Range;

/// The stage that puts transcript turns in place of what the model read inside them.
pub struct Turns;

impl Stage for Turns {
    fn name(&self) -> &str {
        "transcript turns"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Entities, Layer::Positions]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let mut turns = turns(doc);
        turns.extend(answers(doc));
        doc.positions = with_rule_positions(std::mem::take(&mut doc.positions), turns);
        Ok(())
    }
}

/// Longest speaker label, in words ("SEN. RICHARD BLUMENTHAL").
const MAX_LABEL: usize = 4;

/// The label names a person of the article: a person mention covers it, or it is a person's
/// name or surname, whatever its case ("VINDMAN", "Mr. Vindman").
fn names_a_person(doc: &Doc, label: &Range<usize>) -> bool {
    let covered = doc.mentions.iter().any(|m| {
        m.label == EntityType::PER && m.tokens.start <= label.start && label.end <= m.tokens.end
    });
    let words: Vec<String> = label
        .clone()
        .map(|w| doc.token_text(w).to_lowercase())
        .filter(|w| w.chars().all(char::is_alphabetic))
        .filter(|w| !crate::doc::TITLE_ABBREVIATIONS.contains(&w.as_str()))
        .collect();
    // a salutation addresses someone ("DEAR ABBY:"): the turn is the writer's, not theirs
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    if matches!(first.as_str(), "dear" | "to" | "from" | "re") {
        return false;
    }
    covered || with_surname(doc, last).next().is_some()
}

/// The end of the paragraph word `from` (not the first word) is in.
fn paragraph_end(doc: &Doc, from: usize) -> usize {
    let mut end = from;
    while end < doc.tokens.len() && !breaks(doc, end - 1) {
        end += 1;
    }
    end
}

/// A labelled paragraph's position: the label its cue, the rest of the paragraph, up to word
/// `end`, its content; direct, as sure as the layout.
fn labelled_turn(source: Option<Range<usize>>, cue: Range<usize>, end: usize) -> Position {
    Position {
        source,
        content: std::iter::once(cue.end..end).collect(),
        cue,
        kind: Kind::Direct,
        confidence: CONFIDENCE,
        by_rule: true,
        ..Position::default()
    }
}

/// Each turn of the Doc as a direct position (the name its source, the colon its cue, the rest
/// of the paragraph its content), with the words it covers; none unless there are two or more.
pub fn turns(doc: &Doc) -> Vec<(Position, Range<usize>)> {
    let n = doc.tokens.len();
    let text = |w: usize| doc.token_text(w);
    let mut out = Vec::new();
    for start in (0..n).filter(|&w| w == 0 || breaks(doc, w - 1)) {
        let mut colon = start;
        while colon < n
            && colon - start < MAX_LABEL
            && text(colon).chars().next().is_some_and(char::is_uppercase)
            && (colon == start || !breaks(doc, colon - 1))
        {
            colon += 1;
        }
        if colon == start || colon + 1 >= n || text(colon) != ":" || breaks(doc, colon - 1) {
            continue;
        }
        let end = paragraph_end(doc, colon + 1);
        if breaks(doc, colon) || !names_a_person(doc, &(start..colon)) {
            continue;
        }
        out.push((
            labelled_turn(Some(start..colon), colon..colon + 1, end),
            start..end,
        ));
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// Labels of an interview's questions and answers ("Q: …" / "A: …").
const QUESTION: &[&str] = &["Q", "Question"];
const ANSWER: &[&str] = &["A", "Answer"];

/// Each answer of a Q&A interview as a direct position of the one interviewed (the label its
/// cue, the rest of the paragraph its content), with the words it covers; none unless two or
/// more paragraphs open with each label. The one interviewed is the person the article names
/// most often (the first named, on a tie), its source their fullest mention; the questions are
/// the writer's.
pub fn answers(doc: &Doc) -> Vec<(Position, Range<usize>)> {
    let n = doc.tokens.len();
    // (label word, end of paragraph) of each paragraph opening with "Label:"
    let labelled: Vec<(usize, usize)> = (0..n.saturating_sub(2))
        .filter(|&w| (w == 0 || breaks(doc, w - 1)) && doc.token_text(w + 1) == ":")
        .filter(|&w| !breaks(doc, w) && !breaks(doc, w + 1))
        .map(|w| (w, paragraph_end(doc, w + 2)))
        .collect();
    let is = |labels: &[&str], w: usize| labels.contains(&doc.token_text(w));
    let count = |labels: &[&str]| labelled.iter().filter(|&&(w, _)| is(labels, w)).count();
    if count(QUESTION) < 2 || count(ANSWER) < 2 {
        return vec![];
    }
    let source = doc
        .entities
        .iter()
        .filter(|e| e.label == EntityType::PER)
        .max_by_key(|e| {
            (
                e.mentions.len(),
                std::cmp::Reverse(e.mentions.first().copied()),
            )
        })
        .and_then(|e| {
            e.mentions
                .iter()
                .map(|&m| doc.mentions[m].tokens.clone())
                .max_by_key(|t| (t.len(), std::cmp::Reverse(t.start)))
        });
    labelled
        .iter()
        .filter(|&&(w, end)| is(ANSWER, w) && w + 2 < end)
        .map(|&(w, end)| (labelled_turn(source.clone(), w..w + 2, end), w..end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::testing::with_entities;

    /// (article, people it names, (source, content) of each position the rule finds)
    type Row<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

    fn check(rule: fn(&Doc) -> Vec<(Position, Range<usize>)>, table: &[Row]) {
        for &(article, people, want) in table {
            let entities: Vec<(&str, EntityType)> =
                people.iter().map(|p| (*p, EntityType::PER)).collect();
            let doc = with_entities(article, &entities);
            let got: Vec<(String, String)> = rule(&doc)
                .into_iter()
                .map(|(p, _)| {
                    let s = |r: &Range<usize>| doc.text[doc.byte_span(r)].to_string();
                    (s(p.source.as_ref().unwrap()), s(&p.content[0]))
                })
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "{article:?}");
        }
    }

    #[test]
    fn turns_table() {
        let table: &[Row] = &[
            (
                "Alexander Vindman testified on Tuesday.\n\
                 SCHIFF: Did you report the call to the lawyers?\n\
                 VINDMAN: That's correct. I did.",
                &["Alexander Vindman", "Adam Schiff"],
                &[
                    ("SCHIFF", "Did you report the call to the lawyers?"),
                    ("VINDMAN", "That's correct. I did."),
                ],
            ),
            // labels that name no one are no turns, and one turn alone is no transcript
            (
                "Update: the vote was moved.\nPhoto: Jane Doe\nSCHIFF: Thank you.",
                &["Adam Schiff"],
                &[],
            ),
            // a letter's salutation is no speaker
            (
                "DEAR ABBY: My husband left.\nDEAR ABBY: My sister is ill.",
                &["Abby Van Buren"],
                &[],
            ),
        ];
        check(turns, table);
    }

    #[test]
    fn answers_table() {
        let table: &[Row] = &[
            (
                "Junior Gaspard leads Experience. We spoke with Gaspard.\n\
                 Q: Where did you grow up?\n\
                 A: St. Croix, with Tim Duncan.\n\
                 Q: Favorite apps?\n\
                 A: Uber Eats.",
                &["Junior Gaspard", "Gaspard", "Tim Duncan"],
                &[
                    ("Junior Gaspard", "St. Croix, with Tim Duncan."),
                    ("Junior Gaspard", "Uber Eats."),
                ],
            ),
            // one question is no interview
            (
                "Junior Gaspard leads Experience.\nQ: Where did you grow up?\nA: St. Croix.\nA: Here.",
                &["Junior Gaspard"],
                &[],
            ),
            // "A:" inside a paragraph is no label
            (
                "Q: One?\nQ: Two?\nHe said A: yes.\nShe said A: no.",
                &[],
                &[],
            ),
        ];
        check(answers, table);
    }
}
