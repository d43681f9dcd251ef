//! The weights of the ranking signals: a conditional logit (one score per candidate, a softmax
//! over a name's candidates) fitted on LGL and GeoVirus by `newsie eval ranker --fit`
//! (`scripts/train/run places`; the card is `src/stages/places/RANKER.md`), and the hand-set weights it
//! replaced, kept to compare against.

use crate::stages::places::gazetteer::Feature;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Number of ranking signals.
pub const SIGNALS: usize = 23;

/// The signals' names, in the order of [`Weights::vector`] (and of the fields).
pub const NAMES: [&str; SIGNALS] = [
    "continent",
    "country",
    "region",
    "district",
    "city",
    "union",
    "population",
    "main_name",
    "capital",
    "namesake",
    "cue",
    "qualifier",
    "peers",
    "same_country",
    "same_admin1",
    "most_populous",
    "population_gap",
    "city_population",
    "near",
    "capital_abroad",
    "proximity",
    "city_in_admin1",
    "same_continent",
];

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
/// The weights of the ranking signals; a candidate's score is their sum over the signals it
/// has (each signal's value times its weight).
pub struct Weights {
    /// A continent (one of six kinds, one of which is 1).
    pub continent: f32,
    /// A country.
    pub country: f32,
    /// A first-level region.
    pub region: f32,
    /// A second-level region.
    pub district: f32,
    /// A city.
    pub city: f32,
    /// A union of countries.
    pub union: f32,
    /// Per ln(1 + population).
    pub population: f32,
    /// The name is the place's main name, not an alternate.
    pub main_name: f32,
    /// A country's capital (news names capitals for their governments: "Washington said").
    pub capital: f32,
    /// A region whose namesake city among the candidates holds a quarter or more of its
    /// people (Berlin, Geneva, Istanbul: the city, unless a cue says region).
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
    /// The most populous of the name's candidates.
    pub most_populous: f32,
    /// ln(1 + population) less that of the most populous candidate (0 or below).
    pub population_gap: f32,
    /// Per ln(1 + population) of a city (on top of `population`: people count for more, or
    /// less, in a city than in a region).
    pub city_population: f32,
    /// Share of the article's other places within 161 km of the candidate.
    pub near: f32,
    /// A capital in an article about several countries: (countries of the article's other
    /// places − 1) / 4, at most 1 ("Washington" beside Geneva, Kyiv and Beijing is the
    /// government's city; beside Spokane, the state).
    pub capital_abroad: f32,
    /// How close the nearest of the article's other places lies: 1 − ln(1 + km) / ln(20,040)
    /// (1 on the spot, 0 on the far side of the Earth or with no other place).
    pub proximity: f32,
    /// A city, times the share of the article's other places in its first-level region.
    pub city_in_admin1: f32,
    /// Share of the article's other places, and of the peoples it names ("European", also
    /// inside an organisation's name: "the European Central Bank"), on the candidate's
    /// continent.
    #[serde(default)]
    pub same_continent: f32,
    /// Passes over the article's places: alone, then each in the context of the pass before.
    pub rounds: usize,
}

/// The fitted weights this build carries.
const FITTED: &str = include_str!("ranker.json");

#[derive(Deserialize)]
struct Fitted {
    weights: Weights,
}

impl Default for Weights {
    /// The fitted weights (`ranker.json`).
    fn default() -> Self {
        static W: OnceLock<Weights> = OnceLock::new();
        *W.get_or_init(|| {
            serde_json::from_str::<Fitted>(FITTED)
                .expect("src/stages/places/ranker.json is valid")
                .weights
        })
    }
}

impl Weights {
    /// The weights set by hand, one signal at a time, on LGL and GeoVirus (before the fitted
    /// ones; the signals added with the fit have none).
    pub fn hand_set() -> Self {
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
            namesake: -4.0,
            cue: 4.0,
            qualifier: 6.0,
            peers: 2.0,
            same_country: 6.0,
            same_admin1: 3.0,
            most_populous: 0.0,
            population_gap: 0.0,
            city_population: 0.0,
            near: 0.0,
            capital_abroad: 0.0,
            proximity: 0.0,
            city_in_admin1: 0.0,
            same_continent: 0.0,
            rounds: 2,
        }
    }

    /// The weights in the order of [`NAMES`].
    pub fn vector(&self) -> [f32; SIGNALS] {
        [
            self.continent,
            self.country,
            self.region,
            self.district,
            self.city,
            self.union,
            self.population,
            self.main_name,
            self.capital,
            self.namesake,
            self.cue,
            self.qualifier,
            self.peers,
            self.same_country,
            self.same_admin1,
            self.most_populous,
            self.population_gap,
            self.city_population,
            self.near,
            self.capital_abroad,
            self.proximity,
            self.city_in_admin1,
            self.same_continent,
        ]
    }

    /// Weights from a vector in the order of [`NAMES`].
    pub fn from_vector(v: [f32; SIGNALS], rounds: usize) -> Self {
        let [continent, country, region, district, city, union, population, main_name, capital, namesake, cue, qualifier, peers, same_country, same_admin1, most_populous, population_gap, city_population, near, capital_abroad, proximity, city_in_admin1, same_continent] =
            v;
        Weights {
            continent,
            country,
            region,
            district,
            city,
            union,
            population,
            main_name,
            capital,
            namesake,
            cue,
            qualifier,
            peers,
            same_country,
            same_admin1,
            most_populous,
            population_gap,
            city_population,
            near,
            capital_abroad,
            proximity,
            city_in_admin1,
            same_continent,
            rounds,
        }
    }

    /// A candidate's score: the signals weighted.
    pub fn score(&self, signals: &[f32; SIGNALS]) -> f32 {
        self.vector().iter().zip(signals).map(|(w, s)| w * s).sum()
    }
}

/// Positions of the signals in a candidate's signal vector (the order of [`NAMES`]).
pub(super) mod at {
    pub const POPULATION: usize = 6;
    pub const MAIN_NAME: usize = 7;
    pub const CAPITAL: usize = 8;
    pub const NAMESAKE: usize = 9;
    pub const CUE: usize = 10;
    pub const QUALIFIER: usize = 11;
    pub const PEERS: usize = 12;
    pub const SAME_COUNTRY: usize = 13;
    pub const SAME_ADMIN1: usize = 14;
    pub const MOST_POPULOUS: usize = 15;
    pub const POPULATION_GAP: usize = 16;
    pub const CITY_POPULATION: usize = 17;
    pub const NEAR: usize = 18;
    pub const CAPITAL_ABROAD: usize = 19;
    pub const PROXIMITY: usize = 20;
    pub const CITY_IN_ADMIN1: usize = 21;
    pub const SAME_CONTINENT: usize = 22;
}

/// Position of a kind's signal (the first six).
pub(super) fn kind_signal(f: Feature) -> usize {
    match f {
        Feature::Continent => 0,
        Feature::Country => 1,
        Feature::Region => 2,
        Feature::District => 3,
        Feature::City => 4,
        Feature::Union => 5,
    }
}

/// Fits weights to examples: each a name's candidates' signals, which of them are right
/// (several can be: a city and its district both lie within 161 km of the gold point) and the
/// example's weight (the weights summing to 1). Maximizes the weighted mean log of the right
/// candidates' summed probability under the softmax of the scores, less `l2` times the squared
/// weights, by Adam from `start` for `steps` full-batch steps.
pub fn fit(
    examples: &[(Vec<[f32; SIGNALS]>, Vec<bool>, f32)],
    start: &Weights,
    l2: f32,
    steps: usize,
) -> Weights {
    let mut w = start.vector().map(f64::from);
    let (mut m, mut v) = ([0.0f64; SIGNALS], [0.0f64; SIGNALS]);
    let (b1, b2, lr, eps) = (0.9f64, 0.999f64, 0.05f64, 1e-8f64);
    for step in 1..=steps {
        let mut grad = [0.0f64; SIGNALS];
        for (cands, right, weight) in examples {
            let n = 1.0 / f64::from(*weight);
            let scores: Vec<f64> = cands
                .iter()
                .map(|s| s.iter().zip(&w).map(|(x, w)| f64::from(*x) * w).sum())
                .collect();
            let max = scores.iter().copied().fold(f64::MIN, f64::max);
            let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
            let z: f64 = e.iter().sum();
            let zr: f64 = e.iter().zip(right).filter(|x| *x.1).map(|x| x.0).sum();
            for ((c, e), &r) in cands.iter().zip(&e).zip(right) {
                // d(-log sum_right p)/d score: p - (right ? p / sum_right p : 0)
                let target = if r { e / zr } else { 0.0 };
                for (g, x) in grad.iter_mut().zip(c) {
                    *g += (e / z - target) * f64::from(*x) / n;
                }
            }
        }
        for k in 0..SIGNALS {
            let g = grad[k] + 2.0 * f64::from(l2) * w[k];
            m[k] = b1 * m[k] + (1.0 - b1) * g;
            v[k] = b2 * v[k] + (1.0 - b2) * g * g;
            let mh = m[k] / (1.0 - b1.powi(step as i32));
            let vh = v[k] / (1.0 - b2.powi(step as i32));
            w[k] -= lr * mh / (vh.sqrt() + eps);
        }
    }
    Weights::from_vector(w.map(|x| x as f32), start.rounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_the_names_follow_the_fields() {
        let w = Weights::hand_set();
        assert_eq!(Weights::from_vector(w.vector(), w.rounds), w);
        let json = serde_json::to_value(w).unwrap();
        for (name, x) in NAMES.iter().zip(w.vector()) {
            assert_eq!(json[name].as_f64(), Some(f64::from(x)), "{name}");
        }
    }

    #[test]
    fn the_positions_are_the_names_order() {
        let named = [
            (at::POPULATION, "population"),
            (at::MAIN_NAME, "main_name"),
            (at::CAPITAL, "capital"),
            (at::NAMESAKE, "namesake"),
            (at::CUE, "cue"),
            (at::QUALIFIER, "qualifier"),
            (at::PEERS, "peers"),
            (at::SAME_COUNTRY, "same_country"),
            (at::SAME_ADMIN1, "same_admin1"),
            (at::MOST_POPULOUS, "most_populous"),
            (at::POPULATION_GAP, "population_gap"),
            (at::CITY_POPULATION, "city_population"),
            (at::NEAR, "near"),
            (at::CAPITAL_ABROAD, "capital_abroad"),
            (at::PROXIMITY, "proximity"),
            (at::CITY_IN_ADMIN1, "city_in_admin1"),
            (at::SAME_CONTINENT, "same_continent"),
        ];
        for (i, name) in named {
            assert_eq!(NAMES[i], name);
        }
        for f in [
            Feature::Continent,
            Feature::Country,
            Feature::Region,
            Feature::District,
            Feature::City,
            Feature::Union,
        ] {
            assert_eq!(Feature::parse(NAMES[kind_signal(f)]), Some(f));
        }
    }

    #[test]
    fn the_fit_learns_which_signal_picks_the_right_candidate() {
        // the right candidate always has the capital signal, never the most population
        let mut a = [0.0; SIGNALS];
        a[8] = 1.0;
        let mut b = [0.0; SIGNALS];
        b[6] = 1.0;
        let examples = vec![
            (vec![a, b], vec![true, false], 0.25),
            (vec![b, a], vec![false, true], 0.25),
            (vec![a, a, b], vec![true, true, false], 0.5),
        ];
        let zero = Weights::from_vector([0.0; SIGNALS], 2);
        let w = fit(&examples, &zero, 0.001, 300);
        assert!(w.capital > 1.0 && w.population < -1.0, "{w:?}");
        assert!(w.score(&a) > w.score(&b));
    }
}
