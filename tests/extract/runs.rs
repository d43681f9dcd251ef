//! Runs: the same bytes whatever the threads and batches, resumed runs, shards, early stops.

use super::*;

/// Byte-identical output whatever the threads, batch size and chunk size.
#[test]
#[ignore = "long: the sample twice over, in six settings (scripts/test runs it)"]
fn same_bytes_for_any_threads_batch_size_and_chunk_size() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_corpus(dir.path(), 2);
    let input = input.to_str().unwrap();
    let base = run(&["extract", input, "--threads", "1", "--quiet"], None);
    assert!(base.status.success() && !base.stdout.is_empty());
    for flags in [
        &["--threads", "2"][..],
        &["--batch-size", "1"],
        &["--batch-size", "7", "--threads", "2"],
        &["--batch-size", "64"],
        &["--chunk-kib", "4"],
    ] {
        let mut args = vec!["extract", input, "--quiet"];
        args.extend_from_slice(flags);
        let other = run(&args, None);
        assert!(other.status.success());
        assert!(other.stdout == base.stdout, "{flags:?} changed the output");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // `newsie extract … | head -1`: the rest cannot be written, which is no failure
    let dir = tempfile::tempdir().unwrap();
    let corpus = big_corpus(dir.path(), 20);
    let mut child = newsie()
        .args([
            "extract",
            corpus.to_str().unwrap(),
            "--quiet",
            "--threads",
            "1",
        ])
        .args(["--chunk-kib", "4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsie runs");
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(first.starts_with("{\"id\":"), "{first}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("newsie:") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
#[ignore = "long: 30 copies of the sample, killed and resumed (scripts/test runs it)"]
fn killed_runs_resume_to_the_uninterrupted_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_corpus(dir.path(), 30);
    let input = input.to_str().unwrap();
    // small chunks, so that kills land between chunks and inside them
    let args = |out: &str| -> Vec<String> {
        [
            "extract",
            input,
            "-o",
            out,
            "--quiet",
            "--chunk-kib",
            "8",
            "--resume",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let reference = dir.path().join("reference.jsonl");
    let status = newsie()
        .args(&args(reference.to_str().unwrap())[..8])
        .status()
        .unwrap();
    assert!(status.success());
    let out = dir.path().join("out.jsonl");
    let out_s = out.to_str().unwrap().to_string();
    // five kill -9 at pseudo-random moments once the run is writing (seed printed, to replay
    // a failure)
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    eprintln!("kill seed {seed}");
    let size = || std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let mut sizes = Vec::new();
    for _ in 0..5 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait_ms = (seed >> 33) % 1500;
        let before = size();
        let mut child = newsie()
            .args(args(&out_s))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while size() <= before
            && child.try_wait().unwrap().is_none()
            && start.elapsed().as_secs() < 120
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(wait_ms));
        let _ = child.kill(); // SIGKILL; the run may have finished
        child.wait().unwrap();
        sizes.push(size());
    }
    let done = newsie().args(args(&out_s)).output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let (got, want) = (
        std::fs::read(&out).unwrap(),
        std::fs::read(&reference).unwrap(),
    );
    eprintln!("output sizes after each kill: {sizes:?} of {}", want.len());
    assert!(
        got == want,
        "resumed output differs from the uninterrupted run"
    );
    // resuming a finished run changes nothing
    let again = newsie().args(args(&out_s)).output().unwrap();
    assert!(again.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), want);
}

#[test]
fn resume_refuses_another_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    std::fs::write(&out, "{\"id\": \"not-in-the-sample\"}\n").unwrap();
    let o = run(
        &[
            "extract",
            &sample(),
            "-o",
            out.to_str().unwrap(),
            "--resume",
            "--chunk-kib",
            "1",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("not the same input"));
}

#[test]
#[ignore = "long: three shards of three copies of the sample (scripts/test runs it)"]
fn shards_together_give_every_record_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_corpus(dir.path(), 3);
    let input = input.to_str().unwrap();
    let all: Vec<String> = records(&run(&["extract", input, "--quiet"], None))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let recs = records(&run(
            &["extract", input, "--quiet", "--shard", &shard],
            None,
        ));
        assert!(!recs.is_empty() && recs.len() < all.len(), "shard {shard}");
        seen.extend(recs.iter().map(|r| r["id"].as_str().unwrap().to_string()));
    }
    seen.sort();
    let mut want = all.clone();
    want.sort();
    assert_eq!(seen, want);
    let bad = run(&["extract", input, "--shard", "4/3"], None);
    assert_eq!(bad.status.code(), Some(2));
}
