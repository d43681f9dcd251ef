//! Web pages and WARC archives in: each page one article with its main text and metadata, a
//! page without an article an error record, other WARC records skipped and counted, a torn
//! archive's last record an error record. Plumbing, so tiny random models run the stages
//! (`scripts/bench/memory-warc` checks that memory stays flat over 100,000 records).

mod common;

use common::{assert_valid, records, tiny_models};
use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// A news page as sites write them: navigation, an advertisement, a captioned photo, related
/// stories, comments and a footer around a four-paragraph story.
fn news_page(n: usize) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><title>Harbour council votes to close the old bridge {n} | The Coast Herald</title>
<meta property="og:title" content="Harbour council votes to close the old bridge {n}">
<link rel="canonical" href="https://www.coastherald.example/2024/03/05/bridge-{n}/">
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Harbour council votes to close the old bridge {n}", "datePublished": "2024-03-05T09:30:00Z"}}</script>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<div class="ad">ADVERTISEMENT Buy the best garden furniture at half price today</div>
<main><article>
<h1>Harbour council votes to close the old bridge {n}</h1>
<p class="byline">By Maria Lopez</p>
<p>The harbour council voted on Tuesday to close the old swing bridge to traffic from April, after engineers found corrosion in two of its four main supports.</p>
<figure><img src="bridge.jpg"><figcaption>The swing bridge seen from the north quay at dawn.</figcaption></figure>
<p>Mayor Tom Becker said the decision was painful but unavoidable, and that a ferry service would run every twenty minutes while the council looked for money to repair it.</p>
<p>Shop owners on the north quay warned that the closure could cost them a third of their customers, and asked the council to pay for extra parking near the ferry landing.</p>
<p>The council will publish the engineers' full report next week and hold a public meeting on the repairs in the town hall at the end of the month.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Ferry operator raises fares for the summer season</a></li><li><a href="/b">New cycle lanes open along the seafront promenade</a></li></ul></aside>
<section class="comments"><h3>Comments</h3><div class="comment">Typical council, always late with everything they promise.</div></section>
</main>
<footer><p>Copyright 2024 The Coast Herald. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"#
    )
}

const NO_ARTICLE: &str = r#"<!DOCTYPE html><html><head><title>Page not found</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><h1>404</h1><p>Sorry, nothing here.</p></body></html>"#;

fn record(kind: &str, id: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn response(html: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n{html}").into_bytes()
}

/// Each record its own gzip member, as CC-NEWS writes them.
fn warc_gz(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(r).unwrap();
        out.extend(gz.finish().unwrap());
    }
    out
}

fn run(input: &Path, models: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_newsie"))
        .arg("extract")
        .arg(input)
        .args(["--threads", "1", "--models"])
        .arg(models)
        .args(extra)
        .output()
        .expect("newsie runs")
}

fn check_news_page(r: &Value, id: &str, url: &str) {
    assert_eq!(r["id"], id, "{r}");
    assert!(r["error"].is_null(), "{r}");
    assert_eq!(
        r["title"], "Harbour council votes to close the old bridge 1",
        "{r}"
    );
    assert_eq!(r["date"], "2024-03-05", "{r}");
    assert_eq!(r["url"], url, "{r}");
    assert_eq!(r["source"], "coastherald.example", "{r}");
    let text = r["text"]
        .as_str()
        .expect("a page's record carries its text");
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 4, "{text}");
    assert!(
        paragraphs[0].starts_with("The harbour council voted"),
        "{text}"
    );
    assert!(paragraphs[3].ends_with("end of the month."), "{text}");
    for left_out in [
        "Politics",
        "garden furniture",
        "north quay at dawn",
        "Ferry operator raises fares",
        "Typical council",
        "All rights reserved",
        "By Maria Lopez",
    ] {
        assert!(!text.contains(left_out), "{left_out:?} in {text}");
    }
    // the offsets point into the text the record carries
    for e in r["entities"].as_array().unwrap() {
        for m in e["mentions"].as_array().unwrap() {
            let (s, t) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let got: String = text.chars().skip(s).take(t - s).collect();
            assert_eq!(got, m["text"].as_str().unwrap());
        }
    }
}

#[test]
fn a_warc_archive_gives_pages_error_records_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let models = tiny_models(dir.path());
    let uri = "https://www.coastherald.example/2024/03/05/bridge-1/?utm=x";
    let mut recs = vec![
        record("warcinfo", "info", "", b"software: test\r\n"),
        record(
            "request",
            "req",
            uri,
            b"GET /2024/03/05/bridge-1/ HTTP/1.1\r\n\r\n",
        ),
        record("response", "news", uri, &response(&news_page(1))),
        record(
            "response",
            "empty",
            "https://www.coastherald.example/missing",
            &response(NO_ARTICLE),
        ),
        record(
            "response",
            "pdf",
            "https://www.coastherald.example/report.pdf",
            b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ...",
        ),
    ];
    let last = record(
        "response",
        "torn",
        "https://www.coastherald.example/cut",
        &response(&news_page(2)),
    );
    recs.push(last[..last.len() / 2].to_vec());
    let path = dir.path().join("crawl.warc.gz");
    std::fs::write(&path, warc_gz(&recs)).unwrap();
    let out = run(&path, &models, &[]);
    let got = records(&out);
    assert_valid(&got);
    let kinds: Vec<(String, Value)> = got
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["error"]["kind"].clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("urn:uuid:news".to_string(), Value::Null),
            ("urn:uuid:empty".to_string(), "no_article".into()),
            ("urn:uuid:torn".to_string(), "unreadable".into()),
        ]
    );
    check_news_page(&got[0], "urn:uuid:news", uri);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "WARC 6 records: 2 pages; skipped 1 non-HTML response, 1 request, 1 warcinfo"
        ),
        "{stderr}"
    );
    // --shard splits an archive's pages by id, and the shares together are the whole
    let ids = |k: &str| -> Vec<String> {
        records(&run(&path, &models, &["--quiet", "--shard", k]))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (mut a, b) = (ids("1/2"), ids("2/2"));
    a.extend(b);
    a.sort();
    assert_eq!(a, ["urn:uuid:empty", "urn:uuid:news", "urn:uuid:torn"]);
}

#[test]
fn page_files_and_folders_and_text_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let models = tiny_models(dir.path());
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join("bridge.html"), news_page(1)).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(NO_ARTICLE.as_bytes()).unwrap();
    std::fs::write(pages.join("gone.HTM.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        pages.join("notes.txt"),
        "Mayor Tom Becker spoke on Tuesday.",
    )
    .unwrap();
    std::fs::write(pages.join("ignored.css"), "p {}").unwrap();
    let got = records(&run(&pages, &models, &["--quiet"]));
    assert_valid(&got);
    let ids: Vec<&str> = got.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["bridge", "gone", "notes.txt"]);
    let canonical = "https://www.coastherald.example/2024/03/05/bridge-1/";
    check_news_page(&got[0], "bridge", canonical);
    assert_eq!(got[1]["error"]["kind"], "no_article");
    // a text file's record carries its text only when asked
    assert!(got[2].get("text").is_none(), "{}", got[2]);
    let with = records(&run(
        &pages.join("notes.txt"),
        &models,
        &["--quiet", "--with-text"],
    ));
    assert_eq!(with[0]["text"], "Mayor Tom Becker spoke on Tuesday.");
}

#[test]
fn a_cut_run_over_an_archive_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let models = tiny_models(dir.path());
    let recs: Vec<Vec<u8>> = (0..40)
        .map(|i| {
            let uri = format!("https://www.coastherald.example/{i}");
            record("response", &i.to_string(), &uri, &response(&news_page(i)))
        })
        .collect();
    let path = dir.path().join("crawl.warc.gz");
    std::fs::write(&path, warc_gz(&recs)).unwrap();
    let full = dir.path().join("full.jsonl");
    let part = dir.path().join("part.jsonl");
    let flags = ["--quiet", "--chunk-kib", "2", "-o"];
    let run_to = |out: &Path, resume: bool| {
        let mut extra: Vec<&str> = flags.to_vec();
        extra.push(out.to_str().unwrap());
        if resume {
            extra.push("--resume");
        }
        assert!(run(&path, &models, &extra).status.success());
    };
    run_to(&full, false);
    let bytes = std::fs::read(&full).unwrap();
    // a run killed two thirds through, mid-line
    std::fs::write(&part, &bytes[..bytes.len() * 2 / 3]).unwrap();
    run_to(&part, true);
    assert_eq!(std::fs::read(&part).unwrap(), bytes);
}
