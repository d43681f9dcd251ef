//! `newsie report` end to end: extract the sample corpus, build the page, open it in headless
//! Chromium and check what the page shows against the records. Skips with a message where
//! Chromium is not installed (scripts/test installs Debian's `chromium` where it can).

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NEWSIE_CHROMIUM") {
        return Some(p.into());
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|path| {
                std::env::split_paths(&path)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Runs the page in headless Chromium, lets its script finish, and returns the DOM (or, with
/// `screenshot`, writes a PNG there).
fn browse(browser: &Path, page: &Path, hash: &str, screenshot: Option<&Path>) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=10000",
        "--window-size=1400,2400",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(png) => cmd.arg(format!("--screenshot={}", png.display())),
        None => cmd.arg("--dump-dom"),
    };
    let out = cmd
        .arg(format!("file://{}{hash}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text between `from` (after it) and the next `to`.
fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    let start = s
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in the page"))
        + from.len();
    let end = s[start..].find(to).map_or(s.len(), |e| start + e);
    &s[start..end]
}

fn attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn the_report_shows_the_run_in_a_browser() {
    let Some(browser) = chromium() else {
        common::skipped(
            "the_report_shows_the_run_in_a_browser",
            "no Chromium (install Debian's chromium, or set NEWSIE_CHROMIUM)",
            false,
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("corpus/sample.jsonl");
    let records_path = dir.path().join("out.jsonl");
    let page = dir.path().join("report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(["extract", "-q", "-o"])
        .arg(&records_path)
        .arg(&sample)
        .status()
        .unwrap();
    assert!(status.success());
    let issues_path = dir.path().join("issues.json");
    let status = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(["issues", "-q", "-o"])
        .arg(&issues_path)
        .arg(&records_path)
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .arg("report")
        .arg(&records_path)
        .arg("--articles")
        .arg(&sample)
        .arg("--issues")
        .arg(&issues_path)
        .arg("-o")
        .arg(&page)
        .status()
        .unwrap();
    assert!(status.success());
    let issues: Value =
        serde_json::from_str(&std::fs::read_to_string(&issues_path).unwrap()).unwrap();
    let records: Vec<Value> = std::fs::read_to_string(&records_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let total = |field: &str| -> usize {
        records
            .iter()
            .map(|r| r[field].as_array().map_or(0, Vec::len))
            .sum()
    };

    // Corpus view: the counts are the records'.
    let article = records
        .iter()
        .find(|r| r["id"] == "peace-talks")
        .expect("the sample has peace-talks");
    let dom = browse(&browser, &page, "#article=peace-talks", None);
    assert!(
        dom.contains("data-ready=\"true\""),
        "the script did not finish"
    );
    let errors = records.iter().filter(|r| !r["error"].is_null()).count();
    for (key, want) in [
        ("articles", records.len()),
        ("errors", errors),
        ("entities", total("entities")),
        ("positions", total("positions")),
        ("places", total("places")),
    ] {
        let shown = between(&dom, &format!("id=\"count-{key}\"><b>"), "</b>");
        assert_eq!(shown, want.to_string(), "count of {key}");
    }
    // The map has a point per distinct place.
    let mut places: Vec<String> = records
        .iter()
        .flat_map(|r| r["places"].as_array().unwrap().iter())
        .map(|p| format!("{}{}", p["geonames_id"], p["name"]))
        .collect();
    places.sort();
    places.dedup();
    assert!(!places.is_empty());
    assert_eq!(dom.matches("<circle class=\"point").count(), places.len());

    // Article view: a mention highlighted with its type, a position with its speaker.
    let view = between(&dom, "id=\"article-view\"", "</section>");
    let mention = &article["entities"][0];
    let marked = format!(
        "class=\"mention {}\" title=\"{}: {}\">{}</span>",
        mention["type"].as_str().unwrap(),
        mention["type"].as_str().unwrap(),
        attr(mention["name"].as_str().unwrap()),
        text(mention["mentions"][0]["text"].as_str().unwrap())
    );
    assert!(view.contains(&marked), "no highlighted {marked}");
    let position = &article["positions"][0];
    let speaker = position["speaker"]["name"].as_str().expect("a speaker");
    let item = between(view, "<li class=\"position\" data-p=\"P1\"", "</li>");
    assert!(item.contains(&format!("data-speaker=\"{}\"", attr(speaker))));
    assert!(item.contains(&text(position["cue"]["text"].as_str().unwrap())));
    // Its spans in the text are tagged for the hover highlight.
    assert!(view.contains("data-cue=\"P1\""));

    // Speaker view: every position of the most-cited speaker in the run.
    let mut cited = std::collections::BTreeMap::<&str, usize>::new();
    for r in &records {
        for p in r["positions"].as_array().unwrap() {
            if let Some(name) = p["speaker"]["name"].as_str() {
                *cited.entry(name).or_default() += 1;
            }
        }
    }
    let (top, n) = cited.iter().max_by_key(|(_, n)| **n).unwrap();
    let dom = browse(&browser, &page, &format!("#speaker={}", percent(top)), None);
    let list = between(&dom, "id=\"speaker-positions\">", "</ol>");
    assert_eq!(list.matches("<li class=\"position\"").count(), *n);
    // each with its article and its speaker
    assert_eq!(list.matches("class=\"article-link\"").count(), *n);
    let speaker_link = format!("data-speaker=\"{}\"", attr(top));
    assert_eq!(list.matches(&speaker_link).count(), *n);

    // Issues: a row each, and an issue's view lists its positions, each with its article.
    let all = issues["issues"].as_array().unwrap();
    assert!(!all.is_empty(), "the sample's positions make no issue");
    let table = between(&dom, "id=\"issues\">", "</table>");
    assert_eq!(table.matches("class=\"issue\"").count(), all.len().min(25));
    let first = &all[0];
    let dom = browse(&browser, &page, "#issue=I1", None);
    let list = between(&dom, "id=\"issue-positions\">", "</ol>");
    let n = first["positions"].as_array().unwrap().len();
    assert_eq!(list.matches("<li class=\"position\"").count(), n);
    assert_eq!(list.matches("class=\"article-link\"").count(), n);

    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let _ = std::fs::remove_file(&png);
    browse(&browser, &page, "#article=peace-talks", Some(&png));
    let size = std::fs::metadata(&png).expect("a screenshot").len();
    assert!(size > 50_000, "the screenshot is {size} bytes: blank?");
    eprintln!("screenshot: {}", png.display());
}

#[test]
fn unreadable_records_or_map_are_a_clear_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("r.html");
    let records = dir.path().join("out.jsonl");
    std::fs::write(&records, "{\"id\": \"a\"}\n").unwrap();
    let cases = [
        (dir.path().join("missing.jsonl"), None, "cannot read"),
        (
            records.clone(),
            Some(dir.path().join("no-map.json")),
            "world map",
        ),
        (
            records.clone(),
            Some(records.clone()),
            "not a TopoJSON topology",
        ),
    ];
    for (input, map, message) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsie"));
        cmd.arg("report").arg(&input).arg("-o").arg(&page);
        if let Some(m) = &map {
            cmd.arg("--map").arg(m);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(!stderr.contains("panicked"));
    }
}
