//! Bad inputs and unusable models: error records, --strict, exit code 2, never a panic.

use super::*;

#[test]
fn broken_lines_give_error_records_and_the_run_goes_on() {
    let good: Vec<String> = (1..=5)
        .map(|i| serde_json::json!({"id": format!("g{i}"), "text": format!("Angela Merkel visited Paris on day {i}.")}).to_string())
        .collect();
    let bad = [
        "this is not json".to_string(),
        r#"{"id": "b2"}"#.to_string(),
        r#"{"id": "b3", "text": 42}"#.to_string(),
        r#"["an", "array"]"#.to_string(),
        r#"{"text": "no id here"}"#.to_string(),
    ];
    let mut lines = Vec::new();
    for (g, b) in good.iter().zip(&bad) {
        lines.push(g.clone());
        lines.push(b.clone());
    }
    let recs = records(&run(
        &["extract", "-", "--quiet"],
        Some(&(lines.join("\n") + "\n")),
    ));
    assert_eq!(recs.len(), 10);
    let errors: Vec<&Value> = recs.iter().filter(|r| !r["error"].is_null()).collect();
    assert_eq!(errors.len(), 5);
    let kinds: Vec<&str> = errors
        .iter()
        .map(|r| r["error"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "invalid_json",
            "missing_text",
            "invalid_text",
            "not_an_object",
            "missing_id"
        ]
    );
    assert_eq!(errors[0]["id"], "line:2");
    assert_eq!(errors[1]["id"], "b2");
    for (i, r) in recs.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        assert_eq!(r["id"], format!("g{}", i / 2 + 1));
        assert!(entity(r, "Angela Merkel").is_some(), "{r}");
    }
    assert_valid(&recs);
}

#[test]
fn strict_stops_at_the_first_bad_line() {
    let out = run(
        &["extract", "-", "--strict", "--quiet"],
        Some("{\"id\":\"a\",\"text\":\"Hi.\"}\nnot json\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_json"));
}

#[test]
fn unusable_models_and_inputs_exit_2_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("models");
    std::fs::create_dir_all(broken.join("ner")).unwrap();
    std::fs::write(broken.join("ner/config.json"), "{ not json").unwrap();
    // a good NER model and no attribution model
    let no_attribution = dir.path().join("ner-only");
    std::fs::create_dir_all(no_attribution.join("ner")).unwrap();
    for f in std::fs::read_dir(root().join("models/ner")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, no_attribution.join("ner").join(f.file_name().unwrap())).unwrap();
    }
    // an ensemble whose members do not share labels (an NER and an attribution model)
    let mixed = dir.path().join("mixed");
    std::fs::create_dir_all(mixed.join("attribution")).unwrap();
    std::os::unix::fs::symlink(root().join("models/ner"), mixed.join("ner")).unwrap();
    let members = serde_json::json!({"members": [
        root().join("models/attribution"),
        root().join("models/ner"),
    ]});
    std::fs::write(mixed.join("attribution/newsie.json"), members.to_string()).unwrap();
    // a weight file whose sparse rows point past the table
    let bad_rows = dir.path().join("bad-rows");
    std::fs::create_dir_all(bad_rows.join("ner")).unwrap();
    std::fs::copy(
        root().join("models/ner/config.json"),
        bad_rows.join("ner/config.json"),
    )
    .unwrap();
    let mut manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("models/ner/newsie.json")).unwrap(),
    )
    .unwrap();
    manifest["weights"] = serde_json::json!(["delta.safetensors", "bad.safetensors"]);
    std::os::unix::fs::symlink(
        root().join("models/ner/delta.safetensors"),
        bad_rows.join("ner/delta.safetensors"),
    )
    .unwrap();
    std::fs::write(bad_rows.join("ner/newsie.json"), manifest.to_string()).unwrap();
    let table = "bert.embeddings.word_embeddings.weight";
    let bad = safetensors(&[
        (
            &format!("{table}.rows"),
            "I64",
            &[1],
            &1_000_000_000i64.to_le_bytes(),
        ),
        (
            &format!("{table}.values"),
            "F32",
            &[1, 384],
            &[0u8; 384 * 4],
        ),
    ]);
    std::fs::write(bad_rows.join("ner/bad.safetensors"), bad).unwrap();
    // a one-letter tag before an I- tag
    let short_tag = dir.path().join("short.conll");
    std::fs::write(&short_tag, "EU X\nrejects I-PER\n").unwrap();
    // a toponym that ends at 0
    let end_zero = dir.path().join("end0.xml");
    std::fs::write(
        &end_zero,
        "<articles><article docid=\"1\"><text>Paris is big.</text><toponyms><toponym>\
         <start>3</start><end>0</end><phrase>Paris</phrase><gaztag><lat>48.85</lat>\
         <lon>2.35</lon></gaztag></toponym></toponyms></article></articles>",
    )
    .unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "extract".into(),
                sample(),
                "--models".into(),
                "/nonexistent/models".into(),
            ],
            "does not exist",
        ),
        (
            vec![
                "extract".into(),
                sample(),
                "--models".into(),
                mixed.display().to_string(),
            ],
            "differ from the first member's",
        ),
        (
            vec![
                "extract".into(),
                sample(),
                "--models".into(),
                broken.display().to_string(),
            ],
            "config.json",
        ),
        (
            vec!["extract".into(), "/nonexistent/input.jsonl".into()],
            "cannot read input",
        ),
        (
            vec![
                "extract".into(),
                sample(),
                "--models".into(),
                no_attribution.display().to_string(),
            ],
            "cannot load the attribution model",
        ),
        (
            vec!["extract".into(), sample(), "--threads".into(), "0".into()],
            "threads",
        ),
        // these three panicked once
        (
            vec![
                "extract".into(),
                sample(),
                "--models".into(),
                bad_rows.display().to_string(),
            ],
            "do not index",
        ),
        (
            vec![
                "eval".into(),
                "ner".into(),
                "--conll".into(),
                short_tag.display().to_string(),
            ],
            "is not O, B-TYPE or I-TYPE",
        ),
        (
            vec![
                "eval".into(),
                "places".into(),
                "--gazetteer-xml".into(),
                end_zero.display().to_string(),
            ],
            "its end must come after its start",
        ),
    ];
    for (args, msg) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, None);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A safetensors file of (name, dtype, shape, little-endian bytes).
fn safetensors(tensors: &[(&str, &str, &[usize], &[u8])]) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut data = Vec::new();
    for (name, dtype, shape, bytes) in tensors {
        let offsets = [data.len(), data.len() + bytes.len()];
        header.insert(
            name.to_string(),
            serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": offsets}),
        );
        data.extend_from_slice(bytes);
    }
    let header = Value::Object(header).to_string().into_bytes();
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend(header);
    out.extend(data);
    out
}

#[test]
fn a_missing_gazetteer_is_a_clear_exit_2() {
    let out = run(
        &[
            "extract",
            &sample(),
            "--gazetteer",
            "/nonexistent/gazetteer.tsv",
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot read the gazetteer"), "{err}");
}
