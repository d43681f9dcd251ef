//! Speakers' roles against a hand-labelled set (`tests/data/roles.jsonl`, its README says how
//! it is made): precision and recall of the role and of the affiliation of each labelled person,
//! as the record's entity gives them.

use super::Prf;
use crate::pipeline::Pipeline;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// One labelled speaker.
#[derive(Debug, Deserialize)]
pub struct RoleItem {
    /// Its id.
    pub id: String,
    /// The sentence.
    pub text: String,
    /// The person's name as written.
    pub speaker: String,
    /// The role, as written; `None` where the sentence gives none.
    pub role: Option<String>,
    /// The country's name or the organisation; `None` where none is named.
    pub affiliation: Option<String>,
}

/// Reads the set.
pub fn read_roles(path: &Path) -> Result<Vec<RoleItem>> {
    Ok(super::read_jsonl(path)?
        .into_iter()
        .map(|(_, item)| item)
        .collect())
}

/// Scores of `newsie eval roles`.
#[derive(Debug, Default, Serialize)]
pub struct RolesReport {
    /// Labelled speakers.
    pub speakers: usize,
    /// Of those, found as a person entity.
    pub found: usize,
    /// Roles: a predicted role is right when it is the gold one, case aside.
    pub role: Prf,
    /// Affiliations, the same way.
    pub affiliation: Prf,
    /// (id, gold, predicted) of each wrong or missed role.
    pub errors: Vec<(String, Option<String>, Option<String>)>,
}

fn same(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    }
}

fn count(prf: &mut Prf, gold: &Option<String>, found: &Option<String>) {
    match (gold, found) {
        (Some(_), Some(_)) if same(gold, found) => prf.tp += 1,
        (Some(_), Some(_)) => {
            prf.fp += 1;
            prf.fn_ += 1;
        }
        (Some(_), None) => prf.fn_ += 1,
        (None, Some(_)) => prf.fp += 1,
        (None, None) => {}
    }
}

/// Runs the pipeline over the set's sentences and scores the labelled people's roles.
pub fn eval_roles(pipeline: &Pipeline, path: &Path) -> Result<RolesReport> {
    let items = read_roles(path)?;
    let records = super::process_texts(pipeline, items.iter().map(|i| (&*i.id, &*i.text)))?;
    let mut report = RolesReport {
        speakers: items.len(),
        ..Default::default()
    };
    for (item, r) in items.iter().zip(&records) {
        // the person entity whose name is the labelled one's, or holds it or is held by it
        let gold = item.speaker.to_lowercase();
        let entity = r.entities.iter().find(|e| {
            let name = e.name.to_lowercase();
            e.label == crate::doc::EntityType::PER
                && (name == gold || name.contains(&gold) || gold.contains(&name))
        });
        report.found += usize::from(entity.is_some());
        let role = entity.and_then(|e| e.role.clone());
        let affiliation = entity.and_then(|e| e.affiliation.clone());
        count(&mut report.role, &item.role, &role);
        count(&mut report.affiliation, &item.affiliation, &affiliation);
        if !same(&item.role, &role) && (item.role.is_some() || role.is_some()) {
            report
                .errors
                .push((item.id.clone(), item.role.clone(), role));
        }
    }
    report.role = report.role.finish();
    report.affiliation = report.affiliation.finish();
    Ok(report)
}

impl fmt::Display for RolesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "roles, {} labelled speakers ({} found as a person)",
            self.speakers, self.found
        )?;
        for (name, p) in [("role", &self.role), ("affiliation", &self.affiliation)] {
            writeln!(
                f,
                "{name:<12} precision {:.4} recall {:.4} F1 {:.4} ({} right, {} wrong or extra, {} missed)",
                p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
            )?;
        }
        for (id, gold, found) in &self.errors {
            writeln!(f, "  {id}: gold {gold:?}, found {found:?}")?;
        }
        Ok(())
    }
}
