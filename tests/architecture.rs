//! The house's rules, read off the sources (docs/architecture.md): no file over 500 lines, the
//! library's top-level modules import one way down their layers, and no circle of imports
//! between the modules one level below them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

/// The library's top-level modules, lowest first: a module imports only from a lower layer.
const LAYERS: &[&[&str]] = &[
    &["doc", "text", "home"],
    &["error"],
    &["input", "model"],
    &["stages"],
    &["output"],
    &["pipeline", "analysis"],
    &["eval"],
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The library's modules by path (`stages::attribution::role`) with their source files; the
/// binary's own files (main.rs, cli/, bin/) are left out: they use the library by its name.
fn library_modules() -> BTreeMap<Vec<String>, PathBuf> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut mods = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into()).collect();
        if matches!(parts[0].as_str(), "main" | "cli" | "bin") {
            continue;
        }
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
            parts.pop();
        }
        mods.insert(parts, f);
    }
    mods
}

/// The source without its comments (doc text names paths that are not imports).
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a module names: `crate::a::b`, `crate::{a::b, c}`, `super::super::a`.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|w| {
                w.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|w| !w.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|p| ident(p.trim())));
        } else {
            out.push(ident(rest));
        }
    }
    for (i, _) in code.match_indices("super::") {
        // count only the first `super::` of a chain
        if code[..i].ends_with("super::") {
            continue;
        }
        let mut rest = &code[i..];
        let mut path: Vec<String> = module.to_vec();
        while let Some(r) = rest.strip_prefix("super::") {
            path.pop();
            rest = r;
        }
        path.extend(ident(rest));
        out.push(path);
    }
    out
}

/// Module → the modules it imports from, each cut to `depth` segments; `crate::Error` and
/// `crate::Result` are the error module's.
fn imports(depth: usize) -> BTreeMap<String, BTreeSet<String>> {
    let mods = library_modules();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, file) in &mods {
        for mut p in named_paths(m, &code(file)) {
            if matches!(p.first().map(String::as_str), Some("Error" | "Result")) {
                p = vec!["error".into()];
            }
            // the longest prefix that is a module
            let Some(target) = (1..=p.len())
                .rev()
                .map(|n| &p[..n])
                .find(|t| mods.contains_key(*t))
            else {
                continue;
            };
            let cut = |v: &[String]| v[..v.len().min(depth)].join("::");
            let (a, b) = (cut(m), cut(target));
            let nested = a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"));
            if !a.is_empty() && a != b && !nested {
                graph.entry(a).or_default().insert(b);
            }
        }
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for t in w.graph.get(v).into_iter().flatten() {
            let t = t.as_str();
            if !w.index.contains_key(t) {
                visit(w, t);
                let l = w.low[v].min(w.low[t]);
                w.low.insert(v, l);
            } else if w.stack.contains(&t) {
                let l = w.low[v].min(w.index[t]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let at = w.stack.iter().rposition(|x| *x == v).unwrap();
            let comp: Vec<String> = w.stack.drain(at..).map(String::from).collect();
            if comp.len() > 1 {
                w.found.push(comp);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("tests"), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|f| (f, fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > MAX_LINES)
        .map(|(f, n)| format!("{} ({n} lines)", f.display()))
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}

#[test]
fn top_level_modules_import_only_from_lower_layers() {
    let layer = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let graph = imports(1);
    let mut wrong = Vec::new();
    for (a, targets) in &graph {
        let la = layer(a).unwrap_or_else(|| panic!("module {a} is in no layer of LAYERS"));
        for b in targets {
            let lb = layer(b).unwrap_or_else(|| panic!("module {b} is in no layer of LAYERS"));
            if lb >= la {
                wrong.push(format!("{a} -> {b}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports up or across a layer: {wrong:?}");
    // the reader is not blind: the pipeline imports the stages and the output
    assert!(graph["pipeline"].contains("stages") && graph["pipeline"].contains("output"));
}

#[test]
fn no_circle_of_imports_between_modules() {
    for depth in [2, 3] {
        let graph = imports(depth);
        assert!(graph.contains_key("stages::attribution"), "{graph:?}");
        let found = circles(&graph);
        assert!(found.is_empty(), "circles at depth {depth}: {found:?}");
    }
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
            .iter()
            .fold(BTreeMap::new(), |mut g, (x, y)| {
                g.entry(x.to_string()).or_default().insert(y.to_string());
                g
            });
    assert_eq!(circles(&graph).len(), 1);
    assert_eq!(circles(&graph)[0].len(), 3);
}
