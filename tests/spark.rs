//! scripts/spark_extract.py on a local Spark (`local[2]`): the part files, in order, are the
//! single-process output byte for byte. Skips with a message where Java or PySpark is missing
//! (scripts/test installs PySpark from PyPI into the newsie cache where it can).

mod common;

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
#[ignore = "long: a local Spark (scripts/test runs it)"]
fn spark_output_equals_the_single_process_output() {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        common::skipped("spark", "no Java, which Spark needs", false);
        return;
    }
    let Some(python) = common::python_with("pyspark", "NEWSIE_PYSPARK_PYTHON", "pyspark") else {
        common::skipped(
            "spark",
            "no PySpark (pip install pyspark, or run scripts/test)",
            false,
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // the sample corpus 4 times over, ids made unique: several partitions of several chunks
    let input = common::big_corpus(dir.path(), 4);

    let single = dir.path().join("single.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_newsie"))
        .args(["extract", "--quiet", "--threads", "2", "-o"])
        .arg(&single)
        .arg(&input)
        .status()
        .unwrap();
    assert!(status.success());

    let spark = dir.path().join("spark.jsonl");
    let out = Command::new(&python)
        .arg(root().join("scripts/spark_extract.py"))
        .arg(&input)
        .arg("-o")
        .arg(&spark)
        .args(["--single", "--partitions", "3", "--master", "local[2]"])
        .args(["--newsie", env!("CARGO_BIN_EXE_newsie")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "spark_extract.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (got, want) = (
        std::fs::read(&spark).unwrap(),
        std::fs::read(&single).unwrap(),
    );
    assert_eq!(
        String::from_utf8_lossy(&got).lines().count(),
        36,
        "one record per article"
    );
    assert!(
        got == want,
        "Spark's output differs from the single process's"
    );
}
