//! A capital that speaks is its country's government ("Beijing is balking at …", "Washington
//! rejected …"): the speaker is the country, where the article names it.

use super::*;
use crate::text::plain_words;

/// Capitals news lets speak for their country, each with the names the country goes by (compared
/// by [`key`]: "U.S." is "US", "the United States" is "United States").
const CAPITALS: &[(&str, &[&str])] = &[
    ("Abu Dhabi", &["United Arab Emirates", "UAE"]),
    ("Ankara", &["Turkey", "Türkiye"]),
    ("Baghdad", &["Iraq"]),
    ("Beijing", &["China", "People's Republic of China", "PRC"]),
    ("Berlin", &["Germany"]),
    ("Brussels", &["European Union", "EU"]),
    ("Cairo", &["Egypt"]),
    ("Canberra", &["Australia"]),
    ("Caracas", &["Venezuela"]),
    ("Damascus", &["Syria"]),
    ("Havana", &["Cuba"]),
    ("Islamabad", &["Pakistan"]),
    ("Kabul", &["Afghanistan"]),
    ("Kiev", &["Ukraine"]),
    ("Kyiv", &["Ukraine"]),
    (
        "London",
        &["Britain", "United Kingdom", "UK", "Great Britain"],
    ),
    ("Minsk", &["Belarus"]),
    ("Moscow", &["Russia", "Russian Federation"]),
    ("New Delhi", &["India"]),
    ("Ottawa", &["Canada"]),
    ("Paris", &["France"]),
    ("Pyongyang", &["North Korea", "DPRK"]),
    ("Riyadh", &["Saudi Arabia"]),
    ("Seoul", &["South Korea"]),
    ("Taipei", &["Taiwan"]),
    ("Tehran", &["Iran"]),
    ("Tokyo", &["Japan"]),
    ("Washington", &["United States", "US", "America", "USA"]),
];

/// A name as the table compares it: its words, lowercased, run together, a leading "the" aside.
fn key(name: &str) -> String {
    let mut words = plain_words(name).peekable();
    words.next_if_eq("the");
    words.collect()
}

/// The country entity for a source that is a capital's name and nothing else ("Beijing", not
/// "a Beijing official"), where the article names that country; the country named most wins.
pub(super) fn country_of(doc: &Doc, capital: usize, source: &Range<usize>) -> Option<usize> {
    if doc.entities[capital].label != EntityType::LOC {
        return None;
    }
    let source = key(&doc.text[doc.byte_span(source)]);
    let (_, countries) = CAPITALS.iter().find(|(c, _)| key(c) == source)?;
    let countries: Vec<String> = countries.iter().map(|c| key(c)).collect();
    (doc.entities.iter().enumerate())
        .filter(|(e, x)| *e != capital && countries.contains(&key(&x.name)))
        .max_by_key(|(e, x)| (x.mentions.len(), std::cmp::Reverse(*e)))
        .map(|(e, _)| e)
}
