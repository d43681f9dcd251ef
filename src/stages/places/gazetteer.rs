//! The gazetteer: places with coordinates and the names news uses for them, built at set-up by
//! `scripts/build_gazetteer.py` from GeoNames-derived registry packages into one TSV in the newsie
//! cache, loaded once per run. The first load writes a binary index beside the TSV (names folded
//! and sorted); later loads read that instead of parsing and folding again.

pub use crate::doc::{Feature, Place};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// File name in the newsie cache (`model::base_dirs`).
pub const FILE: &str = "gazetteer-v1.tsv";
/// The index's extension in place of the TSV's.
const INDEX_EXTENSION: &str = "idx";
/// Bumped when the index's layout changes, so that an old one is rewritten.
const INDEX_FORMAT: u32 = 2;
/// Names whose folds an index records: a change to `fold` changes some of them, and an index
/// written with the old folds is then stale.
const FOLD_PROBES: [&str; 6] = [
    "The U.S.",
    "Zürich",
    "Côte d’Ivoire",
    "Winston-Salem",
    "Washington, D.C.",
    " Kyiv (city) ",
];

#[derive(Serialize, Deserialize)]
/// The places newsie resolves to, with an index by folded name.
pub struct Gazetteer {
    /// Every entry.
    pub places: Vec<Place>,
    names: Names,
    /// Folded demonym ("ukrainians") → country.
    demonyms: HashMap<String, u32>,
    /// Country code → the GeoNames id of its continent.
    continents: HashMap<String, u32>,
}

/// Folded names in sorted order, each with the places that go by it and whether it is the
/// place's main name. A sorted table rather than a hash map, so that the index loads as written.
#[derive(Serialize, Deserialize)]
struct Names {
    /// The names, concatenated.
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<u32>,
    /// Where each name's places end in `places`.
    place_ends: Vec<u32>,
    places: Vec<(u32, bool)>,
}

/// What an index was written from: the TSV's size and time, the index layout and the folds.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Stamp {
    format: u32,
    tsv_len: u64,
    tsv_modified: (u64, u32),
    folds: Vec<String>,
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

    /// Loads the TSV at `path` through its index, writing the index when it is missing or stale.
    pub fn load(path: &Path) -> crate::Result<Self> {
        Self::load_at(path).map_err(crate::Error::Gazetteer)
    }

    fn load_at(path: &Path) -> Result<Self> {
        let stamp = Stamp::of(path)
            .with_context(|| format!("cannot read the gazetteer {}", path.display()))?;
        let index = index_path(path);
        if let Some(g) = Self::read_index(&index, &stamp) {
            return Ok(g);
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the gazetteer {}", path.display()))?;
        let g = Self::parse(&text).with_context(|| format!("gazetteer {}", path.display()))?;
        // the index is a cache: a run that cannot write it (a read-only folder) goes on without
        if let Err(e) = g.write_index(&index, &stamp, path) {
            eprintln!("newsie: note: {e:#}; the gazetteer will be parsed again next run");
        }
        Ok(g)
    }

    /// A gazetteer from its TSV text.
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
        let mut places = Vec::with_capacity(parsed.len());
        let mut names: HashMap<String, Vec<(u32, bool)>> = HashMap::new();
        let mut demonyms = HashMap::new();
        let mut continents = HashMap::new();
        for (i, (place, place_names, place_demonyms, continent)) in parsed.into_iter().enumerate() {
            let i = u32::try_from(i).context("too many places")?;
            if let Some(c) = continent {
                continents.insert(place.country.clone(), c);
            }
            places.push(place);
            for (key, main) in place_names {
                let v = names.entry(key).or_default();
                if !v.iter().any(|&(p, _)| p == i) {
                    v.push((i, main));
                }
            }
            for d in place_demonyms {
                demonyms.insert(d, i);
            }
        }
        Ok(Gazetteer {
            places,
            names: Names::new(names)?,
            demonyms,
            continents,
        })
    }

    /// Places that go by a name, each with whether it is the place's main name.
    pub fn lookup(&self, name: &str) -> &[(u32, bool)] {
        self.names.get(&fold(name))
    }

    /// The GeoNames id of the continent a place lies in (a continent's own), where its country's
    /// row names one.
    pub fn continent(&self, p: &Place) -> Option<u32> {
        if p.feature == Feature::Continent {
            return p.geonames_id;
        }
        self.continents.get(&p.country).copied()
    }

    /// The country whose people a word names ("Ukrainian" → Ukraine).
    pub fn demonym(&self, word: &str) -> Option<&Place> {
        self.demonyms
            .get(&fold(word))
            .map(|&i| &self.places[i as usize])
    }

    /// The index at `path` if it was written from what `stamp` describes and holds together.
    fn read_index(path: &Path, stamp: &Stamp) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        let mut rest = bytes.as_slice();
        let written: Stamp = bincode::deserialize_from(&mut rest).ok()?;
        if written != *stamp {
            return None;
        }
        let g: Self = bincode::deserialize_from(&mut rest).ok()?;
        g.holds_together().then_some(g)
    }

    /// Writes the index of the TSV at `tsv` to `path`, readable by whoever may read the TSV.
    fn write_index(&self, path: &Path, stamp: &Stamp, tsv: &Path) -> Result<()> {
        // written whole under a name of its own, then renamed: runs that start together never
        // read half an index
        let write = || -> Result<()> {
            let dir = path.parent().context("no folder")?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            bincode::serialize_into(&mut w, stamp)?;
            bincode::serialize_into(&mut w, self)?;
            w.flush()?;
            drop(w);
            tmp.as_file()
                .set_permissions(std::fs::metadata(tsv)?.permissions())?;
            tmp.persist(path)?;
            Ok(())
        };
        write().with_context(|| format!("cannot write the gazetteer index {}", path.display()))
    }

    /// Every offset and place number in range, so that a damaged index is refused, not a panic.
    fn holds_together(&self) -> bool {
        let n = self.places.len() as u32;
        let Names {
            text,
            ends,
            place_ends,
            places,
        } = &self.names;
        let ascending = |v: &[u32], last: usize| {
            v.windows(2).all(|w| w[0] <= w[1])
                && v.last().map_or(last == 0, |&e| e as usize == last)
        };
        ascending(ends, text.len())
            && ends.iter().all(|&e| text.is_char_boundary(e as usize))
            && place_ends.len() == ends.len()
            && ascending(place_ends, places.len())
            && places.iter().all(|&(p, _)| p < n)
            && self.demonyms.values().all(|&p| p < n)
    }
}

impl Names {
    fn new(map: HashMap<String, Vec<(u32, bool)>>) -> Result<Self> {
        let mut entries: Vec<(String, Vec<(u32, bool)>)> = map.into_iter().collect();
        entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut names = Names {
            text: String::new(),
            ends: Vec::with_capacity(entries.len()),
            place_ends: Vec::with_capacity(entries.len()),
            places: Vec::new(),
        };
        for (name, places) in entries {
            names.text.push_str(&name);
            names.places.extend(places);
            names
                .ends
                .push(u32::try_from(names.text.len()).context("names too long")?);
            names
                .place_ends
                .push(u32::try_from(names.places.len()).context("too many names")?);
        }
        Ok(names)
    }

    fn get(&self, key: &str) -> &[(u32, bool)] {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.text[span(&self.ends, mid)].cmp(key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return &self.places[span(&self.place_ends, mid)],
            }
        }
        &[]
    }
}

/// The `i`th of the stretches that `ends` closes.
fn span(ends: &[u32], i: usize) -> Range<usize> {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    start..ends[i] as usize
}

impl Stamp {
    fn of(tsv: &Path) -> Result<Self> {
        let meta = std::fs::metadata(tsv)?;
        let modified = meta.modified()?.duration_since(UNIX_EPOCH)?;
        Ok(Stamp {
            format: INDEX_FORMAT,
            tsv_len: meta.len(),
            tsv_modified: (modified.as_secs(), modified.subsec_nanos()),
            folds: FOLD_PROBES.iter().map(|s| fold(s)).collect(),
        })
    }
}

/// The index of the TSV at `tsv`: beside the file itself, not beside a link to it (`.deps/`
/// links into the cache).
fn index_path(tsv: &Path) -> PathBuf {
    std::fs::canonicalize(tsv)
        .unwrap_or_else(|_| tsv.to_path_buf())
        .with_extension(INDEX_EXTENSION)
}

/// A place, its folded names with whether each is the main one (demonyms count as names:
/// "Russian troops" names the country), its folded demonyms, and a country's continent.
type ParsedLine = (Place, Vec<(String, bool)>, Vec<String>, Option<u32>);

fn parse_line(n: usize, line: &str) -> Result<ParsedLine> {
    let c: Vec<&str> = line.split('\t').collect();
    // the twelfth column, a country's continent, is optional: a user's older file has none
    if c.len() != 11 && c.len() != 12 {
        bail!("line {}: {} columns, expected 11 or 12", n + 1, c.len());
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
    let continent = match c.get(11) {
        Some(s) if !s.is_empty() => Some(s.parse().with_context(bad)?),
        _ => None,
    };
    Ok((place, names, demonyms, continent))
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
        690791\tUkraine\tcountry\tPCLI\tUA\t\t49.0\t32.0\t40000000\tUkrainia\tUkrainian|Ukrainians\t6255148\n\
        693468\tSlovyansk\tcity\tPPL\tUA\t05\t48.85\t37.60\t105141\tSloviansk|Slavyansk\t\n\
        -1\tDonbas\tregion\tRGN\tUA\t\t48.3\t38.5\t6500000\tDonbass\t\n\
        6255148\tEurope\tcontinent\tCONT\t\t\t48.7\t9.1\t741000000\t\tEuropean\t\n";

    #[test]
    fn names_alternates_and_demonyms() {
        let g = Gazetteer::parse(TINY).unwrap();
        assert_eq!(g.lookup("Sloviansk"), &[(1, false)]);
        assert_eq!(g.lookup("SLOVYANSK"), &[(1, true)]);
        assert_eq!(g.places[2].geonames_id, None);
        assert_eq!(g.demonym("Ukrainians").unwrap().name, "Ukraine");
        assert!(g.lookup("Atlantis").is_empty());
        // a country's continent holds its places; a continent is its own
        for i in 0..4 {
            assert_eq!(
                g.continent(&g.places[i]),
                Some(6255148),
                "{}",
                g.places[i].name
            );
        }
        assert_eq!(g.demonym("European").unwrap().name, "Europe");
    }

    /// The TSV written to a folder of its own, with the path of its index.
    fn tiny_on_disk(dir: &Path) -> (PathBuf, PathBuf) {
        let tsv = dir.join(FILE);
        std::fs::write(&tsv, TINY).unwrap();
        let index = index_path(&tsv);
        (tsv, index)
    }

    #[test]
    fn the_first_load_writes_an_index_that_later_loads_read() {
        let dir = tempfile::tempdir().unwrap();
        let (tsv, index) = tiny_on_disk(dir.path());
        let parsed = Gazetteer::load(&tsv).unwrap();
        assert!(index.is_file(), "no index written");
        let stamp = Stamp::of(&tsv).unwrap();
        let read = Gazetteer::read_index(&index, &stamp).expect("index refused");
        assert_eq!(read.places, parsed.places);
        for name in [
            "Sloviansk",
            "slovyansk",
            "Donbass",
            "Ukrainians",
            "Ukraine",
            "Atlantis",
        ] {
            assert_eq!(read.lookup(name), parsed.lookup(name), "{name}");
        }
        assert_eq!(read.demonym("Ukrainian").unwrap().name, "Ukraine");
    }

    #[test]
    fn a_stale_or_damaged_index_is_refused_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let (tsv, index) = tiny_on_disk(dir.path());
        Gazetteer::load(&tsv).unwrap();
        // the TSV rebuilt with a place more: the old index describes another file
        std::fs::write(
            &tsv,
            format!("{TINY}-2\tGaza\tregion\tRGN\tPS\t\t31.4\t34.4\t2000000\t\t\n"),
        )
        .unwrap();
        let stamp = Stamp::of(&tsv).unwrap();
        assert!(Gazetteer::read_index(&index, &stamp).is_none());
        assert_eq!(Gazetteer::load(&tsv).unwrap().lookup("Gaza"), &[(4, true)]);
        assert!(
            Gazetteer::read_index(&index, &stamp).is_some(),
            "not rewritten"
        );
        // a truncated index and one whose offsets point past its names
        let bytes = std::fs::read(&index).unwrap();
        std::fs::write(&index, &bytes[..bytes.len() / 2]).unwrap();
        assert!(Gazetteer::read_index(&index, &stamp).is_none());
        let mut g = Gazetteer::parse(TINY).unwrap();
        g.names.ends[0] = 1000;
        assert!(!g.holds_together());
        assert_eq!(Gazetteer::load(&tsv).unwrap().lookup("Gaza"), &[(4, true)]);
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
