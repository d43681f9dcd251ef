//! The article's other places: where they are, by country and first-level region.

use crate::gazetteer::{Feature, Place};
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct Context {
    pub(super) country: HashMap<String, f32>,
    admin1: HashMap<(String, String), f32>,
    pub(super) total: f32,
}

impl Context {
    pub(super) fn add(&mut self, p: &Place, w: f32) {
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
}
