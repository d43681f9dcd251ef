//! The forms of a name that corpus entities compare: folded text, a person's first name and
//! surname without titles, a surname's spelling skeleton, an organisation's key and acronym.

use unicode_normalization::UnicodeNormalization;

/// Titles and honorifics before a person's name; they never tell two people apart.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "reverend",
    "president",
    "vice",
    "presidentelect",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "lt",
    "gen",
    "general",
    "col",
    "colonel",
    "capt",
    "captain",
    "maj",
    "major",
    "sgt",
    "adm",
    "admiral",
    "secretary",
    "minister",
    "prime",
    "chancellor",
    "premier",
    "mayor",
    "judge",
    "justice",
    "chief",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "saint",
    "st",
    "speaker",
    "leader",
    "candidate",
    "nominee",
    "former",
    "late",
    "coach",
    "ambassador",
    "attorney",
    "detective",
    "officer",
    "sheikh",
    "ayatollah",
    "emir",
    "sultan",
    "crown",
    "deputy",
];

/// Generation suffixes: part of who someone is (Donald Trump Jr. is not Donald Trump).
const GENERATIONS: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Lower-case words that belong to the surname after them ("bin Laden", "de Blasio").
const PARTICLES: &[&str] = &[
    "bin", "ibn", "al", "el", "de", "del", "della", "di", "da", "van", "von", "der", "den", "la",
    "le", "du", "dos", "das", "ter", "abu",
];

/// Words an organisation's name may carry or drop ("Apple Inc." is Apple).
const ORG_NOISE: &[&str] = &[
    "the",
    "inc",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "llc",
    "plc",
    "ag",
    "sa",
    "gmbh",
    "group",
    "holdings",
];

/// Words an acronym skips ("Federal Bureau of Investigation" is FBI).
const ACRONYM_SKIPS: &[&str] = &["of", "the", "and", "for", "on", "in", "at", "to", "a", "an"];

/// Common first names and their short forms: one key each.
const NICKNAMES: &[(&str, &str)] = &[
    ("bill", "william"),
    ("will", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("rob", "robert"),
    ("bobby", "robert"),
    ("joe", "joseph"),
    ("mike", "michael"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("tom", "thomas"),
    ("dick", "richard"),
    ("rick", "richard"),
    ("chris", "christopher"),
    ("dan", "daniel"),
    ("dave", "david"),
    ("steve", "steven"),
    ("stephen", "steven"),
    ("tony", "anthony"),
    ("nick", "nicholas"),
    ("ben", "benjamin"),
    ("sam", "samuel"),
    ("alex", "alexander"),
    ("andy", "andrew"),
    ("liz", "elizabeth"),
    ("beth", "elizabeth"),
    ("kate", "katherine"),
    ("kathy", "katherine"),
    ("jon", "jonathan"),
    ("matt", "matthew"),
    ("pat", "patrick"),
    ("ted", "edward"),
    ("chuck", "charles"),
    ("charlie", "charles"),
    ("rudy", "rudolph"),
    ("hank", "henry"),
];

/// Lower case, accents and dots dropped, apostrophes and hyphens as the words need them:
/// "Zelenskyy's" is "zelenskyy", "U.S." is "us", "Jean-Luc" is "jean luc".
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfd() {
        if unicode_normalization::char::is_combining_mark(c) || c == '.' {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '&' {
            out.push_str(" and ");
        } else if c == '\'' || c == '’' {
            out.push('\'');
        } else {
            out.push(' ');
        }
    }
    let words: Vec<&str> = out
        .split_whitespace()
        .map(|w| w.strip_suffix("'s").unwrap_or(w))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ")
}

/// A name without the adjective a hyphen made of it ("Clinton-supporting" and a headline's
/// "Clinton-Supporting" are "Clinton", "Braun-owned" is "Braun"): taggers take such words whole.
pub fn without_compound(name: &str) -> &str {
    let cut = name.char_indices().find(|&(i, c)| {
        if c != '-' {
            return false;
        }
        let after = &name[i + 1..];
        let word: String = after
            .chars()
            .take_while(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        after.starts_with(char::is_lowercase)
            || word.len() > 3 && (word.ends_with("ing") || word.ends_with("ed"))
    });
    cut.map_or(name, |(i, _)| &name[..i])
}

/// Whether the tagger's entity has a name at all ("The" alone has not).
pub fn is_name(name: &str) -> bool {
    fold(name)
        .split(' ')
        .any(|w| !w.is_empty() && !["the", "a", "an"].contains(&w))
}

/// Whether a form is an acronym ("FBI", "U.N."), which a full name outranks as the name.
pub fn is_acronym(name: &str) -> bool {
    let letters: String = name.chars().filter(|c| *c != '.').collect();
    (2..=6).contains(&letters.chars().count())
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A spelling skeleton of a surname, so that transliterations meet: doubled letters once,
/// y as i ("Zelensky", "Zelenskyy", "Zelenskiy" are all "zelenski").
pub fn skeleton(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for c in word.chars().map(|c| if c == 'y' { 'i' } else { c }) {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// A person's name as corpus entities compare it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName {
    /// The first name's key (nicknames mapped), when the name has one.
    pub first: Option<String>,
    /// The surname's skeleton.
    pub surname: String,
    /// "jr", "sr", "ii", … when given.
    pub generation: Option<String>,
}

/// Parses a person's name: titles dropped, particles kept with the surname, the first name's
/// initials skipped ("J. Trump" has no first name). None when nothing is left.
pub fn person(name: &str) -> Option<PersonName> {
    let folded = fold(without_compound(name));
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && TITLES.contains(&words[0]) {
        words.remove(0);
    }
    let mut generation = None;
    if words.len() > 1 && GENERATIONS.contains(words.last()?) {
        generation = words.pop().map(str::to_string);
    }
    let last = words.len().checked_sub(1)?;
    let mut start = last;
    while start > 1 && PARTICLES.contains(&words[start - 1]) {
        start -= 1;
    }
    if start == 1 && PARTICLES.contains(&words[0]) && words.len() > 1 {
        start = 0;
    }
    let surname = skeleton(&words[start..].concat());
    let first = words[..start]
        .first()
        .filter(|w| w.chars().count() > 1)
        .map(|w| {
            NICKNAMES
                .iter()
                .find(|(n, _)| n == w)
                .map_or(w.to_string(), |(_, full)| full.to_string())
        });
    Some(PersonName {
        first,
        surname,
        generation,
    })
}

/// An organisation's key: folded, "the" and company forms dropped ("The Washington Post" and
/// "Washington Post" meet; "Apple Inc." is "apple").
pub fn organisation(name: &str) -> String {
    let folded = fold(without_compound(name));
    let words: Vec<&str> = folded.split(' ').collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !ORG_NOISE.contains(w))
        .collect();
    if kept.is_empty() {
        folded
    } else {
        kept.join(" ")
    }
}

/// The acronym a name may go by: its own letters where it is one ("FBI", "U.N."), else the
/// initials of its words ("Federal Bureau of Investigation" → "fbi"). None for one word.
pub fn acronym(name: &str) -> Option<String> {
    if is_acronym(name) {
        return Some(
            name.chars()
                .filter(|c| *c != '.')
                .collect::<String>()
                .to_lowercase(),
        );
    }
    let key = organisation(name);
    let words: Vec<&str> = key
        .split(' ')
        .filter(|w| !ACRONYM_SKIPS.contains(w))
        .collect();
    (words.len() >= 2).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_their_keys() {
        for (name, want) in [
            ("Zelenskyy's", "zelenskyy"),
            ("U.S.", "us"),
            ("Jean-Luc Mélenchon", "jean luc melenchon"),
            ("AT&T", "at and t"),
            ("O’Rourke", "o'rourke"),
        ] {
            assert_eq!(fold(name), want, "{name}");
        }
    }

    #[test]
    fn persons_parse_into_first_name_surname_and_generation() {
        for (name, first, surname, generation) in [
            ("Donald Trump", Some("donald"), "trump", None),
            ("President Donald J. Trump", Some("donald"), "trump", None),
            ("Donald Trump Jr.", Some("donald"), "trump", Some("jr")),
            ("Mr. Trump", None, "trump", None),
            ("Zelenskiy", None, "zelenski", None),
            ("Volodymyr Zelensky", Some("volodymyr"), "zelenski", None),
            ("Osama bin Laden", Some("osama"), "binladen", None),
            ("Bin Laden", None, "binladen", None),
            ("Joseph R. Biden Jr.", Some("joseph"), "biden", Some("jr")),
            ("Joe Biden", Some("joseph"), "biden", None),
            ("Bill de Blasio", Some("william"), "deblasio", None),
            ("Clinton-supporting", None, "clinton", None),
            ("Clinton-Supporting", None, "clinton", None),
            ("Tufts University’s Center", Some("tufts"), "center", None),
            ("Jean-Luc Picard", Some("jean"), "picard", None),
        ] {
            let p = person(name).unwrap();
            assert_eq!(p.first.as_deref(), first, "{name}");
            assert_eq!(p.surname, surname, "{name}");
            assert_eq!(p.generation.as_deref(), generation, "{name}");
        }
    }

    #[test]
    fn organisations_meet_with_and_without_their_article_and_by_acronym() {
        assert_eq!(
            organisation("The Washington Post"),
            organisation("Washington Post")
        );
        assert_eq!(organisation("Apple Inc."), "apple");
        for (name, want) in [
            ("FBI", Some("fbi")),
            ("U.N.", Some("un")),
            ("Federal Bureau of Investigation", Some("fbi")),
            ("Democratic National Committee", Some("dnc")),
            ("Apple", None),
        ] {
            assert_eq!(acronym(name).as_deref(), want, "{name}");
        }
    }
}
