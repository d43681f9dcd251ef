//! What a source's words can be: a speaking noun, a qualifier, a phrase the cue's context names.

use super::*;

/// Words that cannot be all a speaker is ("Never urged Ukraine to…", "the publicly traded
/// company" cut after "publicly"): lowercase adverbs in -ly, and words that only modify.
pub(super) fn is_modifier_only(w: &str) -> bool {
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
pub(super) fn can_speak(doc: &Doc, source: &Range<usize>) -> bool {
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
pub(super) fn is_speaking_noun(w: &str) -> bool {
    let w = w.to_lowercase();
    let singular = w.strip_suffix('s').unwrap_or(&w);
    super::super::role::is_head(&w)
        || super::super::role::is_head(singular)
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
pub(super) fn inferred_source(
    doc: &Doc,
    earlier: &[Position],
    cue: &Range<usize>,
) -> Option<Range<usize>> {
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
    // a source earlier in the sentence speaks on ("said … and added"), not one inside what
    // it said ("The group said that the contract has confused employees, and demanded …")
    let before: Vec<&Position> = (earlier.iter())
        .filter(|p| p.cue.start >= sentence.tokens.start && p.cue.end <= w)
        .collect();
    let inside = |p: &Position| {
        (before.iter())
            .any(|q| (q.content.iter()).any(|c| c.start <= p.cue.start && p.cue.end <= c.end))
    };
    if let Some(s) = (before.iter().rev())
        .filter(|p| !inside(p))
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
pub(super) fn relative_antecedent(doc: &Doc, who: usize) -> Option<Range<usize>> {
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
        .or_else(|| proper_name_ending(doc, comma, sentence.tokens.start))
}

/// "the International Coalition Forces" ending at `end`: two to five capitalised words (the
/// tagger missed the name), with "the" before them if it stands there.
fn proper_name_ending(doc: &Doc, end: usize, floor: usize) -> Option<Range<usize>> {
    let capital = |i: usize| (doc.token_text(i).chars().next()).is_some_and(char::is_uppercase);
    let mut start = end;
    while start > floor && capital(start - 1) {
        start -= 1;
    }
    // a sentence's first word is capitalised whatever it is
    if start == floor && start < end {
        start += 1;
    }
    // a heading's words are capitalised too
    if !(2..=5).contains(&(end - start)) {
        return None;
    }
    let the = start > floor && doc.token_text(start - 1).eq_ignore_ascii_case("the");
    Some(if the { start - 1..end } else { start..end })
}

/// "the ministers" ending at `end`: a determiner and at most three words, the last a speaking
/// noun.
pub(super) fn noun_phrase_ending(doc: &Doc, end: usize, floor: usize) -> Option<Range<usize>> {
    if end == floor || !is_speaking_noun(doc.token_text(end - 1)) {
        return None;
    }
    (end.saturating_sub(4).max(floor)..end - 1)
        .find(|&s| DETERMINERS.contains(&doc.token_text(s).to_lowercase().as_str()))
        .map(|s| s..end)
}

/// Words that end a description's noun and start what qualifies it.
pub(super) const QUALIFIERS: &[&str] = &[
    "of", "for", "with", "in", "on", "at", "from", "to", "by", "familiar", "briefed", "close",
    "who", "which", "that", "when",
];

/// Nouns by which news calls an organisation it has named.
pub(super) const ORGANISATION_NOUNS: &[&str] = &[
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
