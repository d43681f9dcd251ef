//! A capital that speaks is its country's government ("Beijing is balking at …", "Washington
//! rejected …"): the speaker is the country, where the article names it.

use super::*;

/// Capitals news lets speak for their country, each with the names the country goes by.
const CAPITALS: &[(&str, &[&str])] = &[
    ("abu dhabi", &["united arab emirates", "uae", "u.a.e."]),
    ("ankara", &["turkey", "türkiye"]),
    ("baghdad", &["iraq"]),
    ("beijing", &["china", "people's republic of china", "prc"]),
    ("berlin", &["germany"]),
    ("brussels", &["european union", "eu", "e.u."]),
    ("cairo", &["egypt"]),
    ("canberra", &["australia"]),
    ("caracas", &["venezuela"]),
    ("damascus", &["syria"]),
    ("havana", &["cuba"]),
    ("islamabad", &["pakistan"]),
    ("kabul", &["afghanistan"]),
    ("kiev", &["ukraine"]),
    ("kyiv", &["ukraine"]),
    (
        "london",
        &["britain", "united kingdom", "uk", "u.k.", "great britain"],
    ),
    ("minsk", &["belarus"]),
    ("moscow", &["russia", "russian federation"]),
    ("new delhi", &["india"]),
    ("ottawa", &["canada"]),
    ("paris", &["france"]),
    ("pyongyang", &["north korea", "dprk"]),
    ("riyadh", &["saudi arabia"]),
    ("seoul", &["south korea"]),
    ("taipei", &["taiwan"]),
    ("tehran", &["iran"]),
    ("tokyo", &["japan"]),
    (
        "washington",
        &["united states", "u.s.", "us", "america", "usa", "u.s.a."],
    ),
];

/// The country entity for a source that is a capital's name and nothing else ("Beijing", not
/// "a Beijing official"), where the article names that country; the country named most wins.
pub(super) fn country_of(doc: &Doc, capital: usize, source: &Range<usize>) -> Option<usize> {
    let entity = &doc.entities[capital];
    if entity.label != EntityType::LOC {
        return None;
    }
    let words: Vec<String> = lower_words(doc, source.clone())
        .filter(|w| w != "the")
        .collect();
    let name = words.join(" ");
    let (_, countries) = CAPITALS.iter().find(|(c, _)| *c == name)?;
    (doc.entities.iter().enumerate())
        .filter(|(e, x)| *e != capital && countries.contains(&x.name.to_lowercase().as_str()))
        .max_by_key(|(e, x)| (x.mentions.len(), std::cmp::Reverse(*e)))
        .map(|(e, _)| e)
}
