//! 100,000 tiny articles: 100,000 records, in order (alone in its test file). What it tests is
//! plumbing (chunks, order, one record each), so it runs tiny random models of the shipped
//! models' labels and windows.

mod common;

use common::{extract_bytes, no_error, tiny_models};
use serde_json::json;

#[test]
fn a_hundred_thousand_tiny_articles() {
    let mut input = String::new();
    for i in 0..100_000 {
        input.push_str(&json!({"id": format!("t{i}"), "text": format!("Item {i}.")}).to_string());
        input.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let models = tiny_models(dir.path());
    let models = models.to_str().unwrap();
    let (recs, _) = extract_bytes(
        "tiny.jsonl",
        input.as_bytes(),
        &["--threads", "2", "--models", models],
    );
    assert_eq!(recs.len(), 100_000);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["id"], format!("t{i}"));
        no_error(r);
        assert!(
            r["model"]["ner"]
                .as_str()
                .unwrap()
                .starts_with("tiny-ner ("),
            "{r}"
        );
    }
}
