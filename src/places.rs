//! Places: each place entity of an article resolved to a gazetteer entry, and the article's focus
//! (its main countries).
//!
//! Candidates come by name and alternate names (folded: case, diacritics, periods). Each is
//! scored by its kind (a bare name is a country before a region before a city), its population,
//! whether the name is its main one, cue words around the mention ("Donetsk region", "the city
//! of"), the names next to it across a comma ("Paris, Texas", "Atlanta, Georgia") or in a list
//! ("Virginia, Washington and Texas": the state), and the article's other places: a first pass resolves every place alone, the next
//! ones prefer candidates in the countries and first-level regions the others fell in (Donetsk
//! beside Ukraine and Kramatorsk is in Ukraine). The weights are tuned on LGL and GeoVirus
//! (`newsie eval places`; MODEL_CARD-style notes in the README).

use crate::doc::{Doc, EntityType, ResolvedPlace};
use crate::gazetteer::{Feature, Gazetteer, Place};
use crate::stage::{Layer, Stage};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The places stage: each place entity resolved with the default weights.
pub struct Places {
    pub gazetteer: Arc<Gazetteer>,
}

impl Stage for Places {
    fn name(&self) -> &str {
        "places"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![Layer::Words, Layer::Entities]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Places]
    }
    fn annotate(&self, doc: &mut Doc) -> anyhow::Result<()> {
        Resolver {
            gazetteer: &self.gazetteer,
            weights: Weights::default(),
        }
        .annotate(doc);
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub continent: f32,
    pub country: f32,
    pub region: f32,
    pub district: f32,
    pub city: f32,
    pub union: f32,
    /// Per ln(1 + population).
    pub population: f32,
    /// The name is the place's main name, not an alternate.
    pub main_name: f32,
    /// A country's capital (news names capitals for their governments: "Washington said").
    pub capital: f32,
    /// Taken from a region whose namesake city among the candidates holds a quarter or more of
    /// its people (Berlin, Geneva, Istanbul: the city, unless a cue says region).
    pub namesake: f32,
    /// The kind a cue word asks for ("region", "county", "city of").
    pub cue: f32,
    /// Lies in the region or country named after a comma ("Paris, Texas"; "Pandi, Bulacan"), or
    /// holds the town before it ("Atlanta, Georgia").
    pub qualifier: f32,
    /// Of the kind of the regions or countries listed with it ("Virginia, Washington and
    /// Wyoming": the state, not the capital).
    pub peers: f32,
    /// Share of the article's other places in the candidate's country.
    pub same_country: f32,
    /// Share of the article's other places in the candidate's first-level region.
    pub same_admin1: f32,
    /// Passes over the article's places: alone, then each in the context of the pass before.
    pub rounds: usize,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            continent: 6.0,
            country: 6.0,
            region: 3.0,
            district: 0.0,
            city: 0.0,
            union: 6.0,
            population: 0.25,
            main_name: 2.0,
            capital: 5.0,
            namesake: 4.0,
            cue: 4.0,
            qualifier: 6.0,
            peers: 2.0,
            same_country: 6.0,
            same_admin1: 3.0,
            rounds: 2,
        }
    }
}

impl Weights {
    fn feature(&self, f: Feature) -> f32 {
        match f {
            Feature::Continent => self.continent,
            Feature::Country => self.country,
            Feature::Region => self.region,
            Feature::District => self.district,
            Feature::City => self.city,
            Feature::Union => self.union,
        }
    }
}

/// Words next to a name that say what kind of place it is.
fn cue(doc: &Doc, words: &Range<usize>) -> Option<Feature> {
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
const NEIGHBOUR_WORDS: usize = 4;

/// What lies next to a mention across a comma or "and": the places named there, and whether the
/// separator is a lone comma ("Paris, Texas", a place and its region) rather than a list's.
#[derive(Default)]
struct Neighbours<'g> {
    before: &'g [(u32, bool)],
    before_comma: bool,
    after: &'g [(u32, bool)],
    after_comma: bool,
}

/// A word that is not punctuation, or the periods of "Ala." or "D.C.".
fn plain(doc: &Doc, i: usize) -> bool {
    let t = doc.token_text(i);
    t == "." || !t.chars().all(|c| c.is_ascii_punctuation())
}

/// The separator of a list at `i`: a comma, "and", "or", ", and"; its length and whether it is
/// a lone comma.
fn separator(doc: &Doc, i: usize, step_back: bool) -> Option<(usize, bool)> {
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
fn named<'g>(
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
fn neighbours<'g>(g: &'g Gazetteer, doc: &Doc, words: &Range<usize>) -> Neighbours<'g> {
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
fn peers_in<'a>(g: &'a Gazetteer, name: &'a [(u32, bool)]) -> impl Iterator<Item = u32> + 'a {
    name.iter()
        .filter(|&&(i, main)| {
            main && matches!(
                g.places[i as usize].feature,
                Feature::Country | Feature::Region
            )
        })
        .map(|&(i, _)| i)
}

fn peer(g: &Gazetteer, name: &[(u32, bool)]) -> bool {
    peers_in(g, name).next().is_some()
}

/// Whether the region or country `outer` holds the place `inner` (not itself a country).
fn contains(outer: &Place, inner: &Place) -> bool {
    matches!(outer.feature, Feature::Country | Feature::Region)
        && inner.feature != Feature::Country
        && outer.country == inner.country
        && (outer.feature == Feature::Country || outer.admin1 == inner.admin1)
        && !std::ptr::eq(outer, inner)
}

/// The places of `name` of these features.
fn of_kind(g: &Gazetteer, name: &[(u32, bool)], kinds: &[Feature]) -> Vec<u32> {
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
fn around(g: &Gazetteer, doc: &Doc, words: &Range<usize>, name: &[(u32, bool)]) -> Around {
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
struct Around {
    within: Vec<u32>,
    holds: Vec<u32>,
    peers: Vec<u32>,
}

impl Around {
    fn extend(&mut self, o: Around) {
        self.within.extend(o.within);
        self.holds.extend(o.holds);
        self.peers.extend(o.peers);
    }
}

/// Where the article's other places are: weight per country and per first-level region.
#[derive(Default)]
struct Context {
    country: HashMap<String, f32>,
    admin1: HashMap<(String, String), f32>,
    total: f32,
}

impl Context {
    fn add(&mut self, p: &Place, w: f32) {
        self.total += w;
        // a place of no country (a continent, the Middle East, a sea) puts none in context:
        // countryless places do not pull one another ("Pacific" beside "the Mediterranean")
        if p.country.is_empty() {
            return;
        }
        *self.country.entry(p.country.clone()).or_default() += w;
        if matches!(
            p.feature,
            Feature::Region | Feature::District | Feature::City
        ) {
            *self
                .admin1
                .entry((p.country.clone(), p.admin1.clone()))
                .or_default() += w;
        }
    }

    /// Shares of country and region for a candidate, leaving out `own` (the target's own
    /// first-pass place and weight).
    fn shares(&self, p: &Place, own: Option<(&Place, f32)>) -> (f32, f32) {
        let mut c = self.country.get(&p.country).copied().unwrap_or(0.0);
        let mut a = self
            .admin1
            .get(&(p.country.clone(), p.admin1.clone()))
            .copied()
            .unwrap_or(0.0);
        let mut total = self.total;
        if let Some((o, w)) = own {
            total -= w;
            if o.country == p.country {
                c -= w;
                if o.admin1 == p.admin1 && o.feature != Feature::Country {
                    a -= w;
                }
            }
        }
        if total <= 0.0 {
            return (0.0, 0.0);
        }
        let a = if p.feature == Feature::Country {
            0.0
        } else {
            a
        };
        ((c / total).max(0.0), (a / total).max(0.0))
    }
}

/// A name to resolve: its folded candidates and the cue around it.
struct Target {
    entity: Option<usize>,
    candidates: Vec<(u32, bool)>,
    cue: Option<Feature>,
    /// The names next to its mentions.
    around: Around,
    weight: f32,
    /// A one-word "person" the NER model did not know ("shelled Sloviansk and Kramatorsk"): a
    /// place only if it lies in a country the article's places are in.
    rescue: bool,
}

/// Share of the other places a rescued name's country needs.
const RESCUE_SHARE: f32 = 0.3;

pub struct Resolver<'a> {
    pub gazetteer: &'a Gazetteer,
    pub weights: Weights,
}

impl Resolver<'_> {
    fn prior(&self, p: &Place, main: bool, cue: Option<Feature>) -> f32 {
        let w = &self.weights;
        w.feature(p.feature)
            + w.population * (1.0 + p.population as f32).ln()
            + if main { w.main_name } else { 0.0 }
            + if p.code == "PPLC" { w.capital } else { 0.0 }
            + if cue == Some(p.feature) { w.cue } else { 0.0 }
    }

    /// The best candidate and its confidence (softmax over the candidates' scores).
    fn choose(
        &self,
        t: &Target,
        ctx: Option<(&Context, Option<(&Place, f32)>)>,
    ) -> Option<(u32, f32)> {
        let w = &self.weights;
        let place = |i: u32| &self.gazetteer.places[i as usize];
        let scores: Vec<(f32, u32)> = t
            .candidates
            .iter()
            .map(|&(i, main)| {
                let p = place(i);
                let mut s = self.prior(p, main, t.cue);
                let namesake = p.feature == Feature::Region
                    && t.candidates.iter().any(|&(j, _)| {
                        let c = place(j);
                        c.feature == Feature::City
                            && c.country == p.country
                            && c.admin1 == p.admin1
                            && c.population * 4 >= p.population
                    });
                if namesake {
                    s -= w.namesake;
                }
                let inside = |q: &u32| contains(place(*q), p);
                let holds = |h: &u32| contains(p, place(*h));
                // a list's peers are of one kind: countries, or regions of one country
                let like = |q: &u32| {
                    let q = place(*q);
                    q.feature == p.feature
                        && (p.feature == Feature::Country || q.country == p.country)
                        && !std::ptr::eq(p, q)
                };
                if t.around.within.iter().any(inside) || t.around.holds.iter().any(holds) {
                    s += w.qualifier;
                }
                if t.around.peers.iter().any(like) {
                    s += w.peers;
                }
                if let Some((c, own)) = ctx {
                    let (sc, sa) = c.shares(p, own);
                    s += w.same_country * sc + w.same_admin1 * sa;
                }
                (s, i)
            })
            .collect();
        let best = scores
            .iter()
            .copied()
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
        let z: f32 = scores.iter().map(|(s, _)| (s - best.0).exp()).sum();
        Some((best.1, 1.0 / z))
    }

    fn targets(&self, doc: &Doc) -> Vec<Target> {
        let mut out = Vec::new();
        for (e, ent) in doc.entities.iter().enumerate() {
            let mut candidates: Vec<(u32, bool)> = Vec::new();
            let mut cue_found = None;
            let mut near = Around::default();
            for &m in &ent.mentions {
                let words = &doc.mentions[m].tokens;
                let text = &doc.text[doc.byte_span(words)];
                let text = text
                    .strip_suffix("'s")
                    .or_else(|| text.strip_suffix("’s"))
                    .unwrap_or(text);
                for &c in self.gazetteer.lookup(text) {
                    if !candidates.iter().any(|x| x.0 == c.0) {
                        candidates.push(c);
                    }
                }
                cue_found = cue_found.or_else(|| cue(doc, words));
                near.extend(around(self.gazetteer, doc, words, &candidates));
            }
            let one_word = ent
                .mentions
                .iter()
                .all(|&m| doc.mentions[m].tokens.len() == 1);
            let (place_like, rescue) = match ent.label {
                EntityType::LOC => (true, false),
                // "Moscow said", "Washington's position": a government named by its country or
                // capital is still that place
                EntityType::ORG => (
                    candidates.iter().any(|&(i, main)| {
                        let p = &self.gazetteer.places[i as usize];
                        main && (p.feature == Feature::Country || p.code == "PPLC")
                    }),
                    false,
                ),
                EntityType::PER => (one_word, true),
                EntityType::MISC => (false, false),
            };
            if place_like && !candidates.is_empty() {
                out.push(Target {
                    entity: Some(e),
                    candidates,
                    cue: cue_found,
                    around: near,
                    weight: ent.mentions.len() as f32,
                    rescue,
                });
            }
        }
        out
    }

    /// The context of a Doc's place entities, and each target's own choice in it. The first
    /// pass resolves every place alone; each further round resolves them in the context of the
    /// round before, so that names ambiguous alone settle together ("Paris" and "Henry County"
    /// both in Tennessee).
    fn context(&self, doc: &Doc, targets: &[Target]) -> (Context, Vec<Option<u32>>) {
        // peoples named ("Ukrainian officials") point at their country too, in every round
        let peoples: Vec<(&Place, f32)> = doc
            .entities
            .iter()
            .filter(|e| e.label == EntityType::MISC)
            .filter_map(|e| Some((self.gazetteer.demonym(&e.name)?, e.mentions.len() as f32)))
            .collect();
        let build = |choices: &[Option<u32>]| {
            let mut ctx = Context::default();
            for (t, f) in targets.iter().zip(choices) {
                if let (Some(i), false) = (f, t.rescue) {
                    ctx.add(&self.gazetteer.places[*i as usize], t.weight);
                }
            }
            for &(p, w) in &peoples {
                ctx.add(p, w);
            }
            ctx
        };
        let mut choices: Vec<Option<u32>> = targets
            .iter()
            .map(|t| self.choose(t, None).map(|c| c.0))
            .collect();
        let mut ctx = build(&choices);
        for _ in 1..self.weights.rounds {
            choices = targets
                .iter()
                .zip(&choices)
                .map(|(t, f)| {
                    let own = self.own(t, *f);
                    self.choose(t, Some((&ctx, own))).map(|c| c.0)
                })
                .collect();
            ctx = build(&choices);
        }
        (ctx, choices)
    }

    /// A target's own choice and weight, to leave out of its context (a rescued name never
    /// entered it).
    fn own(&self, t: &Target, choice: Option<u32>) -> Option<(&Place, f32)> {
        choice
            .filter(|_| !t.rescue)
            .map(|i| (&self.gazetteer.places[i as usize], t.weight))
    }

    /// Fills `doc.places` and `doc.focus`. Needs `doc.entities`.
    pub fn annotate(&self, doc: &mut Doc) {
        let targets = self.targets(doc);
        let (ctx, first) = self.context(doc, &targets);
        let mut places = Vec::new();
        let mut focus: HashMap<String, f32> = HashMap::new();
        for (t, f) in targets.iter().zip(&first) {
            let own = self.own(t, *f);
            let Some((i, confidence)) = self.choose(t, Some((&ctx, own))) else {
                continue;
            };
            let p = &self.gazetteer.places[i as usize];
            if t.rescue
                && (matches!(
                    p.feature,
                    Feature::Country | Feature::Continent | Feature::Union
                ) || ctx.shares(p, None).0 < RESCUE_SHARE)
            {
                continue;
            }
            if !p.country.is_empty() {
                *focus.entry(p.country.clone()).or_default() += t.weight;
            }
            places.push(ResolvedPlace {
                entity: t.entity.expect("entity target"),
                place: p.clone(),
                confidence,
            });
        }
        // the countries holding more than a quarter of the place mentions, most first
        let total: f32 = focus.values().sum();
        let mut focus: Vec<(String, f32)> = focus
            .into_iter()
            .filter(|(_, w)| *w > 0.25 * total)
            .collect();
        focus.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        doc.places = places;
        doc.focus = focus.into_iter().take(3).map(|(c, _)| c).collect();
    }

    /// Resolves a name at `words` of a segmented, annotated Doc, in the context of the Doc's
    /// place entities, as `annotate` resolves an entity: the entities that are this name (those
    /// overlapping `words`, and those with the same candidates: "Paris" inside "Paris Police
    /// Department" is the article's Paris) are left out of its context, as an entity's own
    /// choice is (here from the earlier rounds too, where `annotate` lets the others see it).
    pub fn resolve(&self, doc: &Doc, name: &str, words: &Range<usize>) -> Option<(&Place, f32)> {
        let candidates = self.gazetteer.lookup(name);
        let same = |t: &Target| {
            t.candidates.len() == candidates.len()
                && t.candidates.iter().all(|c| candidates.contains(c))
        };
        let targets: Vec<Target> = self
            .targets(doc)
            .into_iter()
            .filter(|t| {
                let e = &doc.entities[t.entity.expect("entity target")];
                !same(t)
                    && !e.mentions.iter().any(|&m| {
                        let r = &doc.mentions[m].tokens;
                        r.start < words.end && words.start < r.end
                    })
            })
            .collect();
        let (ctx, _) = self.context(doc, &targets);
        let t = Target {
            entity: None,
            candidates: candidates.to_vec(),
            cue: (!words.is_empty()).then(|| cue(doc, words)).flatten(),
            around: if words.is_empty() {
                Around::default()
            } else {
                around(self.gazetteer, doc, words, candidates)
            },
            weight: 1.0,
            rescue: false,
        };
        self.choose(&t, Some((&ctx, None)))
            .map(|(i, c)| (&self.gazetteer.places[i as usize], c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Entity, Mention};
    use crate::segment;

    const GAZ: &str = "# test\n\
        690791\tUkraine\tcountry\tPCLI\tUA\t\t49.0\t32.0\t40000000\t\tUkrainian\n\
        2017370\tRussia\tcountry\tPCLI\tRU\t\t60.0\t100.0\t140000000\t\tRussian\n\
        709716\tDonetska oblast\tregion\tADM1\tUA\t05\t48.0\t37.8\t4000000\tDonetsk\t\n\
        709717\tDonetsk\tcity\tPPL\tUA\t05\t48.02\t37.80\t901645\t\t\n\
        565348\tDonetsk\tcity\tPPL\tRU\t61\t48.34\t39.95\t50850\t\t\n\
        704508\tKramatorsk\tcity\tPPL\tUA\t05\t48.73\t37.56\t147145\t\t\n\
        4315588\tParis\tcity\tPPL\tUS\tTX\t33.66\t-95.56\t25000\t\t\n\
        2988507\tParis\tcity\tPPLC\tFR\t11\t48.85\t2.35\t2138551\t\t\n\
        4736286\tTexas\tregion\tADM1\tUS\tTX\t31.25\t-99.25\t25000000\t\t\n\
        5879092\tAlaska\tregion\tADM1\tUS\tAK\t64.0\t-150.0\t700000\t\t\n\
        4802316\tAlaska\tcity\tPPL\tUS\tWV\t39.4\t-79.0\t300\t\t\n\
        2643743\tLondon\tcity\tPPLC\tGB\tENG\t51.5\t-0.12\t7556900\t\t\n\
        4647963\tParis\tcity\tPPL\tUS\tTN\t36.30\t-88.33\t60000\t\t\n\
        4196508\tHenry County\tdistrict\tADM2\tUS\tGA\t33.45\t-84.15\t240000\t\t\n\
        4626334\tHenry County\tdistrict\tADM2\tUS\tTN\t36.33\t-88.30\t32000\t\t\n\
        4662168\tTennessee\tregion\tADM1\tUS\tTN\t35.75\t-86.25\t6900000\t\t\n\
        614540\tGeorgia\tcountry\tPCLI\tGE\t\t42.0\t43.5\t3700000\t\t\n\
        4197000\tGeorgia\tregion\tADM1\tUS\tGA\t32.75\t-83.5\t10700000\t\t\n\
        4180439\tAtlanta\tcity\tPPLA\tUS\tGA\t33.75\t-84.39\t500000\t\t\n\
        4140963\tWashington\tcity\tPPLC\tUS\tDC\t38.9\t-77.04\t700000\t\t\n\
        5815135\tWashington\tregion\tADM1\tUS\tWA\t47.5\t-120.5\t7700000\t\t\n\
        6254928\tVirginia\tregion\tADM1\tUS\tVA\t37.5\t-78.5\t8600000\t\t\n";

    /// A segmented Doc whose entities are the given (name, type), every occurrence a mention
    /// (an occurrence inside an earlier entity's mention left to it).
    fn doc(text: &str, names: &[(&str, EntityType)]) -> Doc {
        let mut d = Doc::new("t", text);
        segment::annotate(&mut d);
        let mut taken = vec![false; d.tokens.len()];
        for &(name, label) in names {
            let words: Vec<&str> = name.split(' ').collect();
            let mut mentions = vec![];
            for w in 0..d.tokens.len().saturating_sub(words.len() - 1) {
                let span = w..w + words.len();
                let same = span.clone().zip(&words).all(|(i, x)| d.token_text(i) == *x);
                if same && !taken[span.clone()].contains(&true) {
                    taken[span.clone()].fill(true);
                    mentions.push(d.mentions.len());
                    d.mentions.push(Mention {
                        tokens: span,
                        label,
                        confidence: 1.0,
                    });
                }
            }
            d.entities.push(Entity {
                label,
                name: name.into(),
                mentions,
            });
        }
        d
    }

    fn resolver(g: &Gazetteer) -> Resolver<'_> {
        Resolver {
            gazetteer: g,
            weights: Weights::default(),
        }
    }

    fn resolve(text: &str, names: &[(&str, EntityType)]) -> Vec<(String, String, String)> {
        let g = Gazetteer::parse(GAZ).unwrap();
        let r = resolver(&g);
        let mut d = doc(text, names);
        r.annotate(&mut d);
        d.places
            .iter()
            .map(|r| {
                (
                    d.entities[r.entity].name.clone(),
                    r.place.name.clone(),
                    r.place.country.clone(),
                )
            })
            .collect()
    }

    /// What a lone comma and a list say: each row's name resolves to the region (admin1) given
    /// with every signal, and to the other one without the signal the row names.
    #[test]
    fn commas_and_lists_say_which_place() {
        use EntityType::LOC;
        let d = Weights::default();
        let no_qualifier = Weights {
            qualifier: 0.0,
            ..d
        };
        let no_peers = Weights { peers: 0.0, ..d };
        // (text, entities, the name, its admin1 with every signal, without the row's signal)
        let table: &[(&str, &[&str], &str, &str, &str, Weights)] = &[
            // the more populous Paris is in Tennessee; the comma puts this one in Texas
            (
                "Paris, Texas, and Tennessee.",
                &["Paris", "Texas", "Tennessee"],
                "Paris",
                "TX",
                "TN",
                no_qualifier,
            ),
            // the Georgia that holds Atlanta, in an article also about Ukraine and Russia
            (
                "Atlanta, Georgia. Ukraine. Russia. Ukraine.",
                &["Atlanta", "Georgia", "Ukraine", "Russia"],
                "Georgia",
                "GA",
                "",
                no_qualifier,
            ),
            // listed with states, Washington is the state, not the capital
            (
                "Virginia, Washington and Texas.",
                &["Virginia", "Washington", "Texas"],
                "Washington",
                "WA",
                "DC",
                no_peers,
            ),
        ];
        let g = Gazetteer::parse(GAZ).unwrap();
        for &(text, names, name, with, without, off) in table {
            for (weights, want) in [(d, with), (off, without)] {
                let r = Resolver {
                    gazetteer: &g,
                    weights,
                };
                let names: Vec<(&str, EntityType)> = names.iter().map(|&n| (n, LOC)).collect();
                let mut doc = doc(text, &names);
                r.annotate(&mut doc);
                let got = doc
                    .places
                    .iter()
                    .find(|p| doc.entities[p.entity].name == name)
                    .map(|p| p.place.admin1.as_str());
                assert_eq!(got, Some(want), "{text:?} {name} {weights:?}");
            }
        }
    }

    #[test]
    fn resolution_table() {
        use EntityType::*;
        // (text, entities, expected (entity, place, country) for each resolved one)
        let table: &[(&str, &[(&str, EntityType)], &[(&str, &str, &str)])] = &[
            // a bare name: the region before the city
            (
                "Shelling hit Donetsk.",
                &[("Donetsk", LOC)],
                &[("Donetsk", "Donetska oblast", "UA")],
            ),
            // a cue word asks for the city
            (
                "Shelling hit the city of Donetsk.",
                &[("Donetsk", LOC)],
                &[("Donetsk", "Donetsk", "UA")],
            ),
            // Paris beside Texas is in Texas; alone it is the capital of France
            (
                "Paris and Texas.",
                &[("Paris", LOC), ("Texas", LOC)],
                &[("Paris", "Paris", "US"), ("Texas", "Texas", "US")],
            ),
            ("Paris.", &[("Paris", LOC)], &[("Paris", "Paris", "FR")]),
            // Alaska is the state, not the hamlet
            ("Alaska.", &[("Alaska", LOC)], &[("Alaska", "Alaska", "US")]),
            // a government named by its capital; a person is not a place
            (
                "London said no. Kramatorsk met Smith.",
                &[("London", ORG), ("Smith", PER)],
                &[("London", "London", "GB")],
            ),
            ("Atlantis.", &[("Atlantis", LOC)], &[]),
            // a one-word "person" that is a town of the article's country is that town
            (
                "Ukraine. Shelling hit Kramatorsk.",
                &[("Ukraine", LOC), ("Kramatorsk", PER)],
                &[
                    ("Ukraine", "Ukraine", "UA"),
                    ("Kramatorsk", "Kramatorsk", "UA"),
                ],
            ),
            ("Kramatorsk spoke.", &[("Kramatorsk", PER)], &[]),
            // ambiguous alone, they settle together (the second round): both in Tennessee
            (
                "Paris. Henry County. Henry County.",
                &[("Paris", LOC), ("Henry County", LOC)],
                &[
                    ("Paris", "Paris", "US"),
                    ("Henry County", "Henry County", "US"),
                ],
            ),
        ];
        for (text, names, want) in table {
            let got = resolve(text, names);
            let want: Vec<(String, String, String)> = want
                .iter()
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn names_ambiguous_alone_settle_together() {
        let g = Gazetteer::parse(GAZ).unwrap();
        let admin1 = |rounds| {
            let r = Resolver {
                gazetteer: &g,
                weights: Weights {
                    rounds,
                    ..Weights::default()
                },
            };
            let mut d = doc(
                "Paris. Henry County. Henry County.",
                &[
                    ("Paris", EntityType::LOC),
                    ("Henry County", EntityType::LOC),
                ],
            );
            r.annotate(&mut d);
            let p: Vec<String> = d.places.iter().map(|p| p.place.admin1.clone()).collect();
            p
        };
        // one round: Paris follows the Henry County chosen alone (the largest, in Georgia) to
        // the United States, but Henry County still saw the Paris chosen alone (France)
        assert_eq!(admin1(1), ["TN", "GA"]);
        assert_eq!(admin1(2), ["TN", "TN"]);
    }

    #[test]
    fn a_name_inside_another_entity_resolves_as_the_articles_own() {
        let g = Gazetteer::parse(GAZ).unwrap();
        let r = resolver(&g);
        // "Paris" of "Paris Police" is the article's Paris, in Texas: the Paris entity's own
        // first choice (France) must not count as context
        let d = doc(
            "Paris Police said so. Paris is in Texas.",
            &[
                ("Paris Police", EntityType::ORG),
                ("Paris", EntityType::LOC),
                ("Texas", EntityType::LOC),
            ],
        );
        let (p, _) = r.resolve(&d, "Paris", &(0..1)).unwrap();
        assert_eq!((p.country.as_str(), p.admin1.as_str()), ("US", "TX"));
    }

    #[test]
    fn focus_is_the_main_countries() {
        let g = Gazetteer::parse(GAZ).unwrap();
        let r = resolver(&g);
        let mut d = doc(
            "Ukraine. Kramatorsk. Donetsk. Russia.",
            &[
                ("Ukraine", EntityType::LOC),
                ("Kramatorsk", EntityType::LOC),
                ("Donetsk", EntityType::LOC),
                ("Russia", EntityType::LOC),
            ],
        );
        r.annotate(&mut d);
        assert_eq!(d.focus, ["UA"]);
    }
}
