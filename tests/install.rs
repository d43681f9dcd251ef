//! A copied install runs anywhere: `scripts/install` into a temporary folder, then its
//! `bin/newsie` run from another folder, with no cache and the checkout out of its sight (its
//! HOME elsewhere; nothing found by a path of the build), gives the same bytes on the sample
//! as the checkout's build; and the binary holds no path of the checkout that it looks up.

use std::path::Path;
use std::process::Command;

#[test]
fn an_installed_copy_runs_from_anywhere_with_the_same_output() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = env!("CARGO_BIN_EXE_newsie");
    let prefix = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(repo.join("scripts/install"))
        .arg(prefix.path())
        .args(["--binary", bin, "--link-libtorch"])
        .output()
        .expect("scripts/install runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sample = repo.join("corpus/sample.jsonl");
    let installed = prefix.path().join("bin/newsie");
    // both backends: libtorch, and ONNX Runtime with the exports
    for backend in ["torch", "onnx"] {
        let args = [
            "extract",
            sample.to_str().unwrap(),
            "--quiet",
            "--backend",
            backend,
        ];
        let from_checkout = Command::new(bin).args(args).output().unwrap();
        assert!(from_checkout.status.success());
        let from_install = Command::new(&installed)
            .args(args)
            .current_dir(elsewhere.path())
            .env_clear()
            .env("HOME", elsewhere.path())
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        assert!(
            from_install.status.success(),
            "{backend}: {}",
            String::from_utf8_lossy(&from_install.stderr)
        );
        assert!(!from_checkout.stdout.is_empty());
        assert!(
            from_checkout.stdout == from_install.stdout,
            "{backend}: the installed copy's records differ"
        );
    }

    // no path of the checkout at all, not even libtorch's header names in its assertion
    // messages (scripts/cxx maps the checkout out of __FILE__)
    let bytes = std::fs::read(&installed).unwrap();
    let needle = repo.to_str().unwrap().as_bytes();
    if let Some(i) = bytes.windows(needle.len()).position(|w| w == needle) {
        let end = (i + needle.len() + 60).min(bytes.len());
        panic!(
            "a path of the checkout in the binary: {}",
            String::from_utf8_lossy(&bytes[i..end])
        );
    }
}
