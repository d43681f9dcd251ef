//! Dirty inputs, one test each: every one gives a normal record or an error record, never a
//! crash, and always one record per input article, in order. Each run takes one thread, as the
//! tests run two at a time (libtorch's OpenMP threads slow down badly when oversubscribed); the
//! two heavy inputs, a 5 MB article and 100,000 articles, have test files of their own.

mod common;

use common::{assert_valid, extract_bytes, good, no_error, records};
use serde_json::{json, Value};
use std::io::Write;
use std::process::Command;

/// Good lines around one bad line: three records, the middle one as `check` says.
fn between_good(bad: &[u8], check: impl Fn(&Value)) {
    let mut input = good("before").into_bytes();
    input.push(b'\n');
    input.extend_from_slice(bad);
    input.push(b'\n');
    input.extend_from_slice(good("after").as_bytes());
    input.push(b'\n');
    let (recs, _) = extract_bytes("in.jsonl", &input, &[]);
    assert_eq!(recs.len(), 3, "{recs:?}");
    assert_eq!(recs[0]["id"], "before");
    assert_eq!(recs[2]["id"], "after");
    assert!(!recs[2]["entities"].as_array().unwrap().is_empty());
    // every record, error records included, as the schema says
    assert_valid(&recs);
    check(&recs[1]);
}

fn error_kind(kind: &'static str) -> impl Fn(&Value) {
    move |r: &Value| assert_eq!(r["error"]["kind"], kind, "{r}")
}

#[test]
fn not_json() {
    between_good(b"this is not json {", error_kind("invalid_json"));
}

#[test]
fn json_but_not_an_object() {
    between_good(b"[\"an\", \"array\"]", error_kind("not_an_object"));
    between_good(b"\"a string\"", error_kind("not_an_object"));
}

#[test]
fn missing_text() {
    between_good(br#"{"id": "m"}"#, error_kind("missing_text"));
}

#[test]
fn null_text() {
    between_good(br#"{"id": "m", "text": null}"#, error_kind("missing_text"));
}

#[test]
fn numeric_text() {
    between_good(br#"{"id": "m", "text": 42}"#, error_kind("invalid_text"));
}

#[test]
fn empty_text() {
    between_good(br#"{"id": "m", "text": ""}"#, |r| {
        no_error(r);
        assert_eq!(r["id"], "m");
        assert!(r["entities"].as_array().unwrap().is_empty());
    });
}

#[test]
fn invalid_utf8_bytes() {
    between_good(
        b"{\"id\": \"u\", \"text\": \"caf\xe9 \xff\"}",
        error_kind("invalid_utf8"),
    );
    // a .txt file that is not UTF-8
    let (recs, _) = extract_bytes("latin1.txt", b"Caf\xe9 in Paris.", &[]);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["error"]["kind"], "invalid_utf8");
}

#[test]
fn nul_and_control_characters() {
    // escaped in JSON they are text like any other
    between_good(
        br#"{"id": "c", "text": "Angela\u0000 Merkel\u0007 met\u001b[31m Emmanuel Macron\u0008 in Berlin.\u0000"}"#,
        |r| {
            no_error(r);
            let names: Vec<&str> = r["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap())
                .collect();
            assert!(names.contains(&"Emmanuel Macron"), "{names:?}");
        },
    );
    // raw in a JSON string they are invalid JSON
    between_good(
        b"{\"id\": \"c\", \"text\": \"a\x00b\x01\"}",
        error_kind("invalid_json"),
    );
}

#[test]
fn utf8_bom() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(format!("{}\n{}\n", good("first"), good("second")).as_bytes());
    let (recs, _) = extract_bytes("bom.jsonl", &input, &[]);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "first");
    no_error(&recs[0]);
    let (recs, _) = extract_bytes("bom.txt", b"\xEF\xBB\xBFAngela Merkel visited Paris.", &[]);
    assert_eq!(recs.len(), 1);
    assert_eq!(
        recs[0]["entities"][0]["mentions"][0]["start"], 0,
        "the BOM is not text"
    );
}

#[test]
fn crlf_line_endings() {
    let input = format!(
        "{}\r\n{}\r\n\r\n{}\r\n",
        good("a"),
        json!({"id": "b", "text": "Merkel spoke.\r\nMacron listened."}),
        good("c")
    );
    let (recs, _) = extract_bytes("crlf.jsonl", input.as_bytes(), &[]);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    recs.iter().for_each(no_error);
}

#[test]
fn duplicate_ids_are_kept_and_reported() {
    let input = format!(
        "{}\n{}\n{}\n{}\n",
        good("a"),
        good("b"),
        good("a"),
        good("a")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.jsonl");
    std::fs::write(&path, input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(["extract", "--threads", "1"])
        .arg(&path)
        .output()
        .unwrap();
    let recs = records(&out);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "a", "a"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 records have an id seen before (kept), the first \"a\""),
        "{stderr}"
    );
}

#[test]
fn a_truncated_gz() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let n = 2000;
    for i in 0..n {
        writeln!(
            gz,
            "{}",
            json!({"id": format!("z{i}"), "text": format!("Angela Merkel visited Paris on day {i} of the talks.")})
        )
        .unwrap();
    }
    let full = gz.finish().unwrap();
    let cut = &full[..full.len() * 2 / 3];
    let (recs, out) = extract_bytes("cut.jsonl.gz", cut, &[]);
    let (last, whole) = recs.split_last().unwrap();
    assert_eq!(last["error"]["kind"], "unreadable", "{last}");
    assert_valid(std::slice::from_ref(last));
    assert!(whole.len() > n / 3 && whole.len() < n, "{}", whole.len());
    for (i, r) in whole.iter().enumerate() {
        assert_eq!(r["id"], format!("z{i}"));
        no_error(r);
    }
    assert!(out.status.success());
}

#[test]
fn an_article_over_the_size_limit() {
    let big = json!({"id": "big", "text": "word ".repeat(230_000)}).to_string();
    let input = format!("{}\n{big}\n{}\n", good("before"), good("after"));
    let (recs, _) = extract_bytes("in.jsonl", input.as_bytes(), &["--max-article-mib", "1"]);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["before", "big", "after"]);
    assert_eq!(recs[1]["error"]["kind"], "too_large", "{}", recs[1]);
    assert_valid(&recs);
}
