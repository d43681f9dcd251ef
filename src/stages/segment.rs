//! Words, sentences and quotation marks, with byte offsets into the original text.
//!
//! Words come from Unicode word boundaries (UAX #29), with abbreviations ("U.S.", "Mr.") and
//! hyphenated compounds kept whole, as CoNLL tokenizes them. Sentences end at . ! ? (and closing
//! quotes or brackets after them) before a capital, a digit or an opening quote, unless the word
//! before is a title or other abbreviation; a blank line always ends one.

use crate::doc::{Doc, QuoteMark, QuoteSide, Sentence, Token, TITLE_ABBREVIATIONS};
use crate::stages::{Layer, Stage};
use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations after which a period does not end a sentence (compared lowercased, no period),
/// besides the titles of [`TITLE_ABBREVIATIONS`].
const ABBREVIATIONS: &[&str] = &[
    "prof", "maj", "cmdr", "hon", "jr", "sr", "vs", "etc", "inc", "corp", "co", "ltd", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
    "ave", "blvd", "dept", "est", "approx", "e.g", "i.e", "a.m", "p.m",
];

/// Words that start a new sentence even after an initialism such as "U.S.".
const SENTENCE_STARTERS: &[&str] = &[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "But", "And", "In", "On", "At", "This",
    "That", "There", "His", "Her", "Their", "Its", "As", "If", "When", "While", "After", "Some",
];

/// The stage that cuts an article into words, sentences and quotations. A Doc that comes with
/// its words (CoNLL's tokens) keeps them.
pub struct Segment;

impl Stage for Segment {
    fn name(&self) -> &str {
        "segment"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Words]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        if doc.tokens.is_empty() {
            annotate(doc);
        }
        Ok(())
    }
}

/// Fills `doc.tokens`, `doc.sentences`, `doc.quotes` and `doc.quotations` from `doc.text`.
pub fn annotate(doc: &mut Doc) {
    doc.tokens = words(&doc.text);
    doc.sentences = sentences(&doc.text, &doc.tokens);
    doc.quotes = quote_marks(&doc.text, &doc.tokens);
    doc.quotations = pair_quotes(&doc.quotes, &doc.text);
}

fn is_abbreviation(word: &str) -> bool {
    let bare = word.trim_end_matches('.');
    let mut chars = bare.chars();
    // an initial ("George W. Bush", "M. Macron")
    let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    let bare = bare.to_lowercase();
    initial
        || ABBREVIATIONS.contains(&bare.as_str())
        || TITLE_ABBREVIATIONS.contains(&bare.as_str())
        || is_initialism(word)
}

/// "U.S", "U.K.", "D.C": single letters joined by periods.
fn is_initialism(word: &str) -> bool {
    let parts: Vec<&str> = word.trim_end_matches('.').split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// Words: UAX #29 segments that are not whitespace; a period directly after an abbreviation or
/// initialism is part of it.
pub fn words(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (start, w) in text.split_word_bound_indices() {
        if w.chars().all(char::is_whitespace) {
            continue;
        }
        let end = start + w.len();
        // hyphenated compounds stay one word, as in CoNLL ("France-Presse", "Saint-Denis")
        if let Some(prev) = out.last_mut() {
            let glued = prev.end == start;
            let after_hyphen =
                glued && text[..start].ends_with(['-', '‐']) && prev.end - prev.start > 1;
            let is_hyphen = matches!(w, "-" | "‐")
                && glued
                && text[end..].starts_with(char::is_alphanumeric)
                && text[..start].ends_with(char::is_alphanumeric);
            if is_hyphen || (after_hyphen && w.starts_with(char::is_alphanumeric)) {
                prev.end = end;
                continue;
            }
        }
        if w == "." {
            if let Some(prev) = out.last_mut() {
                let pw = &text[prev.start..prev.end];
                if prev.end == start && !pw.ends_with('.') && is_abbreviation(pw) {
                    prev.end = end;
                    continue;
                }
            }
        }
        out.push(Token { start, end });
    }
    out
}

fn is_terminal(w: &str) -> bool {
    matches!(w, "." | "!" | "?" | "…") || w.chars().all(|c| matches!(c, '.' | '!' | '?'))
}

fn is_closer(w: &str) -> bool {
    matches!(w, "\"" | "”" | "’" | "'" | ")" | "]" | "»")
}

fn starts_sentence(w: &str) -> bool {
    w.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '(' | '«' | '\'')
    })
}

/// Sentences over `tokens`.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut first = 0;
    let close = |out: &mut Vec<Sentence>, first: &mut usize, end_tok: usize| {
        if end_tok > *first {
            out.push(Sentence {
                start: tokens[*first].start,
                end: tokens[end_tok - 1].end,
                tokens: *first..end_tok,
            });
        }
        *first = end_tok;
    };
    let mut i = 0;
    while i < tokens.len() {
        // A blank line between this token and the next ends the sentence whatever the punctuation.
        let gap_break = |i: usize| {
            i + 1 < tokens.len()
                && text[tokens[i].end..tokens[i + 1].start]
                    .matches('\n')
                    .count()
                    >= 2
        };
        let w = &text[tokens[i].start..tokens[i].end];
        let mut end = None;
        if is_terminal(w) || (w.ends_with('.') && is_initialism(w)) {
            let mut j = i + 1;
            while j < tokens.len()
                && is_closer(&text[tokens[j].start..tokens[j].end])
                && !gap_break(j - 1)
            {
                j += 1;
            }
            let next = tokens.get(j).map(|t| &text[t.start..t.end]);
            let ok = match next {
                None => true,
                Some(n) => {
                    if w.len() > 1 && w.ends_with('.') {
                        // "U.S." ends a sentence only before a typical sentence opener.
                        SENTENCE_STARTERS.contains(&n)
                    } else if w == "." && i > 0 && tokens[i - 1].end == tokens[i].start {
                        let prev = &text[tokens[i - 1].start..tokens[i - 1].end];
                        !is_abbreviation(prev) && starts_sentence(n)
                    } else {
                        starts_sentence(n)
                    }
                }
            };
            if ok {
                end = Some(j);
            }
        }
        if end.is_none() && gap_break(i) {
            end = Some(i + 1);
        }
        if let Some(j) = end {
            close(&mut out, &mut first, j);
            i = j;
        } else {
            i += 1;
        }
    }
    close(&mut out, &mut first, tokens.len());
    out
}

/// Quotation marks. An apostrophe inside a word ("don't") is part of the word; one at the end of
/// a word ("Reuters'") can only close a quotation.
pub fn quote_marks(text: &str, tokens: &[Token]) -> Vec<QuoteMark> {
    let mut out = Vec::new();
    for t in tokens {
        let w = &text[t.start..t.end];
        let mut cs = w.chars();
        let (Some(c), None) = (cs.next(), cs.next()) else {
            continue;
        };
        let side = match c {
            '“' | '«' | '„' => QuoteSide::Open,
            '”' | '»' => QuoteSide::Close,
            '"' => QuoteSide::Either,
            '‘' => QuoteSide::Open,
            '’' | '\'' => {
                // after a letter ("Reuters' view", "maybe'") it may only close an open quote
                let before = text[..t.start].chars().next_back();
                if c == '’' || before.is_some_and(char::is_alphanumeric) {
                    QuoteSide::Close
                } else {
                    QuoteSide::Either
                }
            }
            _ => continue,
        };
        out.push(QuoteMark {
            start: t.start,
            mark: c,
            side,
        });
    }
    out
}

/// Pairs marks into quotations: an opening mark with the next closing one of its family; straight
/// marks alternate. A line break resets an unclosed quote (news style reopens quotes in each
/// paragraph without closing the last).
pub fn pair_quotes(marks: &[QuoteMark], text: &str) -> Vec<std::ops::Range<usize>> {
    let double = |c: char| matches!(c, '"' | '“' | '”' | '«' | '»' | '„');
    let mut out = Vec::new();
    for family in [true, false] {
        let mut open: Option<usize> = None;
        for m in marks.iter().filter(|m| double(m.mark) == family) {
            if let Some(o) = open {
                if text[o..m.start].contains('\n') {
                    open = None;
                }
            }
            match (open, m.side) {
                (None, QuoteSide::Open | QuoteSide::Either) => open = Some(m.start),
                (Some(o), QuoteSide::Close | QuoteSide::Either) => {
                    out.push(o..m.start + m.mark.len_utf8());
                    open = None;
                }
                (Some(_), QuoteSide::Open) => open = Some(m.start),
                (None, QuoteSide::Close) => {}
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_list(text: &str) -> Vec<&str> {
        words(text).iter().map(|t| &text[t.start..t.end]).collect()
    }

    fn sentence_list(text: &str) -> Vec<&str> {
        let toks = words(text);
        sentences(text, &toks)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn words_table() {
        let table: &[(&str, &[&str])] = &[
            (
                "Mr. Putin met U.S. officials.",
                &["Mr.", "Putin", "met", "U.S.", "officials", "."],
            ),
            ("He said: “No.”", &["He", "said", ":", "“", "No", ".", "”"]),
            ("don't stop", &["don't", "stop"]),
            ("Kyiv's mayor", &["Kyiv's", "mayor"]),
            ("3.5 percent, $20", &["3.5", "percent", ",", "$", "20"]),
            ("Saint-Denis", &["Saint-Denis"]),
            ("Agence France-Presse", &["Agence", "France-Presse"]),
            ("a 2-1 win - and", &["a", "2-1", "win", "-", "and"]),
            ("-5 degrees", &["-", "5", "degrees"]),
            ("", &[]),
        ];
        for (text, want) in table {
            assert_eq!(word_list(text), *want, "{text:?}");
        }
    }

    #[test]
    fn word_offsets_are_bytes() {
        let text = "“Kyiv” fell";
        let t = words(text);
        assert_eq!((t[1].start, t[1].end), (3, 7));
        assert_eq!(&text[t[3].start..t[3].end], "fell");
    }

    #[test]
    fn sentences_table() {
        let table: &[(&str, &[&str])] = &[
            ("He left. She stayed.", &["He left.", "She stayed."]),
            (
                "Mr. Smith met Dr. Jones on Feb. 3.",
                &["Mr. Smith met Dr. Jones on Feb. 3."],
            ),
            (
                "The U.S. Senate voted. It passed.",
                &["The U.S. Senate voted.", "It passed."],
            ),
            (
                "They met in the U.S. The talks failed.",
                &["They met in the U.S.", "The talks failed."],
            ),
            (
                "“We will win.” He smiled.",
                &["“We will win.”", "He smiled."],
            ),
            ("Really? Yes!", &["Really?", "Yes!"]),
            (
                "growth was 3.5 percent. Next",
                &["growth was 3.5 percent.", "Next"],
            ),
            (
                "Headline\n\nBody text here.",
                &["Headline", "Body text here."],
            ),
            ("no end", &["no end"]),
        ];
        for (text, want) in table {
            assert_eq!(sentence_list(text), *want, "{text:?}");
        }
    }

    #[test]
    fn quotes_table() {
        // (text, quotations found)
        let table: &[(&str, &[&str])] = &[
            ("He said “no deal” today.", &["“no deal”"]),
            (
                "He said \"no deal\" and \"never\".",
                &["\"no deal\"", "\"never\""],
            ),
            ("It's Reuters' view: 'maybe'.", &["'maybe'"]),
            ("‘Soon,’ she said.", &["‘Soon,’"]),
            ("“Unclosed\n\n“Second”", &["“Second”"]),
        ];
        for (text, want) in table {
            let toks = words(text);
            let marks = quote_marks(text, &toks);
            let got: Vec<&str> = pair_quotes(&marks, text)
                .into_iter()
                .map(|r| &text[r])
                .collect();
            assert_eq!(got, *want, "{text:?}");
        }
    }
}
