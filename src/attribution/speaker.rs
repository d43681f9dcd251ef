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
            // "the ministers, who rejected the plan": the speaker is the pronoun's noun
            if let Some(s) = &positions[i].source {
                let word = doc.token_text(s.start).to_lowercase();
                if s.len() == 1 && (word == "who" || word == "which") {
                    positions[i].antecedent = relative_antecedent(doc, s.start);
                }
            }
            let named = positions[i]
                .antecedent
                .clone()
                .or(positions[i].source.clone());
            let speaker = named
                .as_ref()
                .and_then(|s| speakers.speaker(s, &positions[..i]));
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

/// Words that cannot be all a speaker is ("Never urged Ukraine to…", "the publicly traded
/// company" cut after "publicly"): lowercase adverbs in -ly, and words that only modify.
fn is_modifier_only(w: &str) -> bool {
    let lower = w.to_lowercase();
    // a capitalised -ly word is a name as often as not (Kelly, Beverly)
    let adverb = lower.len() > 4
        && lower.ends_with("ly")
        && w.chars().next().is_some_and(char::is_lowercase)
        && !matches!(
            lower.as_str(),
            "family" | "ally" | "assembly" | "supply" | "rally" | "daily" | "monthly" | "weekly"
        );
    adverb
        || matches!(
            lower.as_str(),
            "never"
                | "also"
                | "not"
                | "only"
                | "just"
                | "even"
                | "still"
                | "already"
                | "then"
                | "now"
                | "so"
                | "too"
                | "very"
                | "once"
                | "again"
                | "later"
                | "soon"
                | "often"
        )
}

/// A source that names someone: some word of it, determiners aside, is a name or not a mere
/// modifier.
fn can_speak(doc: &Doc, source: &Range<usize>) -> bool {
    // mentions are in text order and do not overlap
    let i = doc
        .mentions
        .partition_point(|m| m.tokens.end <= source.start);
    let named = doc
        .mentions
        .get(i)
        .is_some_and(|m| m.tokens.start < source.end);
    named
        || source.clone().any(|w| {
            let t = doc.token_text(w);
            t.chars().any(char::is_alphanumeric)
                && !DETERMINERS.contains(&t.to_lowercase().as_str())
                && !is_modifier_only(t)
        })
}

/// Nouns that name people who speak, in the singular or plural ("the minister", "officials").
fn is_speaking_noun(w: &str) -> bool {
    let w = w.to_lowercase();
    let singular = w.strip_suffix('s').unwrap_or(&w);
    super::role::is_head(&w)
        || super::role::is_head(singular)
        || matches!(
            singular,
            "people"
                | "group"
                | "government"
                | "ministry"
                | "company"
                | "party"
                | "union"
                | "agency"
        )
}

/// The speaker of a cue without a source, where the sentence gives one: the subject of the
/// clause the cue's clause is coordinated with ("The minister met the envoy and then insisted
/// …": the minister; "X said … and added …": X's source), or the noun a relative clause hangs on
/// ("the ministers, who rejected the plan").
fn inferred_source(doc: &Doc, earlier: &[Position], cue: &Range<usize>) -> Option<Range<usize>> {
    let sentence = &doc.sentences[sentence_of(doc, cue.start).min(doc.sentences.len() - 1)];
    let mut w = cue.start;
    // adverbs between the subject and its verb ("and then insisted", "who later rejected")
    while w > sentence.tokens.start && is_modifier_only(doc.token_text(w - 1)) {
        w -= 1;
    }
    if w == sentence.tokens.start {
        return None;
    }
    let before = doc.token_text(w - 1).to_lowercase();
    if before == "who" || before == "which" {
        return relative_antecedent(doc, w - 1);
    }
    if before != "and" && before != "but" {
        return None;
    }
    // a source earlier in the sentence speaks on ("said … and added")
    if let Some(s) = earlier
        .iter()
        .rev()
        .filter(|p| p.cue.start >= sentence.tokens.start && p.cue.end <= w)
        .find_map(|p| p.source.clone())
    {
        return Some(s);
    }
    // the sentence's subject: a name it opens with, or "the" and a speaking noun
    let start = sentence.tokens.start;
    let i = doc.mentions.partition_point(|m| m.tokens.start < start);
    if let Some(m) = doc.mentions.get(i).filter(|m| {
        (m.tokens.start == start
            || m.tokens.start == start + 1
                && DETERMINERS.contains(&doc.token_text(start).to_lowercase().as_str()))
            && matches!(m.label, EntityType::PER | EntityType::ORG)
            && m.tokens.end < w
    }) {
        return Some(start..m.tokens.end);
    }
    (start + 1..(start + 4).min(w))
        .find(|&e| {
            is_speaking_noun(doc.token_text(e - 1))
                && doc
                    .token_text(start)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
        })
        .map(|e| start..e)
}

/// The noun a relative "who" at word `who` hangs on: the name or the determiner and speaking
/// noun before its comma or dash.
fn relative_antecedent(doc: &Doc, who: usize) -> Option<Range<usize>> {
    let sentence = &doc.sentences[sentence_of(doc, who).min(doc.sentences.len() - 1)];
    // "the Palestinian Authority, which …" and "the Palestinian Authority - which …"
    if who < sentence.tokens.start + 2 || !matches!(doc.token_text(who - 1), "," | "-" | "–" | "—")
    {
        return None;
    }
    let comma = who - 1;
    let i = doc.mentions.partition_point(|m| m.tokens.end < comma);
    if let Some(m) = doc.mentions.get(i).filter(|m| m.tokens.end == comma) {
        return Some(m.tokens.clone());
    }
    noun_phrase_ending(doc, comma, sentence.tokens.start)
}

/// "the ministers" ending at `end`: a determiner and at most three words, the last a speaking
/// noun.
fn noun_phrase_ending(doc: &Doc, end: usize, floor: usize) -> Option<Range<usize>> {
    if end == floor || !is_speaking_noun(doc.token_text(end - 1)) {
        return None;
    }
    (end.saturating_sub(4).max(floor)..end - 1)
        .find(|&s| DETERMINERS.contains(&doc.token_text(s).to_lowercase().as_str()))
        .map(|s| s..end)
}

/// Words that end a description's noun and start what qualifies it.
const QUALIFIERS: &[&str] = &[
    "of", "for", "with", "in", "on", "at", "from", "to", "by", "familiar", "briefed", "close",
    "who", "which", "that", "when",
];

/// Nouns by which news calls an organisation it has named.
const ORGANISATION_NOUNS: &[&str] = &[
    "company",
    "group",
    "agency",
    "firm",
    "organization",
    "organisation",
    "brokerage",
    "manufacturer",
    "carrier",
    "airline",
    "bank",
    "coalition",
    "union",
    "startup",
    "retailer",
    "network",
    "newspaper",
    "publication",
    "ministry",
    "department",
    "office",
    "automaker",
    "band",
    "club",
    "charity",
    "foundation",
    "institute",
    "court",
];

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
}

/// What "he" and "she" tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

fn gender_of_word(w: &str) -> Option<Gender> {
    match w {
        "he" | "him" | "his" | "himself" => Some(Gender::Male),
        "she" | "her" | "hers" | "herself" => Some(Gender::Female),
        _ => None,
    }
}

fn gender_of_honorific(w: &str) -> Option<Gender> {
    match w {
        "mr" => Some(Gender::Male),
        "ms" | "mrs" | "miss" => Some(Gender::Female),
        _ => None,
    }
}

/// How far after a mention its pronouns are counted, in words, short of the next person.
const GENDER_WINDOW: usize = 20;

/// Each entity's gender: the honorific before its mentions, and the "he"/"she" words that
/// follow them before any other person is named; none where the counts tie.
fn genders(doc: &Doc, entity_of: &[Option<usize>]) -> Vec<Option<Gender>> {
    let mut counts = vec![[0usize; 2]; doc.entities.len()];
    let mut add = |e: usize, g: Gender| counts[e][(g == Gender::Female) as usize] += 1;
    for (m, mention) in doc.mentions.iter().enumerate() {
        let Some(e) = entity_of[m] else { continue };
        if mention.label != EntityType::PER {
            continue;
        }
        // "Mr." may be one word or two ("Mr", ".")
        let before = |k: usize| {
            mention
                .tokens
                .start
                .checked_sub(k)
                .map(|t| doc.token_text(t))
        };
        let honorific = match before(1) {
            Some(".") => before(2),
            w => w,
        };
        if let Some(g) =
            honorific.and_then(|w| gender_of_honorific(&w.trim_end_matches('.').to_lowercase()))
        {
            add(e, g);
        }
        let next_person = doc.mentions[m + 1..]
            .iter()
            .find(|x| x.label == EntityType::PER)
            .map_or(doc.tokens.len(), |x| x.tokens.start);
        let end = next_person.min(mention.tokens.end + GENDER_WINDOW);
        for t in mention.tokens.end..end {
            if let Some(g) = gender_of_word(&doc.token_text(t).to_lowercase()) {
                add(e, g);
            }
        }
    }
    counts
        .into_iter()
        .map(|[m, f]| match m.cmp(&f) {
            std::cmp::Ordering::Greater => Some(Gender::Male),
            std::cmp::Ordering::Less => Some(Gender::Female),
            std::cmp::Ordering::Equal => None,
        })
        .collect()
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
            .or_else(|| self.organisation_noun(source))
            .or_else(|| self.surname(source))
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
    /// person named in that sentence (its subject, mostly). "it"/"they": the nearest
    /// organisation in the last two sentences.
    fn pronoun(&self, source: &Range<usize>, earlier: &[Position]) -> Option<usize> {
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
            let mut people = self
                .before(source)
                .filter(|&(m, _)| label(m) == EntityType::PER && agrees(m));
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
        // the noun before its qualifiers ("people familiar with the talks": people)
        let words: Vec<String> = lower_words(doc, source.clone())
            .take_while(|w| !QUALIFIERS.contains(&w.as_str()))
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

/// The people of the article whose full name ends in this surname (lowercase).
pub(super) fn with_surname<'a>(doc: &'a Doc, surname: &'a str) -> impl Iterator<Item = usize> + 'a {
    doc.entities.iter().enumerate().filter_map(move |(i, e)| {
        let mut words = e.name.split_whitespace();
        let last = words.next_back()?;
        (e.label == EntityType::PER && words.next().is_some() && last.to_lowercase() == surname)
            .then_some(i)
    })
}

/// A source that is "I" or "we" alone (or "me", "us").
pub(super) fn first_person(doc: &Doc, source: &Range<usize>) -> bool {
    source.len() == 1
        && matches!(
            doc.token_text(source.start).to_lowercase().as_str(),
            "i" | "we" | "me" | "us"
        )
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
    // the head: the words before an apposition or a relative clause ("Rob Goldman, president
    // of …", "the People's Daily, the party's mouthpiece")
    let head_end = (bare.start + 1..bare.end)
        .find(|&w| matches!(doc.token_text(w), "," | "(" | "who" | "which" | "that"))
        .unwrap_or(bare.end);
    let head = bare.start..head_end;
    let inside: Vec<usize> = (0..end)
        .rev()
        .take_while(|&i| doc.mentions[i].tokens.end > source.start)
        .filter(|&i| doc.mentions[i].tokens.start < head.end)
        .collect();
    // a person named in the head is the speaker ("Ukrainian President Volodymyr Zelenskyy"),
    // unless others are named by their tie to them ("friends of Mike Ford")
    let tied = |m: usize| {
        let start = doc.mentions[m].tokens.start;
        start >= source.start + 2 && doc.token_text(start - 1) == "of" && {
            let w = doc.token_text(start - 2);
            w.ends_with('s') && w.chars().all(char::is_lowercase)
        }
    };
    if let Some(&m) = inside
        .iter()
        .find(|&&m| doc.mentions[m].label == EntityType::PER)
    {
        return (!tied(m)).then_some(m);
    }
    // else a name that is the head's last word ("the White House", "Beijing"); a place only
    // as the whole head: a name that qualifies a noun names no one ("US officials", "a
    // spokesperson for the Foreign Office", "Middle East observers")
    inside
        .into_iter()
        .filter(|&i| {
            let m = &doc.mentions[i];
            match m.label {
                EntityType::ORG => m.tokens.end == head.end,
                _ => m.tokens == head,
            }
        })
        .min_by_key(|&i| (rank(doc.mentions[i].label), std::cmp::Reverse(i)))
}

fn lower_words(doc: &Doc, words: Range<usize>) -> impl Iterator<Item = String> + '_ {
    words
        .map(|w| doc.token_text(w).to_lowercase())
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || c == '-') && !w.is_empty())
}

/// Words the article uses around an entity's mentions: up to four words before a mention
/// ("Ukrainian President"), an apposition after it (", the Ukrainian president,"), and its own.
/// Abbreviated titles and the nouns news uses for them afterwards ("Gov. Eric Holcomb" … "the
/// governor").
const TITLE_WORDS: &[(&str, &str)] = &[
    ("gov", "governor"),
    ("sen", "senator"),
    ("rep", "representative"),
    ("gen", "general"),
    ("lt", "lieutenant"),
    ("col", "colonel"),
    ("sgt", "sergeant"),
    ("adm", "admiral"),
    ("atty", "attorney"),
    ("supt", "superintendent"),
    ("pres", "president"),
    ("sec", "secretary"),
    ("amb", "ambassador"),
    ("det", "detective"),
    ("insp", "inspector"),
    ("prof", "professor"),
    ("dr", "doctor"),
];

fn descriptors(doc: &Doc, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    for &m in &doc.entities[e].mentions {
        let m = &doc.mentions[m];
        out.extend(lower_words(doc, m.tokens.clone()));
        let sentence = &doc.sentences[sentence_of(doc, m.tokens.start)];
        let mut w = m.tokens.start;
        while w > sentence.tokens.start && m.tokens.start - w < 4 {
            let t = doc.token_text(w - 1).to_lowercase();
            w -= 1;
            // "Gov." (or "Gov", ".") is what "the governor" refers back to
            if t == "." {
                continue;
            }
            let t = t.strip_suffix('.').unwrap_or(&t);
            if DETERMINERS.contains(&t) || !t.chars().all(char::is_alphabetic) {
                break;
            }
            let full = TITLE_WORDS
                .iter()
                .find(|(a, _)| *a == t)
                .map_or(t, |(_, f)| f);
            out.push(full.to_string());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{with_entities, words_of};

    fn position(doc: &Doc, source: Option<&str>, cue: &str, content: &str) -> Position {
        Position {
            source: source.map(|s| words_of(doc, s)),
            cue: words_of(doc, cue),
            content: vec![words_of(doc, content)],
            confidence: 1.0,
            ..Position::default()
        }
    }

    #[test]
    fn speakers_a_reader_sees_where_the_tagger_found_no_source() {
        // (text, entities, positions as (source, cue, content), expected (speaker name, inferred))
        type Row<'a> = (
            &'a str,
            &'a [(&'a str, EntityType)],
            &'a [(Option<&'a str>, &'a str, &'a str)],
            (Option<&'a str>, bool),
        );
        let table: &[Row] = &[
            (
                "The minister met the envoy and then insisted on a ceasefire.",
                &[],
                &[(None, "insisted on", "a ceasefire")],
                (Some("The minister"), true),
            ),
            (
                "Olaf Scholz met the envoy and later rejected the plan.",
                &[("Olaf Scholz", EntityType::PER)],
                &[(None, "rejected", "the plan")],
                (Some("Olaf Scholz"), true),
            ),
            (
                "Olaf Scholz said talks would resume and added that Europe must help.",
                &[("Olaf Scholz", EntityType::PER)],
                &[
                    (Some("Olaf Scholz"), "said", "talks would resume"),
                    (None, "added", "that Europe must help"),
                ],
                (Some("Olaf Scholz"), true),
            ),
            (
                "The talks stalled after the ministers, who rejected the plan, left.",
                &[],
                &[(None, "rejected", "the plan")],
                (Some("the ministers"), true),
            ),
            // the tagger's "who": the pronoun's noun names the speaker
            (
                "It stalled after the ministers, who rejected the plan, left.",
                &[],
                &[(Some("who"), "rejected", "the plan")],
                (Some("the ministers"), false),
            ),
            // no subject to share: none
            (
                "Rain fell and then insisted on a ceasefire.",
                &[],
                &[(None, "insisted on", "a ceasefire")],
                (None, false),
            ),
            // a name in -ly is a speaker
            (
                "Kelly urged Congress to act.",
                &[],
                &[(Some("Kelly"), "urged", "Congress to act")],
                (Some("Kelly"), false),
            ),
            // "I" inside a quotation is the quotation's speaker
            (
                "\"We will not sign it. I told them so,\" Smith said.",
                &[("Smith", EntityType::PER)],
                &[
                    (Some("Smith"), "said", "We will not sign it. I told them so"),
                    (Some("I"), "told", "them so"),
                ],
                (Some("Smith"), false),
            ),
            // "she" is not the man named last
            (
                "Jennifer Williams testified and she was asked about the call. Kurt Volker, who \
                 said he had no indication of a deal, spoke next. \"It sounded political,\" she said.",
                &[
                    ("Jennifer Williams", EntityType::PER),
                    ("Kurt Volker", EntityType::PER),
                ],
                &[(Some("she"), "said", "It sounded political")],
                (Some("Jennifer Williams"), false),
            ),
            // "his aunt" is not him
            (
                "Mike Ford was a writer. According to his aunt, the stories were sad.",
                &[("Mike Ford", EntityType::PER)],
                &[(Some("his aunt"), "According to", "the stories were sad")],
                (Some("his aunt"), false),
            ),
            // a relative "which" after a dash
            (
                "The talks stalled. The Palestinian Authority - which rejected the plan - left.",
                &[("Palestinian Authority", EntityType::ORG)],
                &[(Some("which"), "rejected", "the plan")],
                (Some("Palestinian Authority"), false),
            ),
            // "the governor" after "Gov. Eric Holcomb"
            (
                "Republican Gov. Eric Holcomb signed the budget. The governor said he was waiting \
                 for a report.",
                &[("Eric Holcomb", EntityType::PER)],
                &[(Some("The governor"), "said", "he was waiting for a report")],
                (Some("Eric Holcomb"), false),
            ),
            // a modifier alone is no speaker
            (
                "Never urged Ukraine to give up the region.",
                &[("Ukraine", EntityType::LOC)],
                &[(Some("Never"), "urged", "Ukraine to give up the region")],
                (None, false),
            ),
        ];
        for &(text, entities, positions, (want, inferred)) in table {
            let mut doc = with_entities(text, entities);
            doc.positions = positions
                .iter()
                .map(|&(s, c, t)| position(&doc, s, c, t))
                .collect();
            Speakers.annotate(&mut doc).unwrap();
            let record = doc.to_record(&serde_json::Value::Null);
            let last = record.positions.last().unwrap();
            let got = last.speaker.as_ref().and_then(|s| s.name.as_deref());
            assert_eq!(got, want, "{text:?}");
            assert_eq!(
                last.speaker.as_ref().is_some_and(|s| s.inferred),
                inferred,
                "{text:?}"
            );
        }
    }
}
