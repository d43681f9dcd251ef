//! What the text around a mention says: cue words ("Donetsk region"), the names next to it
//! across a comma or in a list, and which of them contain or are peers of a candidate.

use crate::doc::Doc;
use crate::stages::places::gazetteer::{Feature, Gazetteer, Place};
use std::ops::Range;

/// Words next to a name that say what kind of place it is.
pub(super) fn cue(doc: &Doc, words: &Range<usize>) -> Option<Feature> {
    let word = |i: usize| doc.token_text(i).to_lowercase();
    let last = word(words.end - 1);
    let after = (words.end < doc.tokens.len()).then(|| word(words.end));
    let before: Vec<String> = (words.start.saturating_sub(2)..words.start)
        .map(word)
        .collect();
    let region = [
        "region",
        "oblast",
        "province",
        "state",
        "territory",
        "republic",
    ];
    for w in [Some(last), after].into_iter().flatten() {
        if region.contains(&w.as_str()) {
            return Some(Feature::Region);
        }
        if w == "county" || w == "parish" || w == "district" || w == "raion" {
            return Some(Feature::District);
        }
    }
    match before.as_slice() {
        [a, b] if b == "of" && ["city", "town", "village"].contains(&a.as_str()) => {
            Some(Feature::City)
        }
        [a, b] if b == "of" && region.contains(&a.as_str()) => Some(Feature::Region),
        _ => None,
    }
}

/// Most words a name next to another across a comma or "and" runs to ("Pacific, Missouri";
/// "Kasai, Democratic Republic of the Congo" is longer and goes without).
pub(super) const NEIGHBOUR_WORDS: usize = 4;

/// What lies next to a mention across a comma or "and": the places named there, and whether the
/// separator is a lone comma ("Paris, Texas", a place and its region) rather than a list's.
#[derive(Default)]
pub(super) struct Neighbours<'g> {
    pub(super) before: &'g [(u32, bool)],
    pub(super) before_comma: bool,
    pub(super) after: &'g [(u32, bool)],
    pub(super) after_comma: bool,
}

/// A word that is not punctuation, or the periods of "Ala." or "D.C.".
pub(super) fn plain(doc: &Doc, i: usize) -> bool {
    let t = doc.token_text(i);
    t == "." || !t.chars().all(|c| c.is_ascii_punctuation())
}

/// The separator of a list at `i`: a comma, "and", "or", ", and"; its length and whether it is
/// a lone comma.
pub(super) fn separator(doc: &Doc, i: usize, step_back: bool) -> Option<(usize, bool)> {
    let word = |j: usize| doc.token_text(j).to_lowercase();
    let conj = |j: usize| matches!(word(j).as_str(), "and" | "or");
    let comma = |j: usize| doc.token_text(j) == ",";
    let next = |j: usize| {
        if step_back {
            j.checked_sub(1)
        } else {
            Some(j + 1)
        }
        .filter(|&k| k < doc.tokens.len())
    };
    if conj(i) {
        return Some((1, false));
    }
    if !comma(i) {
        return None;
    }
    match next(i) {
        Some(j) if conj(j) => Some((2, false)),
        _ => Some((1, true)),
    }
}

/// The places the longest run of plain words in `span` that names any names: runs from the
/// span's start when `from_start` (what follows a separator), else ending at its end.
pub(super) fn named<'g>(
    g: &'g Gazetteer,
    doc: &Doc,
    span: Range<usize>,
    from_start: bool,
) -> &'g [(u32, bool)] {
    let Range { start, end } = span;
    let runs: Vec<Range<usize>> = if from_start {
        let end = (start..end).find(|&i| !plain(doc, i)).unwrap_or(end);
        (start + 1..=end).rev().map(|stop| start..stop).collect()
    } else {
        let start = (start..end)
            .rev()
            .find(|&i| !plain(doc, i))
            .map_or(start, |i| i + 1);
        (start..end).map(|from| from..end).collect()
    };
    runs.into_iter()
        .map(|r| g.lookup(&doc.text[doc.byte_span(&r)]))
        .find(|found| !found.is_empty())
        .unwrap_or(&[])
}

/// The names right before and after the mention at `words`, across a separator.
pub(super) fn neighbours<'g>(g: &'g Gazetteer, doc: &Doc, words: &Range<usize>) -> Neighbours<'g> {
    let mut n = Neighbours::default();
    if words.end < doc.tokens.len() {
        if let Some((len, comma)) = separator(doc, words.end, false) {
            let start = words.end + len;
            let end = (start + NEIGHBOUR_WORDS).min(doc.tokens.len());
            n.after = named(g, doc, start..end.max(start), true);
            n.after_comma = comma;
        }
    }
    if let Some(last) = words.start.checked_sub(1) {
        if let Some((len, comma)) = separator(doc, last, true) {
            let end = words.start.saturating_sub(len);
            let start = end.saturating_sub(NEIGHBOUR_WORDS);
            n.before = named(g, doc, start..end, false);
            n.before_comma = comma;
        }
    }
    n
}

/// The regions and countries whose main name `name` is: next to another name across a comma
/// such a name is one of a list of peers ("Washington, Oregon and Idaho"), not a place and its
/// region.
pub(super) fn peers_in<'a>(
    g: &'a Gazetteer,
    name: &'a [(u32, bool)],
) -> impl Iterator<Item = u32> + 'a {
    name.iter()
        .filter(|&&(i, main)| {
            main && matches!(
                g.places[i as usize].feature,
                Feature::Country | Feature::Region
            )
        })
        .map(|&(i, _)| i)
}

pub(super) fn peer(g: &Gazetteer, name: &[(u32, bool)]) -> bool {
    peers_in(g, name).next().is_some()
}

/// Whether the region or country `outer` holds the place `inner` (not itself a country).
pub(super) fn contains(outer: &Place, inner: &Place) -> bool {
    matches!(outer.feature, Feature::Country | Feature::Region)
        && inner.feature != Feature::Country
        && outer.country == inner.country
        && (outer.feature == Feature::Country || outer.admin1 == inner.admin1)
        && !std::ptr::eq(outer, inner)
}

/// The places of `name` of these features.
pub(super) fn of_kind(g: &Gazetteer, name: &[(u32, bool)], kinds: &[Feature]) -> Vec<u32> {
    name.iter()
        .map(|&(i, _)| i)
        .filter(|&i| {
            let p = &g.places[i as usize];
            kinds.contains(&p.feature) && !p.country.is_empty()
        })
        .collect()
}

/// A mention's neighbours as a Target holds them: the regions and countries a lone comma after it
/// names ("Paris, Texas"), the towns a lone comma before it follows ("Atlanta, Georgia"), and the
/// regions and countries of a list it is in ("Utah, Virginia, Washington and Wyoming").
pub(super) fn around(
    g: &Gazetteer,
    doc: &Doc,
    words: &Range<usize>,
    name: &[(u32, bool)],
) -> Around {
    let n = neighbours(g, doc, words);
    let mut a = Around::default();
    if n.after_comma && !peer(g, name) {
        a.within = of_kind(g, n.after, &[Feature::Country, Feature::Region]);
    }
    if n.before_comma && !peer(g, n.before) {
        a.holds = of_kind(g, n.before, &[Feature::City, Feature::District]);
    }
    for side in [n.before, n.after] {
        a.peers.extend(peers_in(g, side));
    }
    a
}

/// See `around`.
#[derive(Default)]
pub(super) struct Around {
    pub(super) within: Vec<u32>,
    pub(super) holds: Vec<u32>,
    pub(super) peers: Vec<u32>,
}

impl Around {
    pub(super) fn extend(&mut self, o: Around) {
        self.within.extend(o.within);
        self.holds.extend(o.holds);
        self.peers.extend(o.peers);
    }
}
