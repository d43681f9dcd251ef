//! `newsie entities` on hand-written records: one corpus id per person across articles, the
//! records written back with `corpus_id` (and valid by the schema), a user's aliases, and a bad
//! aliases file refused with exit code 2.

mod common;

use serde_json::{json, Value};
use std::process::Command;

fn entity(id: &str, kind: &str, name: &str) -> Value {
    json!({"id": id, "type": kind, "name": name,
           "mentions": [{"start": 0, "end": name.chars().count(), "text": name, "confidence": 1.0}]})
}

fn record(id: &str, entities: Vec<Value>) -> String {
    json!({"id": id, "schema_version": "1", "model": null, "words": 10, "entities": entities,
           "places": [], "focus": [], "positions": [], "error": null})
    .to_string()
}

fn newsie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(args)
        .output()
        .expect("newsie runs")
}

#[test]
fn entities_give_one_id_per_person_and_write_it_into_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records.jsonl");
    let lines = [
        record(
            "a",
            vec![
                entity("E1", "PER", "Donald Trump"),
                entity("E2", "LOC", "Ohio"),
            ],
        ),
        record(
            "b",
            vec![entity("E1", "PER", "Trump"), entity("E2", "ORG", "FBI")],
        ),
        record(
            "c",
            vec![
                entity("E1", "PER", "Zelenskyy"),
                entity("E2", "ORG", "Federal Bureau of Investigation"),
            ],
        ),
        record("d", vec![entity("E1", "PER", "Zelensky")]),
    ];
    std::fs::write(&records, lines.join("\n") + "\n").unwrap();
    let (out, back) = (
        dir.path().join("entities.jsonl"),
        dir.path().join("ids.jsonl"),
    );
    let run = newsie(&[
        "entities",
        records.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--records-out",
        back.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let entities: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entities.len(), 3, "{entities:#?}");
    let trump = entities
        .iter()
        .find(|e| e["name"] == "Donald Trump")
        .unwrap();
    assert_eq!(trump["articles"], 2);
    let back: Vec<Value> = std::fs::read_to_string(&back)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    common::assert_valid(&back);
    let id = |r: usize, e: usize| back[r]["entities"][e]["corpus_id"].clone();
    assert_eq!(id(0, 0), trump["id"]);
    assert_eq!(id(1, 0), trump["id"]);
    assert!(id(0, 1).is_null(), "a place has no corpus id");
    assert_eq!(id(1, 1), id(2, 1));
    assert_eq!(id(2, 0), id(3, 0));

    let aliases = dir.path().join("aliases.tsv");
    std::fs::write(
        &aliases,
        "alias\tid\tname\nZelensky\tQ3881622\tVolodymyr Zelenskyy\n",
    )
    .unwrap();
    let run = newsie(&[
        "entities",
        records.to_str().unwrap(),
        "--aliases",
        aliases.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(run.status.success());
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(
        text.contains(r#""id":"Q3881622","type":"PER","name":"Volodymyr Zelenskyy""#),
        "{text}"
    );

    std::fs::write(&aliases, "Zelensky only\n").unwrap();
    let run = newsie(&[
        "entities",
        records.to_str().unwrap(),
        "--aliases",
        aliases.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("aliases.tsv"));
}
