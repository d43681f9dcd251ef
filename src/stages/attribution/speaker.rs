//! Who holds a position: the entity a source names, a pronoun's antecedent, or the entity the
//! article described with the source's words.

mod capitals;
mod gender;
mod names;
mod source;

use super::sentence_of;
use crate::doc::{Doc, EntityType, Position};
use crate::stages::{Layer, Stage};
use std::ops::Range;

use gender::{gender_of_word, genders, Gender};
use names::{descriptors, first_of_pair, lower_words, named};
use source::{can_speak, inferred_source, relative_antecedent, ORGANISATION_NOUNS, QUALIFIERS};

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
            if positions[i]
                .source
                .as_ref()
                .is_some_and(|s| !can_speak(doc, s))
            {
                positions[i].source = None;
            }
            if positions[i].source.is_none() {
                if let Some(source) = inferred_source(doc, &positions[..i], &positions[i].cue) {
                    positions[i].source = Some(source);
                    positions[i].inferred = true;
                }
            }
            positions[i].antecedent = (positions[i].source.as_ref()).and_then(|s| relative(doc, s));
            let named = positions[i]
                .antecedent
                .clone()
                .or(positions[i].source.clone());
            let speaker = named
                .as_ref()
                .and_then(|s| speakers.speaker(s, &positions[i].content, &positions[..i]));
            positions[i].speaker = speaker;
        }
        // "I" or "we" inside a quotation is the quotation's speaker: the position whose
        // content holds it
        for i in 0..positions.len() {
            let Some(s) = positions[i].source.clone() else {
                continue;
            };
            if !first_person(doc, &s) || positions[i].speaker.is_some() {
                continue;
            }
            positions[i].speaker = positions
                .iter()
                .enumerate()
                .find(|&(j, p)| {
                    j != i
                        && p.content
                            .iter()
                            .any(|c| c.start <= s.start && s.end <= c.end)
                })
                .and_then(|(_, p)| p.speaker);
        }
        doc.positions = positions;
        Ok(())
    }
}

const PERSON_PRONOUNS: &[&str] = &[
    "he", "him", "his", "she", "her", "hers", "himself", "herself",
];
/// What a person's possessive may stand for the person by: what they said or wrote, and their
/// own offices.
const OWN_VOICE: &[&str] = &[
    "statement",
    "statements",
    "remarks",
    "words",
    "letter",
    "tweet",
    "tweets",
    "post",
    "posts",
    "message",
    "note",
    "book",
    "memo",
    "memoir",
    "essay",
    "column",
    "speech",
    "interview",
    "testimony",
    "account",
    "website",
    "campaign",
    "office",
    "administration",
    "lawsuit",
    "complaint",
    "filing",
    "announcement",
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
    /// Each entity's grammatical gender as the article's pronouns after its mentions and its
    /// honorifics show it, where they agree.
    gender: Vec<Option<Gender>>,
    /// Whether each word is inside a quotation.
    quoted: Vec<bool>,
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
        let gender = genders(doc, &entity_of);
        SpeakerIndex {
            doc,
            entity_of,
            descriptors,
            gender,
            quoted: super::kind::quoted_words(doc),
        }
    }

    /// The entity a source names: a mention inside it ("Ukrainian President Volodymyr
    /// Zelenskyy"; a capital its country: "Beijing" is China), else a pronoun's antecedent ("he",
    /// "his statements"), else the person or organisation the article described with the
    /// source's words ("the Ukrainian president").
    /// `content` is the position's own: a pronoun never points at a name inside it.
    pub(super) fn speaker(
        &self,
        source: &Range<usize>,
        content: &[Range<usize>],
        earlier: &[Position],
    ) -> Option<usize> {
        // "Trump and Trade Representative Robert Lighthizer recognize …", "he and Bowersox
        // listed …": a pair of people speaks through the one named first
        if let Some(first) = first_of_pair(self.doc, source) {
            return self.speaker(&first, content, earlier);
        }
        if let Some(e) = named(self.doc, source).and_then(|m| self.entity_of[m]) {
            return Some(capitals::country_of(self.doc, e, source).unwrap_or(e));
        }
        // a name inside the source that `named` did not take is whom the source is tied to
        // ("friends of Mike Ford", "Ford's father", "a spokesperson for the Foreign Office"):
        // never its speaker, however the source is read
        self.pronoun(source, content, earlier, 0)
            .or_else(|| self.described(source))
            .or_else(|| self.organisation_noun(source))
            .or_else(|| self.surname(source))
            .filter(|&e| !self.named_inside(e, source))
    }

    /// Whether the entity has a mention inside the source.
    fn named_inside(&self, e: usize, source: &Range<usize>) -> bool {
        let doc = self.doc;
        let from = doc
            .mentions
            .partition_point(|m| m.tokens.start < source.start);
        (from..doc.mentions.len())
            .take_while(|&m| doc.mentions[m].tokens.start < source.end)
            .any(|m| doc.mentions[m].tokens.end <= source.end && self.entity_of[m] == Some(e))
    }

    /// A source that is a person's surname, in any case, titles aside ("VINDMAN" in a
    /// transcript, "Mr. Vindman" where the tagger marked no name): that person, when the
    /// article names only one person so.
    fn surname(&self, source: &Range<usize>) -> Option<usize> {
        let doc = self.doc;
        let words: Vec<String> = lower_words(doc, source.clone())
            .filter(|w| !crate::doc::TITLE_ABBREVIATIONS.contains(&w.as_str()))
            .collect();
        let [last] = words.as_slice() else {
            return None;
        };
        let mut people = with_surname(doc, last);
        match (people.next(), people.next()) {
            (Some(e), None) => Some(e),
            _ => None,
        }
    }

    /// "the company", "the group", "the agency": the organisation named last, within the last
    /// three sentences (news names an organisation, then calls it by its kind).
    fn organisation_noun(&self, source: &Range<usize>) -> Option<usize> {
        let doc = self.doc;
        let words: Vec<String> = lower_words(doc, source.clone()).collect();
        let (first, head) = (words.first()?, words.last()?);
        if first != "the" || words.len() > 3 || !ORGANISATION_NOUNS.contains(&head.as_str()) {
            return None;
        }
        let sentence = sentence_of(doc, source.start);
        self.before(source)
            .take_while(|&(_, s)| s + 3 >= sentence)
            .find(|&(m, _)| doc.mentions[m].label == EntityType::ORG)
            .and_then(|(m, _)| self.entity_of[m])
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
    /// person named in that sentence (its subject, mostly); never a name inside the position's
    /// own content. "it"/"they": the organisation that spoke last if it is named in the last
    /// two sentences, else the nearest organisation there.
    fn pronoun(
        &self,
        source: &Range<usize>,
        content: &[Range<usize>],
        earlier: &[Position],
        depth: usize,
    ) -> Option<usize> {
        let doc = self.doc;
        let first = doc.token_text(source.start).to_lowercase();
        if source.len() > 3 {
            return None;
        }
        let label = |m: usize| doc.mentions[m].label;
        // "his aunt", "her doctor" are someone else; "his statement", "her campaign" are the
        // person's own
        let last = doc.token_text(source.end - 1).to_lowercase();
        if matches!(first.as_str(), "his" | "her")
            && source.len() > 1
            && !OWN_VOICE.contains(&last.as_str())
        {
            return None;
        }
        if PERSON_PRONOUNS.contains(&first.as_str()) {
            // "she" never points at someone the article calls "he"
            let wanted = gender_of_word(&first);
            let agrees = |m: usize| {
                let known = self.entity_of[m].and_then(|e| self.gender[e]);
                wanted.is_none() || known.is_none() || known == wanted
            };
            // "“He wanted to work with Nellie Wall,” she said": not Nellie Wall
            let quoted = |m: usize| {
                let t = &doc.mentions[m].tokens;
                content.iter().any(|c| c.start <= t.start && t.end <= c.end)
            };
            let mut people = self
                .before(source)
                .filter(|&(m, _)| label(m) == EntityType::PER && agrees(m) && !quoted(m));
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
            // "She gave me the address of Ford's sister, Martha Fry. “…,” she said": that
            // sentence's subject is a pronoun before its names, and it is she who goes on
            if let Some(e) = self.subject_pronoun(last_sentence, wanted, earlier, depth) {
                return Some(e);
            }
            let last_speaker = earlier.iter().rev().find_map(|p| p.speaker);
            return match last_speaker {
                Some(e) if named_there.contains(&e) => Some(e),
                _ => named_there.first().copied(),
            };
        }
        if GROUP_PRONOUNS.contains(&first.as_str()) {
            let sentence = sentence_of(doc, source.start);
            let near: Vec<usize> = self
                .before(source)
                .take_while(|&(_, s)| s + 1 >= sentence)
                .filter(|&(m, _)| label(m) == EntityType::ORG)
                .filter_map(|(m, _)| self.entity_of[m])
                .filter(|&e| doc.entities[e].label == EntityType::ORG)
                .collect();
            // an organisation that goes on speaking ("Boeing confirmed …; in a statement to
            // NASA, it said …"), else the nearest
            let last_speaker = earlier.iter().rev().find_map(|p| p.speaker);
            return match last_speaker {
                Some(e) if near.contains(&e) => Some(e),
                _ => near.first().copied(),
            };
        }
        None
    }

    /// The antecedent of a "he" or "she" of the wanted gender that opens sentence `sentence`
    /// before any person is named there, resolved as a source of its own (a few levels back).
    fn subject_pronoun(
        &self,
        sentence: usize,
        wanted: Option<Gender>,
        earlier: &[Position],
        depth: usize,
    ) -> Option<usize> {
        const MAX_CHAIN: usize = 4;
        let doc = self.doc;
        if depth >= MAX_CHAIN {
            return None;
        }
        let words = doc.sentences[sentence].tokens.clone();
        let from = doc
            .mentions
            .partition_point(|m| m.tokens.start < words.start);
        let first_person = doc.mentions[from..]
            .iter()
            .find(|m| m.label == EntityType::PER)
            .map_or(words.end, |m| m.tokens.start.min(words.end));
        // a pronoun inside a quotation is someone the quotation speaks of
        let w = (words.start..first_person).find(|&w| {
            let t = doc.token_text(w).to_lowercase();
            !self.quoted[w]
                && matches!(t.as_str(), "he" | "she")
                && (wanted.is_none() || gender_of_word(&t) == wanted)
        })?;
        let before = earlier.partition_point(|p| p.cue.start < w);
        self.pronoun(&(w..w + 1), &[], &earlier[..before], depth + 1)
    }

    /// The person or organisation, mentioned before the source, whose descriptors include the
    /// source's head (its last word) and most of its other words; the nearest of equals.
    fn described(&self, source: &Range<usize>) -> Option<usize> {
        let doc = self.doc;
        // the noun before its qualifiers ("people familiar with the talks": people)
        let words: Vec<String> = lower_words(doc, source.clone())
            .take_while(|w| !QUALIFIERS.contains(&w.as_str()))
            .filter(|w| !DETERMINERS.contains(&w.as_str()))
            .collect();
        let head = words.last()?;
        // a plural ("his editors", "the doctors") is a group, never one person; people and
        // sources are no one the article names
        if matches!(head.as_str(), "people" | "sources" | "persons") {
            return None;
        }
        let plural = head.len() > 3 && head.ends_with('s') && !head.ends_with("ss");
        let mut seen = Vec::new();
        let mut best: Option<((usize, usize), usize)> = None;
        for (m, _) in self.before(source) {
            let Some(e) = self.entity_of[m] else { continue };
            if seen.contains(&e)
                || !matches!(doc.entities[e].label, EntityType::PER | EntityType::ORG)
                || (plural && doc.entities[e].label == EntityType::PER)
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
        best.map(|(_, e)| e).or_else(|| {
            (!plural)
                .then(|| self.described_after(source, &words))
                .flatten()
        })
    }

    /// A lede's description of a person the article names a few sentences on ("Austria's
    /// interior minister said …" … "Interior Minister Wolfgang Peschorn"): the first person
    /// after the source, within five sentences, whose descriptors hold every word of its
    /// singular description (two at least, so that a bare "the minister" stays no one).
    fn described_after(&self, source: &Range<usize>, words: &[String]) -> Option<usize> {
        const AHEAD_SENTENCES: usize = 5;
        let doc = self.doc;
        if words.len() < 2 {
            return None;
        }
        let sentence = sentence_of(doc, source.start);
        let from = doc
            .mentions
            .partition_point(|m| m.tokens.start < source.end);
        (from..doc.mentions.len())
            .take_while(|&m| {
                sentence_of(doc, doc.mentions[m].tokens.start) <= sentence + AHEAD_SENTENCES
            })
            .filter(|&m| doc.mentions[m].label == EntityType::PER)
            .filter_map(|m| self.entity_of[m])
            .find(|&e| words.iter().all(|w| self.descriptors[e].contains(w)))
    }
}

/// The people of the article whose full name ends in this surname (lowercase).
pub(super) fn with_surname<'a>(doc: &'a Doc, surname: &'a str) -> impl Iterator<Item = usize> + 'a {
    doc.entities.iter().enumerate().filter_map(move |(i, e)| {
        let mut words = e.name.split_whitespace();
        let last = words.next_back()?;
        (e.label == EntityType::PER && words.next().is_some() && last.to_lowercase() == surname)
            .then_some(i)
    })
}

/// "the ministers, who rejected the plan": the noun a source that is a relative pronoun stands
/// for, which names the speaker.
pub(super) fn relative(doc: &Doc, source: &Range<usize>) -> Option<Range<usize>> {
    let word = doc.token_text(source.start).to_lowercase();
    (source.len() == 1 && (word == "who" || word == "which"))
        .then(|| relative_antecedent(doc, source.start))
        .flatten()
}

/// A source that is "I" or "we" alone (or "me", "us"), or "my" or "our" and what one says or
/// writes ("my statements").
pub(super) fn first_person(doc: &Doc, source: &Range<usize>) -> bool {
    let word = |i: usize| doc.token_text(i).to_lowercase();
    match source.len() {
        1 => matches!(word(source.start).as_str(), "i" | "we" | "me" | "us"),
        // "as my statements said": what the speaker said or wrote stands for them
        2 => {
            matches!(word(source.start).as_str(), "my" | "our")
                && OWN_VOICE.contains(&word(source.start + 1).as_str())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
