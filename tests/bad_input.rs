//! Dirty inputs, one test each: every one gives a normal record or an error record, never a
//! crash, and always one record per input article, in order.

use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn extract_file(input: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsie"))
        .arg("extract")
        .arg(input)
        .args(["--quiet"])
        .args(extra)
        .output()
        .expect("newsie runs")
}

/// Writes `bytes` to a file with this name and extracts it.
fn extract_bytes(name: &str, bytes: &[u8], extra: &[&str]) -> (Vec<Value>, Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = extract_file(&path, extra);
    (records(&out), out)
}

/// The records of a run that must have ended normally.
fn records(out: &Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "newsie failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .expect("the output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn good(id: &str) -> String {
    json!({"id": id, "text": "Angela Merkel visited Paris on Monday."}).to_string()
}

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
    check(&recs[1]);
}

fn error_kind(kind: &'static str) -> impl Fn(&Value) {
    move |r: &Value| assert_eq!(r["error"]["kind"], kind, "{r}")
}

fn no_error(r: &Value) {
    assert!(r["error"].is_null(), "{r}");
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

/// About `bytes` of news-like text: the sample corpus's articles over and over.
fn long_text(bytes: usize) -> String {
    let sample =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sample.jsonl"))
            .unwrap();
    let texts: Vec<String> = sample
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut text = String::with_capacity(bytes + 4096);
    for t in texts.iter().cycle() {
        if text.len() >= bytes {
            break;
        }
        text.push_str(t);
        text.push_str("\n\n");
    }
    text
}

#[test]
fn a_5_mb_article_is_processed() {
    let text = long_text(5 << 20);
    let input = format!(
        "{}\n{}\n",
        json!({"id": "big", "text": text}),
        good("after")
    );
    let (recs, out) = extract_bytes("big.jsonl", input.as_bytes(), &["--threads", "2"]);
    assert_eq!(recs.len(), 2);
    no_error(&recs[0]);
    let positions = recs[0]["positions"].as_array().unwrap().len();
    let entities = recs[0]["entities"].as_array().unwrap();
    // the same few articles over and over: few entities, each mentioned many times
    assert!(entities.iter().any(
        |e| e["name"] == "Volodymyr Zelenskyy" && e["mentions"].as_array().unwrap().len() > 500
    ));
    assert!(positions > 1000, "{positions} positions");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_50_mb_line_gets_an_error_record() {
    let text = "word ".repeat(10 << 20);
    let input = format!(
        "{}\n{}\n",
        json!({"id": "huge", "text": text}),
        good("after")
    );
    assert!(input.len() > 50 << 20);
    let (recs, _) = extract_bytes("huge.jsonl", input.as_bytes(), &[]);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "huge");
    assert_eq!(recs[0]["error"]["kind"], "too_large");
    no_error(&recs[1]);
}

#[test]
fn a_hundred_thousand_tiny_articles() {
    let mut input = String::new();
    for i in 0..100_000 {
        input.push_str(&json!({"id": format!("t{i}"), "text": format!("Item {i}.")}).to_string());
        input.push('\n');
    }
    let (recs, _) = extract_bytes("tiny.jsonl", input.as_bytes(), &["--threads", "2"]);
    assert_eq!(recs.len(), 100_000);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["id"], format!("t{i}"));
        no_error(r);
    }
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
        .arg("extract")
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
    assert!(whole.len() > n / 3 && whole.len() < n, "{}", whole.len());
    for (i, r) in whole.iter().enumerate() {
        assert_eq!(r["id"], format!("z{i}"));
        no_error(r);
    }
    assert!(out.status.success());
}
