//! Speakers' roles: the title or description an article gives a person ("Brazilian President
//! Luiz Inácio Lula da Silva", "Hugh Hill, a doctor,", "Russia's foreign minister, Sergei
//! Lavrov"), and the country or organisation it names (Brazil, the Red Cross). Each entity keeps
//! the role its mentions have most often; a position's speaker has the role given where the
//! source names them, else their entity's.

use crate::doc::{Doc, EntityType, Role};
use crate::stages::{Layer, Stage};
use std::collections::HashMap;
use std::ops::Range;

mod lexicon;
use lexicon::{DEMONYMS, DEMONYM_PAIRS, HEADS, MODIFIERS};

/// The stage that reads roles around people's mentions.
pub struct Roles;

impl Stage for Roles {
    fn name(&self) -> &str {
        "roles"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Speakers]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Roles]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let at: Vec<Option<Role>> = (0..doc.mentions.len())
            .map(|m| {
                (doc.mentions[m].label == EntityType::PER)
                    .then(|| role_at(doc, &doc.mentions[m].tokens))
                    .flatten()
            })
            .collect();
        for e in 0..doc.entities.len() {
            let mut counts: Vec<(Role, usize, usize)> = Vec::new();
            for (order, &m) in doc.entities[e].mentions.iter().enumerate() {
                let Some(r) = &at[m] else { continue };
                match counts.iter_mut().find(|(c, _, _)| c == r) {
                    Some(c) => c.1 += 1,
                    None => counts.push((r.clone(), 1, order)),
                }
            }
            // most often, then first given
            doc.entities[e].role = counts
                .into_iter()
                .max_by_key(|(_, n, first)| (*n, std::cmp::Reverse(*first)))
                .map(|(r, _, _)| r);
        }
        let mention_at: HashMap<usize, usize> = doc
            .mentions
            .iter()
            .enumerate()
            .map(|(m, mention)| (mention.tokens.start, m))
            .collect();
        let roles: Vec<Option<Role>> = doc
            .positions
            .iter()
            .map(|p| {
                let e = p.speaker?;
                let source = p.source.as_ref()?;
                let here = source
                    .clone()
                    .filter_map(|w| mention_at.get(&w))
                    .filter(|&&m| doc.entities[e].mentions.contains(&m))
                    .find_map(|&m| at[m].clone());
                here.or_else(|| doc.entities[e].role.clone())
            })
            .collect();
        for (p, r) in doc.positions.iter_mut().zip(roles) {
            p.role = r;
        }
        Ok(())
    }
}

fn bare(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

pub(super) fn is_head(w: &str) -> bool {
    HEADS.contains(&bare(w).as_str())
}

pub(super) fn is_title_word(w: &str) -> bool {
    is_head(w) || MODIFIERS.contains(&bare(w).as_str())
}

/// The country a word (or it with the word before it) names as an adjective, and how many
/// words that takes.
fn demonym(doc: &Doc, end: usize, from: usize) -> Option<(String, usize)> {
    let w = bare(doc.token_text(end - 1));
    if end >= from + 2 {
        let before = bare(doc.token_text(end - 2));
        if let Some((_, _, c)) = DEMONYM_PAIRS
            .iter()
            .find(|(a, b, _)| *a == before && *b == w)
        {
            return Some((c.to_string(), 2));
        }
    }
    DEMONYMS
        .iter()
        .find(|(d, _)| *d == w)
        .map(|(_, c)| (c.to_string(), 1))
}

/// The non-person mention that ends at word `end` (exclusive), if any.
fn mention_ending(doc: &Doc, end: usize) -> Option<&crate::doc::Mention> {
    let i = doc.mentions.partition_point(|m| m.tokens.end < end);
    doc.mentions
        .get(i)
        .filter(|m| m.tokens.end == end && m.label != EntityType::PER)
}

/// The mention that starts at word `start`, if any.
fn mention_starting(doc: &Doc, start: usize) -> Option<&crate::doc::Mention> {
    let i = doc.mentions.partition_point(|m| m.tokens.start < start);
    doc.mentions.get(i).filter(|m| m.tokens.start == start)
}

/// A title: words of `words` that end with a head, made of title words and "of" between them.
fn title_text(doc: &Doc, words: Range<usize>) -> Option<String> {
    let texts: Vec<&str> = words.clone().map(|w| doc.token_text(w)).collect();
    if texts.is_empty() || !is_head(texts[texts.len() - 1]) || bare(texts[0]) == "of" {
        return None;
    }
    Some(join(doc, words))
}

/// The words as written, with the spaces the text has between them.
fn join(doc: &Doc, words: Range<usize>) -> String {
    doc.text[doc.byte_span(&words)].to_string()
}

/// The role a person's mention carries: a title right before it (after a country adjective,
/// an organisation or a place: "Apple CEO Tim Cook"), or an apposition right after it (", a
/// doctor,", ", the mayor of Leipzig,").
pub fn role_at(doc: &Doc, mention: &Range<usize>) -> Option<Role> {
    before(doc, mention)
        .or_else(|| inside(doc, mention))
        .or_else(|| after(doc, mention))
}

/// A title the mention itself opens with ("Pope Francis" tagged whole).
fn inside(doc: &Doc, mention: &Range<usize>) -> Option<Role> {
    let end = (mention.start..mention.end - 1)
        .take_while(|&w| is_title_word(doc.token_text(w)))
        .last()?
        + 1;
    let title = title_text(doc, mention.start..end)?;
    Some(Role {
        title,
        affiliation: None,
    })
}

/// Whether word `w` lies inside a mention that is not a person's.
fn in_other_mention(doc: &Doc, w: usize) -> bool {
    let i = doc.mentions.partition_point(|m| m.tokens.end <= w);
    doc.mentions
        .get(i)
        .is_some_and(|m| m.tokens.start <= w && m.label != EntityType::PER)
}

/// An affiliation as written, without a possessive ("Russia's" → "Russia").
fn affiliation_text(doc: &Doc, words: Range<usize>) -> String {
    crate::doc::strip_possessive(&join(doc, words)).to_string()
}

fn before(doc: &Doc, mention: &Range<usize>) -> Option<Role> {
    let sentence =
        &doc.sentences[super::sentence_of(doc, mention.start).min(doc.sentences.len() - 1)];
    let mut start = mention.start;
    while start > sentence.tokens.start && mention.start - start < 6 {
        let w = doc.token_text(start - 1);
        let of_inside = bare(w) == "of" && start < mention.start;
        // "White House spokeswoman": the organisation's words are not the title's
        if !(is_title_word(w) || of_inside) || in_other_mention(doc, start - 1) {
            break;
        }
        start -= 1;
    }
    while start < mention.start && bare(doc.token_text(start)) == "of" {
        start += 1;
    }
    let title = title_text(doc, start..mention.start)?;
    let affiliation = if start > sentence.tokens.start {
        demonym(doc, start, sentence.tokens.start)
            .map(|(c, _)| c)
            .or_else(|| mention_ending(doc, start).map(|m| affiliation_text(doc, m.tokens.clone())))
    } else {
        None
    };
    Some(Role { title, affiliation })
}

fn after(doc: &Doc, mention: &Range<usize>) -> Option<Role> {
    let sentence =
        &doc.sentences[super::sentence_of(doc, mention.start).min(doc.sentences.len() - 1)];
    let end = sentence.tokens.end;
    let mut w = mention.end;
    if w >= end || doc.token_text(w) != "," {
        return None;
    }
    w += 1;
    // the apposition runs to the next comma or the sentence's end, ten words at most
    let stop = (w..end.min(w + 12))
        .find(|&i| matches!(doc.token_text(i), "," | ";" | "." | "(" | ")" | "—" | "–"))
        .unwrap_or(end.min(w + 12));
    let mut affiliation = None;
    if w < stop && matches!(bare(doc.token_text(w)).as_str(), "a" | "an" | "the") {
        w += 1;
    }
    // "Russia's foreign minister", "the company's chief executive": the possessor is the
    // affiliation when it is a name
    let possessive = |t: &str| t.ends_with("'s") || t.ends_with("’s");
    if let Some(s) = (w..stop.min(w + 4)).find(|&i| possessive(doc.token_text(i))) {
        let owner = if matches!(doc.token_text(s), "'s" | "’s") {
            w..s
        } else {
            w..s + 1
        };
        let i = doc.mentions.partition_point(|m| m.tokens.start < w);
        affiliation = doc
            .mentions
            .get(i)
            .filter(|m| m.tokens.start == w && m.tokens.end == owner.end)
            .map(|m| affiliation_text(doc, m.tokens.clone()));
        w = s + 1;
    }
    let country_at = |w: usize| {
        (w + 1..=stop.min(w + 2))
            .rev()
            .filter_map(|e| demonym(doc, e, w).filter(|(_, n)| e - n == w))
            .next()
    };
    if let Some(m) =
        mention_starting(doc, w).filter(|m| m.label != EntityType::PER && country_at(w).is_none())
    {
        if m.tokens.end < stop && is_title_word(doc.token_text(m.tokens.end)) {
            affiliation = Some(affiliation_text(doc, m.tokens.clone()));
            w = m.tokens.end;
        }
    } else if let Some((country, n)) = country_at(w) {
        // "the British foreign secretary"
        affiliation = Some(country);
        w += n;
    }
    // the title: title words ending with a head, "of" + a lowercase word inside it ("professor of
    // law"); "of"/"for"/"at" + a mention after it is the affiliation ("the mayor of Leipzig")
    let mut last_head = None;
    let mut i = w;
    while i < stop {
        let t = doc.token_text(i);
        if is_head(t) {
            last_head = Some(i);
        } else if bare(t) == "of" && i + 1 < stop && last_head.is_some() {
            let next = doc.token_text(i + 1);
            if next.chars().next().is_some_and(char::is_lowercase) && !is_title_word(next) {
                // "professor of law": the word is part of the title
                last_head = Some(i + 1);
                i += 2;
                continue;
            }
            break;
        } else if !is_title_word(t) {
            break;
        }
        i += 1;
    }
    let head = last_head?;
    let title = join(doc, w..head + 1);
    if affiliation.is_none() && head + 2 < stop + 1 {
        let prep = bare(doc.token_text(head + 1));
        if matches!(prep.as_str(), "for" | "at" | "of") {
            let mut s = head + 2;
            if s < stop && bare(doc.token_text(s)) == "the" {
                s += 1;
            }
            affiliation = mention_starting(doc, s)
                .filter(|m| m.label != EntityType::PER && m.tokens.end <= stop)
                .map(|m| affiliation_text(doc, m.tokens.clone()));
        }
    }
    Some(Role { title, affiliation })
}

#[cfg(test)]
mod tests;
