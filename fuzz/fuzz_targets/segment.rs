//! The segmenter on any text: tokens in order, inside the text and on character boundaries;
//! sentences in order over the tokens; quotations inside the text; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsie::doc::Doc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut doc = Doc::new("fuzz", text);
    newsie::segment::annotate(&mut doc);
    let mut last = 0;
    for t in &doc.tokens {
        assert!(last <= t.start && t.start < t.end && t.end <= text.len());
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        last = t.end;
    }
    let mut next_token = 0;
    for s in &doc.sentences {
        assert!(s.start <= s.end && s.end <= text.len());
        assert!(s.tokens.start >= next_token && s.tokens.end <= doc.tokens.len());
        next_token = s.tokens.end;
    }
    for q in &doc.quotations {
        assert!(q.start <= q.end && q.end <= text.len());
    }
    let _ = doc.to_segment_record();
});
