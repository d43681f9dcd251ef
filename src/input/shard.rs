//! Shards of a corpus (`--shard K/N`): an article belongs to shard K when its id hashes there.

use super::*;

/// Share K of N of a corpus (`--shard K/N`, K from 1): the articles whose id hashes to it. N
/// machines with K = 1..N together see every input once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This share, 1..=n.
    pub k: u64,
    /// Of this many.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let bad = || format!("{s:?} is not K/N with 1 <= K <= N");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether this shard keeps the input (by a hash of its id).
    pub fn keeps(&self, input: &Input) -> bool {
        id_hash(&input.record_id()) % self.n == self.k - 1
    }
}
