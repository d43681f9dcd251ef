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
//! (`newsie eval places`; figures in docs/places.md).

mod context;
mod features;
pub mod gazetteer;
mod weights;

use weights::{at, kind_signal};
pub use weights::{fit, Weights, NAMES, SIGNALS};

use crate::doc::{strip_possessive, Doc, EntityType, ResolvedPlace};
use crate::stages::places::gazetteer::{Feature, Gazetteer, Place};
use crate::stages::{Layer, Stage};
use context::Context;
use features::{around, contains, cue, Around};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The places stage: each place entity resolved with the default (fitted) weights.
pub struct Places {
    /// The gazetteer to resolve with.
    pub gazetteer: Arc<Gazetteer>,
    /// Places of lower confidence are marked not confident.
    pub threshold: f32,
}

/// The default of `Places::threshold`: below it, fewer than half of the places are right
/// (docs/places.md, "Calibration").
pub const THRESHOLD: f32 = 0.5;

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
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        Resolver {
            gazetteer: &self.gazetteer,
            weights: Weights::default(),
        }
        .annotate(doc);
        for p in &mut doc.places {
            p.confident = p.confidence >= self.threshold;
        }
        Ok(())
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

/// Resolves the place entities of a Doc with a set of weights.
pub struct Resolver<'a> {
    /// The gazetteer.
    pub gazetteer: &'a Gazetteer,
    /// The weights of the signals.
    pub weights: Weights,
}

impl Resolver<'_> {
    /// The signals of each candidate of a target, in its article's context (none in the
    /// first pass) less the target's own choice.
    fn signals(
        &self,
        t: &Target,
        ctx: Option<(&Context, Option<(&Place, f32)>)>,
    ) -> Vec<(u32, [f32; SIGNALS])> {
        let place = |i: u32| &self.gazetteer.places[i as usize];
        let most = t
            .candidates
            .iter()
            .map(|&(i, _)| place(i).population)
            .max()
            .unwrap_or(0);
        let ln = |p: u64| (1.0 + p as f32).ln();
        t.candidates
            .iter()
            .map(|&(i, main)| {
                let p = place(i);
                let mut s = [0.0; SIGNALS];
                s[kind_signal(p.feature)] = 1.0;
                s[at::POPULATION] = ln(p.population);
                s[at::MAIN_NAME] = f32::from(u8::from(main));
                s[at::CAPITAL] = f32::from(u8::from(p.code == "PPLC"));
                let namesake = p.feature == Feature::Region
                    && t.candidates.iter().any(|&(j, _)| {
                        let c = place(j);
                        c.feature == Feature::City
                            && c.country == p.country
                            && c.admin1 == p.admin1
                            && c.population * 4 >= p.population
                    });
                s[at::NAMESAKE] = f32::from(u8::from(namesake));
                s[at::CUE] = f32::from(u8::from(t.cue == Some(p.feature)));
                let inside = |q: &u32| contains(place(*q), p);
                let holds = |h: &u32| contains(p, place(*h));
                // a list's peers are of one kind: countries, or regions of one country
                let like = |q: &u32| {
                    let q = place(*q);
                    q.feature == p.feature
                        && (p.feature == Feature::Country || q.country == p.country)
                        && !std::ptr::eq(p, q)
                };
                s[at::QUALIFIER] = f32::from(u8::from(
                    t.around.within.iter().any(inside) || t.around.holds.iter().any(holds),
                ));
                s[at::PEERS] = f32::from(u8::from(t.around.peers.iter().any(like)));
                if let Some((c, own)) = ctx {
                    let (sc, sa) = c.shares(p, own);
                    s[at::SAME_COUNTRY] = sc;
                    s[at::SAME_ADMIN1] = sa;
                    (s[at::NEAR], s[at::PROXIMITY]) = c.nearness(p, own);
                    s[at::CAPITAL_ABROAD] = s[at::CAPITAL] * c.international(own);
                    s[at::CITY_IN_ADMIN1] = if p.feature == Feature::City { sa } else { 0.0 };
                    let own_continent = own.and_then(|(o, _)| self.gazetteer.continent(o));
                    s[at::SAME_CONTINENT] =
                        c.continent_share(self.gazetteer.continent(p), own, own_continent);
                }
                s[at::MOST_POPULOUS] = f32::from(u8::from(p.population == most));
                s[at::POPULATION_GAP] = ln(p.population) - ln(most);
                if p.feature == Feature::City {
                    s[at::CITY_POPULATION] = s[at::POPULATION];
                }
                (i, s)
            })
            .collect()
    }

    /// The best candidate and its confidence (softmax over the candidates' scores).
    fn choose(
        &self,
        t: &Target,
        ctx: Option<(&Context, Option<(&Place, f32)>)>,
    ) -> Option<(u32, f32)> {
        let scores: Vec<(f32, u32)> = self
            .signals(t, ctx)
            .iter()
            .map(|(i, s)| (self.weights.score(s), *i))
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
                let text = strip_possessive(text);
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
        // peoples named ("Ukrainian officials", "European leaders") point at their country or
        // continent too, in every round; so do those in an organisation's name ("the European
        // Central Bank", "American Airlines")
        let peoples: Vec<(&Place, f32)> = doc
            .entities
            .iter()
            .filter_map(|e| {
                let p = match e.label {
                    EntityType::MISC => self.gazetteer.demonym(&e.name),
                    EntityType::ORG if self.gazetteer.lookup(&e.name).is_empty() => e
                        .name
                        .split_whitespace()
                        .find_map(|w| self.gazetteer.demonym(w)),
                    _ => None,
                };
                Some((p?, e.mentions.len() as f32))
            })
            .collect();
        let g = self.gazetteer;
        let build = |choices: &[Option<u32>]| {
            let mut ctx = Context::default();
            for (t, f) in targets.iter().zip(choices) {
                if let (Some(i), false) = (f, t.rescue) {
                    let p = &g.places[*i as usize];
                    ctx.add(p, t.weight, g.continent(p));
                }
            }
            for &(p, w) in &peoples {
                ctx.add(p, w, g.continent(p));
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
                confident: true,
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
        let (t, ctx) = self.in_context(doc, name, words);
        self.choose(&t, Some((&ctx, None)))
            .map(|(i, c)| (&self.gazetteer.places[i as usize], c))
    }

    /// The candidates of a name as `resolve` sees them, each with its signals: what the ranker
    /// is fitted on.
    pub fn candidates(
        &self,
        doc: &Doc,
        name: &str,
        words: &Range<usize>,
    ) -> Vec<(&Place, [f32; SIGNALS])> {
        let (t, ctx) = self.in_context(doc, name, words);
        self.signals(&t, Some((&ctx, None)))
            .into_iter()
            .map(|(i, s)| (&self.gazetteer.places[i as usize], s))
            .collect()
    }

    /// The target of a name at `words` and the context of the Doc's other places (see
    /// `resolve`).
    fn in_context(&self, doc: &Doc, name: &str, words: &Range<usize>) -> (Target, Context) {
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
        (t, ctx)
    }
}

#[cfg(test)]
mod tests;
