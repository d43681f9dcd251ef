//! A MinHash fingerprint of each article's words, so that `newsie export` can find the same
//! story twice (wire copies, syndication, updated versions) over a run's records without the
//! texts, in any order of shards.

use crate::doc::Doc;
use crate::stages::{Layer, Stage};
use base64::Engine;

/// Hashes in a fingerprint: Jaccard similarity estimated within about ±0.06 (one standard
/// deviation at 0.5).
pub const HASHES: usize = crate::doc::FINGERPRINT_HASHES;

/// Words per shingle.
pub const SHINGLE: usize = 5;

/// The MinHash signature of a text's word 5-gram shingles (lowercased, letters and digits
/// only); a text of fewer words has its words as one shingle, an empty one all `u32::MAX`.
pub fn minhash(text: &str) -> [u32; HASHES] {
    let words: Vec<String> = crate::text::plain_words(text).collect();
    let mut sig = [u32::MAX; HASHES];
    let mut add = |gram: &[String]| {
        let x = gram.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, w| {
            w.bytes()
                .chain([b' '])
                .fold(h, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
        });
        for (i, s) in sig.iter_mut().enumerate() {
            let (a, b) = SEEDS[i];
            // multiply-shift: the high 32 bits of a·x + b, one random odd a per hash
            let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            *s = (*s).min(h);
        }
    };
    if words.len() < SHINGLE {
        if !words.is_empty() {
            add(&words);
        }
    } else {
        words.windows(SHINGLE).for_each(&mut add);
    }
    sig
}

/// Share of equal hashes: an estimate of the shingles' Jaccard similarity.
pub fn similarity(a: &[u32; HASHES], b: &[u32; HASHES]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

/// The record's form: base64 of the hashes, little-endian.
pub fn encode(sig: &[u32; HASHES]) -> String {
    let bytes: Vec<u8> = sig.iter().flat_map(|h| h.to_le_bytes()).collect();
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

/// Back from the record's form; `None` for anything else.
pub fn decode(s: &str) -> Option<[u32; HASHES]> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s)
        .ok()?;
    if bytes.len() != HASHES * 4 {
        return None;
    }
    let mut sig = [0u32; HASHES];
    for (s, b) in sig.iter_mut().zip(bytes.chunks_exact(4)) {
        *s = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    Some(sig)
}

/// The hash functions' (a, b), from splitmix64: the same in every build, or fingerprints of
/// two runs would not compare.
const SEEDS: [(u64, u64); HASHES] = seeds();

const fn seeds() -> [(u64, u64); HASHES] {
    let mut out = [(0u64, 0u64); HASHES];
    let mut state = 0x6e65_7773_6965_u64; // "newsie"
    let mut i = 0;
    while i < HASHES {
        let mut pair = [0u64; 2];
        let mut j = 0;
        while j < 2 {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            pair[j] = z ^ (z >> 31);
            j += 1;
        }
        out[i] = (pair[0] | 1, pair[1]);
        i += 1;
    }
    out
}

/// The stage: the text's fingerprint on the Doc.
pub struct Fingerprint;

impl Stage for Fingerprint {
    fn name(&self) -> &str {
        "fingerprint"
    }
    fn requires(&self) -> Vec<Layer> {
        vec![]
    }
    fn adds(&self) -> Vec<Layer> {
        vec![Layer::Fingerprint]
    }
    fn annotate(&self, doc: &mut Doc) -> crate::Result<()> {
        doc.fingerprint = Some(minhash(&doc.text));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The harbour council voted on Tuesday to close the old swing bridge to \
        traffic from April, after engineers found corrosion in two of its four main supports. \
        Mayor Tom Becker said the decision was painful but unavoidable, and that a ferry would \
        run every twenty minutes while the council looked for money to repair it.";

    #[test]
    fn copies_score_high_and_other_stories_low() {
        let a = minhash(STORY);
        let copy = minhash(&format!("{STORY} Shop owners warned of lost customers."));
        let other = minhash(
            "The harbour council met on Tuesday to discuss the budget for the new school, \
             and the mayor said a vote on the swing bridge would come later in the spring.",
        );
        assert_eq!(similarity(&a, &a), 1.0);
        assert!(similarity(&a, &copy) > 0.6, "{}", similarity(&a, &copy));
        assert!(similarity(&a, &other) < 0.2, "{}", similarity(&a, &other));
        // case, punctuation and spacing do not count
        let shouted = STORY.to_uppercase().replace(", ", " ; ");
        assert_eq!(minhash(&shouted), a);
        assert_eq!(decode(&encode(&a)), Some(a));
        assert_eq!(decode("not a fingerprint"), None);
    }
}
