//! Helpers shared by the test files that run the `newsie` binary on inputs they write.
#![allow(dead_code)] // each test file uses some

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `newsie extract INPUT --quiet EXTRA...`, on one thread unless EXTRA says otherwise.
pub fn extract_file(input: &Path, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_newsie"));
    cmd.arg("extract").arg(input).arg("--quiet").args(extra);
    if !extra.contains(&"--threads") {
        cmd.args(["--threads", "1"]);
    }
    cmd.output().expect("newsie runs")
}

/// Writes `bytes` to a file with this name and extracts it.
pub fn extract_bytes(name: &str, bytes: &[u8], extra: &[&str]) -> (Vec<Value>, Output) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = extract_file(&path, extra);
    (records(&out), out)
}

/// The records of a run that must have ended normally.
pub fn records(out: &Output) -> Vec<Value> {
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

/// The bundled sample corpus.
pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sample.jsonl")
}

pub fn good(id: &str) -> String {
    json!({"id": id, "text": "Angela Merkel visited Paris on Monday."}).to_string()
}

pub fn no_error(r: &Value) {
    assert!(r["error"].is_null(), "{r}");
}

/// About `bytes` of news-like text: the sample corpus's articles over and over.
pub fn long_text(bytes: usize) -> String {
    let sample = std::fs::read_to_string(sample_path()).unwrap();
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

/// The sample corpus `n` times over, ids made unique, as a JSONL file in `dir`.
pub fn big_corpus(dir: &Path, n: usize) -> PathBuf {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let mut out = String::new();
    for k in 0..n {
        for l in text.lines() {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v["id"] = Value::String(format!("{}-{k}", v["id"].as_str().unwrap()));
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    let p = dir.join("big.jsonl");
    std::fs::write(&p, out).unwrap();
    p
}

/// The record schema, compiled.
pub fn validator() -> jsonschema::JSONSchema {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/record.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::JSONSchema::compile(&schema).expect("schema compiles")
}

/// Panics with the schema's complaints about any of the records.
pub fn assert_valid(records: &[Value]) {
    let v = validator();
    for r in records {
        if let Err(errors) = v.validate(r) {
            let msgs: Vec<String> = errors
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            panic!("record {} breaks the schema: {msgs:?}", r["id"]);
        }
    }
}

/// A models folder of tiny random BERTs with the shipped models' labels, windows and
/// vocabulary (one layer of 32 units): for tests of plumbing (order, counts, memory), not of
/// accuracy, at a fraction of the real models' cost. Written once per test process.
pub fn tiny_models(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join("tiny-models");
    for head in ["ner", "attribution"] {
        let folder = out.join(head);
        std::fs::create_dir_all(&folder).unwrap();
        let shipped = root.join("models").join(head);
        let mut config: Value =
            serde_json::from_str(&std::fs::read_to_string(shipped.join("config.json")).unwrap())
                .unwrap();
        for (k, v) in [
            ("hidden_size", 32),
            ("num_hidden_layers", 1),
            ("num_attention_heads", 2),
            ("intermediate_size", 64),
        ] {
            config[k] = json!(v);
        }
        std::fs::write(folder.join("config.json"), config.to_string()).unwrap();
        let manifest: Value =
            serde_json::from_str(&std::fs::read_to_string(shipped.join("newsie.json")).unwrap())
                .unwrap();
        let tiny = json!({"name": format!("tiny-{head}"), "task": head,
            "casing": manifest["casing"], "window": manifest["window"]});
        std::fs::write(folder.join("newsie.json"), tiny.to_string()).unwrap();
        // the base's vocabulary, so that the windows are the shipped models' windows
        let base = newsie::model::find_set_up("all-minilm-l6-v2/tokenizer.json")
            .expect("the base encoder is set up (scripts/setup)");
        std::fs::copy(base, folder.join("tokenizer.json")).unwrap();
        let config: rust_bert::bert::BertConfig = serde_json::from_value(config).unwrap();
        let vs = tch::nn::VarStore::new(tch::Device::Cpu);
        let _model = rust_bert::bert::BertForTokenClassification::new(vs.root(), &config).unwrap();
        vs.save(folder.join("model.safetensors")).unwrap();
    }
    out
}

/// A Python that imports `module`: the one `$env_var` names, the venv scripts/test links at
/// `.deps/<venv>`, or the system's `python3`.
pub fn python_with(module: &str, env_var: &str, venv: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os(env_var)
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".deps")
            .join(venv)
            .join("bin/python"),
    );
    candidates.push("python3".into());
    candidates.into_iter().find(|py| {
        Command::new(py)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Tiny random models over one encoder: `two/` holds a one-head `ner` and a one-head
/// `attribution` folder, `shared/` one folder with both heads; the same weights in both.
pub fn tiny_shared(dir: &Path) -> (PathBuf, PathBuf) {
    use tch::Tensor;
    let tiny = tiny_models(dir);
    let (two, shared) = (dir.join("two"), dir.join("shared"));
    let read = |p: PathBuf| Tensor::read_safetensors(p).unwrap();
    let ner = read(tiny.join("ner/model.safetensors"));
    let attribution = read(tiny.join("attribution/model.safetensors"));
    let mut both: Vec<(String, Tensor)> = Vec::new();
    for (head, tensors) in [("ner", &ner), ("attribution", &attribution)] {
        let folder = two.join(head);
        std::fs::create_dir_all(&folder).unwrap();
        for f in ["config.json", "newsie.json", "tokenizer.json"] {
            std::fs::copy(tiny.join(head).join(f), folder.join(f)).unwrap();
        }
        // the ner model's encoder under each head
        let mut one: Vec<(String, Tensor)> = ner
            .iter()
            .filter(|(n, _)| n.starts_with("bert."))
            .map(|(n, t)| (n.clone(), t.shallow_clone()))
            .collect();
        for (n, t) in tensors.iter().filter(|(n, _)| n.starts_with("classifier.")) {
            one.push((n.clone(), t.shallow_clone()));
            let rest = n.strip_prefix("classifier.").unwrap();
            both.push((format!("heads.{head}.{rest}"), t.shallow_clone()));
        }
        Tensor::write_safetensors(&one, folder.join("model.safetensors")).unwrap();
    }
    both.extend(
        ner.iter()
            .filter(|(n, _)| n.starts_with("bert."))
            .map(|(n, t)| (n.clone(), t.shallow_clone())),
    );
    let folder = shared.join("both");
    std::fs::create_dir_all(&folder).unwrap();
    Tensor::write_safetensors(&both, folder.join("model.safetensors")).unwrap();
    std::fs::copy(
        tiny.join("ner/tokenizer.json"),
        folder.join("tokenizer.json"),
    )
    .unwrap();
    let labels = |head: &str| -> Value {
        let c: Value = serde_json::from_str(
            &std::fs::read_to_string(tiny.join(head).join("config.json")).unwrap(),
        )
        .unwrap();
        let map = c["id2label"].as_object().unwrap();
        (0..map.len())
            .map(|i| map[&i.to_string()].clone())
            .collect()
    };
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(tiny.join("ner/config.json")).unwrap())
            .unwrap();
    let obj = config.as_object_mut().unwrap();
    obj.remove("id2label");
    obj.remove("label2id");
    std::fs::write(folder.join("config.json"), config.to_string()).unwrap();
    let one: Value =
        serde_json::from_str(&std::fs::read_to_string(tiny.join("ner/newsie.json")).unwrap())
            .unwrap();
    let manifest = json!({"name": "tiny-shared", "task": ["ner", "attribution"],
        "heads": {"ner": labels("ner"), "attribution": labels("attribution")},
        "casing": one["casing"], "window": one["window"]});
    std::fs::write(folder.join("newsie.json"), manifest.to_string()).unwrap();
    (two, shared)
}

/// A test (or a part of one) that cannot run here says so: on stderr, and as a line in the file
/// `NEWSIE_SKIP_LOG` names, which `scripts/test` counts in its summary. `data`: what is missing
/// is data (`../shared/data`), which `NEWSIE_REQUIRE_DATA=1` turns into a failure; else a tool
/// (a browser, Java), which only counts.
pub fn skipped(test: &str, why: &str, data: bool) {
    if data && std::env::var("NEWSIE_REQUIRE_DATA").is_ok_and(|v| v == "1") {
        panic!("{test}: {why}, and NEWSIE_REQUIRE_DATA=1");
    }
    eprintln!("SKIPPED {test}: {why}");
    if let Some(log) = std::env::var_os("NEWSIE_SKIP_LOG") {
        use std::io::Write;
        let line = format!("{test}: {why}\n");
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = f.write_all(line.as_bytes());
        }
    }
}
