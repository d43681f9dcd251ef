//! `newsie export` over the sample corpus's records: every table in Parquet and in CSV, the
//! same rows in both, keys that join, typed columns; and DuckDB answering a researcher's
//! question from the Parquet, checked against the same count made from the JSONL records.
//! The DuckDB part skips with a message where no Python can import duckdb (scripts/test
//! installs it from PyPI into the newsie cache).

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn newsie(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(args)
        .output()
        .expect("newsie runs");
    assert!(
        out.status.success(),
        "newsie {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|row| {
            let row = row.unwrap();
            header
                .iter()
                .cloned()
                .zip(row.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The sample corpus's records, written to `out`.
fn extract_sample(out: &str) {
    let sample = common::sample_path();
    newsie(&["extract", sample.to_str().unwrap(), "--quiet", "-o", out]);
}

/// The five speakers with the most `oppose` positions (ties by name) and their articles,
/// counted from the records themselves.
fn top_opposers(records: &[Value]) -> Vec<(String, i64, String)> {
    let mut by: BTreeMap<String, (i64, std::collections::BTreeSet<String>)> = BTreeMap::new();
    for r in records {
        for p in r["positions"].as_array().unwrap() {
            if p["stance"] == "oppose" {
                if let Some(name) = p["speaker"]["name"].as_str() {
                    let e = by.entry(name.to_string()).or_default();
                    e.0 += 1;
                    e.1.insert(r["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    let mut rows: Vec<(String, i64, String)> = by
        .into_iter()
        .map(|(s, (n, a))| (s, n, a.into_iter().collect::<Vec<_>>().join(",")))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.truncate(5);
    rows
}

#[test]
fn tables_in_parquet_and_csv_and_duckdb_answers_from_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    extract_sample(&d("records.jsonl"));
    let records: Vec<Value> = std::fs::read_to_string(d("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    newsie(&[
        "issues",
        &d("records.jsonl"),
        "--quiet",
        "-o",
        &d("issues.json"),
    ]);
    for format in ["parquet", "csv"] {
        newsie(&[
            "export",
            &d("records.jsonl"),
            "--issues",
            &d("issues.json"),
            "--format",
            format,
            "-o",
            &d("tables"),
            "--quiet",
        ]);
    }
    let tables = [
        "articles",
        "entities",
        "mentions",
        "positions",
        "places",
        "quotes",
        "issues",
        "issue_positions",
    ];
    for t in tables {
        for ext in ["parquet", "csv"] {
            assert!(
                dir.path().join(format!("tables/{t}.{ext}")).is_file(),
                "{t}.{ext}"
            );
        }
    }
    // the CSV rows are the records' findings, one row each
    let count = |key: &str| -> usize {
        records
            .iter()
            .map(|r| r[key].as_array().map_or(0, |a| a.len()))
            .sum()
    };
    let table = |t: &str| csv_rows(&dir.path().join(format!("tables/{t}.csv")));
    assert_eq!(table("articles").len(), records.len());
    assert_eq!(table("positions").len(), count("positions"));
    assert_eq!(table("places").len(), count("places"));
    assert_eq!(table("entities").len(), count("entities"));
    let mentions: usize = records
        .iter()
        .flat_map(|r| r["entities"].as_array().unwrap())
        .map(|e| e["mentions"].as_array().unwrap().len())
        .sum();
    assert_eq!(table("mentions").len(), mentions);
    let quotes: std::collections::BTreeSet<&str> = records
        .iter()
        .flat_map(|r| r["positions"].as_array().unwrap())
        .filter_map(|p| p["quote_id"].as_str())
        .collect();
    assert!(!quotes.is_empty());
    assert_eq!(table("quotes").len(), quotes.len());
    let first = &table("articles")[0];
    assert_eq!(first["article"], records[0]["id"].as_str().unwrap());
    assert_eq!(first["date"], records[0]["date"].as_str().unwrap());

    let Some(python) = common::python_with("duckdb", "NEWSIE_DUCKDB_PYTHON", "duckdb") else {
        common::skipped(
            "export (DuckDB part)",
            "no Python with duckdb (pip install duckdb, or run scripts/test)",
            false,
        );
        return;
    };
    let want = top_opposers(&records);
    assert!(!want.is_empty(), "the sample has oppose positions");
    let script = r#"
import duckdb, json, sys
con = duckdb.connect()
con.execute(f"SET file_search_path = '{sys.argv[1]}'")
top = con.execute("""
    SELECT p.speaker, count(*) AS n, string_agg(DISTINCT p.article, ',' ORDER BY p.article)
    FROM 'positions.parquet' p JOIN 'articles.parquet' a USING (article)
    WHERE p.stance = 'oppose' AND p.speaker IS NOT NULL AND a.duplicate_of IS NULL
    GROUP BY p.speaker ORDER BY n DESC, p.speaker LIMIT 5""").fetchall()
types = {t: {c[0]: c[1] for c in con.execute(f"DESCRIBE SELECT * FROM '{t}.parquet'").fetchall()}
         for t in ["articles", "positions", "places", "quotes", "mentions"]}
rows = {t: con.execute(f"SELECT count(*) FROM '{t}.parquet'").fetchone()[0]
        for t in ["articles", "entities", "mentions", "positions", "places", "quotes", "issues", "issue_positions"]}
print(json.dumps({"top": top, "types": types, "rows": rows}))
"#;
    let out = Command::new(&python)
        .args(["-c", script, &d("tables")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let top: Vec<(String, i64, String)> = serde_json::from_value(got["top"].clone()).unwrap();
    eprintln!("top opposers by DuckDB: {top:?}");
    assert_eq!(top, want);
    let types = &got["types"];
    for (t, c, ty) in [
        ("articles", "date", "DATE"),
        ("articles", "article", "VARCHAR"),
        ("articles", "words", "BIGINT"),
        ("positions", "confidence", "DOUBLE"),
        ("places", "geonames_id", "BIGINT"),
        ("places", "confident", "BOOLEAN"),
        ("quotes", "first_date", "DATE"),
    ] {
        assert_eq!(types[t][c], ty, "{t}.{c}");
    }
    // Parquet and CSV hold the same rows
    for t in tables {
        assert_eq!(got["rows"][t], table(t).len(), "{t}");
    }
}

#[test]
fn copies_point_at_the_original_and_can_be_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    extract_sample(&d("records.jsonl"));
    // every article with words again under a new id, later: a second paper's copy of it
    let run = std::fs::read_to_string(d("records.jsonl")).unwrap();
    let mut both = run.clone();
    let mut originals = BTreeMap::new();
    for line in run.lines() {
        let mut r: Value = serde_json::from_str(line).unwrap();
        if r["words"] == 0 {
            continue; // an empty text is no story: nothing to copy
        }
        let id = r["id"].as_str().unwrap().to_string();
        r["id"] = format!("{id}-copy").into();
        if let Some(date) = r["date"].as_str() {
            r["date"] = format!("{}-28", &date[..7]).into();
        }
        both.push_str(&format!("{r}\n"));
        originals.insert(
            format!("{id}-copy"),
            (id, r["positions"].as_array().unwrap().len()),
        );
    }
    std::fs::write(d("both.jsonl"), both).unwrap();
    let input = d("both.jsonl");
    for drop in [true, false] {
        let mut args = vec!["export", &input, "--format", "csv", "-o"];
        let out = d(if drop { "dropped" } else { "kept" });
        args.push(&out);
        args.push("--quiet");
        if drop {
            args.push("--drop-duplicates");
        }
        newsie(&args);
        let articles = csv_rows(&Path::new(&out).join("articles.csv"));
        let positions = csv_rows(&Path::new(&out).join("positions.csv"));
        let records = run.lines().count();
        if drop {
            assert_eq!(articles.len(), records);
            assert!(articles.iter().all(|a| !a["article"].ends_with("-copy")));
            assert!(positions.iter().all(|p| !p["article"].ends_with("-copy")));
        } else {
            assert_eq!(articles.len(), records + originals.len());
            for a in &articles {
                match originals.get(&a["article"]) {
                    Some((original, _)) => {
                        assert_eq!(&a["duplicate_of"], original);
                        assert_eq!(a["similarity"], "1");
                    }
                    None => assert_eq!(a["duplicate_of"], ""),
                }
            }
            let copied: usize = originals.values().map(|o| o.1).sum();
            assert_eq!(
                positions.len(),
                csv_rows(&Path::new(&d("dropped")).join("positions.csv")).len() + copied
            );
        }
    }
}
