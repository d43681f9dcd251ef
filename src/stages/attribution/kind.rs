//! How a position is reported: direct, mixed or indirect, by its content's quotation marks.

use crate::doc::{Doc, Kind};
use std::ops::Range;

/// Whether each word of the Doc is inside a quotation.
pub(crate) fn quoted_words(doc: &Doc) -> Vec<bool> {
    let mut quoted = vec![false; doc.tokens.len()];
    for q in &doc.quotations {
        let first = doc.tokens.partition_point(|t| t.start < q.start);
        for (w, t) in doc.tokens.iter().enumerate().skip(first) {
            if t.end > q.end {
                break;
            }
            quoted[w] = true;
        }
    }
    quoted
}

/// Direct when every word of the content is inside quotation marks, mixed when some are,
/// indirect when none is. Punctuation does not count.
pub(super) fn kind(doc: &Doc, quoted: &[bool], content: &[Range<usize>]) -> Kind {
    let (mut inside, mut outside) = (0, 0);
    for w in content.iter().flat_map(|r| r.clone()) {
        if !doc.token_text(w).chars().any(char::is_alphanumeric) {
            continue;
        }
        if quoted[w] {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    match (inside, outside) {
        (0, _) => Kind::Indirect,
        (_, 0) => Kind::Direct,
        _ => Kind::Mixed,
    }
}
