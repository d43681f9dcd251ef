//! The same story twice: articles whose fingerprints ([`crate::stages::fingerprint`]) estimate a
//! Jaccard similarity of their word 5-grams of at least [`THRESHOLD`] are copies of one
//! another. Candidates come from locality-sensitive hashing (32 bands of 2 hashes: a pair at
//! 0.5 shares a band with probability 1 − 0.75³² ≈ 0.9999), one band at a time, so memory is
//! the fingerprints (256 bytes an article, with its id and date about 300 bytes) and one band's
//! buckets: `scripts/bench/export` measures the whole.

use crate::stages::fingerprint::{similarity, HASHES};
use std::collections::HashMap;

/// Estimated similarity from which two articles are the same story.
pub const THRESHOLD: f64 = 0.5;

const ROWS: usize = 2;
const BANDS: usize = HASHES / ROWS;

/// An article as duplicate finding needs it.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its id.
    pub id: String,
    /// Its date in days, when known.
    pub date: Option<i32>,
    /// Its fingerprint.
    pub sig: [u32; HASHES],
}

/// Of each copy: the index of the earliest article of its story (by date, undated last, then
/// by id) and their similarity. Originals and articles without copies are absent.
pub fn find(items: &[Item]) -> HashMap<usize, (usize, f64)> {
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let empty = [u32::MAX; HASHES];
    for band in 0..BANDS {
        let mut buckets: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            if it.sig == empty {
                continue;
            }
            let key = it.sig[band * ROWS..(band + 1) * ROWS]
                .iter()
                .fold(band as u64, |h, &x| {
                    (h ^ x as u64).wrapping_mul(0x100_0000_01b3)
                });
            buckets.entry(key).or_default().push(i as u32);
        }
        for members in buckets.values().filter(|m| m.len() > 1) {
            // each against the bucket's first and its neighbour: linear in a bucket's size,
            // and a story's copies are similar to each other anyway
            for (k, &j) in members.iter().enumerate().skip(1) {
                for &i in [members[0], members[k - 1]].iter() {
                    let (i, j) = (i as usize, j as usize);
                    if similarity(&items[i].sig, &items[j].sig) >= THRESHOLD {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        if a != b {
                            parent[a.max(b)] = a.min(b);
                        }
                    }
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..items.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out = HashMap::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let first = *members
            .iter()
            .min_by(|&&a, &&b| {
                let key = |i: usize| (items[i].date.unwrap_or(i32::MAX), items[i].id.as_str());
                key(a).cmp(&key(b))
            })
            .expect("a group has members");
        for &m in members.iter().filter(|&&m| m != first) {
            out.insert(m, (first, similarity(&items[m].sig, &items[first].sig)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::fingerprint::minhash;

    #[test]
    fn copies_point_at_the_earliest() {
        let story = "The harbour council voted on Tuesday to close the old swing bridge to \
            traffic from April, after engineers found corrosion in two of its four main \
            supports, and the mayor said a ferry would run every twenty minutes.";
        let other = "Shares in the mining group fell by a fifth on Wednesday after it cut its \
            forecast for the year, blaming lower copper prices and a strike at its largest mine.";
        let item = |id: &str, date: Option<i32>, text: &str| Item {
            id: id.into(),
            date,
            sig: minhash(text),
        };
        let items = vec![
            item("b", Some(10), story),
            item(
                "c",
                None,
                &format!("{story} Shops on the quay fear lost trade."),
            ),
            item("x", Some(1), other),
            item("a", Some(10), &story.replace("Tuesday", "Monday")),
            item("empty", Some(0), ""),
            item("empty2", Some(0), ""),
        ];
        let found = find(&items);
        let mut got: Vec<(&str, &str)> = found
            .iter()
            .map(|(&m, &(f, _))| (items[m].id.as_str(), items[f].id.as_str()))
            .collect();
        got.sort();
        // same date: the smaller id is the original; the undated copy points at it too
        assert_eq!(got, [("b", "a"), ("c", "a")]);
        assert!(found.values().all(|&(_, s)| s >= THRESHOLD));
    }
}
