//! Small text helpers shared by input, stages and output: how texts and ids are compared.

/// A text's words as they are compared across texts: runs of letters and digits, lowercased
/// (punctuation, case and spacing do not count).
pub fn plain_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// FNV-1a of an id: the same on every machine and every run.
pub fn id_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}
