//! Who holds a position: the entity a source names, a pronoun's antecedent, or the entity the
//! article described with the source's words.

use super::sentence_of;
use crate::doc::{Doc, EntityType, Position};
use crate::stage::{Layer, Stage};
use std::ops::Range;

/// The stage that links each position's source to the entity it names.
pub struct Speakers;

impl Stage for Speakers {
    fn name(&self) -> &str {
        "speakers"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Positions, Layer::Entities]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Speakers]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        let mut positions = std::mem::take(&mut doc.positions);
        let speakers = SpeakerIndex::new(doc);
        // a pronoun reads the speakers of the positions before it
        for i in 0..positions.len() {
            let speaker = positions[i]
                .source
                .as_ref()
                .and_then(|s| speakers.speaker(s, &positions[..i]));
            positions[i].speaker = speaker;
        }
        doc.positions = positions;
        Ok(())
    }
}

const PERSON_PRONOUNS: &[&str] = &[
    "he", "him", "his", "she", "her", "hers", "himself", "herself",
];
const GROUP_PRONOUNS: &[&str] = &["it", "its", "they", "them", "their"];
const DETERMINERS: &[&str] = &["the", "a", "an", "this", "that", "these", "those", "its"];

/// How far back pronouns and descriptions look for their entity, in sentences: news refers to
/// what it named recently, and it keeps a very long article linear.
const LOOKBACK_SENTENCES: usize = 50;

/// What speaker resolution reads of an article, computed once per article: the entity of each
/// mention and the words the article describes each entity with.
pub(super) struct SpeakerIndex<'a> {
    doc: &'a Doc,
    entity_of: Vec<Option<usize>>,
    descriptors: Vec<Vec<String>>,
}

impl<'a> SpeakerIndex<'a> {
    pub(super) fn new(doc: &'a Doc) -> Self {
        debug_assert!(doc
            .mentions
            .windows(2)
            .all(|w| w[0].tokens.start <= w[1].tokens.start));
        let mut entity_of = vec![None; doc.mentions.len()];
        for (e, ent) in doc.entities.iter().enumerate() {
            for &m in &ent.mentions {
                entity_of[m] = Some(e);
            }
        }
        let descriptors = (0..doc.entities.len())
            .map(|e| descriptors(doc, e))
            .collect();
        SpeakerIndex {
            doc,
            entity_of,
            descriptors,
        }
    }

    /// The entity a source names: a mention inside it ("Ukrainian President Volodymyr
    /// Zelenskyy"), else a pronoun's antecedent ("he", "his statements"), else the person or
    /// organisation the article described with the source's words ("the Ukrainian president").
    pub(super) fn speaker(&self, source: &Range<usize>, earlier: &[Position]) -> Option<usize> {
        named(self.doc, source)
            .and_then(|m| self.entity_of[m])
            .or_else(|| self.pronoun(source, earlier))
            .or_else(|| self.described(source))
    }

    /// Mentions ending before the source, nearest first, within the look-back, with their
    /// sentence.
    fn before(&self, source: &Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
        let doc = self.doc;
        let sentence = sentence_of(doc, source.start);
        let end = doc
            .mentions
            .partition_point(|m| m.tokens.end <= source.start);
        (0..end)
            .rev()
            .map(move |m| (m, sentence_of(doc, doc.mentions[m].tokens.start)))
            .take_while(move |&(_, s)| s + LOOKBACK_SENTENCES >= sentence)
    }

    /// A pronoun's antecedent. "he"/"she": the speaker of the last position if the last
    /// sentence that names people names them too (speakers go on talking), else the first
    /// person named in that sentence (its subject, mostly). "it"/"they": the nearest
    /// organisation in the last two sentences.
    fn pronoun(&self, source: &Range<usize>, earlier: &[Position]) -> Option<usize> {
        let doc = self.doc;
        let first = doc.token_text(source.start).to_lowercase();
        if source.len() > 3 {
            return None;
        }
        let label = |m: usize| doc.mentions[m].label;
        if PERSON_PRONOUNS.contains(&first.as_str()) {
            let mut people = self
                .before(source)
                .filter(|&(m, _)| label(m) == EntityType::PER);
            let (m, last_sentence) = people.next()?;
            // nearest first: the sentence's first person comes last
            let mut named_there: Vec<usize> = std::iter::once(m)
                .chain(
                    people
                        .take_while(|&(_, s)| s == last_sentence)
                        .map(|(m, _)| m),
                )
                .filter_map(|m| self.entity_of[m])
                .collect();
            named_there.reverse();
            let last_speaker = earlier.iter().rev().find_map(|p| p.speaker);
            return match last_speaker {
                Some(e) if named_there.contains(&e) => Some(e),
                _ => named_there.first().copied(),
            };
        }
        if GROUP_PRONOUNS.contains(&first.as_str()) {
            let sentence = sentence_of(doc, source.start);
            return self
                .before(source)
                .take_while(|&(_, s)| s + 1 >= sentence)
                .find(|&(m, _)| label(m) == EntityType::ORG)
                .and_then(|(m, _)| self.entity_of[m])
                .filter(|&e| doc.entities[e].label == EntityType::ORG);
        }
        None
    }

    /// The person or organisation, mentioned before the source, whose descriptors include the
    /// source's head (its last word) and most of its other words; the nearest of equals.
    fn described(&self, source: &Range<usize>) -> Option<usize> {
        let doc = self.doc;
        let words: Vec<String> = lower_words(doc, source.clone())
            .filter(|w| !DETERMINERS.contains(&w.as_str()))
            .collect();
        let head = words.last()?;
        let mut seen = Vec::new();
        let mut best: Option<((usize, usize), usize)> = None;
        for (m, _) in self.before(source) {
            let Some(e) = self.entity_of[m] else { continue };
            if seen.contains(&e)
                || !matches!(doc.entities[e].label, EntityType::PER | EntityType::ORG)
            {
                continue;
            }
            seen.push(e);
            let d = &self.descriptors[e];
            if !d.contains(head) {
                continue;
            }
            let score = words.iter().filter(|w| d.contains(w)).count();
            // nearest first, so a later candidate must score higher
            let key = (score, doc.mentions[m].tokens.end);
            if best.is_none_or(|(k, _)| score > k.0) {
                best = Some((key, e));
            }
        }
        best.map(|(_, e)| e)
    }
}

fn rank(t: EntityType) -> usize {
    match t {
        EntityType::PER => 0,
        EntityType::ORG => 1,
        EntityType::LOC => 2,
        EntityType::MISC => 3,
    }
}

/// The mention inside the source that names the speaker: a person before an organisation before
/// a place ("officials in Moscow"), the last of equals; a MISC only when it is the whole source
/// ("the Democrats", "Latinos"), not when it qualifies it ("Ukrainian officials").
fn named(doc: &Doc, source: &Range<usize>) -> Option<usize> {
    // mentions are in text order and do not overlap: those inside end the run before the source
    let end = doc
        .mentions
        .partition_point(|m| m.tokens.start < source.end);
    let mut bare = source.clone();
    while bare.len() > 1
        && DETERMINERS.contains(&doc.token_text(bare.start).to_lowercase().as_str())
    {
        bare.start += 1;
    }
    (0..end)
        .rev()
        .take_while(|&i| doc.mentions[i].tokens.end > source.start)
        .filter(|&i| doc.mentions[i].label != EntityType::MISC || doc.mentions[i].tokens == bare)
        .min_by_key(|&i| (rank(doc.mentions[i].label), std::cmp::Reverse(i)))
}

fn lower_words(doc: &Doc, words: Range<usize>) -> impl Iterator<Item = String> + '_ {
    words
        .map(|w| doc.token_text(w).to_lowercase())
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || c == '-') && !w.is_empty())
}

/// Words the article uses around an entity's mentions: up to four words before a mention
/// ("Ukrainian President"), an apposition after it (", the Ukrainian president,"), and its own.
fn descriptors(doc: &Doc, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    for &m in &doc.entities[e].mentions {
        let m = &doc.mentions[m];
        out.extend(lower_words(doc, m.tokens.clone()));
        let sentence = &doc.sentences[sentence_of(doc, m.tokens.start)];
        let mut w = m.tokens.start;
        while w > sentence.tokens.start && m.tokens.start - w < 4 {
            let t = doc.token_text(w - 1).to_lowercase();
            if DETERMINERS.contains(&t.as_str()) || !t.chars().all(char::is_alphabetic) {
                break;
            }
            out.push(t);
            w -= 1;
        }
        if m.tokens.end < sentence.tokens.end && doc.token_text(m.tokens.end) == "," {
            let mut w = m.tokens.end + 1;
            while w < sentence.tokens.end && w < m.tokens.end + 8 {
                let t = doc.token_text(w).to_lowercase();
                if !t.chars().all(|c| c.is_alphabetic() || c == '-') {
                    break;
                }
                out.push(t);
                w += 1;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
