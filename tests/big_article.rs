//! A 1.5 MB article is processed like any other: three times the text of a chunk (512 KiB), the
//! same few articles over and over, so that anything quadratic in an article's length shows
//! (alone in its test file: it takes a minute or two).

mod common;

use common::{extract_bytes, good, long_text, no_error};
use serde_json::json;

#[test]
#[ignore = "long: a 1.5 MB article (scripts/test runs it)"]
fn a_long_article_is_processed() {
    let text = long_text(3 << 19);
    let input = format!(
        "{}\n{}\n",
        json!({"id": "big", "text": text}),
        good("after")
    );
    let (recs, _) = extract_bytes("big.jsonl", input.as_bytes(), &["--threads", "2"]);
    assert_eq!(recs.len(), 2);
    no_error(&recs[0]);
    no_error(&recs[1]);
    let positions = recs[0]["positions"].as_array().unwrap().len();
    let entities = recs[0]["entities"].as_array().unwrap();
    // the same few articles over and over: few entities, each mentioned many times
    assert!(entities.iter().any(
        |e| e["name"] == "Volodymyr Zelenskyy" && e["mentions"].as_array().unwrap().len() > 150
    ));
    assert!(positions > 300, "{positions} positions");
}
