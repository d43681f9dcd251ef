//! Reported positions: per-word Source / Cue / Content probabilities to attributions, each with a
//! speaker resolved to an entity of the article, a kind and a stance.
//!
//! Tags are decoded over the whole article at once, since contents run across sentences. Every
//! cue span anchors one position. Its content is every content span for which it is the nearest
//! cue of the content's sentence (so `"X," he said, "Y"` gives one content in two pieces); a cue
//! left without content is not a position. Its source is the nearest source span in the cue's
//! sentence, so one source serves several cues ("Zelenskyy rejected the offer, emphasizing
//! that…"); none there, no source (PolNeAR dev: about 11 of 2,067 sources lie in another
//! sentence).

mod signed;

pub use signed::SignedQuotations;

use crate::bio::{Span, SpanType, Tagset};
use crate::doc::{Doc, EntityType, Kind, Position, Stance};
use crate::stage::{Layer, Stage};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl SpanType for Role {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "SOURCE" => Some(Role::Source),
            "CUE" => Some(Role::Cue),
            "CONTENT" => Some(Role::Content),
            _ => None,
        }
    }
    const NAMES: &'static str = "SOURCE CUE CONTENT";
}

/// A content farther than this many words from every cue belongs to none (a guard: contents
/// sit beside their cue, before, after or around it).
const MAX_CONTENT_GAP: usize = 40;

/// Words between a content and a cue of another sentence that may still join them.
const MAX_GAP_ACROSS: usize = 2;

/// The head whose scores this stage decodes.
pub const HEAD: &str = "attribution";

/// The attribution decoding stage: the `attribution` head's scores to positions (source, cue,
/// content pieces, kind), without speakers or stance yet.
pub struct Attribution {
    tags: Tagset<Role>,
}

impl Attribution {
    /// For a head with these labels (`O`, `B-SOURCE`, …).
    pub fn new(labels: &[String]) -> anyhow::Result<Self> {
        use anyhow::Context;
        Ok(Attribution {
            tags: Tagset::new(labels).context("attribution model")?,
        })
    }
}

impl Stage for Attribution {
    fn name(&self) -> &str {
        "attribution"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Head(HEAD.into())]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn annotate(&self, doc: &mut Doc) -> anyhow::Result<()> {
        let rows = doc.heads.get(HEAD).map(|h| h.rows()).unwrap_or_default();
        let spans = self.tags.spans(&self.tags.viterbi(&rows), 0);
        let quoted = quoted_words(doc);
        let mut positions = group(doc, &spans);
        for p in &mut positions {
            p.kind = kind(doc, &quoted, &p.content);
        }
        doc.positions = positions;
        Ok(())
    }
}

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
    fn annotate(&self, doc: &mut Doc) -> anyhow::Result<()> {
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

/// The stage that reads each position's stance off its cue.
pub struct Stances;

impl Stage for Stances {
    fn name(&self) -> &str {
        "stances"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Positions]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Stances]
    }
    fn annotate(&self, doc: &mut Doc) -> anyhow::Result<()> {
        let stances: Vec<Stance> = doc.positions.iter().map(|p| stance(doc, &p.cue)).collect();
        for (p, s) in doc.positions.iter_mut().zip(stances) {
            p.stance = s;
        }
        Ok(())
    }
}

/// Words between two spans; 0 when they touch or overlap.
fn gap(a: &Range<usize>, b: &Range<usize>) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

fn sentence_of(doc: &Doc, word: usize) -> usize {
    doc.sentences.partition_point(|s| s.tokens.end <= word)
}

/// Span indices by the sentence each span starts in.
fn by_sentence(doc: &Doc, spans: &[&Span<Role>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); doc.sentences.len() + 1];
    for (i, s) in spans.iter().enumerate() {
        out[sentence_of(doc, s.words.start)].push(i);
    }
    out
}

fn group(doc: &Doc, spans: &[Span<Role>]) -> Vec<Position> {
    let of = |r: Role| spans.iter().filter(move |s| s.kind == r);
    let cues: Vec<&Span<Role>> = of(Role::Cue).collect();
    let cues_in = by_sentence(doc, &cues);
    let mut contents: Vec<Vec<&Span<Role>>> = vec![vec![]; cues.len()];
    for c in of(Role::Content) {
        // the nearest cue of a sentence the content starts or ends in (on a tie the one before
        // the content, the usual order); a cue of another sentence only right beside it ("he
        // said:" before a new line): a content whose cue the model missed stays out rather
        // than join a wrong one (PolNeAR dev: exact Content F1 +2.7 points)
        let edges = [
            sentence_of(doc, c.words.start),
            sentence_of(doc, c.words.end - 1),
        ];
        // cues of the sentences from the one before to the one after: any other is too far
        // (looking at them all made a 5 MB article quadratic)
        let near = edges[0].saturating_sub(1)..(edges[1] + 2).min(cues_in.len());
        let best = near
            .flat_map(|s| cues_in[s].iter().map(move |&i| (s, i)))
            .map(|(s, i)| {
                let q = cues[i];
                let apart = !edges.contains(&s);
                let g = gap(&q.words, &c.words);
                (apart, g, q.words.start > c.words.start, i)
            })
            .min()
            .filter(|&(apart, g, _, _)| !apart || g <= MAX_GAP_ACROSS)
            .map(|(_, g, before, i)| (g, before, i));
        if let Some((g, _, i)) = best {
            if g <= MAX_CONTENT_GAP {
                contents[i].push(c);
            }
        }
    }
    let sources: Vec<&Span<Role>> = of(Role::Source).collect();
    let sources_in = by_sentence(doc, &sources);
    cues.iter()
        .zip(contents)
        .filter(|(_, c)| !c.is_empty())
        .map(|(q, parts)| {
            let source = sources_in[sentence_of(doc, q.words.start)]
                .iter()
                .map(|&i| sources[i])
                .min_by_key(|s| (gap(&s.words, &q.words), s.words.start > q.words.start));
            let mut content: Vec<Range<usize>> = Vec::new();
            for p in &parts {
                match content.last_mut() {
                    // a content split only by a window's or the model's B- tag is one piece
                    Some(last) if last.end == p.words.start => last.end = p.words.end,
                    _ => content.push(p.words.clone()),
                }
            }
            let confs: Vec<f32> = std::iter::once(q.confidence)
                .chain(parts.iter().map(|c| c.confidence))
                .chain(source.map(|s| s.confidence))
                .collect();
            Position {
                source: source.map(|s| s.words.clone()),
                speaker: None,
                cue: q.words.clone(),
                content,
                kind: Kind::Indirect,
                stance: Stance::Neutral,
                confidence: confs.iter().sum::<f32>() / confs.len() as f32,
            }
        })
        .collect()
}

/// Whether each word of the Doc is inside a quotation.
fn quoted_words(doc: &Doc) -> Vec<bool> {
    let mut quoted = vec![false; doc.tokens.len()];
    for q in &doc.quotations {
        let first = doc.tokens.partition_point(|t| t.start < q.start);
        for (w, t) in doc.tokens.iter().enumerate().skip(first) {
            if t.end > q.end {
                break;
            }
            quoted[w] = true;
        }
    }
    quoted
}

/// Direct when every word of the content is inside quotation marks, mixed when some are,
/// indirect when none is. Punctuation does not count.
fn kind(doc: &Doc, quoted: &[bool], content: &[Range<usize>]) -> Kind {
    let (mut inside, mut outside) = (0, 0);
    for w in content.iter().flat_map(|r| r.clone()) {
        if !doc.token_text(w).chars().any(char::is_alphanumeric) {
            continue;
        }
        if quoted[w] {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    match (inside, outside) {
        (0, _) => Kind::Indirect,
        (_, 0) => Kind::Direct,
        _ => Kind::Mixed,
    }
}

/// Stems of cue words that oppose their content ("rejected", "refuses", "denial", …).
const OPPOSE: &[&str] = &[
    "reject",
    "refus",
    "deni",
    "deny",
    "dismiss",
    "oppos",
    "critic",
    "condemn",
    "denounc",
    "declin",
    "object",
    "disput",
    "slam",
    "blast",
    "rebuff",
    "rebuk",
    "disagre",
    "disapprov",
    "lambast",
    "ridicul",
    "mock",
    "scoff",
    "balk",
    "contest",
    "challeng",
    "contradict",
    "veto",
    "resist",
    "protest",
    "attack",
    "accus",
    "doubt",
    "question",
    "decr",
    "deplor",
    "blam",
    "complain",
    "bristl",
    "lament",
    "against",
];

/// Stems of cue words that support their content ("proposed", "backs", "welcoming", …).
const SUPPORT: &[&str] = &[
    "propos",
    "back",
    "welcom",
    "agre",
    "support",
    "endors",
    "prais",
    "approv",
    "accept",
    "favo",
    "advocat",
    "urg",
    "applaud",
    "hail",
    "embrac",
    "champion",
    "recommend",
    "promis",
    "pledg",
    "vow",
    "defend",
    "commend",
    "hope",
    "want",
    "insist",
    "demand",
];

const NEGATORS: &[&str] = &["not", "never", "no", "neither", "nor", "cannot", "without"];

fn is_negator(w: &str) -> bool {
    NEGATORS.contains(&w) || w.ends_with("n't") || w.ends_with("n’t")
}

/// The stance of the first stance-bearing word of the cue; "called for" supports and "ruled
/// out" opposes. A negation in the cue or just before it turns support into opposition and
/// opposition into neutral ("did not reject").
fn stance(doc: &Doc, cue: &Range<usize>) -> Stance {
    let words: Vec<String> = cue
        .clone()
        .map(|w| doc.token_text(w).to_lowercase())
        .collect();
    let sentence = &doc.sentences[sentence_of(doc, cue.start).min(doc.sentences.len() - 1)];
    let before = cue.start.saturating_sub(3).max(sentence.tokens.start)..cue.start;
    let negated = words.iter().any(|w| is_negator(w))
        || before
            .clone()
            .any(|w| is_negator(&doc.token_text(w).to_lowercase()));
    let pairs = words.windows(2);
    let base = words
        .iter()
        .find_map(|w| {
            if OPPOSE.iter().any(|s| w.starts_with(s)) {
                Some(Stance::Oppose)
            } else if SUPPORT.iter().any(|s| w.starts_with(s)) {
                Some(Stance::Support)
            } else {
                None
            }
        })
        .or_else(|| {
            pairs
                .clone()
                .find_map(|p| match (p[0].as_str(), p[1].as_str()) {
                    (v, "for") if v.starts_with("call") => Some(Stance::Support),
                    (v, "out") if v.starts_with("rul") => Some(Stance::Oppose),
                    _ => None,
                })
        })
        .unwrap_or(Stance::Neutral);
    match (base, negated) {
        (Stance::Support, true) => Stance::Oppose,
        (Stance::Oppose, true) => Stance::Neutral,
        (s, _) => s,
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
struct SpeakerIndex<'a> {
    doc: &'a Doc,
    entity_of: Vec<Option<usize>>,
    descriptors: Vec<Vec<String>>,
}

impl<'a> SpeakerIndex<'a> {
    fn new(doc: &'a Doc) -> Self {
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
    fn speaker(&self, source: &Range<usize>, earlier: &[Position]) -> Option<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Entity, Mention};
    use crate::segment;

    /// A segmented doc with the given (word text, type) mentions made into one entity each.
    fn doc_with(text: &str, names: &[(&str, EntityType)]) -> Doc {
        let mut doc = Doc::new("t", text);
        segment::annotate(&mut doc);
        for (name, label) in names {
            let n = name.split(' ').count();
            let mut mentions = vec![];
            for w in 0..doc.tokens.len().saturating_sub(n - 1) {
                let span = doc.byte_span(&(w..w + n));
                if &doc.text[span] == *name {
                    mentions.push(doc.mentions.len());
                    doc.mentions.push(Mention {
                        tokens: w..w + n,
                        label: *label,
                        confidence: 1.0,
                    });
                }
            }
            doc.entities.push(Entity {
                label: *label,
                name: name.to_string(),
                mentions,
            });
        }
        doc
    }

    /// Mentions in text order, as NER leaves them, the entities' indices following.
    fn sort_mentions(doc: &mut Doc) {
        let mut order: Vec<usize> = (0..doc.mentions.len()).collect();
        order.sort_by_key(|&m| doc.mentions[m].tokens.start);
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        doc.mentions = order.iter().map(|&m| doc.mentions[m].clone()).collect();
        for e in &mut doc.entities {
            for m in &mut e.mentions {
                *m = new_index[*m];
            }
            e.mentions.sort();
        }
    }

    /// The words of the first occurrence of `phrase` (which starts and ends at word edges).
    fn words_of(doc: &Doc, phrase: &str) -> Range<usize> {
        let at = doc
            .text
            .find(phrase)
            .unwrap_or_else(|| panic!("{phrase:?} not in text"));
        let first = doc.tokens.iter().position(|t| t.start == at).unwrap();
        let end = doc
            .tokens
            .iter()
            .position(|t| t.end == at + phrase.len())
            .unwrap();
        first..end + 1
    }

    #[test]
    fn stance_table() {
        // (sentence, cue, expected stance)
        let table: &[(&str, &str, Stance)] = &[
            ("Zelenskyy rejected the offer.", "rejected", Stance::Oppose),
            ("He refused to sign it.", "refused to sign", Stance::Oppose),
            ("The ministry denied it.", "denied", Stance::Oppose),
            (
                "Kyiv could not accept it.",
                "could not accept",
                Stance::Oppose,
            ),
            ("Kyiv could not accept it.", "accept", Stance::Oppose),
            ("He did not reject it.", "reject", Stance::Neutral),
            ("Putin proposed a deal.", "proposed", Stance::Support),
            ("Leaders backed the plan.", "backed", Stance::Support),
            ("She welcomed the talks.", "welcomed", Stance::Support),
            ("They agreed that it works.", "agreed", Stance::Support),
            ("He called for a ceasefire.", "called for", Stance::Support),
            ("He ruled out a deal.", "ruled out", Stance::Oppose),
            ("She argued against it.", "argued against", Stance::Oppose),
            ("He never agreed to it.", "agreed", Stance::Oppose),
            ("Biden said it works.", "said", Stance::Neutral),
            ("Biden told them it works.", "told", Stance::Neutral),
            ("Biden noted it works.", "noted", Stance::Neutral),
            ("Biden didn't say it.", "say", Stance::Neutral),
        ];
        for &(text, cue, want) in table {
            let doc = doc_with(text, &[]);
            assert_eq!(
                stance(&doc, &words_of(&doc, cue)),
                want,
                "{text:?} / {cue:?}"
            );
        }
    }

    #[test]
    fn kind_table() {
        // (text, content, expected kind)
        let table: &[(&str, &str, Kind)] = &[
            ("He said “we will win.”", "we will win", Kind::Direct),
            ("He said \"we will win\".", "we will win", Kind::Direct),
            (
                "He said the army would “hold the line” for now.",
                "the army would “hold the line” for now",
                Kind::Mixed,
            ),
            (
                "He said the army would hold.",
                "the army would hold",
                Kind::Indirect,
            ),
        ];
        for &(text, content, want) in table {
            let doc = doc_with(text, &[]);
            let quoted = quoted_words(&doc);
            assert_eq!(
                kind(&doc, &quoted, &[words_of(&doc, content)]),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn speakers_table() {
        let text = "Ukrainian President Volodymyr Zelenskyy met Joe Biden in Geneva. \
                    Zelenskyy rejected the offer. He said Kyiv would hold. \
                    Biden, the American president, spoke later. The Ukrainian president \
                    disagreed. Sources familiar with the talks said little. \
                    The Kremlin said it would wait. It added that talks would go on. \
                    Ukrainian officials said nothing. The Democrats objected.";
        let doc = doc_with(
            text,
            &[
                ("Volodymyr Zelenskyy", EntityType::PER),
                ("Joe Biden", EntityType::PER),
                ("Geneva", EntityType::LOC),
                ("Kremlin", EntityType::ORG),
                ("Ukrainian", EntityType::MISC),
                ("Democrats", EntityType::MISC),
            ],
        );
        // Zelenskyy's and Biden's later mentions join their entities
        let mut doc = doc;
        for (w, e) in [("Zelenskyy", 0usize), ("Biden", 1)] {
            for (i, t) in doc.tokens.clone().iter().enumerate() {
                let inside = doc.mentions.iter().any(|m| m.tokens.contains(&i));
                if &doc.text[t.start..t.end] == w && !inside {
                    doc.entities[e].mentions.push(doc.mentions.len());
                    doc.mentions.push(Mention {
                        tokens: i..i + 1,
                        label: EntityType::PER,
                        confidence: 1.0,
                    });
                }
            }
        }
        sort_mentions(&mut doc);
        let position = |source: Range<usize>, speaker: Option<usize>| Position {
            source: Some(source),
            speaker,
            cue: 0..1,
            content: std::iter::once(0..1).collect(),
            kind: Kind::Indirect,
            stance: Stance::Neutral,
            confidence: 1.0,
        };
        let rejected = position(words_of(&doc, "Zelenskyy"), Some(0));
        // (source phrase, earlier positions, expected entity)
        let table: &[(&str, Vec<Position>, Option<usize>)] = &[
            ("Ukrainian President Volodymyr Zelenskyy", vec![], Some(0)),
            ("He", vec![rejected.clone()], Some(0)),
            ("He", vec![], Some(0)),
            ("The Ukrainian president", vec![], Some(0)),
            ("Sources familiar with the talks", vec![], None),
            ("The Kremlin", vec![], Some(3)),
            ("It", vec![], Some(3)),
            // a MISC names the speaker only as the whole source
            ("Ukrainian officials", vec![], None),
            ("The Democrats", vec![], Some(5)),
        ];
        for (phrase, earlier, want) in table {
            let src = words_of(&doc, phrase);
            assert_eq!(
                SpeakerIndex::new(&doc).speaker(&src, earlier),
                *want,
                "{phrase:?}"
            );
        }
    }

    #[test]
    fn grouping_shares_sources_and_joins_split_contents() {
        let text = "“We will not give up,” Zelenskyy said, “not an inch.” \
                    Zelenskyy rejected the offer, emphasizing that Ukraine could not surrender.";
        let doc = doc_with(text, &[]);
        let span = |phrase: &str, kind: Role| Span {
            words: words_of(&doc, phrase),
            kind,
            confidence: 0.9,
        };
        let spans = vec![
            span("We will not give up", Role::Content),
            span("said", Role::Cue),
            span("not an inch", Role::Content),
            span("rejected", Role::Cue),
            span("the offer", Role::Content),
            span("emphasizing", Role::Cue),
            span("Ukraine could not surrender", Role::Content),
        ];
        let mut spans = spans;
        let z: Vec<usize> = (0..doc.tokens.len())
            .filter(|&w| doc.token_text(w) == "Zelenskyy")
            .collect();
        for &w in &z {
            spans.push(Span {
                words: w..w + 1,
                kind: Role::Source,
                confidence: 0.9,
            });
        }
        spans.sort_by_key(|s| s.words.start);
        let got = group(&doc, &spans);
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].content.len(),
            2,
            "quote split by the cue is one content"
        );
        assert_eq!(got[0].source, Some(z[0]..z[0] + 1));
        assert_eq!(got[1].source, Some(z[1]..z[1] + 1));
        assert_eq!(got[2].source, Some(z[1]..z[1] + 1), "source shared");
        assert_eq!(
            doc.text[doc.byte_span(&got[2].content[0])].to_string(),
            "Ukraine could not surrender"
        );
    }

    #[test]
    fn contents_stay_with_a_cue_of_their_sentence() {
        let doc = doc_with(
            "Trump told Zelenskyy on Monday that Russia would accept a truce. Zelenskyy rejected it.",
            &[],
        );
        let span = |phrase: &str, kind: Role| Span {
            words: words_of(&doc, phrase),
            kind,
            confidence: 0.9,
        };
        let spans = vec![
            span("told", Role::Cue),
            span("that Russia would accept a truce", Role::Content),
            span("rejected", Role::Cue),
        ];
        let got = group(&doc, &spans);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].cue, words_of(&doc, "told"));
    }

    #[test]
    fn a_cue_without_content_or_a_lone_source_is_no_position() {
        let doc = doc_with("Biden said. Putin smiled.", &[]);
        let spans = vec![
            Span {
                words: words_of(&doc, "Biden"),
                kind: Role::Source,
                confidence: 0.9,
            },
            Span {
                words: words_of(&doc, "said"),
                kind: Role::Cue,
                confidence: 0.9,
            },
        ];
        assert!(group(&doc, &spans).is_empty());
    }

    #[test]
    fn a_signed_quotation_replaces_what_the_model_read_inside_it() {
        let doc = doc_with(
            "Polls moved.\n“Trump embodies racism. He is ignorant.” ― Sonya Herridge\n\
             Reid said the polls were wrong.",
            &[],
        );
        let position = |cue: &str, content: &[&str]| Position {
            source: None,
            speaker: None,
            cue: words_of(&doc, cue),
            content: content.iter().map(|c| words_of(&doc, c)).collect(),
            kind: Kind::Indirect,
            stance: Stance::Neutral,
            confidence: 0.5,
        };
        let model = vec![
            // a cue of the quoted text, and a content that strays into the quotation
            position("embodies", &["racism"]),
            position("said", &["He is ignorant", "the polls were wrong"]),
        ];
        let got = signed::with_signed(model, signed::signed_quotations(&doc));
        let text = |r: &Range<usize>| doc.text[doc.byte_span(r)].to_string();
        let got: Vec<(String, Vec<String>)> = got
            .iter()
            .map(|p| (text(&p.cue), p.content.iter().map(text).collect()))
            .collect();
        let want = [
            ("―", vec!["“Trump embodies racism. He is ignorant.”"]),
            ("said", vec!["the polls were wrong"]),
        ]
        .map(|(c, v)| (c.to_string(), v.into_iter().map(String::from).collect()));
        assert_eq!(got, want);
    }
}
