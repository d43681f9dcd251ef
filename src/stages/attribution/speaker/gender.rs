//! The grammatical gender of the people an article names, as its pronouns and honorifics show it.

use super::*;

/// What "he" and "she" tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gender {
    Male,
    Female,
}

pub(super) fn gender_of_word(w: &str) -> Option<Gender> {
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
pub(super) fn genders(doc: &Doc, entity_of: &[Option<usize>]) -> Vec<Option<Gender>> {
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
