//! The JSONL readers, plain and gzipped: any bytes give inputs (articles or bad-input
//! records), one per non-blank line, and never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsie::corpus::{Corpus, Fields, Input};
use std::io::{BufReader, Cursor};

fuzz_target!(|data: &[u8]| {
    let lines = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    let plain = Corpus::from_reader("fuzz", Cursor::new(data.to_vec()), Fields::default());
    let mut n = 0;
    for input in plain {
        let input = input.expect("reading memory never fails");
        if let Input::Article(a) = &input {
            assert!(!a.id.is_empty());
        }
        let _ = input.record_id();
        n += 1;
    }
    assert_eq!(n, lines);
    // the same bytes as a (most likely broken) gzip stream: inputs or an error record
    let gz = flate2::read::MultiGzDecoder::new(Cursor::new(data.to_vec()));
    for input in Corpus::from_reader("fuzz.gz", BufReader::new(gz), Fields::default()) {
        let _ = input.expect("a bad stream is an error record, not an error");
    }
});
