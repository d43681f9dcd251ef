//! The article's other places: where they are, by country and first-level region.

use crate::stages::places::gazetteer::{distance_km, Feature, Place};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Context {
    pub(super) country: HashMap<String, f32>,
    admin1: HashMap<(String, String), f32>,
    /// By the GeoNames id of the continent.
    continent: HashMap<u32, f32>,
    /// Every place's point and weight.
    points: Vec<(f32, f32, f32)>,
    pub(super) total: f32,
}

/// How near another place lies to count as near (the measure's own 161 km).
const NEAR_KM: f64 = 161.0;

impl Context {
    pub(super) fn add(&mut self, p: &Place, w: f32, continent: Option<u32>) {
        self.total += w;
        self.points.push((p.lat, p.lon, w));
        if let Some(c) = continent {
            *self.continent.entry(c).or_default() += w;
        }
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
    pub(super) fn shares(&self, p: &Place, own: Option<(&Place, f32)>) -> (f32, f32) {
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

    /// The share of the other places (less `own`, on continent `own_continent`) on the
    /// continent `continent`.
    pub(super) fn continent_share(
        &self,
        continent: Option<u32>,
        own: Option<(&Place, f32)>,
        own_continent: Option<u32>,
    ) -> f32 {
        let Some(c) = continent else { return 0.0 };
        let mut share = self.continent.get(&c).copied().unwrap_or(0.0);
        let mut total = self.total;
        if let Some((_, w)) = own {
            total -= w;
            if own_continent == Some(c) {
                share -= w;
            }
        }
        if total <= 0.0 {
            return 0.0;
        }
        (share / total).max(0.0)
    }

    /// Of the other places (less `own`): the share within [`NEAR_KM`] of a candidate, and how
    /// close the nearest lies, 1 − ln(1 + km) / ln(half the Earth's circumference) (0 with no
    /// other place). One pass, one distance per place.
    pub(super) fn nearness(&self, p: &Place, own: Option<(&Place, f32)>) -> (f32, f32) {
        let mut skip = own.map(|(o, w)| (o.lat, o.lon, w));
        let (mut near, mut total, mut best) = (0.0f32, 0.0f32, f64::INFINITY);
        for &(lat, lon, w) in &self.points {
            if skip.is_some_and(|(a, b, _)| (a, b) == (lat, lon)) {
                // the target's own place (one of the points at its spot)
                let (_, _, ow) = skip.take().expect("checked");
                if w > ow {
                    let d = distance_km(lat, lon, p.lat, p.lon);
                    near += if d <= NEAR_KM { w - ow } else { 0.0 };
                    total += w - ow;
                    best = best.min(d);
                }
                continue;
            }
            let d = distance_km(lat, lon, p.lat, p.lon);
            if d <= NEAR_KM {
                near += w;
            }
            total += w;
            best = best.min(d);
        }
        let share = if total > 0.0 { near / total } else { 0.0 };
        let proximity = if best.is_finite() {
            (1.0 - (1.0 + best).ln() / 20_040f64.ln()).max(0.0) as f32
        } else {
            0.0
        };
        (share, proximity)
    }

    /// How many countries the other places lie in (less `own`'s, if it alone is there), past
    /// the first, in quarters, at most 1.
    pub(super) fn international(&self, own: Option<(&Place, f32)>) -> f32 {
        let n = self
            .country
            .iter()
            .filter(|(c, w)| match own {
                Some((o, ow)) if &o.country == *c => **w > ow,
                _ => **w > 0.0,
            })
            .count();
        ((n.saturating_sub(1)) as f32 / 4.0).min(1.0)
    }
}
