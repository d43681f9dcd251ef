//! Mentions to entities: the mentions of one thing in an article become one entity with a
//! canonical name ("Zelenskyy", "President Zelenskyy" and "Volodymyr Zelenskyy" are one PER
//! named "Volodymyr Zelenskyy").
//!
//! Mentions are taken longest name first. A mention joins an entity when its key (case, periods,
//! possessive and leading titles removed) equals one of the entity's keys, when it is a person
//! named by part of a person entity's name (nearest such entity wins), when it is another form
//! of a person's full name ("Josh Apte" / "Joshua Apte", "John M. Ford" / "John Milo Ford"), or
//! when it is the acronym of an organisation's or place's name. The longest mention gives the
//! name (of two forms of a full name, the fuller); the type is the majority of the mentions'
//! types.

use crate::doc::{strip_possessive, Doc, Entity, EntityType, TITLE_ABBREVIATIONS};
use crate::stages::{Layer, Stage};
use std::collections::HashMap;
use std::ops::Range;

/// Words before a name that are not part of it, besides [`TITLE_ABBREVIATIONS`].
const TITLES: &[&str] = &[
    "president",
    "prime",
    "minister",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "sir",
    "dame",
    "senator",
    "representative",
    "governor",
    "general",
    "secretary",
    "foreign",
    "defence",
    "defense",
    "mayor",
    "judge",
    "justice",
    "lord",
    "lady",
    "sheikh",
    "emir",
    "ayatollah",
    "former",
    "vice",
    "deputy",
    "chairman",
    "chief",
    "ceo",
    "admiral",
];

const ACRONYM_SKIP: &[&str] = &["of", "the", "and", "for", "&", "de", "du", "la"];

/// A mention's tokens without leading titles ("President", "Mr.") for people; never empty.
fn name_tokens(doc: &Doc, tokens: &Range<usize>, person: bool) -> Range<usize> {
    let mut start = tokens.start;
    while person && start + 1 < tokens.end {
        let w = doc.token_text(start).trim_end_matches('.').to_lowercase();
        if !TITLES.contains(&w.as_str()) && !TITLE_ABBREVIATIONS.contains(&w.as_str()) {
            break;
        }
        start += 1;
    }
    start..tokens.end
}

/// Words of a mention, normalised for matching: no titles, possessive, periods or case.
fn key_words(doc: &Doc, tokens: &Range<usize>, person: bool) -> Vec<String> {
    name_tokens(doc, tokens, person)
        .map(|i| {
            let w = strip_possessive(doc.token_text(i));
            w.chars()
                .filter(|c| *c != '.')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty() && w != "'" && w != "’")
        .collect()
}

/// Display name of a mention: its text without titles (people) and possessive.
fn display_name(doc: &Doc, tokens: &Range<usize>, person: bool) -> String {
    let span = doc.byte_span(&name_tokens(doc, tokens, person));
    let text = strip_possessive(&doc.text[span]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// No lower-case letters: a dateline ("KYIV") or an acronym.
fn is_shouting(name: &str) -> bool {
    !name.chars().any(char::is_lowercase)
}

fn acronym(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| !ACRONYM_SKIP.contains(&w.as_str()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Two full names of one person in one article: the same surname, first names one of which
/// is the other's start ("josh", "joshua"), middle names that agree or are initials.
fn same_person(a: &[String], b: &[String]) -> bool {
    let (Some((fa, ra)), Some((fb, rb))) = (a.split_first(), b.split_first()) else {
        return false;
    };
    let (Some((la, ma)), Some((lb, mb))) = (ra.split_last(), rb.split_last()) else {
        return false;
    };
    let starts = |x: &str, y: &str| {
        let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        long.starts_with(short)
    };
    let first = fa == fb || (fa.len().min(fb.len()) >= 3 && starts(fa, fb));
    let initial = |x: &String, y: &String| x == y || (x.len().min(y.len()) == 1 && starts(x, y));
    let middle = ma.is_empty()
        || mb.is_empty()
        || (ma.len() == mb.len() && ma.iter().zip(mb).all(|(x, y)| initial(x, y)));
    la == lb
        && la.len() >= 2
        && !matches!(la.as_str(), "jr" | "sr" | "ii" | "iii")
        && first
        && middle
}

struct Cluster {
    keys: Vec<Vec<String>>,
    /// Words of the canonical name, for part-of-name matches.
    name_words: Vec<String>,
    name: String,
    mentions: Vec<usize>,
    votes: HashMap<EntityType, usize>,
    first_label: EntityType,
}

/// The stage that groups mentions into entities.
pub struct Entities;

impl Stage for Entities {
    fn name(&self) -> &str {
        "entities"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Mentions]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Entities]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        annotate(doc);
        Ok(())
    }
}

/// Fills `doc.entities` from `doc.mentions`.
pub fn annotate(doc: &mut Doc) {
    let keys: Vec<Vec<String>> = doc
        .mentions
        .iter()
        .map(|m| key_words(doc, &m.tokens, m.label == EntityType::PER))
        .collect();
    let mut order: Vec<usize> = (0..doc.mentions.len()).collect();
    order.sort_by_key(|&m| {
        (
            std::cmp::Reverse(keys[m].len()),
            doc.mentions[m].tokens.start,
        )
    });
    let mut clusters: Vec<Cluster> = Vec::new();
    for m in order {
        let mention = &doc.mentions[m];
        let person = mention.label == EntityType::PER;
        let key = keys[m].clone();
        if key.is_empty() {
            continue;
        }
        let mut target = clusters.iter().position(|c| c.keys.contains(&key));
        if target.is_none() && person {
            // part of a longer person's name: the nearest such person before (else after) wins
            let pos = mention.tokens.start;
            target = clusters
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.first_label == EntityType::PER && key.iter().all(|w| c.name_words.contains(w))
                })
                .min_by_key(|(_, c)| {
                    c.mentions
                        .iter()
                        .map(|&o| {
                            let s = doc.mentions[o].tokens.start;
                            if s <= pos {
                                (0, pos - s)
                            } else {
                                (1, s - pos)
                            }
                        })
                        .min()
                })
                .map(|(i, _)| i);
        }
        let mut fuller = false;
        if target.is_none() && person {
            // another form of a full name: "Josh Apte" / "Joshua Apte", "John M. Ford" /
            // "John Milo Ford"; the fuller one names the entity
            target = clusters
                .iter()
                .position(|c| c.first_label == EntityType::PER && same_person(&c.name_words, &key));
            let letters = |k: &[String]| k.iter().map(String::len).sum::<usize>();
            fuller = target.is_some_and(|c| letters(&key) > letters(&clusters[c].name_words));
        }
        if target.is_none() && !person && key.len() == 1 && key[0].len() >= 2 {
            target = clusters.iter().position(|c| {
                c.first_label != EntityType::PER
                    && c.name_words.len() >= 2
                    && acronym(&c.name_words) == key[0]
            });
        }
        match target {
            Some(c) => {
                let c = &mut clusters[c];
                // a dateline's "GENEVA" gives way to "Geneva" (an acronym the article also
                // writes in lower case, "Nato", may as well)
                if key.len() == c.name_words.len() && is_shouting(&c.name) {
                    let name = display_name(doc, &mention.tokens, person);
                    if !is_shouting(&name) {
                        c.name = name;
                    }
                }
                if fuller {
                    c.name = display_name(doc, &mention.tokens, person);
                    c.name_words = key.clone();
                }
                if !c.keys.contains(&key) {
                    c.keys.push(key);
                }
                c.mentions.push(m);
                *c.votes.entry(mention.label).or_default() += 1;
            }
            None => clusters.push(Cluster {
                name: display_name(doc, &mention.tokens, person),
                name_words: key.clone(),
                keys: vec![key],
                mentions: vec![m],
                votes: HashMap::from([(mention.label, 1)]),
                first_label: mention.label,
            }),
        }
    }
    let mut entities: Vec<Entity> = clusters
        .into_iter()
        .map(|mut c| {
            c.mentions.sort_by_key(|&m| doc.mentions[m].tokens.start);
            let top = c.votes.values().copied().max().unwrap_or(0);
            let label = if c.votes.get(&c.first_label) == Some(&top) {
                c.first_label
            } else {
                // ties among the others go to the type order PER ORG LOC MISC, so output is stable
                let mut v: Vec<_> = c
                    .votes
                    .iter()
                    .filter(|(_, &n)| n == top)
                    .map(|(l, _)| *l)
                    .collect();
                v.sort();
                v[0]
            };
            Entity {
                label,
                name: c.name,
                mentions: c.mentions,
                role: None,
            }
        })
        .collect();
    entities.sort_by_key(|e| doc.mentions[e.mentions[0]].tokens.start);
    doc.entities = entities;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Mention;

    /// Builds a doc from text with mentions given as (text of the mention, type) in order.
    fn doc_with(text: &str, mentions: &[(&str, EntityType)]) -> Doc {
        let mut doc = crate::stages::testing::segmented(text);
        let mut from = 0;
        for (m, label) in mentions {
            let at = text[from..].find(m).unwrap() + from;
            let end = at + m.len();
            let first = doc.tokens.iter().position(|t| t.start == at).unwrap();
            let last = doc.tokens.iter().position(|t| t.end == end).unwrap();
            doc.mentions.push(Mention {
                tokens: first..last + 1,
                label: *label,
                confidence: 0.9,
            });
            from = end;
        }
        annotate(&mut doc);
        doc
    }

    fn names(doc: &Doc) -> Vec<(String, EntityType, usize)> {
        doc.entities
            .iter()
            .map(|e| (e.name.clone(), e.label, e.mentions.len()))
            .collect()
    }

    use EntityType::*;

    #[test]
    fn clustering_table() {
        let table: Vec<(&str, Vec<(&str, EntityType)>, Vec<(&str, EntityType, usize)>)> = vec![
            (
                "Zelenskyy spoke. President Zelenskyy and Volodymyr Zelenskyy's aides left.",
                vec![("Zelenskyy", PER), ("President Zelenskyy", PER), ("Volodymyr Zelenskyy's", PER)],
                vec![("Volodymyr Zelenskyy", PER, 3)],
            ),
            (
                "Donald Trump met Melania Trump. Trump said Putin and Vladimir Putin agreed.",
                vec![("Donald Trump", PER), ("Melania Trump", PER), ("Trump", PER), ("Putin", PER), ("Vladimir Putin", PER)],
                vec![("Donald Trump", PER, 1), ("Melania Trump", PER, 2), ("Vladimir Putin", PER, 2)],
            ),
            (
                "The United Nations said the UN would act. Reuters and Reuters agreed with the U.N.",
                vec![("United Nations", ORG), ("UN", ORG), ("Reuters", ORG), ("Reuters", MISC), ("U.N.", ORG)],
                vec![("United Nations", ORG, 3), ("Reuters", ORG, 2)],
            ),
            (
                "GENEVA (Reuters) - Talks in Geneva ended.",
                vec![("GENEVA", LOC), ("Reuters", ORG), ("Geneva", LOC)],
                vec![("Geneva", LOC, 2), ("Reuters", ORG, 1)],
            ),
            (
                "Josh Apte spoke. Joshua Apte and John M. Ford met John Milo Ford, not Jon Fordham.",
                vec![("Josh Apte", PER), ("Joshua Apte", PER), ("John M. Ford", PER), ("John Milo Ford", PER), ("Jon Fordham", PER)],
                vec![("Joshua Apte", PER, 2), ("John Milo Ford", PER, 2), ("Jon Fordham", PER, 1)],
            ),
            (
                "Dustin Johnson and Boris Johnson; Jo Ann Smith and John Smith.",
                vec![("Dustin Johnson", PER), ("Boris Johnson", PER), ("Jo Ann Smith", PER), ("John Smith", PER)],
                vec![("Dustin Johnson", PER, 1), ("Boris Johnson", PER, 1), ("Jo Ann Smith", PER, 1), ("John Smith", PER, 1)],
            ),
            (
                "Washington and Washington.",
                vec![("Washington", LOC), ("Washington", PER)],
                vec![("Washington", LOC, 2)],
            ),
        ];
        for (text, mentions, want) in table {
            let doc = doc_with(text, &mentions);
            let want: Vec<_> = want
                .into_iter()
                .map(|(n, l, c)| (n.to_string(), l, c))
                .collect();
            assert_eq!(names(&doc), want, "{text}");
        }
    }
}
