//! The gazetteer: places with coordinates and the names news uses for them, built at set-up by
//! `scripts/build_gazetteer.py` from GeoNames-derived registry packages into one TSV in the newsie
//! cache, loaded once per run.

pub use crate::doc::{Feature, Place};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// File name in the newsie cache (`model::base_dirs`).
pub const FILE: &str = "gazetteer-v1.tsv";

pub struct Gazetteer {
    pub places: Vec<Place>,
    /// Folded name → places that go by it, with whether it is the place's main name.
    names: HashMap<String, Vec<(u32, bool)>>,
    /// Folded demonym ("ukrainians") → country.
    demonyms: HashMap<String, u32>,
}

/// A name as it is compared: lower case, no diacritics, periods or apostrophes, hyphens and
/// commas as spaces, no leading "the" ("the U.S." and "US" are both "us").
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // most names are ASCII: no decomposition needed (the gazetteer loads 1.5M of them)
    let chars: Box<dyn Iterator<Item = char>> = if s.is_ascii() {
        Box::new(s.chars())
    } else {
        Box::new(s.nfd())
    };
    for c in chars {
        match c {
            c if is_combining_mark(c) => {}
            '.' | '\'' | '’' | '‘' | 'ʻ' | '`' => {}
            c if c.is_whitespace() || matches!(c, '-' | '‐' | '–' | ',' | '(' | ')') => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    match out.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

impl Gazetteer {
    /// Where `scripts/setup` puts the gazetteer, if it is there.
    pub fn find() -> Option<PathBuf> {
        crate::model::find_set_up(FILE)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the gazetteer {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("gazetteer {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self> {
        // lines are parsed and their names folded in parallel; the index is built in order
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.is_empty())
            .collect();
        let parsed: Vec<ParsedLine> = lines
            .par_iter()
            .map(|&(n, line)| parse_line(n, line))
            .collect::<Result<_>>()?;
        if parsed.is_empty() {
            bail!("no places");
        }
        let mut g = Gazetteer {
            places: Vec::with_capacity(parsed.len()),
            names: HashMap::with_capacity(parsed.len() * 3),
            demonyms: HashMap::new(),
        };
        for (i, (place, names, demonyms)) in parsed.into_iter().enumerate() {
            let i = i as u32;
            g.places.push(place);
            for (key, main) in names {
                let v = g.names.entry(key).or_default();
                if !v.iter().any(|&(p, _)| p == i) {
                    v.push((i, main));
                }
            }
            for d in demonyms {
                g.demonyms.insert(d, i);
            }
        }
        Ok(g)
    }

    /// Places that go by a name, each with whether it is the place's main name.
    pub fn lookup(&self, name: &str) -> &[(u32, bool)] {
        self.names.get(&fold(name)).map_or(&[], Vec::as_slice)
    }

    /// The country whose people a word names ("Ukrainian" → Ukraine).
    pub fn demonym(&self, word: &str) -> Option<&Place> {
        self.demonyms
            .get(&fold(word))
            .map(|&i| &self.places[i as usize])
    }
}

/// A place, its folded names with whether each is the main one (demonyms count as names:
/// "Russian troops" names the country), and its folded demonyms.
type ParsedLine = (Place, Vec<(String, bool)>, Vec<String>);

fn parse_line(n: usize, line: &str) -> Result<ParsedLine> {
    let c: Vec<&str> = line.split('\t').collect();
    if c.len() != 11 {
        bail!("line {}: {} columns, expected 11", n + 1, c.len());
    }
    let bad = || format!("line {}: bad value", n + 1);
    let id: i64 = c[0].parse().with_context(bad)?;
    let place = Place {
        geonames_id: u32::try_from(id).ok().filter(|&x| x > 0),
        name: c[1].to_string(),
        feature: Feature::parse(c[2]).with_context(bad)?,
        code: c[3].to_string(),
        country: c[4].to_string(),
        admin1: c[5].to_string(),
        lat: c[6].parse().with_context(bad)?,
        lon: c[7].parse().with_context(bad)?,
        population: c[8].parse().with_context(bad)?,
    };
    let demonyms: Vec<String> = c[10]
        .split('|')
        .filter(|d| !d.is_empty())
        .map(fold)
        .collect();
    let names: Vec<(String, bool)> = std::iter::once((fold(c[1]), true))
        .chain(c[9].split('|').map(|a| (fold(a), false)))
        .chain(demonyms.iter().map(|d| (d.clone(), false)))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    Ok((place, names, demonyms))
}

/// Great-circle distance in km.
pub fn distance_km(lat1: f32, lon1: f32, lat2: f32, lon2: f32) -> f64 {
    let (p1, p2) = ((lat1 as f64).to_radians(), (lat2 as f64).to_radians());
    let dp = p2 - p1;
    let dl = ((lon2 - lon1) as f64).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_table() {
        let table = [
            ("U.S.", "us"),
            ("the United States", "united states"),
            ("Zürich", "zurich"),
            ("Côte d’Ivoire", "cote divoire"),
            ("Sloviansk", "sloviansk"),
            ("Winston-Salem", "winston salem"),
            ("Washington, D.C.", "washington dc"),
            ("  Kyiv ", "kyiv"),
        ];
        for (input, want) in table {
            assert_eq!(fold(input), want, "{input:?}");
        }
    }

    const TINY: &str = "# header\n\
        690791\tUkraine\tcountry\tPCLI\tUA\t\t49.0\t32.0\t40000000\tUkrainia\tUkrainian|Ukrainians\n\
        693468\tSlovyansk\tcity\tPPL\tUA\t05\t48.85\t37.60\t105141\tSloviansk|Slavyansk\t\n\
        -1\tDonbas\tregion\tRGN\tUA\t\t48.3\t38.5\t6500000\tDonbass\t\n";

    #[test]
    fn names_alternates_and_demonyms() {
        let g = Gazetteer::parse(TINY).unwrap();
        assert_eq!(g.lookup("Sloviansk"), &[(1, false)]);
        assert_eq!(g.lookup("SLOVYANSK"), &[(1, true)]);
        assert_eq!(g.places[2].geonames_id, None);
        assert_eq!(g.demonym("Ukrainians").unwrap().name, "Ukraine");
        assert!(g.lookup("Atlantis").is_empty());
    }

    #[test]
    fn bad_lines_are_refused() {
        assert!(Gazetteer::parse("1\tX\tcity\n").is_err());
        assert!(Gazetteer::parse("x\tX\tcity\tPPL\tUA\t\t1\t2\t3\t\t\n").is_err());
        assert!(Gazetteer::parse("# only a header\n").is_err());
    }

    #[test]
    fn distances() {
        // Kyiv to Moscow is about 756 km
        let d = distance_km(50.45, 30.52, 55.75, 37.62);
        assert!((d - 756.0).abs() < 10.0, "{d}");
    }
}
