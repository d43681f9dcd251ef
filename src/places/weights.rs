//! The weights of the ranking signals (set on LGL and GeoVirus; README "Places: scores").

use crate::gazetteer::Feature;

#[derive(Debug, Clone, Copy)]
/// The weights of the ranking signals; see `Default` for what each is.
pub struct Weights {
    /// Prior of a continent.
    pub continent: f32,
    /// Prior of a country.
    pub country: f32,
    /// Prior of a first-level region.
    pub region: f32,
    /// Prior of a second-level region.
    pub district: f32,
    /// Prior of a city.
    pub city: f32,
    /// Prior of a union of countries.
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
    pub(super) fn feature(&self, f: Feature) -> f32 {
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
