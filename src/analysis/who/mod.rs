//! Who is who across a corpus ([`resolve`], on [`names`]): one id per person and organisation.

pub mod names;
pub mod resolve;

use crate::doc::EntityType;
use crate::output::record::{for_each_record, Record, SpeakerRecord};
use resolve::{Aliases, CorpusEntity, Item, Resolution};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// 3 for a record's entity id "E3".
fn id_number(id: &str) -> Option<u32> {
    id.strip_prefix('E')?.parse().ok()
}

/// The row of the tables that counts positions held by no one named.
pub const UNATTRIBUTED: &str = "unattributed";
/// The row of the tables that counts positions of sources the article does not name
/// ("officials", "sources familiar with the talks").
pub const UNNAMED: &str = "unnamed sources";

/// Where the speaker tables count a position: one row per corpus entity, other named speakers
/// by their name, and the two rows of speakers no one can count by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SpeakerRow {
    /// The corpus id, where the speaker is a person or organisation.
    pub id: Option<String>,
    /// The corpus entity's name, the speaker entity's name, or one of the two rows.
    pub name: String,
    /// The source's own words, for the unnamed sources.
    pub source: Option<String>,
}

/// The corpus entities of a run and where each article's entities went.
#[derive(Debug, Default)]
pub struct Who {
    /// The resolver's answer.
    pub resolution: Resolution,
    /// (article ordinal, number of the entity's id in its record: 3 for "E3") → index into
    /// the resolution's entities.
    index: HashMap<(u32, u32), u32>,
    /// Folded name → the one entity that goes by it (None where several do).
    by_name: HashMap<String, Option<u32>>,
}

impl Who {
    /// Resolves the PER and ORG entities of records read one by one (the nth record read is
    /// article n).
    pub fn of_records(
        read: impl FnOnce(&mut dyn FnMut(&Record)) -> anyhow::Result<()>,
        aliases: &Aliases,
    ) -> anyhow::Result<Self> {
        let mut items = vec![];
        let mut refs = vec![];
        let mut article = 0u32;
        read(&mut |r: &Record| {
            for e in &r.entities {
                if matches!(e.label, EntityType::PER | EntityType::ORG) && names::is_name(&e.name) {
                    items.push(Item {
                        article,
                        label: e.label,
                        name: e.name.clone(),
                        mentions: e.mentions.len() as u32,
                        role: e.role.clone(),
                        affiliation: e.affiliation.clone(),
                    });
                    refs.push((article, id_number(&e.id)));
                }
            }
            article += 1;
        })?;
        let resolution = resolve::resolve(&items, aliases);
        let index = refs
            .into_iter()
            .zip(resolution.of_item.iter().copied())
            .filter_map(|((a, n), i)| Some(((a, n?), i)))
            .collect();
        let mut by_name: HashMap<String, Option<u32>> = HashMap::new();
        for (i, e) in resolution.entities.iter().enumerate() {
            for (alias, _) in &e.aliases {
                by_name
                    .entry(names::fold(alias))
                    .and_modify(|v| {
                        if *v != Some(i as u32) {
                            *v = None
                        }
                    })
                    .or_insert(Some(i as u32));
            }
        }
        Ok(Who {
            resolution,
            index,
            by_name,
        })
    }

    /// Resolves records in memory.
    pub fn of_slice(records: &[Record], aliases: &Aliases) -> Self {
        let resolved = Self::of_records(
            |f| {
                records.iter().for_each(f);
                Ok(())
            },
            aliases,
        );
        resolved.expect("records in memory read without error")
    }

    /// Resolves the records of JSONL files, read in order.
    pub fn of_files(paths: &[impl AsRef<Path>], aliases: &Aliases) -> anyhow::Result<Self> {
        Self::of_records(
            |f| {
                for p in paths {
                    let file = std::fs::File::open(p.as_ref()).map_err(|e| {
                        anyhow::anyhow!("cannot read {}: {e}", p.as_ref().display())
                    })?;
                    for_each_record(std::io::BufReader::new(file), |r| f(&r))?;
                }
                Ok(())
            },
            aliases,
        )
    }

    /// The corpus entity of an article's entity ("E3" of the nth record), if it is a PER or ORG.
    pub fn entity(&self, article: u32, id: &str) -> Option<&CorpusEntity> {
        self.index
            .get(&(article, id_number(id)?))
            .map(|&i| &self.resolution.entities[i as usize])
    }

    /// The row of a position's speaker (of the nth record).
    pub fn speaker_row(&self, article: u32, speaker: Option<&SpeakerRecord>) -> SpeakerRow {
        let row = |id: Option<String>, name: &str, source: Option<String>| SpeakerRow {
            id,
            name: name.to_string(),
            source,
        };
        let Some(s) = speaker else {
            return row(None, UNATTRIBUTED, None);
        };
        match (&s.entity, &s.name) {
            (Some(e), name) => match self.entity(article, e) {
                Some(c) => row(Some(c.id.clone()), &c.name, None),
                None => row(None, name.as_deref().unwrap_or(UNATTRIBUTED), None),
            },
            (None, None) => row(None, UNATTRIBUTED, None),
            // a pronoun resolved to a name the tagger did not take as an entity: the one
            // entity of that name, if there is one
            (None, Some(name)) if *name != s.span.text => {
                match self.by_name.get(&names::fold(name)).copied().flatten() {
                    Some(i) => {
                        let c = &self.resolution.entities[i as usize];
                        row(Some(c.id.clone()), &c.name, None)
                    }
                    None => row(None, name, None),
                }
            }
            (None, Some(_)) => row(None, UNNAMED, Some(s.span.text.clone())),
        }
    }

    /// Gives each PER and ORG entity of the nth record its `corpus_id`.
    pub fn annotate(&self, article: u32, record: &mut Record) {
        for e in &mut record.entities {
            e.corpus_id = self.entity(article, &e.id).map(|c| c.id.clone());
        }
    }
}

#[cfg(test)]
mod tests;
