//! End-to-end tests of the `newsie` binary on the bundled model and sample corpus.

#[path = "../common/mod.rs"]
mod common;

mod errors;
mod eval;
mod models;
mod places;
mod positions;
mod runs;

use common::{assert_valid, big_corpus, records};
use serde_json::Value;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn newsie() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsie"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs an eval command that prints JSON; it must succeed.
fn eval_json(args: &[&str]) -> Value {
    let out = run(args, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = newsie()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsie runs");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn sample() -> String {
    root().join("corpus/sample.jsonl").display().to_string()
}

fn entity<'a>(rec: &'a Value, name: &str) -> Option<&'a Value> {
    rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
}

#[test]
fn records_follow_input_order_and_the_schema() {
    let inputs: Vec<Value> = std::fs::read_to_string(sample())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let recs = records(&run(&["extract", &sample(), "--quiet"], None));
    let got: Vec<&Value> = recs.iter().map(|r| &r["id"]).collect();
    let want: Vec<&Value> = inputs.iter().map(|i| &i["id"]).collect();
    assert_eq!(got, want);
    assert_valid(&recs);
    // kept fields, provenance, and offsets that index the text by code points
    for (input, rec) in inputs.iter().zip(&recs) {
        assert_eq!(rec["title"], input["title"]);
        assert!(rec["model"]["ner"].is_string());
        assert!(rec["model"]["attribution"].is_string());
        let chars: Vec<char> = input["text"].as_str().unwrap().chars().collect();
        let spans = rec["entities"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["mentions"].as_array().unwrap())
            .chain(rec["positions"].as_array().unwrap().iter().flat_map(|p| {
                [&p["cue"], &p["speaker"]]
                    .into_iter()
                    .filter(|s| !s.is_null())
            }));
        for m in spans {
            let (s, t) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[s..t].iter().collect::<String>(),
                m["text"].as_str().unwrap()
            );
        }
    }
}

#[test]
fn inputs_txt_folder_gzip_and_field_names() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("texts");
    std::fs::create_dir(&txt).unwrap();
    std::fs::write(txt.join("b.txt"), "Emmanuel Macron spoke in Lyon.").unwrap();
    std::fs::write(txt.join("a.txt"), "Olaf Scholz spoke in Bonn.").unwrap();
    std::fs::write(txt.join("skip.md"), "not an article").unwrap();
    let recs = records(&run(&["extract", txt.to_str().unwrap(), "--quiet"], None));
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a.txt", "b.txt"]);

    let gz = dir.path().join("c.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(
        b"{\"doc\": \"c1\", \"body\": \"Reuters reported from Oslo.\", \"url\": \"http://x\"}\n",
    )
    .unwrap();
    enc.finish().unwrap();
    let recs = records(&run(
        &[
            "extract",
            gz.to_str().unwrap(),
            "--id-field",
            "doc",
            "--text-field",
            "body",
            "--quiet",
        ],
        None,
    ));
    assert_eq!(recs.len(), 1);
    assert_eq!(
        (recs[0]["id"].as_str(), recs[0]["url"].as_str()),
        (Some("c1"), Some("http://x"))
    );
    assert!(entity(&recs[0], "Oslo").is_some());

    let out_file = dir.path().join("out.jsonl");
    let single = txt.join("a.txt");
    let out = run(
        &[
            "extract",
            single.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
            "--quiet",
        ],
        None,
    );
    assert!(out.status.success() && out.stdout.is_empty());
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(written.lines().count(), 1);
}

/// The CoNLL-2003 dev split, when `../shared/data` is there (a user's clone does not have it).
fn conll(name: &str) -> Option<PathBuf> {
    let p = root().join("../shared/data/conll2003").join(name);
    if p.is_file() {
        Some(p)
    } else {
        common::skipped(
            "a CoNLL-2003 test",
            &format!(
                "{} is absent (CoNLL-2003 is not distributed with newsie)",
                p.display()
            ),
            true,
        );
        None
    }
}

#[test]
fn segment_gives_words_sentences_and_quotations_in_code_points() {
    let text = "“Nous resterons,” a dit M. Macron. Kyiv agreed.";
    let input = serde_json::json!({"id": "q", "text": text}).to_string() + "\n";
    let out = run(&["segment", "-"], Some(&input));
    let recs = records(&out);
    let chars: Vec<char> = text.chars().collect();
    let slice = |r: &Value| -> String {
        let (s, e) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        chars[s..e].iter().collect()
    };
    let words: Vec<String> = recs[0]["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(slice)
        .collect();
    assert_eq!(words[..4], ["“", "Nous", "resterons", ","]);
    assert!(words.contains(&"Kyiv".to_string()));
    let quotes: Vec<String> = recs[0]["quotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(slice)
        .collect();
    assert_eq!(quotes, ["“Nous resterons,”"]);
    assert_eq!(recs[0]["sentences"].as_array().unwrap().len(), 2);
}

/// Exact and overlap F1 of Source, Cue and Content in an `eval attribution` report above these.
fn attribution_floors(report: &Value, floors: [(f64, f64); 3]) {
    for (role, (exact, overlap)) in ["Source", "Cue", "Content"].into_iter().zip(floors) {
        let e = report["exact"][role]["f1"].as_f64().unwrap();
        let o = report["overlap"][role]["f1"].as_f64().unwrap();
        assert!(e > exact && o > overlap, "{role}: exact {e} overlap {o}");
    }
}
