//! Model inputs: words to wordpieces, and windows over a whole article.
//!
//! Whole sentences are packed into a *core* of at most `core` wordpieces (a longer sentence is
//! split at word boundaries), and up to `context` wordpieces of the neighbouring words on each side
//! ride along as unlabelled context. Every word is in exactly one core, so a long article is
//! covered fully with no truncation, and sentences see their neighbours. `scripts/train/tagger.py`
//! builds its training windows with the same algorithm.

use crate::doc::Doc;
use anyhow::{anyhow, Result};
use tokenizers::{EncodeInput, InputSequence, Tokenizer};

/// A word's pieces beyond this are dropped (only the first piece is read out); it keeps a URL or
/// a run of symbols from filling a window.
pub const MAX_PIECES_PER_WORD: usize = 16;

/// How a model wants its windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    /// Wordpieces of the labelled core at most.
    pub core: usize,
    /// Wordpieces of context on each side at most.
    pub context: usize,
    /// Casing of each word as token type ids.
    pub casing: bool,
}

/// One model input.
#[derive(Debug, Clone)]
pub struct Window {
    /// Index of the article in the batch of articles.
    pub doc: usize,
    /// Wordpiece ids, `[CLS]` and `[SEP]` included.
    pub ids: Vec<i64>,
    /// Token type ids (the casing classes, when the model reads them).
    pub types: Vec<i64>,
    /// First core word.
    pub first_word: usize,
    /// Position in `ids` of the first piece of each core word.
    pub heads: Vec<usize>,
}

/// Windows are padded to a multiple of this many pieces, and batched only with windows of the
/// same padded length: a window's scores then do not depend on its batchmates, so neither
/// `--batch-size` nor the chunk size changes the output.
pub const PAD_TO: usize = 8;

/// A window's length padded as it is batched (a multiple of 8).
pub fn padded_len(len: usize) -> usize {
    len.div_ceil(PAD_TO) * PAD_TO
}

/// Wordpieces in one batch at most (padding included), whatever the batch size: big batches of
/// long windows are slower on a CPU, their attention tensors no longer fitting the allocator's
/// reusable heap (each is mapped and unmapped anew).
pub const BATCH_PIECES: usize = 2048;

/// Batches of at most `size` windows (indices) and about [`BATCH_PIECES`] pieces, each of one
/// padded length, shortest first.
pub fn batches(windows: &[Window], size: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i].ids.len());
    order
        .chunk_by(|&a, &b| padded_len(windows[a].ids.len()) == padded_len(windows[b].ids.len()))
        .flat_map(|same| {
            let len = padded_len(windows[same[0]].ids.len()).max(1);
            let n = size.min(BATCH_PIECES / len).max(1);
            same.chunks(n).map(<[usize]>::to_vec)
        })
        .collect()
}

/// Casing class of a word: 0 lower or no letters, 1 Title or one capital, 2 UPPER, 3 mixed.
pub fn casing(word: &str) -> i64 {
    let (mut letters, mut uppers, mut first_upper) = (0usize, 0usize, false);
    for c in word.chars().filter(|c| c.is_alphabetic()) {
        if letters == 0 {
            first_upper = c.is_uppercase();
        }
        letters += 1;
        uppers += c.is_uppercase() as usize;
    }
    match (letters, uppers) {
        (_, 0) => 0,
        (1, 1) => 1,
        (l, u) if l == u => 2,
        (_, 1) if first_upper => 1,
        _ => 3,
    }
}

/// Wordpiece ids of each word of the article.
pub fn pieces(tokenizer: &Tokenizer, doc: &Doc) -> Result<Vec<Vec<u32>>> {
    let words: Vec<&str> = (0..doc.tokens.len()).map(|i| doc.token_text(i)).collect();
    let mut out = vec![Vec::new(); words.len()];
    if words.is_empty() {
        return Ok(out);
    }
    let input = EncodeInput::Single(InputSequence::from(&words[..]));
    let enc = tokenizer
        .encode(input, false)
        .map_err(|e| anyhow!("tokenizer: {e}"))?;
    for (&id, w) in enc.get_ids().iter().zip(enc.get_word_ids()) {
        if let Some(w) = w {
            let p = &mut out[*w as usize];
            if p.len() < MAX_PIECES_PER_WORD {
                p.push(id);
            }
        }
    }
    let unk = tokenizer.token_to_id("[UNK]").unwrap_or(100);
    for p in out.iter_mut().filter(|p| p.is_empty()) {
        p.push(unk); // a word the normalizer erased still needs a slot
    }
    Ok(out)
}

/// A window as word indices: `ctx_start <= core_start < core_end <= ctx_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// First word of the left context.
    pub ctx_start: usize,
    /// First word of the core.
    pub core_start: usize,
    /// Word just past the core.
    pub core_end: usize,
    /// Word just past the right context.
    pub ctx_end: usize,
}

/// Plans the windows of an article from the piece count of each word and the first word of each
/// sentence.
pub fn plan(counts: &[usize], sentence_starts: &[usize], core: usize, context: usize) -> Vec<Plan> {
    let n = counts.len();
    let mut bounds: Vec<usize> = sentence_starts.iter().copied().filter(|&s| s < n).collect();
    bounds.push(0);
    bounds.sort_unstable();
    bounds.dedup();
    bounds.push(n);
    let mut cores: Vec<(usize, usize)> = Vec::new();
    let mut cur: Option<(usize, usize)> = None; // (start word, pieces)
    for pair in bounds.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a >= b {
            continue;
        }
        let size: usize = counts[a..b].iter().sum();
        if size <= core {
            match cur {
                Some((s, len)) if len + size <= core => cur = Some((s, len + size)),
                Some((s, _)) => {
                    cores.push((s, a));
                    cur = Some((a, size));
                }
                None => cur = Some((a, size)),
            }
            continue;
        }
        if let Some((s, _)) = cur.take() {
            cores.push((s, a));
        }
        let mut i = a;
        while i < b {
            let (mut j, mut tot) = (i, 0);
            while j < b && (j == i || tot + counts[j] <= core) {
                tot += counts[j];
                j += 1;
            }
            cores.push((i, j));
            i = j;
        }
    }
    if let Some((s, _)) = cur {
        cores.push((s, n));
    }
    cores
        .into_iter()
        .map(|(a, b)| {
            let (mut l, mut tot) = (a, 0);
            while l > 0 && tot + counts[l - 1] <= context {
                tot += counts[l - 1];
                l -= 1;
            }
            let (mut r, mut tot) = (b, 0);
            while r < n && tot + counts[r] <= context {
                tot += counts[r];
                r += 1;
            }
            Plan {
                ctx_start: l,
                core_start: a,
                core_end: b,
                ctx_end: r,
            }
        })
        .collect()
}

/// The windows of one article.
pub fn build(
    doc_index: usize,
    doc: &Doc,
    pieces: &[Vec<u32>],
    spec: WindowSpec,
    cls: u32,
    sep: u32,
) -> Vec<Window> {
    let counts: Vec<usize> = pieces.iter().map(Vec::len).collect();
    let starts: Vec<usize> = doc.sentences.iter().map(|s| s.tokens.start).collect();
    let types: Vec<i64> = if spec.casing {
        (0..doc.tokens.len())
            .map(|i| casing(doc.token_text(i)))
            .collect()
    } else {
        vec![0; doc.tokens.len()]
    };
    plan(&counts, &starts, spec.core, spec.context)
        .into_iter()
        .map(|p| {
            let len = 2 + counts[p.ctx_start..p.ctx_end].iter().sum::<usize>();
            let mut w = Window {
                doc: doc_index,
                ids: Vec::with_capacity(len),
                types: Vec::with_capacity(len),
                first_word: p.core_start,
                heads: Vec::with_capacity(p.core_end - p.core_start),
            };
            w.ids.push(cls as i64);
            w.types.push(0);
            for i in p.ctx_start..p.ctx_end {
                if (p.core_start..p.core_end).contains(&i) {
                    w.heads.push(w.ids.len());
                }
                w.ids.extend(pieces[i].iter().map(|&x| x as i64));
                w.types
                    .extend(std::iter::repeat_n(types[i], pieces[i].len()));
            }
            w.ids.push(sep as i64);
            w.types.push(0);
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_table() {
        // (window lengths, batch size, expected batches of indices)
        let table: &[(&[usize], usize, &[&[usize]])] = &[
            (&[10, 3, 12, 5], 32, &[&[1, 3], &[0, 2]]),
            (&[10, 3, 17, 5], 32, &[&[1, 3], &[0], &[2]]),
            (&[10, 3, 12, 5], 1, &[&[1], &[3], &[0], &[2]]),
            // 2,048 pieces a batch: 8 windows of 256
            (&[256; 10], 32, &[&[0, 1, 2, 3, 4, 5, 6, 7], &[8, 9]]),
            (&[3000, 3000], 32, &[&[0], &[1]]),
        ];
        for &(lengths, size, want) in table {
            let windows: Vec<Window> = lengths
                .iter()
                .map(|&n| Window {
                    doc: 0,
                    ids: vec![1; n],
                    types: vec![0; n],
                    first_word: 0,
                    heads: vec![],
                })
                .collect();
            let got = batches(&windows, size);
            assert_eq!(got, want, "{lengths:?} by {size}");
        }
    }

    #[test]
    fn casing_table() {
        let table = [
            ("kyiv", 0),
            ("123", 0),
            ("Kyiv", 1),
            ("I", 1),
            ("NATO", 2),
            ("U.S.", 2),
            ("McDonald", 3),
            ("iPhone", 3),
            ("Ölçü", 1),
            ("", 0),
        ];
        for (w, want) in table {
            assert_eq!(casing(w), want, "{w:?}");
        }
    }

    fn p(ctx_start: usize, core_start: usize, core_end: usize, ctx_end: usize) -> Plan {
        Plan {
            ctx_start,
            core_start,
            core_end,
            ctx_end,
        }
    }

    #[test]
    fn plan_table() {
        // (pieces per word, sentence starts, core, context, expected)
        let table: Vec<(Vec<usize>, Vec<usize>, usize, usize, Vec<Plan>)> = vec![
            // two sentences fit one core
            (vec![1, 1, 1, 1], vec![0, 2], 4, 2, vec![p(0, 0, 4, 4)]),
            // they do not: one core each, the other as context
            (
                vec![1, 1, 1, 1],
                vec![0, 2],
                3,
                2,
                vec![p(0, 0, 2, 4), p(0, 2, 4, 4)],
            ),
            // a sentence longer than the core is split at words, nothing dropped
            (
                vec![2, 2, 2, 2, 2],
                vec![0],
                4,
                2,
                vec![p(0, 0, 2, 3), p(1, 2, 4, 5), p(3, 4, 5, 5)],
            ),
            // a word longer than the core still gets a window of its own
            (
                vec![9, 1],
                vec![0],
                4,
                0,
                vec![p(0, 0, 1, 1), p(1, 1, 2, 2)],
            ),
            // context stops at whole words
            (
                vec![1, 3, 1, 1],
                vec![0, 2],
                2,
                2,
                vec![p(0, 0, 1, 1), p(0, 1, 2, 4), p(2, 2, 4, 4)],
            ),
            (vec![], vec![], 4, 2, vec![]),
        ];
        for (counts, starts, core, ctx, want) in table {
            assert_eq!(
                plan(&counts, &starts, core, ctx),
                want,
                "{counts:?} {starts:?} {core} {ctx}"
            );
        }
    }

    #[test]
    fn every_word_in_exactly_one_core() {
        let counts: Vec<usize> = (0..500).map(|i| 1 + (i * 7) % 5).collect();
        let starts: Vec<usize> = (0..500).step_by(23).collect();
        let plans = plan(&counts, &starts, 64, 16);
        let mut next = 0;
        for pl in &plans {
            assert_eq!(pl.core_start, next);
            assert!(counts[pl.core_start..pl.core_end].iter().sum::<usize>() <= 64);
            assert!(counts[pl.ctx_start..pl.core_start].iter().sum::<usize>() <= 16);
            next = pl.core_end;
        }
        assert_eq!(next, 500);
    }
}
