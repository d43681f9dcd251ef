//! The entity a source names, and the words that describe an entity.

use super::*;
use crate::doc::strip_possessive;

pub(super) fn rank(t: EntityType) -> usize {
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
pub(super) fn named(doc: &Doc, source: &Range<usize>) -> Option<usize> {
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
        let Range { start, end } = doc.mentions[m].tokens;
        let of = start >= source.start + 2 && doc.token_text(start - 1) == "of" && {
            let w = doc.token_text(start - 2);
            w.ends_with('s') && w.chars().all(char::is_lowercase)
        };
        // "Ford's now-deceased father" is not Ford; "Trump's statement" is Trump's own
        let owner = end < head.end
            && strip_possessive(doc.token_text(end - 1)) != doc.token_text(end - 1)
            && !OWN_VOICE.contains(&doc.token_text(head.end - 1).to_lowercase().as_str());
        of || owner
    };
    if let Some(&m) = inside
        .iter()
        .find(|&&m| doc.mentions[m].label == EntityType::PER)
    {
        return (!tied(m)).then_some(m);
    }
    // a description and the person's name in apposition, inside the source or right after it:
    // "his aunt, Jane Starner"
    if head.end < doc.tokens.len() && doc.token_text(head.end) == "," {
        // mentions are in text order: look up the one starting after the comma
        let at = doc.mentions.partition_point(|x| x.tokens.start <= head.end);
        if doc
            .mentions
            .get(at)
            .is_some_and(|x| x.label == EntityType::PER && x.tokens.start == head.end + 1)
        {
            return Some(at);
        }
    }
    // else a name that is the head's last word ("the White House", "Beijing"); a place only
    // as the whole head: a name that qualifies a noun names no one ("US officials", "a
    // spokesperson for the Foreign Office", "Middle East observers")
    let after_preposition = |start: usize| {
        let mut w = start;
        while w > head.start && DETERMINERS.contains(&doc.token_text(w - 1).to_lowercase().as_str())
        {
            w -= 1;
        }
        w > head.start
            && matches!(
                doc.token_text(w - 1).to_lowercase().as_str(),
                "for" | "of" | "at" | "from" | "with" | "in" | "by"
            )
    };
    inside
        .into_iter()
        .filter(|&i| {
            let m = &doc.mentions[i];
            match m.label {
                EntityType::ORG => m.tokens.end == head.end && !after_preposition(m.tokens.start),
                _ => m.tokens == head,
            }
        })
        .min_by_key(|&i| (rank(doc.mentions[i].label), std::cmp::Reverse(i)))
}

pub(super) fn lower_words(doc: &Doc, words: Range<usize>) -> impl Iterator<Item = String> + '_ {
    words
        .map(|w| doc.token_text(w).to_lowercase())
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || c == '-') && !w.is_empty())
}

/// Words the article uses around an entity's mentions: up to four words before a mention
/// ("Ukrainian President"), an apposition after it (", the Ukrainian president,"), and its own.
/// Abbreviated titles and the nouns news uses for them afterwards ("Gov. Eric Holcomb" … "the
/// governor").
pub(super) const TITLE_WORDS: &[(&str, &str)] = &[
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

/// A noun of what someone does, by its ending ("actor", "singer", "novelist", "actress"), that the
/// title vocabulary may lack; not the function words of five letters or more with those endings.
fn is_agent_noun(w: &str) -> bool {
    w.len() > 4
        && ["er", "or", "ist", "ess"].iter().any(|s| w.ends_with(s))
        && !matches!(
            w,
            "after"
                | "under"
                | "never"
                | "other"
                | "whether"
                | "either"
                | "neither"
                | "rather"
                | "together"
                | "however"
                | "later"
                | "earlier"
                | "unless"
                | "further"
                | "whatever"
                | "whoever"
                | "wherever"
                | "whenever"
        )
}

pub(super) fn descriptors(doc: &Doc, e: usize) -> Vec<String> {
    let mut out = Vec::new();
    for &m in &doc.entities[e].mentions {
        let m = &doc.mentions[m];
        out.extend(lower_words(doc, m.tokens.clone()));
        let sentence = &doc.sentences[sentence_of(doc, m.tokens.start)];
        let mut w = m.tokens.start;
        while w > sentence.tokens.start && m.tokens.start - w < 4 {
            let word = doc.token_text(w - 1);
            let t = word.to_lowercase();
            w -= 1;
            // "Gov." (or "Gov", ".") is what "the governor" refers back to
            if t == "." {
                continue;
            }
            let t = t.strip_suffix('.').unwrap_or(&t);
            // "co-founder" is a founder too
            let t = t.strip_prefix("co-").unwrap_or(t);
            if DETERMINERS.contains(&t) || !t.chars().all(char::is_alphabetic) {
                break;
            }
            // a title ("Gov.", "Ukrainian President", "actor"), not the clause the name is in
            // ("sources told CNN", "a judge ruled that Assange")
            if !word.starts_with(char::is_uppercase)
                && !super::source::is_speaking_noun(t)
                && !super::super::role::is_title_word(t)
                && !is_agent_noun(t)
            {
                break;
            }
            let full = TITLE_WORDS
                .iter()
                .find(|(a, _)| *a == t)
                .map_or(t, |(_, f)| f);
            out.push(full.to_string());
        }
        // "The group, WeWorkers Coalition, …": the noun the name is in apposition to
        let at = m.tokens.start;
        if at >= sentence.tokens.start + 3 && doc.token_text(at - 1) == "," {
            let (det, noun) = (
                doc.token_text(at - 3).to_lowercase(),
                doc.token_text(at - 2).to_lowercase(),
            );
            if DETERMINERS.contains(&det.as_str()) && noun.chars().all(char::is_alphabetic) {
                out.push(noun);
            }
        }
        if m.tokens.end < sentence.tokens.end && doc.token_text(m.tokens.end) == "," {
            let mut w = m.tokens.end + 1;
            while w < sentence.tokens.end && w < m.tokens.end + 8 {
                let t = doc.token_text(w).to_lowercase();
                // "Scott Paul, who heads …": a clause, not an apposition
                if !t.chars().all(|c| c.is_alphabetic() || c == '-')
                    || (w == m.tokens.end + 1 && matches!(t.as_str(), "who" | "which" | "that"))
                {
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

/// The first of two people a source joins by "and" ("Trump and Trade Representative Robert
/// Lighthizer", "he and Bowersox"): words ending in a person's name, or "he"/"she", before it; a
/// person's name (not their possessive) after it.
pub(super) fn first_of_pair(doc: &Doc, source: &Range<usize>) -> Option<Range<usize>> {
    let and = (source.start + 1..source.end).find(|&w| doc.token_text(w) == "and")?;
    let person = |m: &crate::doc::Mention| m.label == EntityType::PER;
    let left = source.start..and;
    let pronoun = left.len() == 1
        && matches!(
            doc.token_text(left.start).to_lowercase().as_str(),
            "he" | "she"
        );
    // a person's name ends the words before "and" ("US President Donald Trump and …")
    let at = doc.mentions.partition_point(|m| m.tokens.end < and);
    let named_left = doc
        .mentions
        .get(at)
        .is_some_and(|m| person(m) && m.tokens.end == and && m.tokens.start >= left.start);
    let from = doc.mentions.partition_point(|m| m.tokens.start <= and);
    let right = doc.mentions[from..]
        .iter()
        .take_while(|m| m.tokens.end <= source.end)
        .find(|m| person(m))?;
    // words keep their possessive ("Ford's"): a possessive is whom the rest belongs to
    let last = doc.token_text(right.tokens.end - 1);
    let possessive = strip_possessive(last) != last;
    ((pronoun || named_left) && !possessive).then_some(left)
}
