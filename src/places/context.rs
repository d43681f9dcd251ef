//! The article's other places: where they are, by country and first-level region.

use crate::gazetteer::{distance_km, Feature, Place};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Context {
    pub(super) country: HashMap<String, f32>,
    admin1: HashMap<(String, String), f32>,
    /// Every place's point and weight.
    points: Vec<(f32, f32, f32)>,
    pub(super) total: f32,
}

/// How near another place lies to count as near (the measure's own 161 km).
const NEAR_KM: f64 = 161.0;

impl Context {
    pub(super) fn add(&mut self, p: &Place, w: f32) {
        self.total += w;
        self.points.push((p.lat, p.lon, w));
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

    /// Share of the other places (less `own`) within [`NEAR_KM`] of a candidate.
    pub(super) fn near(&self, p: &Place, own: Option<(&Place, f32)>) -> f32 {
        let close = |lat: f32, lon: f32| distance_km(lat, lon, p.lat, p.lon) <= NEAR_KM;
        let mut near: f32 = self
            .points
            .iter()
            .filter(|&&(lat, lon, _)| close(lat, lon))
            .map(|&(_, _, w)| w)
            .sum();
        let mut total = self.total;
        if let Some((o, w)) = own {
            total -= w;
            if close(o.lat, o.lon) {
                near -= w;
            }
        }
        if total <= 0.0 {
            return 0.0;
        }
        (near / total).max(0.0)
    }

    /// 1 − ln(1 + km to the nearest other place) / ln(half the Earth's circumference); 0
    /// with no other place. `own` is left out (one of the points at its spot).
    pub(super) fn proximity(&self, p: &Place, own: Option<(&Place, f32)>) -> f32 {
        let mut skip = own.map(|(o, _)| (o.lat, o.lon));
        let mut best = f64::INFINITY;
        for &(lat, lon, _) in &self.points {
            if skip == Some((lat, lon)) {
                skip = None;
                continue;
            }
            best = best.min(distance_km(lat, lon, p.lat, p.lon));
        }
        if best.is_infinite() {
            return 0.0;
        }
        (1.0 - (1.0 + best).ln() / 20_040f64.ln()).max(0.0) as f32
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
