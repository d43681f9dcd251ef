//! One encoder with two heads scores a window as two one-head models with the same weights do,
//! in one forward pass.

mod common;

use common::{extract_file, records, tiny_shared};
use newsie::model::{self, Precision};
use newsie::pipeline::Models;
use newsie::stages::tag::Tag;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_shared_encoder_scores_as_the_one_head_models_with_its_weights() {
    let dir = tempfile::tempdir().unwrap();
    let (two, shared) = tiny_shared(dir.path());
    let shared_model = model::load(&shared.join("both"), Precision::F32).unwrap();
    let names: Vec<&str> = shared_model
        .heads()
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["ner", "attribution"]);
    let load = |d: &Path| Models::load(d, Precision::F32, true).unwrap();
    let tag = |m: Models| Tag::new(m.models, m.heads, 8).unwrap();
    let (a, b) = (tag(load(&two)), tag(load(&shared)));
    assert_eq!(load(&shared).models.len(), 1, "one model, both heads");
    assert_eq!(a.labels("attribution"), b.labels("attribution"));

    let text = std::fs::read_to_string(root().join("corpus/sample.jsonl")).unwrap();
    let mut docs = Vec::new();
    for line in text.lines().take(3) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut d = newsie::doc::Doc::new(v["id"].as_str().unwrap(), v["text"].as_str().unwrap());
        newsie::stages::segment::annotate(&mut d);
        docs.push(d);
    }
    let windows = a.windows(&docs).unwrap();
    let (x, y) = (a.classify(&windows).unwrap(), b.classify(&windows).unwrap());
    assert!(windows.len() > 3);
    for (s, t) in x.iter().zip(&y) {
        assert_eq!(s.len(), 2);
        for (head_a, head_b) in s.iter().zip(t) {
            assert_eq!(head_a.labels, head_b.labels);
            assert_eq!(head_a.probs, head_b.probs);
        }
    }

    // and extract writes the same records, but for the models' names
    let input = root().join("corpus/sample.jsonl");
    let run = |models: &Path| {
        let mut r = records(&extract_file(
            &input,
            &["--models", models.to_str().unwrap()],
        ));
        r.iter_mut().for_each(|x| {
            x.as_object_mut().unwrap().remove("model");
        });
        r
    };
    assert_eq!(run(&two), run(&shared));
}
