//! Who is who across a corpus: every person and organisation of every article gets one corpus
//! id per real entity. Names meet by a normalised key (blocking: no all-pairs comparison), so a
//! million entities resolve in one pass over hash maps:
//! - persons by first name, surname skeleton and generation ("Donald Trump", "Donald J. Trump");
//!   a surname alone ("Trump", in an article that never gives the full name) goes to the full
//!   name of that surname that the article's other names and the person's role point to, the
//!   most frequent one where nothing does;
//! - organisations by their key without "the" and company forms, an acronym with the one name of
//!   those initials ("FBI", "Federal Bureau of Investigation"), and a few press forms ("GOP");
//! - a user's aliases (`--aliases`) pin names to the user's ids first.

use super::names::{self, PersonName};
use crate::doc::EntityType;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Press forms of organisations whose letters do not say what they stand for.
const PRESS_FORMS: &[(&str, &str)] = &[
    ("gop", "republican party"),
    ("grand old party", "republican party"),
    ("dems", "democratic party"),
    ("fed", "federal reserve"),
    ("us", "united states"),
    ("usa", "united states"),
    ("united states of america", "united states"),
    ("uk", "united kingdom"),
    ("nato", "north atlantic treaty organization"),
];

/// One PER or ORG entity of one article, as the resolver needs it.
#[derive(Debug, Clone)]
pub struct Item {
    /// Ordinal of its article in the run.
    pub article: u32,
    /// PER or ORG.
    pub label: EntityType,
    /// The article's name of the entity.
    pub name: String,
    /// Its mentions in the article.
    pub mentions: u32,
    /// The person's role in the article, if any.
    pub role: Option<String>,
    /// The role's country or organisation, if any.
    pub affiliation: Option<String>,
}

/// A user's names for entities: folded alias → (id, name).
#[derive(Debug, Default, Clone)]
pub struct Aliases(HashMap<String, (String, String)>);

impl Aliases {
    /// Reads a TSV of `alias`, `id`, `name` (a header line starting with "alias" is skipped).
    pub fn parse(tsv: &str) -> Result<Self, String> {
        let mut map = HashMap::new();
        for (n, line) in tsv.lines().enumerate() {
            if line.trim().is_empty() || (n == 0 && line.starts_with("alias\t")) {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 || cols[1].trim().is_empty() {
                return Err(format!(
                    "line {}: want alias, id and name separated by tabs",
                    n + 1
                ));
            }
            let name = cols[2].trim().to_string();
            let entry = (cols[1].trim().to_string(), name);
            map.insert(names::fold(cols[0]), entry);
        }
        Ok(Aliases(map))
    }

    fn get(&self, name: &str) -> Option<&(String, String)> {
        self.0.get(&names::fold(name))
    }
}

/// One real entity of the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusEntity {
    /// Its corpus id ("per:donald-trump"), or the user's id from `--aliases`.
    pub id: String,
    /// PER or ORG.
    #[serde(rename = "type")]
    pub label: EntityType,
    /// The fullest common form of its name.
    pub name: String,
    /// Each name the articles give it, with how many articles do, most first.
    pub aliases: Vec<(String, usize)>,
    /// Its most frequent role, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Its most frequent affiliation, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Articles that name it.
    pub articles: usize,
    /// Mentions in all of them.
    pub mentions: usize,
}

/// The resolver's answer: an entity per item, in item order, and the entities.
#[derive(Debug, Default)]
pub struct Resolution {
    /// Index into `entities` of each item.
    pub of_item: Vec<u32>,
    /// The corpus entities, by id.
    pub entities: Vec<CorpusEntity>,
}

/// A normalised key that items of one entity share.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pinned(String),
    Person(PersonName),
    Surname(String),
    Org(String),
}

fn key_of(item: &Item, aliases: &Aliases) -> Key {
    if let Some((id, _)) = aliases.get(&item.name) {
        return Key::Pinned(id.clone());
    }
    match item.label {
        EntityType::PER => match names::person(&item.name) {
            Some(p) if p.first.is_some() => Key::Person(p),
            Some(p) => Key::Surname(p.surname),
            None => Key::Org(names::fold(&item.name)),
        },
        _ => {
            let key = names::organisation(&item.name);
            let key = PRESS_FORMS
                .iter()
                .find(|(form, _)| *form == key)
                .map_or(key, |(_, full)| full.to_string());
            Key::Org(key)
        }
    }
}

/// Union-find over key groups.
struct Groups(Vec<u32>);

impl Groups {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let up = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = up;
            x = up;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b) as usize] = a.min(b);
        }
    }
}

/// Resolves the items of a corpus.
pub fn resolve(items: &[Item], aliases: &Aliases) -> Resolution {
    // 1. Items with one key are one group.
    let mut group_of_key: HashMap<Key, u32> = HashMap::new();
    let mut keys: Vec<Key> = vec![];
    let mut group: Vec<u32> = Vec::with_capacity(items.len());
    for item in items {
        let key = key_of(item, aliases);
        let g = *group_of_key.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            keys.len() as u32 - 1
        });
        group.push(g);
    }
    let mut groups = Groups((0..keys.len() as u32).collect());
    join_generations(items, &group, &keys, &mut groups);
    join_acronyms(items, &group, &keys, &mut groups);
    // 2. A surname alone goes to a full name of that surname, per article.
    let mut resolved: Vec<u32> = group.iter().map(|&g| groups.find(g)).collect();
    attach_surnames(items, &keys, &group, &mut resolved);
    // 3. Entities in a stable order: by type, then name.
    build(items, aliases, &keys, &group, &resolved)
}

/// "Joseph R. Biden Jr." and "Joe Biden" are one person unless some article names both apart
/// (then "Donald Trump Jr." is not "Donald Trump").
fn join_generations(items: &[Item], group: &[u32], keys: &[Key], groups: &mut Groups) {
    let mut plain: HashMap<(&Option<String>, &str), u32> = HashMap::new();
    for (g, key) in keys.iter().enumerate() {
        if let Key::Person(p) = key {
            if p.generation.is_none() {
                plain.insert((&p.first, &p.surname), g as u32);
            }
        }
    }
    let mut suffixed: HashMap<u32, Vec<u32>> = HashMap::new();
    for (g, key) in keys.iter().enumerate() {
        if let Key::Person(p) = key {
            if p.generation.is_some() {
                if let Some(&base) = plain.get(&(&p.first, p.surname.as_str())) {
                    suffixed.entry(base).or_default().push(g as u32);
                }
            }
        }
    }
    // which of those groups some article names side by side (only these: memory follows the
    // namesakes, not the corpus)
    let relevant: HashSet<u32> = suffixed
        .iter()
        .flat_map(|(b, gs)| std::iter::once(*b).chain(gs.iter().copied()))
        .collect();
    let mut by_article: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if relevant.contains(&group[i]) {
            by_article.entry(item.article).or_default().push(group[i]);
        }
    }
    let mut together: HashSet<(u32, u32)> = HashSet::new();
    for gs in by_article.values() {
        for &a in gs {
            for &b in gs {
                if a != b {
                    together.insert((a, b));
                }
            }
        }
    }
    for (base, gens) in suffixed {
        if let [one] = gens[..] {
            if !together.contains(&(base, one)) {
                groups.union(base, one);
            }
        }
    }
}

/// An acronym joins the one longer name of its initials ("DNC", "Democratic National
/// Committee"); with two or more such names it stays apart.
fn join_acronyms(items: &[Item], group: &[u32], keys: &[Key], groups: &mut Groups) {
    let mut long_by_acronym: HashMap<String, HashSet<u32>> = HashMap::new();
    let mut short: Vec<(String, u32)> = vec![];
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let g = group[i];
        if item.label != EntityType::ORG || !matches!(keys[g as usize], Key::Org(_)) {
            continue;
        }
        if !seen.insert((g, item.name.as_str())) {
            continue;
        }
        let letters: String = item.name.chars().filter(|c| *c != '.').collect();
        let is_short = letters
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit());
        match names::acronym(&item.name) {
            Some(a) if is_short => short.push((a, g)),
            Some(a) => {
                long_by_acronym.entry(a).or_default().insert(g);
            }
            None => {}
        }
    }
    for (a, g) in short {
        if let Some(longs) = long_by_acronym.get(&a) {
            if longs.len() == 1 {
                groups.union(g, *longs.iter().next().unwrap_or(&g));
            }
        }
    }
}

/// Each item named by a surname alone goes to one group of a full name with that surname: the
/// one whose articles share most names with the item's article, else the one with a matching
/// role, else the one named in most articles.
fn attach_surnames(items: &[Item], keys: &[Key], group: &[u32], resolved: &mut [u32]) {
    let mut full_by_surname: HashMap<&str, HashSet<u32>> = HashMap::new();
    for (i, _) in items.iter().enumerate() {
        if let Key::Person(p) = &keys[group[i] as usize] {
            full_by_surname
                .entry(p.surname.as_str())
                .or_default()
                .insert(resolved[i]);
        }
    }
    let pending: Vec<usize> = (0..items.len())
        .filter(|&i| matches!(&keys[group[i] as usize], Key::Surname(s) if full_by_surname.contains_key(s.as_str())))
        .collect();
    if pending.is_empty() {
        return;
    }
    // What each article names and what each candidate's articles name, for the contested
    // surnames only (so memory follows the ambiguity, not the corpus).
    let contested: HashSet<u32> = full_by_surname
        .values()
        .filter(|c| c.len() > 1)
        .flatten()
        .copied()
        .collect();
    let mut in_article: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if !matches!(keys[group[i] as usize], Key::Surname(_)) {
            in_article
                .entry(item.article)
                .or_default()
                .push(resolved[i]);
        }
    }
    let mut articles_of: HashMap<u32, usize> = HashMap::new();
    let mut context: HashMap<u32, HashMap<u32, u32>> = HashMap::new();
    let mut roles: HashMap<u32, HashMap<&str, u32>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let g = resolved[i];
        if !contested.contains(&g) || matches!(keys[group[i] as usize], Key::Surname(_)) {
            continue;
        }
        *articles_of.entry(g).or_default() += 1;
        let ctx = context.entry(g).or_default();
        for &other in in_article.get(&item.article).into_iter().flatten() {
            if other != g {
                *ctx.entry(other).or_default() += 1;
            }
        }
        for r in [&item.role, &item.affiliation].into_iter().flatten() {
            *roles.entry(g).or_default().entry(r.as_str()).or_default() += 1;
        }
    }
    for i in pending {
        let Key::Surname(s) = &keys[group[i] as usize] else {
            continue;
        };
        let candidates = &full_by_surname[s.as_str()];
        let best = candidates.iter().copied().max_by(|&a, &b| {
            let score = |g: u32| {
                let shared = in_article
                    .get(&items[i].article)
                    .into_iter()
                    .flatten()
                    .filter(|o| context.get(&g).is_some_and(|c| c.contains_key(o)))
                    .count();
                let role = [&items[i].role, &items[i].affiliation]
                    .into_iter()
                    .flatten()
                    .filter(|r| roles.get(&g).is_some_and(|m| m.contains_key(r.as_str())))
                    .count();
                (
                    shared,
                    role,
                    articles_of.get(&g).copied().unwrap_or(0),
                    u32::MAX - g,
                )
            };
            score(a).cmp(&score(b))
        });
        if let Some(g) = best {
            resolved[i] = g;
        }
    }
}

fn build(
    items: &[Item],
    aliases: &Aliases,
    keys: &[Key],
    group: &[u32],
    resolved: &[u32],
) -> Resolution {
    struct Acc<'a> {
        label: EntityType,
        forms: BTreeMap<&'a str, (usize, bool)>,
        roles: BTreeMap<&'a str, usize>,
        affiliations: BTreeMap<&'a str, usize>,
        articles: HashSet<u32>,
        mentions: usize,
        pinned: Option<&'a (String, String)>,
    }
    let mut accs: BTreeMap<u32, Acc> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let acc = accs.entry(resolved[i]).or_insert_with(|| Acc {
            label: item.label,
            forms: BTreeMap::new(),
            roles: BTreeMap::new(),
            affiliations: BTreeMap::new(),
            articles: HashSet::new(),
            mentions: 0,
            pinned: None,
        });
        let full = matches!(
            keys[group[i] as usize],
            Key::Person(_) | Key::Org(_) | Key::Pinned(_)
        );
        acc.forms.entry(item.name.as_str()).or_insert((0, full)).0 += 1;
        if let Some(r) = &item.role {
            *acc.roles.entry(r.as_str()).or_default() += 1;
        }
        if let Some(a) = &item.affiliation {
            *acc.affiliations.entry(a.as_str()).or_default() += 1;
        }
        acc.articles.insert(item.article);
        acc.mentions += item.mentions as usize;
        if acc.pinned.is_none() {
            acc.pinned = aliases.get(&item.name);
        }
    }
    let most = |m: &BTreeMap<&str, usize>| {
        m.iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| k.to_string())
    };
    let mut entities: Vec<(u32, CorpusEntity)> = accs
        .into_iter()
        .map(|(g, acc)| {
            // The fullest common form: a full name before a surname, then the most articles,
            // then the most words.
            let name = acc
                .forms
                .iter()
                .max_by(|a, b| form_rank(*a).cmp(&form_rank(*b)))
                .map(|(f, _)| f.to_string())
                .unwrap_or_default();
            let mut forms: Vec<(String, usize)> = acc
                .forms
                .iter()
                .map(|(f, (n, _))| (f.to_string(), *n))
                .collect();
            forms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let (id, name) = match acc.pinned {
                Some((id, pinned)) => (id.clone(), pinned.clone()),
                None => (String::new(), name),
            };
            let e = CorpusEntity {
                id,
                label: acc.label,
                name,
                aliases: forms,
                role: most(&acc.roles),
                affiliation: most(&acc.affiliations),
                articles: acc.articles.len(),
                mentions: acc.mentions,
            };
            (g, e)
        })
        .collect();
    entities
        .sort_by(|a, b| (a.1.label as u8, &a.1.name, a.0).cmp(&(b.1.label as u8, &b.1.name, b.0)));
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut index: HashMap<u32, u32> = HashMap::new();
    for (n, (g, e)) in entities.iter_mut().enumerate() {
        if e.id.is_empty() {
            let base = format!(
                "{}:{}",
                format!("{:?}", e.label).to_lowercase(),
                slug(&e.name)
            );
            let k = used.entry(base.clone()).or_default();
            *k += 1;
            e.id = if *k == 1 { base } else { format!("{base}-{k}") };
        }
        index.insert(*g, n as u32);
    }
    Resolution {
        of_item: resolved.iter().map(|g| index[g]).collect(),
        entities: entities.into_iter().map(|(_, e)| e).collect(),
    }
}

/// How a form ranks as a name: a full name before a surname, then the most articles, then the
/// most words, then the first in order.
fn form_rank<'a>(
    (form, (n, full)): (&&'a str, &(usize, bool)),
) -> (bool, usize, usize, std::cmp::Reverse<&'a str>) {
    (
        *full,
        *n,
        form.split_whitespace().count(),
        std::cmp::Reverse(*form),
    )
}

/// "Donald J. Trump" → "donald-j-trump".
fn slug(name: &str) -> String {
    let f = names::fold(name).replace('\'', "");
    let s: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    if s.is_empty() {
        "unnamed".into()
    } else {
        s.join("-")
    }
}
